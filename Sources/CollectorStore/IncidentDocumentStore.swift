public import Foundation
public import HardeningCore

/// The biên bản and báo cáo sự cố an officer issued (Điều 11 khoản 2 điểm a, b), kept as they were
/// issued like the periodic reports (`IssuedReportStore`): the bytes with their SHA-256, who issued them
/// and when. Nothing is updated or deleted, so the record the head of the unit signed, or the report
/// the police received, can be shown again byte for byte.
public protocol IncidentDocumentStore: Sendable {
    /// Keeps a rendered document of an incident and writes its `incident-document-issued` audit entry
    /// (with the SHA-256) in the same transaction. A closed incident's documents may still be issued.
    func keepIncidentDocument(_ document: NewIncidentDocument, by officer: ActingOfficer, now: Date) throws -> IncidentDocument
    /// An incident's kept documents, newest first (at most `IncidentLimits.page`).
    func incidentDocuments(incident: UUID) throws -> [IncidentDocument]
    /// A kept document and its bytes, or nil.
    func incidentDocument(id: UUID) throws -> (IncidentDocument, Data)?
}

/// The two documents of an incident.
public enum IncidentDocumentKind: String, Codable, Sendable, Hashable, CaseIterable {
    /// Biên bản ghi nhận sự cố (Điều 11 khoản 2 điểm a).
    case record = "bien-ban"
    /// Báo cáo sự cố (Điều 11 khoản 2 điểm b).
    case report = "bao-cao"

    public var fileStem: String { self == .record ? "Bien-ban-su-co" : "Bao-cao-su-co" }
}

/// A document to keep, as rendered.
public struct NewIncidentDocument: Sendable, Hashable {
    public var incident: UUID
    public var kind: IncidentDocumentKind
    /// `pdf`, `odt` or `html`.
    public var format: String
    public var fileName: String
    public var data: Data

    public init(incident: UUID, kind: IncidentDocumentKind, format: String, fileName: String, data: Data) {
        self.incident = incident
        self.kind = kind
        self.format = format
        self.fileName = fileName
        self.data = data
    }
}

/// A kept document, without its bytes.
public struct IncidentDocument: Codable, Sendable, Hashable {
    public var id: UUID
    public var incident: UUID
    public var kind: IncidentDocumentKind
    public var format: String
    public var fileName: String
    public var size: Int
    /// Hex, computed by the collector over the bytes it keeps.
    public var sha256: String
    public var createdBy: String
    public var createdAt: Timestamp

    public init(id: UUID, incident: UUID, kind: IncidentDocumentKind, format: String, fileName: String, size: Int, sha256: String, createdBy: String, createdAt: Timestamp) {
        self.id = id
        self.incident = incident
        self.kind = kind
        self.format = format
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    /// The formats kept: what an office prints or files (no CSV of a biên bản).
    public static let formats: Set<String> = ["pdf", "odt", "html"]
    /// Documents one incident keeps: issuing is a deliberate act, a few per incident; past this it is a script.
    public static let perIncident = 200
}

extension AuditEntry.Action {
    public static let incidentDocumentIssued = AuditEntry.Action(rawValue: "incident-document-issued")
    public static let evidenceManifestRead = AuditEntry.Action(rawValue: "evidence-manifest-read")
}
