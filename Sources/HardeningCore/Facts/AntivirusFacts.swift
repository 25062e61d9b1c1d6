/// Anti-malware engines found on the host and the state of their signatures.
public struct AntivirusFacts: Codable, Sendable, Hashable {
    public var engines: [DetectedEngine]
    /// Signature databases (ClamAV's `daily`, `main`, `bytecode`) with their build times.
    public var signatureDatabases: [SignatureDatabase]
    /// The newest build time of the `daily` database, which carries the day's signatures.
    public var newestDailySignatures: Sourced<Timestamp>?
    /// freshclam's log reports that the engine itself is outdated.
    public var engineOutdatedWarning: Sourced<Bool>
    public var updaterConfig: [Sourced<String>]
    public var scheduledScans: [ScheduledScan]

    public init(engines: [DetectedEngine], signatureDatabases: [SignatureDatabase], newestDailySignatures: Sourced<Timestamp>?, engineOutdatedWarning: Sourced<Bool>, updaterConfig: [Sourced<String>], scheduledScans: [ScheduledScan]) {
        self.engines = engines
        self.signatureDatabases = signatureDatabases
        self.newestDailySignatures = newestDailySignatures
        self.engineOutdatedWarning = engineOutdatedWarning
        self.updaterConfig = updaterConfig
        self.scheduledScans = scheduledScans
    }
}

public struct DetectedEngine: Codable, Sendable, Hashable {
    /// The engine's id in the antivirus catalogue.
    public var id: String
    public var name: String
    public var approved: Bool
    public var evidence: [String]
    /// The updater unit is enabled at boot.
    public var updaterEnabled: Bool
    public var updaterEvidence: String?
    public var source: SourceLocation

    public init(id: String, name: String, approved: Bool, evidence: [String], updaterEnabled: Bool, updaterEvidence: String?, source: SourceLocation) {
        self.id = id
        self.name = name
        self.approved = approved
        self.evidence = evidence
        self.updaterEnabled = updaterEnabled
        self.updaterEvidence = updaterEvidence
        self.source = source
    }
}

public struct SignatureDatabase: Codable, Sendable, Hashable {
    public var name: String
    public var version: Int?
    public var signatures: Int?
    public var buildTime: Timestamp?
    public var source: SourceLocation

    public init(name: String, version: Int?, signatures: Int?, buildTime: Timestamp?, source: SourceLocation) {
        self.name = name
        self.version = version
        self.signatures = signatures
        self.buildTime = buildTime
        self.source = source
    }
}

/// A scheduled virus scan: a cron entry or a systemd timer that runs a scanner.
public struct ScheduledScan: Codable, Sendable, Hashable {
    public var command: String
    /// `daily`, `weekly`, `monthly` or `unknown`.
    public var frequency: String
    /// At least once a week.
    public var weekly: Bool
    public var source: SourceLocation

    public init(command: String, frequency: String, weekly: Bool, source: SourceLocation) {
        self.command = command
        self.frequency = frequency
        self.weekly = weekly
        self.source = source
    }
}
