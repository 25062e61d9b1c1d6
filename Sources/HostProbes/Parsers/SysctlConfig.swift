import HardeningCore
import HostAccess

/// Kernel parameters as `systemd-sysctl` applies them at boot (sysctl.d(5), systemd 252):
///
/// - `*.conf` files from `/etc/sysctl.d`, `/run/sysctl.d`, `/usr/local/lib/sysctl.d`,
///   `/usr/lib/sysctl.d` and `/lib/sysctl.d`; a file in an earlier directory hides one of the same name
///   in a later one (so `/etc` overrides a package's file);
/// - all files in the order of their names, whatever their directory, and a later assignment wins
///   (Debian's `/etc/sysctl.d/99-sysctl.conf` links to `/etc/sysctl.conf`, so that file comes late);
/// - `net.ipv4.conf.all.rp_filter` and `net/ipv4/conf/all/rp_filter` name the same parameter (the first
///   separator decides, so `net/ipv4/conf/eth0.10/rp_filter` keeps its dot);
/// - a key with a glob (`net.ipv4.conf.*.rp_filter`) applies to every parameter it matches that no
///   line names explicitly, and `-key` without a value takes a parameter out of the globs.
struct SysctlConfig {
    struct Assignment: Sendable {
        /// Slash form (`net/ipv4/tcp_syncookies`), as the parameter's path under /proc/sys.
        var path: String
        var value: String
        var source: SourceLocation
    }

    static let directories = ["/etc/sysctl.d", "/run/sysctl.d", "/usr/local/lib/sysctl.d", "/usr/lib/sysctl.d", "/lib/sysctl.d"]

    /// Explicit assignments, the last one of each parameter.
    var explicit: [String: Assignment] = [:]
    /// Glob assignments in the order applied.
    var globs: [Assignment] = []
    /// Parameters taken out of the globs.
    var excluded: Set<String> = []
    /// The files read, in order.
    var files: [String] = []

    /// The value configured for a parameter (slash or dot form): an explicit line, else the last glob
    /// line that matches it; nil when nothing sets it (the kernel's default applies).
    func value(_ key: String) -> Assignment? {
        let path = Self.normalize(key)
        if let a = explicit[path] { return a }
        guard !excluded.contains(path) else { return nil }
        return globs.last { Glob($0.path).matches(path) }
    }

    /// What an integer parameter holds after systemd-sysctl writes `value`: the kernel reads the first
    /// word as `strtol(…, 0)` does (`010` is 8) and refuses what is not a number or is out of the
    /// parameter's range (`tcp_syncookies` is a byte); `nil` when refused, and the parameter keeps the
    /// value it had, at boot the kernel's default (systemd-sysctl logs "Couldn't write" and goes on).
    static func kernelInteger(_ value: String, range: ClosedRange<Int>) -> Int? {
        guard let word = value.fields.first, let n = CInteger.strtol(word), range.contains(n) else { return nil }
        return n
    }

    /// Dot form `a.b.c` → `a/b/c`; slash form kept; in slash form a dot is part of a name.
    static func normalize(_ key: String) -> String {
        guard let first = key.firstIndex(where: { $0 == "." || $0 == "/" }) else { return key }
        if key[first] == "/" { return key }
        return String(key.map { $0 == "." ? "/" : $0 == "/" ? "." : $0 })
    }

    /// `net/ipv4/tcp_syncookies` → `net.ipv4.tcp_syncookies`, for people.
    static func dotted(_ path: String) -> String {
        String(path.map { $0 == "/" ? "." : $0 == "." ? "/" : $0 })
    }

    /// `linkTarget` names the file a link points to, so evidence says `/etc/sysctl.conf:71`, not the link.
    static func load(
        readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String],
        linkTarget: (String) -> String? = { _ in nil }
    ) throws(ProbeError) -> SysctlConfig {
        // Name → the file that counts (first directory wins).
        var chosen: [String: String] = [:]
        for directory in directories {
            for name in try list(directory) where name.hasSuffix(".conf") && chosen[name] == nil {
                chosen[name] = "\(directory)/\(name)"
            }
        }
        var config = SysctlConfig()
        for name in chosen.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            var path = chosen[name]!
            guard let text = try readFile(path) else { continue }
            if let target = linkTarget(path) {
                path = target.hasPrefix("/") ? target : SharesProbe.normalize(path + "/../" + target)
            }
            config.files.append(path)
            config.read(text, path: path)
        }
        return config
    }

    mutating func read(_ text: String, path: String) {
        for line in ConfigLines.meaningful(text, comment: ["#", ";"]) {
            var content = Substring(line.text.trimmed)
            let ignoreFailure = content.hasPrefix("-")
            if ignoreFailure { content = content.dropFirst() }
            guard let eq = content.firstIndex(of: "=") else {
                // `-key` alone: no value, only an exclusion from the globs.
                if ignoreFailure { excluded.insert(Self.normalize(content.trimmed)) }
                continue
            }
            let key = Self.normalize(content[..<eq].trimmed)
            guard !key.isEmpty else { continue }
            let assignment = Assignment(path: key, value: content[content.index(after: eq)...].trimmed, source: SourceLocation(path: path, line: line.number))
            if Glob(key).isLiteral { explicit[key] = assignment } else { globs.append(assignment) }
        }
    }
}
