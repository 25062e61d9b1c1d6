/// Everything the agent collected from one host: the inventory that controls are evaluated on.
///
/// Plain data: the collector stores it, and a newer policy can be evaluated against stored facts
/// without scanning the host again.
public struct HostFacts: Codable, Sendable, Hashable {
    public var schema: String = "attt.facts.v1"
    public var collectedAt: Timestamp
    /// The root prefix the host was read through (`/` for the live host).
    public var root: String
    public var system: SystemFacts
    public var authentication: Probed<AuthenticationFacts>
    public var accounts: Probed<AccountFacts>
    public var packages: Probed<PackageFacts>
    public var services: ServiceFacts
    public var antivirus: Probed<AntivirusFacts>
    public var shares: Probed<ShareFacts>
    public var remoteAccess: Probed<RemoteAccessFacts>
    public var network: Probed<NetworkFacts>
    public var updates: Probed<UpdateFacts>
    public var backup: Probed<BackupFacts>
    public var hardware: Probed<HardwareFacts>
    public var logging: Probed<LoggingFacts>
    /// Pending security fixes, list age, pending reboot, OS release (VN-TD-UPD-002).
    public var patches: Probed<PatchFacts>
    /// Package files against dpkg's MD5 sums, unfinished packages, AIDE (VN-TD-INT-001).
    public var integrity: Probed<IntegrityFacts>
    /// Existing passwords against the day the password policy took effect (VN-TD-PW-002).
    public var enforcement: Probed<EnforcementFacts>
    /// The last restore rehearsal and the users' report launcher (VN-TD-INC-001, VN-TD-INC-003).
    public var incident: Probed<IncidentFacts>

    public init(
        collectedAt: Timestamp, root: String, system: SystemFacts,
        authentication: Probed<AuthenticationFacts>, accounts: Probed<AccountFacts>,
        packages: Probed<PackageFacts>, services: ServiceFacts,
        antivirus: Probed<AntivirusFacts>, shares: Probed<ShareFacts>, remoteAccess: Probed<RemoteAccessFacts>,
        network: Probed<NetworkFacts>, updates: Probed<UpdateFacts>, backup: Probed<BackupFacts>,
        hardware: Probed<HardwareFacts>, patches: Probed<PatchFacts>, integrity: Probed<IntegrityFacts>,
        enforcement: Probed<EnforcementFacts>, logging: Probed<LoggingFacts> = .unavailable("not collected"),
        incident: Probed<IncidentFacts> = .unavailable("not collected")
    ) {
        self.collectedAt = collectedAt
        self.root = root
        self.system = system
        self.authentication = authentication
        self.accounts = accounts
        self.packages = packages
        self.services = services
        self.antivirus = antivirus
        self.shares = shares
        self.remoteAccess = remoteAccess
        self.network = network
        self.updates = updates
        self.backup = backup
        self.hardware = hardware
        self.logging = logging
        self.patches = patches
        self.integrity = integrity
        self.enforcement = enforcement
        self.incident = incident
    }
}

/// Identity of the host, for the report header.
public struct SystemFacts: Codable, Sendable, Hashable {
    public var hostname: String?
    public var machineId: String?
    public var os: OperatingSystem
    /// Identity files that exist but could not be read (`path: reason`): their values are unknown,
    /// and the report's host section says so rather than leave them out silently.
    public var unread: [String]?

    public init(hostname: String?, machineId: String?, os: OperatingSystem, unread: [String]? = nil) {
        self.hostname = hostname
        self.machineId = machineId
        self.os = os
        self.unread = unread
    }
}

/// From `/etc/os-release` (or `/usr/lib/os-release`).
public struct OperatingSystem: Codable, Sendable, Hashable {
    public var id: String?
    public var versionId: String?
    public var prettyName: String?

    public init(id: String?, versionId: String?, prettyName: String?) {
        self.id = id
        self.versionId = versionId
        self.prettyName = prettyName
    }
}
