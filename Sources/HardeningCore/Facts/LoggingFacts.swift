/// What the host records and how long it keeps it (Điều 7 khoản 4: "ghi nhật ký… hạn chế việc tràn
/// log file"; Điều 9 khoản 3): the audit watches on identity and configuration files, the journal's
/// storage and caps, rotation of the authentication log, auditd's own log handling, and the clock.
public struct LoggingFacts: Codable, Sendable, Hashable {
    public var audit: AuditFacts
    public var journald: JournaldFacts
    /// How long `/var/log/auth.log` is kept by logrotate; nil when no logrotate stanza names it.
    public var authLogRotation: LogRotation?
    /// `/etc/audit/auditd.conf`, when it exists.
    public var auditd: AuditdSettings?
    /// Percentage of the filesystem holding `/var/log` in use; live host only (root `/`).
    public var varLogUsedPercent: Sourced<Int>?

    public init(audit: AuditFacts, journald: JournaldFacts, authLogRotation: LogRotation?, auditd: AuditdSettings?, varLogUsedPercent: Sourced<Int>?) {
        self.audit = audit
        self.journald = journald
        self.authLogRotation = authLogRotation
        self.auditd = auditd
        self.varLogUsedPercent = varLogUsedPercent
    }
}

/// The audit rules in force: read from the kernel when attt may ask it, else from the rules files.
public struct AuditFacts: Codable, Sendable, Hashable {
    /// `kernel`, or `rules files, kernel not readable: <reason>`: evidence says which one was used.
    public var source: Sourced<String>
    /// 0 off, 1 on, 2 locked: the kernel's status, or the last `-e` of the rules files (absent: not set).
    public var enabled: Sourced<Int>?
    /// Kernel only: the pid of the daemon taking the records (0: none, so they only reach the kernel log).
    public var daemonPid: Sourced<Int>?
    /// Kernel only (`auditctl -s`): failure mode, backlog, its limit and records lost.
    public var failure: Int?
    public var backlog: Int?
    public var backlogLimit: Int?
    public var lost: Int?
    /// File watches, as `-w` or as `-a always,exit -F path=|dir= -F perm=`.
    public var watches: [AuditWatch]
    /// Read from the kernel only, compared with the rules files (`auditctl -l` against rules.d): watches
    /// loaded now that the files would not load again at boot, and watches in the files that are not
    /// loaded (augenrules --load not run, or auditctl stopped at a bad rule). Each is `path -p perms`.
    public var notInFiles: [String]?
    public var notLoaded: [String]?

    public init(source: Sourced<String>, enabled: Sourced<Int>?, daemonPid: Sourced<Int>? = nil, failure: Int?, backlog: Int?, backlogLimit: Int?, lost: Int?, watches: [AuditWatch], notInFiles: [String]? = nil, notLoaded: [String]? = nil) {
        self.source = source
        self.enabled = enabled
        self.daemonPid = daemonPid
        self.failure = failure
        self.backlog = backlog
        self.backlogLimit = backlogLimit
        self.lost = lost
        self.watches = watches
        self.notInFiles = notInFiles
        self.notLoaded = notLoaded
    }
}

public struct AuditWatch: Codable, Sendable, Hashable {
    /// The file or directory watched; a directory's watch covers everything beneath it.
    public var path: String
    /// `r`, `w`, `x`, `a`, one letter an item (a watch without `-p` records all four).
    public var permissions: [String]
    public var keys: [String]
    public var source: SourceLocation

    public init(path: String, permissions: [String], keys: [String], source: SourceLocation) {
        self.path = path
        self.permissions = permissions
        self.keys = keys
        self.source = source
    }
}

/// systemd-journald's settings after its drop-ins, each with the file and line that set it.
public struct JournaldFacts: Codable, Sendable, Hashable {
    /// `Storage=`: volatile, persistent, auto (the default) or none.
    public var storage: Sourced<String>
    /// `/var/log/journal` exists (with `auto`, that makes the journal persistent).
    public var journalDirectory: Sourced<Bool>
    /// Kept across reboots: `persistent`, or `auto` with `/var/log/journal` present.
    public var persistent: Bool
    public var systemMaxUse: Sourced<String>?
    public var systemKeepFree: Sourced<String>?
    /// `MaxRetentionSec=` in days (0 or absent: no age limit).
    public var maxRetentionDays: Sourced<Double>?
    /// The files read, in the order journald applies them.
    public var files: [String]

    public init(storage: Sourced<String>, journalDirectory: Sourced<Bool>, persistent: Bool, systemMaxUse: Sourced<String>?, systemKeepFree: Sourced<String>?, maxRetentionDays: Sourced<Double>?, files: [String]) {
        self.storage = storage
        self.journalDirectory = journalDirectory
        self.persistent = persistent
        self.systemMaxUse = systemMaxUse
        self.systemKeepFree = systemKeepFree
        self.maxRetentionDays = maxRetentionDays
        self.files = files
    }
}

/// A log's logrotate schedule: period × count is how many days of old logs are kept.
public struct LogRotation: Codable, Sendable, Hashable {
    public var log: String
    /// daily, weekly, monthly or yearly.
    public var period: Sourced<String>
    public var rotate: Sourced<Int>
    public var days: Int
    /// Where the stanza naming the log starts (`/etc/logrotate.d/rsyslog:1`).
    public var stanza: SourceLocation

    public init(log: String, period: Sourced<String>, rotate: Sourced<Int>, days: Int, stanza: SourceLocation) {
        self.log = log
        self.stanza = stanza
        self.period = period
        self.rotate = rotate
        self.days = days
    }
}

/// `/etc/audit/auditd.conf`, with auditd's compiled-in defaults where a key is not set.
public struct AuditdSettings: Codable, Sendable, Hashable {
    /// Megabytes per log file.
    public var maxLogFile: Sourced<Int>
    public var numLogs: Sourced<Int>
    /// `max_log_file × num_logs`: the space the audit log may take.
    public var retainedMegabytes: Int
    public var maxLogFileAction: Sourced<String>
    public var spaceLeftAction: Sourced<String>
    public var diskFullAction: Sourced<String>

    public init(maxLogFile: Sourced<Int>, numLogs: Sourced<Int>, retainedMegabytes: Int, maxLogFileAction: Sourced<String>, spaceLeftAction: Sourced<String>, diskFullAction: Sourced<String>) {
        self.maxLogFile = maxLogFile
        self.numLogs = numLogs
        self.retainedMegabytes = retainedMegabytes
        self.maxLogFileAction = maxLogFileAction
        self.spaceLeftAction = spaceLeftAction
        self.diskFullAction = diskFullAction
    }
}
