/// Whether package-owned system files are as their packages shipped them (Điều 11 khoản 2 điểm a,
/// "nội dung bị thay đổi"; Điều 7 khoản 7), and whether dpkg left packages half installed.
public struct IntegrityFacts: Codable, Sendable, Hashable {
    /// Package files (not configuration) whose MD5 differs from dpkg's record, or that are missing.
    public var modified: [ChangedFile]
    /// Configuration files (dpkg conffiles) changed since install: allowed, shown for review.
    public var changedConfiguration: [ChangedFile]
    /// Packages dpkg left half-installed, half-configured or unpacked (what `dpkg --audit` reports).
    public var unfinished: [UnfinishedPackage]
    /// `checked 212 of 212 files (14.2 MiB) of 9 packages: …`; says when a budget stopped the check.
    public var coverage: String
    /// Packages named for the check that are installed but have no md5sums file (nothing to compare).
    public var withoutSums: [String]
    /// AIDE, for servers: configuration, database and the time of its last check (log mtime).
    public var aide: AideState

    public init(modified: [ChangedFile], changedConfiguration: [ChangedFile], unfinished: [UnfinishedPackage], coverage: String, withoutSums: [String], aide: AideState) {
        self.modified = modified
        self.changedConfiguration = changedConfiguration
        self.unfinished = unfinished
        self.coverage = coverage
        self.withoutSums = withoutSums
        self.aide = aide
    }
}

public struct ChangedFile: Codable, Sendable, Hashable {
    /// `/usr/bin/login`.
    public var path: String
    public var package: String
    /// `changed` (MD5 differs), `missing`, `replaced by a link` or `unreadable (…)`.
    public var problem: String
    /// The dpkg record that holds the expected sum (md5sums line, or the status Conffiles line).
    public var source: SourceLocation

    public init(path: String, package: String, problem: String, source: SourceLocation) {
        self.path = path
        self.package = package
        self.problem = problem
        self.source = source
    }
}

public struct UnfinishedPackage: Codable, Sendable, Hashable {
    public var name: String
    public var state: String
    public var source: SourceLocation

    public init(name: String, state: String, source: SourceLocation) {
        self.name = name
        self.state = state
        self.source = source
    }
}

public struct AideState: Codable, Sendable, Hashable {
    /// `/etc/aide/aide.conf` (Debian) or `/etc/aide.conf`.
    public var config: SourceLocation?
    /// `/var/lib/aide/aide.db` (or `aide.db.gz`).
    public var database: SourceLocation?
    /// The mtime of the newest AIDE check log, in ISO 8601.
    public var lastCheck: Sourced<String>?

    public init(config: SourceLocation?, database: SourceLocation?, lastCheck: Sourced<String>?) {
        self.config = config
        self.database = database
        self.lastCheck = lastCheck
    }
}
