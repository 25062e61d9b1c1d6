/// How security updates reach the host (Điều 10 khoản 5: "cập nhật bản vá"): APT's periodic settings,
/// the origins unattended-upgrades installs from, and its last run.
public struct UpdateFacts: Codable, Sendable, Hashable {
    /// `APT::Periodic::Update-Package-Lists` (days between refreshes; `0` = never), or apt's default.
    public var updatePackageLists: Sourced<String>
    /// `APT::Periodic::Unattended-Upgrade` (days between runs; `0` = never).
    public var unattendedUpgrade: Sourced<String>
    /// `Unattended-Upgrade::Origins-Pattern` and the older `Allowed-Origins`, each with its line.
    public var origins: [UpdateOrigin]
    /// The start of the last unattended-upgrades run in its log (`/var/log/unattended-upgrades/`), in
    /// ISO 8601; the log has no zone, so it is read as UTC (off by the host's offset at most).
    public var lastRun: Sourced<String>?
    /// The first ERROR line the last run logged (`Cache has broken packages, exiting`), if any.
    public var lastRunError: Sourced<String>?

    public init(updatePackageLists: Sourced<String>, unattendedUpgrade: Sourced<String>, origins: [UpdateOrigin], lastRun: Sourced<String>?, lastRunError: Sourced<String>?) {
        self.updatePackageLists = updatePackageLists
        self.unattendedUpgrade = unattendedUpgrade
        self.origins = origins
        self.lastRun = lastRun
        self.lastRunError = lastRunError
    }
}

public struct UpdateOrigin: Codable, Sendable, Hashable {
    /// As written: `origin=Debian,codename=${distro_codename}-security,label=Debian-Security`.
    public var pattern: String
    /// Names Debian's or Ubuntu's security archive.
    public var security: Bool
    public var source: SourceLocation

    public init(pattern: String, security: Bool, source: SourceLocation) {
        self.pattern = pattern
        self.security = security
        self.source = source
    }
}
