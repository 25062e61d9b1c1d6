/// Whether the host is behind on security fixes (Điều 10 khoản 5: "thường xuyên cập nhật bản vá"),
/// read from apt's package lists and the dpkg database, not from `apt-get -s`.
public struct PatchFacts: Codable, Sendable, Hashable {
    /// The latest time the package lists are known to have been refreshed, in ISO 8601: the later of
    /// the mtime of `/var/lib/apt/periodic/update-success-stamp` and the newest archive `Date:` of
    /// the lists (a list cannot have been fetched before its archive published it).
    public var listsRefreshed: Sourced<String>?
    /// Security archives among the lists (`Label: Debian-Security`, `…-security` suites).
    public var securityArchives: [SecurityArchive]
    /// Installed packages with a newer version in a security archive's index.
    public var pending: [PendingUpdate]
    /// `/var/run/reboot-required` when present: a fix is installed but not running yet.
    public var reboots: [RebootRequest]
    /// Indexes of security archives that could not be read (compressed with a format attt does not
    /// read): the pending list may be incomplete, so the control cannot pass on them.
    public var unreadIndexes: [UnreadIndex]
    /// `/etc/os-release` `ID` and `VERSION_ID`, compared with the end-of-life table of the policy.
    public var release: ReleaseId

    public init(listsRefreshed: Sourced<String>?, securityArchives: [SecurityArchive], pending: [PendingUpdate], reboots: [RebootRequest], unreadIndexes: [UnreadIndex], release: ReleaseId) {
        self.listsRefreshed = listsRefreshed
        self.securityArchives = securityArchives
        self.pending = pending
        self.reboots = reboots
        self.unreadIndexes = unreadIndexes
        self.release = release
    }
}

public struct SecurityArchive: Codable, Sendable, Hashable {
    /// `Debian-Security bookworm-security`.
    public var name: String
    /// The archive's `Date:` in ISO 8601.
    public var published: String?
    /// The Release file and the line of its header.
    public var source: SourceLocation

    public init(name: String, published: String?, source: SourceLocation) {
        self.name = name
        self.published = published
        self.source = source
    }
}

public struct PendingUpdate: Codable, Sendable, Hashable {
    /// `openssl:amd64 3.0.17-1~deb12u2 → 3.0.22-1~deb12u2`, what evidence names.
    public var update: String
    public var package: String
    public var architecture: String
    public var installed: String
    public var fixed: String
    /// The earliest evidence that the fix was available: the `Date:` of the security archive whose
    /// index carries it. Lists record no date per version, and the archive cannot have published
    /// this state after its own date, so the fix is at least this old (it may be older).
    public var availableSince: Sourced<String>?
    /// The index stanza that carries the fix.
    public var source: SourceLocation

    public init(package: String, architecture: String, installed: String, fixed: String, availableSince: Sourced<String>?, source: SourceLocation) {
        self.update = "\(package):\(architecture) \(installed) → \(fixed)"
        self.package = package
        self.architecture = architecture
        self.installed = installed
        self.fixed = fixed
        self.availableSince = availableSince
        self.source = source
    }
}

public struct RebootRequest: Codable, Sendable, Hashable {
    /// The mtime of `reboot-required`, in ISO 8601: when the first fix needing a reboot was installed.
    public var since: Sourced<String>
    /// `reboot-required.pkgs`: the packages that asked for it.
    public var packages: [String]
    public var name: String

    public init(since: Sourced<String>, packages: [String]) {
        self.since = since
        self.packages = packages
        self.name = packages.isEmpty ? "reboot-required" : packages.joined(separator: ", ")
    }
}

public struct UnreadIndex: Codable, Sendable, Hashable {
    public var name: String
    public var reason: String
    public var source: SourceLocation

    public init(name: String, reason: String, source: SourceLocation) {
        self.name = name
        self.reason = reason
        self.source = source
    }
}

/// The release as `/etc/os-release` names it (`debian` / `12`), with its lines.
public struct ReleaseId: Codable, Sendable, Hashable {
    public var id: Sourced<String>?
    public var versionId: Sourced<String>?

    public init(id: Sourced<String>?, versionId: Sourced<String>?) {
        self.id = id
        self.versionId = versionId
    }
}
