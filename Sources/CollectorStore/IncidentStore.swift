public import CollectorAPI
public import Foundation
public import HardeningCore

/// The incident register (Điều 11 khoản 2): what the unit's IT officer recorded about an incident, the
/// steps taken on its PCs, the evidence collected, the reports up to the head of the unit and beyond,
/// and the users' reports that started it (Điều 15 khoản 2 điểm b). Every change is a new row: a
/// revision, a step, an escalation; so a biên bản or a periodic report made for an instant reads what
/// was known then, whenever it is made (Điều 12 khoản 5, Điều 13 khoản 10).
public protocol IncidentStore: Sendable {
    /// Records a new incident (its first revision, state `open`) and its audit entry.
    func recordIncident(_ request: IncidentRequest, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf
    /// A new revision: the fields given replace the last revision's, the others are carried over.
    /// A closed incident is not changed any more.
    func reviseIncident(id: UUID, _ change: IncidentChange, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf
    /// Adds a PC of the incident's unit to it (once).
    func addHost(incident: UUID, host: String, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf
    /// An isolate or release job for a PC of the incident (Điều 11 khoản 2 điểm a, Bước 1), named in the
    /// incident's steps and the audit log.
    func orderIsolation(incident: UUID, host: String, kind: JobKind, by officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job
    /// Điều 11 khoản 2 điểm b: the report to the superior body, the Văn phòng thống kê, the police.
    func recordEscalation(incident: UUID, _ request: EscalationRequest, by officer: ActingOfficer, now: Date) throws -> IncidentEscalation
    /// Tiếp nhận: marks a user's report as seen, optionally filing it under an incident of its PC's unit.
    func acknowledgeUserReport(id: UUID, incident: UUID?, by officer: ActingOfficer, now: Date) throws -> UserReportRecord

    /// A step sent by a PC: idempotent by the step's id. A step naming an unknown incident creates it
    /// for the host's unit; a step naming none goes to the host's open incident, or a new one.
    func ingest(_ step: IncidentStepMessage, host: HostIdentity, now: Date) throws -> IngestOutcome
    /// A manifest whose signature the server checked.
    func ingest(_ manifest: CheckedManifest, host: HostIdentity, now: Date) throws -> IngestOutcome
    /// A user's report as its PC relayed it (text already cleaned by the server).
    func ingest(_ report: UserReportMessage, host: HostIdentity, now: Date) throws -> IngestOutcome

    /// The incidents of these units (every unit when nil) known at `asOf`, as they stood then: open
    /// ones first, then by detection, newest first; at most `IncidentLimits.page`.
    func incidents(units: Set<String>?, asOf: Date) throws -> [IncidentAsOf]
    /// One incident as it stood at `asOf`, or nil when it did not exist yet.
    func incident(id: UUID, asOf: Date) throws -> IncidentAsOf?
    /// Users' reports of the units' PCs, newest first: the unacknowledged ones, or all with `all`.
    func userReports(units: Set<String>?, all: Bool) throws -> [UserReportRecord]
    /// Every user's report received in [`from`, `to`) of the units' PCs, oldest first, for a period's
    /// figures (up to `IncidentLimits.periodReports`).
    func userReports(units: Set<String>, from: Date, to: Date) throws -> [UserReportRecord]
    func userReport(id: UUID) throws -> UserReportRecord?
    /// A kept evidence manifest with its bytes, signature and incident, or nil.
    func evidenceManifest(id: UUID) throws -> KeptEvidenceManifest?
    /// Writes that `officer` read the manifest (`evidence-manifest-read`): it lists the PC's files and
    /// sessions, personal data whose every reading is accounted for (Nghị định 13/2023/NĐ-CP).
    func recordEvidenceManifestRead(_ manifest: KeptEvidenceManifest, by officer: ActingOfficer, at: Date) throws
    /// The open incidents a PC is part of, as they stand now (the host page ties its isolation buttons to one).
    func openIncidents(host: String) throws -> [IncidentAsOf]
}

/// How an incident came to be known (Điều 11 khoản 1 điểm a: anyone who notices one reports it).
public enum IncidentDetection: String, Codable, Sendable, Hashable, CaseIterable {
    case userReport = "user-report", officer, agent, external
}

/// The signs Điều 11 khoản 2 điểm a names: traffic far above normal, content changed, abnormal slowness.
public enum IncidentSign: String, Codable, Sendable, Hashable, CaseIterable {
    case trafficSpike = "traffic-spike", contentChanged = "content-changed", abnormalSlowness = "abnormal-slowness", other
}

/// The regulation defines no levels; these four are the office's habit and their labels are the pages'.
public enum IncidentSeverity: String, Codable, Sendable, Hashable, CaseIterable {
    case low = "thap", medium = "trung-binh", high = "cao", critical = "nghiem-trong"
}

public enum IncidentState: String, Codable, Sendable, Hashable, CaseIterable {
    case open, contained, recovered, closed
}

/// What an officer records first.
public struct IncidentRequest: Codable, Sendable, Hashable {
    public var unit: String
    public var title: String
    public var detectedAt: Timestamp
    public var detectedBy: String
    public var detection: IncidentDetection
    public var signs: [IncidentSign]
    public var severity: IncidentSeverity
    public var affectedSystem: String?
    /// PCs of the unit affected.
    public var hosts: [String]
    /// The user's report this incident answers, if any.
    public var userReport: UUID?

    public init(unit: String, title: String, detectedAt: Timestamp, detectedBy: String, detection: IncidentDetection, signs: [IncidentSign],
                severity: IncidentSeverity, affectedSystem: String? = nil, hosts: [String] = [], userReport: UUID? = nil) {
        self.unit = unit
        self.title = title
        self.detectedAt = detectedAt
        self.detectedBy = detectedBy
        self.detection = detection
        self.signs = signs
        self.severity = severity
        self.affectedSystem = affectedSystem
        self.hosts = hosts
        self.userReport = userReport
    }
}

/// A revision: nil keeps the last revision's value.
public struct IncidentChange: Codable, Sendable, Hashable {
    public var title: String?
    public var signs: [IncidentSign]?
    public var severity: IncidentSeverity?
    public var affectedSystem: String?
    public var cause: String?
    public var result: String?
    public var state: IncidentState?
    /// When the unit found the incident beyond its capacity (Điều 11 khoản 2 điểm b).
    public var beyondCapacityAt: Timestamp?
    /// When and to whom it was reported to the head of the unit (Điều 11 khoản 2 điểm a).
    public var reportedToHeadAt: Timestamp?
    public var headName: String?

    public init(title: String? = nil, signs: [IncidentSign]? = nil, severity: IncidentSeverity? = nil, affectedSystem: String? = nil, cause: String? = nil,
                result: String? = nil, state: IncidentState? = nil, beyondCapacityAt: Timestamp? = nil, reportedToHeadAt: Timestamp? = nil, headName: String? = nil) {
        self.title = title
        self.signs = signs
        self.severity = severity
        self.affectedSystem = affectedSystem
        self.cause = cause
        self.result = result
        self.state = state
        self.beyondCapacityAt = beyondCapacityAt
        self.reportedToHeadAt = reportedToHeadAt
        self.headName = headName
    }
}

public struct EscalationRequest: Codable, Sendable, Hashable {
    /// Such as "UBND huyện", "Văn phòng thống kê xã", "Công an xã".
    public var recipient: String
    public var sentAt: Timestamp
    /// Công văn, điện thoại, thư điện tử, trực tiếp.
    public var means: String
    public var reference: String?
    public var note: String?

    public init(recipient: String, sentAt: Timestamp, means: String, reference: String? = nil, note: String? = nil) {
        self.recipient = recipient
        self.sentAt = sentAt
        self.means = means
        self.reference = reference
        self.note = note
    }
}

/// A manifest as the server checked it: the exact bytes the PC signed, and whether the signature was
/// made by this host's current certificate from the collector's CA.
public struct CheckedManifest: Sendable, Hashable {
    public var upload: EvidenceManifestUpload
    public var manifestBytes: Data
    public var manifest: EvidenceManifest
    public var signature: Data?
    /// The signing certificate's serial (hex), when one was sent.
    public var serial: String?
    public var signatureOK: Bool

    public init(upload: EvidenceManifestUpload, manifestBytes: Data, manifest: EvidenceManifest, signature: Data?, serial: String?, signatureOK: Bool) {
        self.upload = upload
        self.manifestBytes = manifestBytes
        self.manifest = manifest
        self.signature = signature
        self.serial = serial
        self.signatureOK = signatureOK
    }
}

/// An incident as it stood at an instant: what a biên bản, a report or a page made for that instant
/// shows. Nothing recorded after `asOf` is in it.
public struct IncidentAsOf: Codable, Sendable, Hashable {
    public var id: UUID
    public var unit: String
    public var asOf: Timestamp
    public var createdAt: Timestamp
    public var createdBy: String
    public var detectedAt: Timestamp
    public var detectedBy: String
    public var detection: IncidentDetection
    public var userReport: UUID?
    /// The last revision at `asOf`.
    public var current: IncidentRevision
    /// Every revision at `asOf`, oldest first.
    public var revisions: [IncidentRevision]
    public var hosts: [IncidentHost]
    /// Oldest first, by the collector's arrival time.
    public var steps: [IncidentStep]
    public var manifests: [EvidenceManifestRecord]
    public var escalations: [IncidentEscalation]
    public var userReports: [UserReportRecord]

    public init(id: UUID, unit: String, asOf: Timestamp, createdAt: Timestamp, createdBy: String, detectedAt: Timestamp, detectedBy: String,
                detection: IncidentDetection, userReport: UUID?, current: IncidentRevision, revisions: [IncidentRevision], hosts: [IncidentHost],
                steps: [IncidentStep], manifests: [EvidenceManifestRecord], escalations: [IncidentEscalation], userReports: [UserReportRecord]) {
        self.id = id
        self.unit = unit
        self.asOf = asOf
        self.createdAt = createdAt
        self.createdBy = createdBy
        self.detectedAt = detectedAt
        self.detectedBy = detectedBy
        self.detection = detection
        self.userReport = userReport
        self.current = current
        self.revisions = revisions
        self.hosts = hosts
        self.steps = steps
        self.manifests = manifests
        self.escalations = escalations
        self.userReports = userReports
    }

    public var isOpen: Bool { current.state != .closed }
}

public struct IncidentRevision: Codable, Sendable, Hashable {
    public var seq: Int
    public var at: Timestamp
    public var by: String
    public var title: String
    public var signs: [IncidentSign]
    public var severity: IncidentSeverity
    public var affectedSystem: String?
    public var cause: String?
    public var result: String?
    public var state: IncidentState
    public var beyondCapacityAt: Timestamp?
    public var reportedToHeadAt: Timestamp?
    public var headName: String?

    public init(seq: Int, at: Timestamp, by: String, title: String, signs: [IncidentSign], severity: IncidentSeverity, affectedSystem: String?, cause: String?,
                result: String?, state: IncidentState, beyondCapacityAt: Timestamp?, reportedToHeadAt: Timestamp?, headName: String?) {
        self.seq = seq
        self.at = at
        self.by = by
        self.title = title
        self.signs = signs
        self.severity = severity
        self.affectedSystem = affectedSystem
        self.cause = cause
        self.result = result
        self.state = state
        self.beyondCapacityAt = beyondCapacityAt
        self.reportedToHeadAt = reportedToHeadAt
        self.headName = headName
    }
}

public struct IncidentHost: Codable, Sendable, Hashable {
    public var host: String
    public var hostname: String?
    public var addedAt: Timestamp
    public var addedBy: String
    /// From the PC's own steps at `asOf`: isolated after an isolate (or a re-isolation after the table was
    /// lost) that was done, until a release that was done. An order not yet carried out changes nothing.
    public var isolated: Bool

    public init(host: String, hostname: String?, addedAt: Timestamp, addedBy: String, isolated: Bool) {
        self.host = host
        self.hostname = hostname
        self.addedAt = addedAt
        self.addedBy = addedBy
        self.isolated = isolated
    }
}

public struct IncidentStep: Codable, Sendable, Hashable {
    public var id: UUID
    public var host: String
    /// `IncidentStepMessage.Kind`, or `isolation-ordered` / `release-ordered` for an officer's order at
    /// the collector.
    public var kind: String
    /// By the PC's clock, as it sent it (the collector's order: the collector's clock).
    public var atHost: String
    /// By the collector's clock: the anchor, since a PC's clock may be the attacker's.
    public var receivedAt: Timestamp
    public var actor: String
    /// `terminal`, `job` or `collector`.
    public var source: String
    public var outcome: String?
    public var transaction: String?
    public var job: UUID?
    public var manifest: UUID?
    public var detail: String?

    public init(id: UUID, host: String, kind: String, atHost: String, receivedAt: Timestamp, actor: String, source: String, outcome: String?,
                transaction: String?, job: UUID?, manifest: UUID?, detail: String?) {
        self.id = id
        self.host = host
        self.kind = kind
        self.atHost = atHost
        self.receivedAt = receivedAt
        self.actor = actor
        self.source = source
        self.outcome = outcome
        self.transaction = transaction
        self.job = job
        self.manifest = manifest
        self.detail = detail
    }

    public static let isolationOrdered = "isolation-ordered", releaseOrdered = "release-ordered"
}

/// A kept manifest. Its counts are the PC's own and only displayed: what proves the evidence is the
/// SHA-256 the signature covers, checked against the disk by `sha256sum -c`.
public struct EvidenceManifestRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var host: String
    public var receivedAt: Timestamp
    /// The collector's SHA-256 of the manifest bytes it keeps.
    public var manifestSHA256: String
    public var signatureOK: Bool
    public var serial: String?
    /// What the manifest says `SHA256SUMS` hashes to.
    public var sumsSHA256: String
    public var files: Int
    public var bytes: Int64
    public var complete: Bool
    public var officer: String
    public var startedAt: String
    public var finishedAt: String?

    public init(id: UUID, host: String, receivedAt: Timestamp, manifestSHA256: String, signatureOK: Bool, serial: String?, sumsSHA256: String, files: Int,
                bytes: Int64, complete: Bool, officer: String, startedAt: String, finishedAt: String?) {
        self.id = id
        self.host = host
        self.receivedAt = receivedAt
        self.manifestSHA256 = manifestSHA256
        self.signatureOK = signatureOK
        self.serial = serial
        self.sumsSHA256 = sumsSHA256
        self.files = files
        self.bytes = bytes
        self.complete = complete
        self.officer = officer
        self.startedAt = startedAt
        self.finishedAt = finishedAt
    }
}

public struct IncidentEscalation: Codable, Sendable, Hashable {
    public var id: UUID
    public var recipient: String
    public var sentAt: Timestamp
    public var means: String
    public var reference: String?
    public var note: String?
    public var recordedBy: String
    public var recordedAt: Timestamp

    public init(id: UUID, recipient: String, sentAt: Timestamp, means: String, reference: String?, note: String?, recordedBy: String, recordedAt: Timestamp) {
        self.id = id
        self.recipient = recipient
        self.sentAt = sentAt
        self.means = means
        self.reference = reference
        self.note = note
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
    }
}

public struct UserReportRecord: Codable, Sendable, Hashable {
    public var id: UUID
    public var host: String
    public var hostname: String?
    public var unit: String
    public var uid: Int
    public var login: String
    public var noticedAt: String
    public var submittedAt: String
    public var receivedAt: Timestamp
    public var text: String
    public var acknowledgedAt: Timestamp?
    public var acknowledgedBy: String?
    public var incident: UUID?

    public init(id: UUID, host: String, hostname: String?, unit: String, uid: Int, login: String, noticedAt: String, submittedAt: String, receivedAt: Timestamp,
                text: String, acknowledgedAt: Timestamp?, acknowledgedBy: String?, incident: UUID?) {
        self.id = id
        self.host = host
        self.hostname = hostname
        self.unit = unit
        self.uid = uid
        self.login = login
        self.noticedAt = noticedAt
        self.submittedAt = submittedAt
        self.receivedAt = receivedAt
        self.text = text
        self.acknowledgedAt = acknowledgedAt
        self.acknowledgedBy = acknowledgedBy
        self.incident = incident
    }
}

/// Bounds on what the register keeps, whoever sends it.
public enum IncidentLimits {
    public static let titleBytes = 300
    public static let textBytes = 4_000
    public static let nameBytes = 200
    public static let page = 500
    /// Hosts one incident names.
    public static let hostsPerIncident = 500
    /// Steps, manifests and reports a PC may send in an hour: an incident is a few dozen steps.
    public static let agentRecordsPerHour = 120
    /// Users' reports a PC may send in a day, and keep unacknowledged.
    public static let userReportsPerDay = 20
    /// A period's figures read at most this many users' reports: a year of a province's PCs at their
    /// daily bound stays far below it.
    public static let periodReports = 1_000_000
    /// One user's share of a PC's day: a user who reports over and over cannot use up the PC's quota
    /// and keep a colleague's report from the officers.
    public static let userReportsPerUserPerDay = 5
    public static let unacknowledgedPerHost = 100
    /// The control isolate and release jobs name, so an agent that predates job kinds fails them.
    public static let isolationControl = "VN-TD-INC-001"
}

extension AuditEntry.Action {
    public static let incidentRecorded = AuditEntry.Action(rawValue: "incident-recorded")
    public static let incidentUpdated = AuditEntry.Action(rawValue: "incident-updated")
    public static let incidentClosed = AuditEntry.Action(rawValue: "incident-closed")
    public static let isolationOrdered = AuditEntry.Action(rawValue: "isolation-ordered")
    public static let releaseOrdered = AuditEntry.Action(rawValue: "release-ordered")
    public static let escalationRecorded = AuditEntry.Action(rawValue: "escalation-recorded")
    public static let userReportAcknowledged = AuditEntry.Action(rawValue: "user-report-acknowledged")
}
