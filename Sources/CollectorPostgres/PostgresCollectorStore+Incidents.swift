public import CollectorAPI
public import CollectorStore
public import Foundation
public import HardeningCore

/// The incident register on PostgreSQL: ``IncidentRecords`` and ``IncidentReads``, the SQLite store's own code.
/// What two instances could race on is serialized by the database: one PC's records, one incident's
/// revisions, one PC's waiting isolation order, one incident's documents.
extension PostgresCollectorStore: IncidentStore {
    public func recordIncident(_ request: IncidentRequest, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        try IncidentRecords.recordIncident(request, by: officer, now: now, in: self)
    }

    public func reviseIncident(id: UUID, _ change: IncidentChange, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        try IncidentRecords.reviseIncident(id: id, change, by: officer, now: now, in: self)
    }

    public func addHost(incident id: UUID, host: String, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        try IncidentRecords.addHost(incident: id, host: host, by: officer, now: now, in: self)
    }

    public func orderIsolation(incident id: UUID, host: String, kind: JobKind, by officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job {
        try IncidentRecords.orderIsolation(incident: id, host: host, kind: kind, by: officer, expiresAt: expiresAt, now: now, in: self)
    }

    public func recordEscalation(incident id: UUID, _ request: EscalationRequest, by officer: ActingOfficer, now: Date) throws -> IncidentEscalation {
        try IncidentRecords.recordEscalation(incident: id, request, by: officer, now: now, in: self)
    }

    public func acknowledgeUserReport(id: UUID, incident: UUID?, by officer: ActingOfficer, now: Date) throws -> UserReportRecord {
        try IncidentRecords.acknowledgeUserReport(id: id, incident: incident, by: officer, now: now, in: self)
    }

    public func ingest(_ step: IncidentStepMessage, host: HostIdentity, now: Date) throws -> IngestOutcome {
        try IncidentRecords.ingest(step, host: host, now: now, in: self)
    }

    public func ingest(_ manifest: CheckedManifest, host: HostIdentity, now: Date) throws -> IngestOutcome {
        try IncidentRecords.ingest(manifest, host: host, now: now, in: self)
    }

    public func ingest(_ report: UserReportMessage, host: HostIdentity, now: Date) throws -> IngestOutcome {
        try IncidentRecords.ingest(report, host: host, now: now, in: self)
    }

    public func incidents(units: Set<String>?, asOf: Date) throws -> [IncidentAsOf] {
        try IncidentReads.incidents(units: units, asOf: asOf, in: self)
    }

    public func incident(id: UUID, asOf: Date) throws -> IncidentAsOf? {
        try IncidentReads.incident(id: id, asOf: asOf, in: self)
    }

    public func openIncidents(host: String) throws -> [IncidentAsOf] {
        try IncidentReads.openIncidents(host: host, in: self)
    }

    public func userReports(units: Set<String>?, all: Bool) throws -> [UserReportRecord] {
        try IncidentReads.userReports(units: units, all: all, in: self)
    }

    public func userReports(units: Set<String>, from: Date, to: Date) throws -> [UserReportRecord] {
        try IncidentReads.userReports(units: units, from: from, to: to, in: self)
    }

    public func userReport(id: UUID) throws -> UserReportRecord? {
        try IncidentReads.userReport(id: id, in: self)
    }

    public func evidenceManifest(id: UUID) throws -> KeptEvidenceManifest? {
        try IncidentReads.evidenceManifest(id: id, in: self)
    }

    public func recordEvidenceManifestRead(_ manifest: KeptEvidenceManifest, by officer: ActingOfficer, at: Date) throws {
        try IncidentRecords.recordEvidenceManifestRead(manifest, by: officer, at: at, in: self)
    }
}

extension PostgresCollectorStore: IncidentDocumentStore {
    public func keepIncidentDocument(_ document: NewIncidentDocument, by officer: ActingOfficer, now: Date) throws -> IncidentDocument {
        try IncidentRecords.keepIncidentDocument(document, by: officer, now: now, in: self)
    }

    public func incidentDocuments(incident: UUID) throws -> [IncidentDocument] {
        try IncidentReads.incidentDocuments(incident: incident, in: self)
    }

    public func incidentDocument(id: UUID) throws -> (IncidentDocument, Data)? {
        try IncidentReads.incidentDocument(id: id, in: self)
    }
}
