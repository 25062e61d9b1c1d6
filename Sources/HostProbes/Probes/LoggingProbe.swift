import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// What the kernel's audit subsystem reported, handed in by the caller that may ask it (the agent,
/// through LinuxAudit); HostProbes itself reads files only.
public enum KernelAuditReading: Sendable {
    /// `auditctl -s` values and the rules as `auditctl -l` prints them.
    case read(enabled: Int, failure: Int, pid: Int, backlog: Int, backlogLimit: Int, lost: Int, rules: [String])
    case unreadable(String)
}

/// VN-TD-LOG-001 and VN-TD-LOG-002: audit rules (kernel or files), journald, logrotate for the
/// authentication log, auditd.conf and how full `/var/log` is.
struct LoggingProbe {
    let host: HostRoot
    /// Asked only when the root is `/`: a fixture or a mounted image is never the running kernel.
    let kernel: (@Sendable () -> KernelAuditReading)?

    static let authLog = "/var/log/auth.log"

    func collect() throws -> LoggingFacts {
        LoggingFacts(audit: try audit(), journald: try journald(), authLogRotation: try authLogRotation(), auditd: try auditd(), varLogUsedPercent: varLogUsed())
    }

    // MARK: Audit rules

    func audit() throws -> AuditFacts {
        // A fixture or a mounted image is not the running kernel's host: only its files count.
        let reading: KernelAuditReading = !host.isLiveHost ? .unreadable("the root is not /") : (kernel?() ?? .unreadable("no kernel reader in this program"))
        return try audit(reading)
    }

    func audit(_ reading: KernelAuditReading) throws -> AuditFacts {
        switch reading {
        case .read(let enabled, let failure, let pid, let backlog, let backlogLimit, let lost, let lines):
            let status = SourceLocation(path: "kernel:auditctl -s")
            var rules = AuditRules()
            rules.read(lines.joined(separator: "\n"), path: "kernel:auditctl -l")
            // What the files would load at the next boot; a file auditctl would refuse counts as loading nothing.
            let persisted = (try? auditFromFiles(reason: "compared"))?.watches ?? []
            let loaded = Set(rules.watches.map(Self.identity)), saved = Set(persisted.map(Self.identity))
            return AuditFacts(
                source: Sourced("kernel", status), enabled: Sourced(enabled, status), daemonPid: Sourced(pid, status),
                failure: failure, backlog: backlog, backlogLimit: backlogLimit, lost: lost, watches: rules.watches,
                notInFiles: rules.watches.map(Self.identity).filter { !saved.contains($0) },
                notLoaded: persisted.map(Self.identity).filter { !loaded.contains($0) }
            )
        case .unreadable(let reason):
            return try auditFromFiles(reason: reason)
        }
    }

    /// A watch as both sides can name it: `/etc/passwd -p wa`.
    static func identity(_ watch: AuditWatch) -> String { "\(watch.path) -p \(watch.permissions.joined())" }

    /// What the kernel will load at the next boot: the rules.d files merged as augenrules does, or
    /// `/etc/audit/audit.rules` when rules.d has none.
    func auditFromFiles(reason: String) throws -> AuditFacts {
        let directory = "/etc/audit/rules.d"
        var rules = AuditRules()
        let names = AuditRules.augenrulesOrder(try host.list(directory))
        var read = 0
        for name in names {
            guard let text = try host.text("\(directory)/\(name)") else { continue }
            rules.read(text, path: "\(directory)/\(name)", augenrules: true)
            read += 1
        }
        var where_ = directory
        if read == 0, let text = try host.text("/etc/audit/audit.rules") {
            rules.read(text, path: "/etc/audit/audit.rules")
            where_ = "/etc/audit/audit.rules"
        }
        if !rules.problems.isEmpty {
            // auditctl -R stops at such a line, so what is loaded is unknown: say where, not guess.
            throw ProbeError(path: where_, reason: rules.problems.joined(separator: "; ") + " — check with augenrules --check")
        }
        return AuditFacts(
            source: Sourced("rules files, kernel not readable: \(reason)", SourceLocation(path: where_)),
            enabled: rules.enabled, daemonPid: nil, failure: nil, backlog: nil, backlogLimit: nil, lost: nil, watches: rules.watches
        )
    }

    // MARK: journald

    func journald() throws -> JournaldFacts {
        let config = try JournaldConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) }
        )
        let systemd = SourceLocation.builtin("systemd-journald")
        let storage = config.values["Storage"] ?? Sourced("auto", systemd)
        let directory = Sourced(host.isDirectory("/var/log/journal"), SourceLocation(path: "/var/log/journal"))
        var retention: Sourced<Double>? = nil
        if let span = config.values["MaxRetentionSec"], !span.value.isEmpty {
            guard let days = JournaldConfig.days(span.value) else {
                throw ProbeError(path: span.source.description, reason: "MaxRetentionSec=\(span.value) is not a time span")
            }
            retention = Sourced(days, span.source)
        }
        func set(_ key: String) -> Sourced<String>? { config.values[key].flatMap { $0.value.isEmpty ? nil : $0 } }
        return JournaldFacts(
            storage: storage, journalDirectory: directory,
            persistent: storage.value == "persistent" || (storage.value == "auto" && directory.value),
            systemMaxUse: set("SystemMaxUse"), systemKeepFree: set("SystemKeepFree"), maxRetentionDays: retention, files: config.files
        )
    }

    // MARK: logrotate

    func authLogRotation() throws -> LogRotation? {
        let config = try LogrotateConfig.load(
            "/etc/logrotate.conf",
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) },
            isDirectory: { host.isDirectory($0) }
        )
        if !config.problems.isEmpty {
            throw ProbeError(path: "/etc/logrotate.conf", reason: config.problems.joined(separator: "; ") + " — check with logrotate -d")
        }
        return config.stanza(for: Self.authLog).map { LogrotateConfig.rotation($0, log: Self.authLog) }
    }

    // MARK: auditd.conf

    /// auditd 3.0's compiled-in defaults are those of Debian's shipped file.
    func auditd() throws -> AuditdSettings? {
        let path = "/etc/audit/auditd.conf"
        guard let text = try host.text(path) else { return nil }
        var values: [String: Sourced<String>] = [:]
        for a in ConfigLines.assignments(text, path: path) {
            guard let value = a.value else { throw ProbeError(path: a.source.description, reason: "\(a.key): not key = value (auditd refuses to start)") }
            values[a.key.lowercased()] = Sourced(value, a.source)
        }
        let auditd = SourceLocation.builtin("auditd")
        func word(_ key: String, _ fallback: String) -> Sourced<String> {
            values[key].map { Sourced($0.value.uppercased(), $0.source) } ?? Sourced(fallback, auditd)
        }
        func number(_ key: String, _ fallback: Int) throws -> Sourced<Int> {
            guard let v = values[key] else { return Sourced(fallback, auditd) }
            guard let n = Int(v.value), n >= 0 else { throw ProbeError(path: v.source.description, reason: "\(key) = \(v.value) is not a number") }
            return Sourced(n, v.source)
        }
        let size = try number("max_log_file", 8), count = try number("num_logs", 5)
        return AuditdSettings(
            maxLogFile: size, numLogs: count, retainedMegabytes: size.value * max(count.value, 1),
            maxLogFileAction: word("max_log_file_action", "ROTATE"), spaceLeftAction: word("space_left_action", "SYSLOG"),
            diskFullAction: word("disk_full_action", "SUSPEND")
        )
    }

    // MARK: /var/log

    /// `df /var/log` on the live host; under another root the filesystem is the one the tree was
    /// copied to, not the host's, so nothing is reported.
    func varLogUsed() -> Sourced<Int>? {
        guard host.isLiveHost else { return nil }
        var s = statvfs()
        guard statvfs("/var/log", &s) == 0, s.f_blocks > 0 else { return nil }
        let used = Double(s.f_blocks - s.f_bfree), usable = used + Double(s.f_bavail)
        guard usable > 0 else { return nil }
        return Sourced(Int((used / usable * 100).rounded(.up)), SourceLocation(path: "statvfs:/var/log"))
    }
}
