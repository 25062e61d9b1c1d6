public import CollectorAPI
public import Foundation
import GRDB
public import HardeningCore

extension SQLiteCollectorStore {
    /// The incident register (issue 15, docs/design/incident-response.md §6). Registered after the
    /// issued reports; append-only like every migration.
    static func registerIncidents(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v8-incidents") { db in
            try db.execute(sql: """
                CREATE TABLE incident (
                    id TEXT PRIMARY KEY NOT NULL,
                    unit TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    detected_at TEXT NOT NULL,
                    detected_by TEXT NOT NULL,
                    detection TEXT NOT NULL CHECK (detection IN ('user-report', 'officer', 'agent', 'external')),
                    user_report_id TEXT
                );
                CREATE INDEX incident_unit ON incident(unit, created_at);
                -- What was known at each moment: a period or a biên bản reads the last revision before
                -- its instant, so what was reported for a closed period never changes.
                CREATE TABLE incident_revision (
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    seq INTEGER NOT NULL,
                    at TEXT NOT NULL,
                    by TEXT NOT NULL,
                    title TEXT NOT NULL,
                    signs TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    affected_system TEXT,
                    cause TEXT,
                    result TEXT,
                    state TEXT NOT NULL CHECK (state IN ('open', 'contained', 'recovered', 'closed')),
                    beyond_capacity_at TEXT,
                    reported_to_head_at TEXT,
                    head_name TEXT,
                    PRIMARY KEY (incident_id, seq)
                ) WITHOUT ROWID;
                CREATE TABLE incident_host (
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    host_id TEXT NOT NULL REFERENCES host(id),
                    added_at TEXT NOT NULL,
                    added_by TEXT NOT NULL,
                    PRIMARY KEY (incident_id, host_id)
                ) WITHOUT ROWID;
                CREATE INDEX incident_host_host ON incident_host(host_id);
                -- The id is the PC's message id, so a step sent twice is kept once.
                CREATE TABLE incident_step (
                    id TEXT PRIMARY KEY NOT NULL,
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    host_id TEXT NOT NULL REFERENCES host(id),
                    kind TEXT NOT NULL,
                    at_host TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    actor TEXT NOT NULL,
                    source TEXT NOT NULL,
                    outcome TEXT,
                    transaction_id TEXT,
                    job_id TEXT,
                    manifest_id TEXT,
                    detail TEXT
                );
                CREATE INDEX incident_step_incident ON incident_step(incident_id, received_at);
                CREATE INDEX incident_step_host ON incident_step(host_id, received_at);
                CREATE TABLE evidence_manifest (
                    id TEXT PRIMARY KEY NOT NULL,
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    host_id TEXT NOT NULL REFERENCES host(id),
                    received_at TEXT NOT NULL,
                    manifest BLOB NOT NULL,
                    manifest_sha256 TEXT NOT NULL,
                    signature BLOB,
                    certificate TEXT,
                    serial TEXT,
                    signature_ok INTEGER NOT NULL,
                    sums TEXT,
                    files INTEGER NOT NULL,
                    bytes INTEGER NOT NULL,
                    sums_sha256 TEXT NOT NULL
                );
                CREATE INDEX evidence_manifest_incident ON evidence_manifest(incident_id);
                CREATE TABLE user_report (
                    id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    uid INTEGER NOT NULL,
                    login TEXT NOT NULL,
                    noticed_at TEXT NOT NULL,
                    reported_at TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    text TEXT NOT NULL,
                    acknowledged_at TEXT,
                    acknowledged_by TEXT,
                    incident_id TEXT REFERENCES incident(id)
                );
                CREATE INDEX user_report_host ON user_report(host_id, received_at);
                CREATE TABLE escalation (
                    id TEXT PRIMARY KEY NOT NULL,
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    recipient TEXT NOT NULL,
                    sent_at TEXT NOT NULL,
                    means TEXT NOT NULL,
                    reference TEXT,
                    note TEXT,
                    recorded_by TEXT NOT NULL,
                    recorded_at TEXT NOT NULL
                );
                CREATE INDEX escalation_incident ON escalation(incident_id);
                ALTER TABLE job ADD COLUMN kind TEXT NOT NULL DEFAULT 'fix';
                ALTER TABLE job ADD COLUMN incident_id TEXT;
                """)
            // The record of an incident is evidence (Điều 11 khoản 2 điểm a: "lập biên bản"): nothing
            // in it is rewritten or removed, not even by a bug in the collector. A new id that equals an
            // old one is refused too, since INSERT OR REPLACE deletes without firing delete triggers.
            for table in ["incident", "incident_revision", "incident_host", "incident_step", "evidence_manifest", "escalation"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_update BEFORE UPDATE ON \(table) BEGIN SELECT RAISE(ABORT, 'the incident register is append-only'); END;
                    CREATE TRIGGER \(table)_no_delete BEFORE DELETE ON \(table) BEGIN SELECT RAISE(ABORT, 'the incident register is append-only'); END;
                    """)
            }
            for table in ["incident", "incident_step", "evidence_manifest", "escalation", "user_report"] {
                try db.execute(sql: """
                    CREATE TRIGGER \(table)_no_replace BEFORE INSERT ON \(table) WHEN NEW.id IN (SELECT id FROM \(table))
                    BEGIN SELECT RAISE(ABORT, 'the incident register is append-only'); END;
                    """)
            }
            // A user's report is kept as sent; only its acknowledgement is written, once.
            try db.execute(sql: """
                CREATE TRIGGER user_report_no_delete BEFORE DELETE ON user_report BEGIN SELECT RAISE(ABORT, 'users'' reports are kept as sent'); END;
                CREATE TRIGGER user_report_as_sent BEFORE UPDATE OF id, host_id, uid, login, noticed_at, reported_at, received_at, text ON user_report
                BEGIN SELECT RAISE(ABORT, 'users'' reports are kept as sent'); END;
                CREATE TRIGGER user_report_acknowledged_once BEFORE UPDATE ON user_report WHEN OLD.acknowledged_at IS NOT NULL
                BEGIN SELECT RAISE(ABORT, 'a user''s report is acknowledged once'); END;
                """)
        }
    }
}

/// ``IncidentRecords`` and ``IncidentReads``, shared with the PostgreSQL store.
extension SQLiteCollectorStore: IncidentStore {
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

extension SQLiteCollectorStore: IncidentDocumentStore {
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
