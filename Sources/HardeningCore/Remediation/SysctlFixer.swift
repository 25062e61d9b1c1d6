import FoundationEssentials

/// VN-TD-NET-002 (Điều 6 — Trang thiết bị — khoản 4: limit denial-of-service attacks): the kernel
/// parameters in `/etc/sysctl.d/60-vn-td.conf`. systemd-sysctl applies the LAST value it reads, so a
/// line in a file read later (Debian's 99-sysctl.conf is /etc/sysctl.conf) that sets one of them back
/// is commented out, with a note; a package's file in /usr/lib or /lib is not edited but hidden the
/// systemd way, by a copy of the same name in /etc/sysctl.d with that line commented out. On the live
/// host the new values are applied at once with `sysctl -p`.
public struct SysctlFixer: Fixer {
    public let name = "sysctl"
    public init() {}

    public static let dropIn = "/etc/sysctl.d/60-vn-td.conf"
    static let packageDirectories = ["/usr/lib/sysctl.d/", "/lib/sysctl.d/", "/usr/local/lib/sysctl.d/", "/run/sysctl.d/"]

    public func reads(_ facts: HostFacts) -> [String] {
        guard let kernel = facts.network.value?.kernel else { return [] }
        return [Self.dropIn] + Self.required(kernel, recommended: true).compactMap { parameter, _ in
            let path = parameter.configured.source.path
            return path.hasPrefix("default:") || path == Self.dropIn ? nil : path
        }
    }

    /// Each parameter the control asks for, with the value attt sets.
    static func required(_ kernel: KernelNetworkParameters, recommended: Bool) -> [(KernelParameter, String)] {
        var list = [(kernel.tcpSyncookies, "1"), (kernel.acceptRedirects, "0"), (kernel.defaultAcceptRedirects, "0"), (kernel.ipv6AcceptRedirects, "0")]
        // Loose reverse-path filtering: strict (1) breaks VPN and multi-homed routes.
        if recommended && !["1", "2"].contains(kernel.rpFilter.configured.value) { list.append((kernel.rpFilter, "2")) }
        return list
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let kernel = context.facts.network.value?.kernel else {
            throw FixError.cannotFix(context.control.id, "the kernel parameters could not be read")
        }
        let required = Self.required(kernel, recommended: context.profile == .recommended)
        var actions: [RemediationAction] = []
        // Lines read after the drop-in that set a parameter to another value.
        var overriding: [String: Set<Int>] = [:]
        for (parameter, value) in required where parameter.configured.value != value {
            let source = parameter.configured.source
            guard let line = source.line, !source.path.hasPrefix("default:"), source.path != Self.dropIn else { continue }
            overriding[source.path, default: []].insert(line)
        }
        let note = "attt \(context.control.id) (Điều 6 khoản 4): this line undid \(Self.dropIn)"
        for (path, lines) in overriding.sorted(by: { $0.key < $1.key }) {
            guard let text = context.text(path) else { continue }
            let edited = ConfigEdit.commentOut(lines: lines, in: text, note: note)
            if let directory = Self.packageDirectories.first(where: path.hasPrefix) {
                actions.append(.writeFile(path: "/etc/sysctl.d/" + path.dropFirst(directory.count), content: Data(edited.utf8), mode: 0o644))
            } else {
                actions.append(.writeFile(path: path, content: Data(edited.utf8), mode: 0o644))
            }
        }
        var text: String
        if let current = context.text(Self.dropIn) {
            text = current
            for (parameter, value) in required { text = ConfigEdit.set(parameter.name, to: value, in: text, style: .equals) }
        } else {
            text = "# attt \(context.control.id) (Điều 6 — Trang thiết bị — khoản 4): limit denial-of-service attacks on this host.\n"
                + required.map { "\($0.0.name) = \($0.1)\n" }.joined()
        }
        if text != context.text(Self.dropIn) {
            actions.append(.writeFile(path: Self.dropIn, content: Data(text.utf8), mode: 0o644))
        }
        // The running kernel: only this machine's, never a mounted tree's.
        if context.root == "/" {
            actions.append(.runCommand(arguments: ["sysctl", "-q", "-p", Self.dropIn], touches: [], inRoot: false))
        }
        return actions
    }
}
