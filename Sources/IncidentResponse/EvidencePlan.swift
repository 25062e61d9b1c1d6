public import FoundationEssentials
public import HostAccess

/// What a collection copies, in order (RFC 3227's order of volatility; design §3): attt's own record,
/// the logs that answer "who logged in, what was installed", each boot's journal, the rest of
/// /var/log, /etc file by file, then the unit's evidence paths and the officer's `--path`. The live
/// state comes before all of these (``LiveHostState``).
///
/// The plan is made by walking the host through its ``HostRoot``: links are listed, never followed
/// (a link out of the root is a trace, not a way out); secrets are excluded with the reason.
public struct EvidencePlan: Sendable {
    public enum Category: String, Codable, Sendable, CaseIterable {
        case live, attt, logs, journal, varLog = "var-log", etc, paths
    }

    public struct Source: Codable, Sendable, Hashable {
        public var category: Category
        /// The host path, or `journal:<boot id>` for a boot's journal export.
        public var path: String
    }

    public struct Left: Codable, Sendable, Hashable {
        public var path: String
        public var reason: String
    }

    public var sources: [Source] = []
    /// Sources left out on purpose (secrets), with why.
    public var excluded: [Left] = []
    /// What could not be listed or is not a file (links, directories too large).
    public var unlisted: [Left] = []

    /// Bounds: a hostile tree (a directory of millions of empty files) must not make the walk endless.
    public struct Limits: Sendable {
        public var maxSources = 500_000
        public var maxDepth = 32
        public init() {}
    }

    /// Never copied (design §3): the PC's own key would let whoever holds the disk be the PC at the
    /// collector; the SSH host keys, the server; a backup password, the backups.
    static func secret(_ hostPath: String) -> String? {
        let name = hostPath.split(separator: "/").last.map(String.init) ?? ""
        if hostPath == "/var/lib/attt/identity/host.key" { return "khoá riêng của máy (định danh với máy chủ thu thập): không sao chép" }
        if hostPath.hasPrefix("/etc/ssh/"), name.hasPrefix("ssh_host_"), name.hasSuffix("_key") { return "khoá riêng SSH của máy: không sao chép" }
        if (hostPath.hasPrefix("/etc/restic/") || hostPath.hasPrefix("/etc/borg")) && (name.contains("pass") || name.hasSuffix(".key")) {
            return "mật khẩu/khoá của bản sao lưu: không sao chép"
        }
        return nil
    }

    /// The first logs of §3 point 3, by name: `auth.log*`, `audit/`, `wtmp`, `btmp`, `lastlog`, `apt/`, `dpkg.log*`, `syslog*`.
    static func isKeyLog(_ name: String) -> Bool {
        ["auth.log", "dpkg.log", "syslog"].contains { name.hasPrefix($0) } || ["wtmp", "btmp", "lastlog", "audit", "apt"].contains(name)
    }

    /// Walks the host: the fixed order of §3, then `evidencePaths` (the unit's INC-001 list and `--path`).
    /// `skipping` holds paths of this machine never walked into: the destination, when a `--path`
    /// (`/media`) holds the disk it is mounted on, would otherwise be copied into itself.
    public static func make(host: HostRoot, boots: [String], evidencePaths: [String], skipping: [String] = [], limits: Limits = Limits()) -> EvidencePlan {
        var plan = EvidencePlan()
        var taken = Set<String>()
        func add(_ category: Category, _ hostPath: String, depth: Int = 0) {
            guard plan.sources.count < limits.maxSources, depth < limits.maxDepth, !taken.contains(hostPath) else { return }
            if let target = host.linkTarget(hostPath) {
                taken.insert(hostPath)
                plan.unlisted.append(Left(path: hostPath, reason: "liên kết tượng trưng tới \(target): ghi lại, không đi theo"))
                return
            }
            guard host.exists(hostPath) else { return }
            if !skipping.isEmpty, skipping.contains(host.local(hostPath)) {
                taken.insert(hostPath)
                plan.unlisted.append(Left(path: hostPath, reason: "là thư mục đích của bộ chứng cứ: không sao chép vào chính nó"))
                return
            }
            if host.isDirectory(hostPath) {
                do {
                    for name in try host.list(hostPath) { add(category, (hostPath == "/" ? "" : hostPath) + "/" + name, depth: depth + 1) }
                } catch {
                    plan.unlisted.append(Left(path: hostPath, reason: "không liệt kê được: \(error)"))
                }
                taken.insert(hostPath)
                return
            }
            taken.insert(hostPath)
            if let reason = secret(hostPath) {
                plan.excluded.append(Left(path: hostPath, reason: reason))
                return
            }
            plan.sources.append(Source(category: category, path: hostPath))
        }
        for path in ["/var/lib/attt/transactions", "/var/log/attt", "/var/lib/attt/incidents"] { add(.attt, path) }
        let logNames = ((try? host.list("/var/log")) ?? []).filter(isKeyLog)
        for name in logNames { add(.logs, "/var/log/" + name) }
        for boot in boots { plan.sources.append(Source(category: .journal, path: "journal:" + boot)) }
        add(.varLog, "/var/log")
        add(.etc, "/etc")
        for path in evidencePaths { add(.paths, path.hasPrefix("/") ? path : "/" + path) }
        return plan
    }
}
