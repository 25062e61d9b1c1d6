import FoundationEssentials
public import HardeningCore
public import HostAccess

/// Writes a service's stacks with every include resolved, as one flat file.
///
/// Linux-PAM 1.5 reads `@include` and `include` from /etc/pam.d even under `pam_start_confdir`, so a
/// staged Debian stack (all includes) can only be tried with real PAM once it is flat.
public enum PamFlattener {
    public struct Flat: Sendable {
        public var text: String
        /// Modules the stack names that are not installed under the root (auth, account and password).
        public var missingModules: [String]
        public var problems: [String]
    }

    static let moduleDirectories = [
        "/lib/x86_64-linux-gnu/security", "/usr/lib/x86_64-linux-gnu/security", "/lib/aarch64-linux-gnu/security",
        "/usr/lib/aarch64-linux-gnu/security", "/lib/security", "/usr/lib/security", "/lib64/security", "/usr/lib64/security",
    ]

    /// Flattens `service` from the `pam.d` directory `directory` under `root`.
    public static func flatten(root: HostRoot, directory: String = "/etc/pam.d", service: String) throws -> Flat {
        var resolver = PamStackResolver(directory: directory) { path throws(ProbeError) in try root.text(path) }
        var lines: [String] = ["# \(service), flattened by attt for a trial run of the stack"]
        var missing: [String] = []
        var problems: [String] = []
        for type in ["auth", "account", "password", "session"] {
            for entry in try resolver.stack(service: service, type: type) {
                switch entry {
                case .substack(let marker, _):
                    problems.append("\(marker.source): a substack cannot be flattened; this stack is not tried")
                case .rule(let rule, _):
                    let arguments = rule.arguments.map { $0.contains(" ") ? "[" + $0.replacing("]", with: "\\]") + "]" : $0 }
                    lines.append(([rule.type, rule.control, rule.module] + arguments).joined(separator: " "))
                    if type != "session", !rule.module.hasPrefix("/") {
                        let found = moduleDirectories.contains { root.exists("\($0)/\(rule.module)") }
                        if !found && !missing.contains(rule.module) { missing.append(rule.module) }
                    }
                }
            }
        }
        return Flat(text: lines.joined(separator: "\n") + "\n", missingModules: missing, problems: problems + resolver.problems)
    }
}
