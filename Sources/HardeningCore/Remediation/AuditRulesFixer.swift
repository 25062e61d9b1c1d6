import FoundationEssentials

/// VN-TD-LOG-001 (Điều 7 khoản 4; Điều 9 khoản 3: login and configuration-change events are
/// recorded): installs auditd, writes the catalogue's watches to `/etc/audit/rules.d/50-vn-td.rules`
/// and has augenrules merge them into `/etc/audit/audit.rules`. Never `-e 2`: locked rules could only
/// be changed (or this fix rolled back) by a reboot.
public struct AuditRulesFixer: Fixer {
    public let name = "audit-rules"
    public init() {}

    public static let rulesFile = "/etc/audit/rules.d/50-vn-td.rules"
    public static let enabledLink = "/etc/systemd/system/multi-user.target.wants/auditd.service"

    public func reads(_ facts: HostFacts) -> [String] { [Self.rulesFile] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let packages = context.facts.packages.value else { throw FixError.cannotFix(context.control.id, "the installed packages could not be read") }
        let installed = Set(packages.installed.map(\.name))
        var actions: [RemediationAction] = []
        if !installed.contains("auditd") {
            // Its postinst enables auditd.service and runs augenrules once.
            actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "auditd"], touches: [], inRoot: true))
        } else if !(context.facts.services.enabled.value ?? []).contains(where: { $0.unit == "auditd.service" }) {
            let root = context.root == "/" ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable", "auditd.service"], touches: [Self.enabledLink], inRoot: false))
        }
        let text = Self.rules(context, installed: installed)
        if context.files[Self.rulesFile] != Data(text.utf8) {
            actions.append(.writeFile(path: Self.rulesFile, content: Data(text.utf8), mode: 0o640))
        }
        guard !actions.isEmpty else { return [] }
        // Live: merge and load into the kernel. In another root only merge: auditctl there would load
        // the rules into the kernel running attt, not into the host being prepared.
        let merge = context.root == "/" ? ["augenrules", "--load"] : ["augenrules"]
        actions.append(.runCommand(arguments: merge, touches: ["/etc/audit/audit.rules", "/etc/audit/audit.rules.prev"], inRoot: true))
        return actions
    }

    /// One `-w PATH -p wa -k KEY` per required file, each after a comment naming its clause. A watch
    /// another rules file already has is left to it: auditctl refuses the same rule twice, and one
    /// refused rule stops `auditctl -R`.
    static func rules(_ context: FixContext, installed: Set<String>) -> String {
        let elsewhere = Set((context.facts.logging.value?.audit.watches ?? []).filter {
            $0.source.path != rulesFile && $0.permissions.contains("w") && $0.permissions.contains("a")
        }.map(\.path))
        var lines = [
            "## attt VN-TD-LOG-001 — Điều 7 khoản 4, Điều 9 khoản 3: ghi nhật ký đăng nhập và thao tác cấu hình.",
            "## Written by attt from the policy's audit catalogue; tailor the catalogue, not this file.",
            "## No -e 2 here: locked rules could only be changed by a reboot.",
        ]
        var seen: Set<String> = []
        let required = (context.catalogs["audit.watches"] ?? []) + (context.catalogs["audit.package_watches"] ?? []).filter {
            $0["package"]?.stringValue.map(installed.contains) ?? true
        }
        for entry in required {
            guard let path = entry["path"]?.stringValue, !elsewhere.contains(path), seen.insert(path).inserted else { continue }
            let key = entry["key"]?.stringValue ?? "vn-td"
            lines.append("# Điều 7 khoản 4: \(entry["clause"]?.stringValue ?? "thay đổi cấu hình") — \(path)")
            lines.append("-w \(path) -p wa -k \(key)")
        }
        return lines.joined(separator: "\n") + "\n"
    }
}
