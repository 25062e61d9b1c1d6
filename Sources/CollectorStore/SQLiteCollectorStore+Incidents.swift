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

extension SQLiteCollectorStore: IncidentStore {
    public func recordIncident(_ request: IncidentRequest, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        let request = try IncidentChecks.checked(request, now: now)
        let id = UUID(), at = Self.stored(now)
        try database.write { db in
            try Self.requireUnit(request.unit, in: db)
            for host in request.hosts { try Self.requireHost(host, of: request.unit, in: db) }
            if let report = request.userReport {
                guard try Self.userReportUnit(report, in: db) == request.unit else {
                    throw ExceptionRefusal.notFound("không có báo cáo \(report) của đơn vị — no user report \(report) from a PC of \(request.unit)")
                }
            }
            try db.execute(sql: """
                INSERT INTO incident (id, unit, created_at, created_by, detected_at, detected_by, detection, user_report_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [id.uuidString, request.unit, at.description, officer.name, request.detectedAt.description, request.detectedBy,
                                 request.detection.rawValue, request.userReport?.uuidString])
            let first = IncidentRevision(seq: 1, at: at, by: officer.name, title: request.title, signs: request.signs, severity: request.severity,
                                         affectedSystem: request.affectedSystem, cause: nil, result: nil, state: .open, beyondCapacityAt: nil,
                                         reportedToHeadAt: nil, headName: nil)
            try Self.insert(first, incident: id, in: db)
            for host in request.hosts { try Self.addHost(host, to: id, by: officer.name, at: at, in: db) }
            if let report = request.userReport {
                try db.execute(sql: "UPDATE user_report SET acknowledged_at = coalesce(acknowledged_at, ?), acknowledged_by = coalesce(acknowledged_by, ?), incident_id = ? WHERE id = ? AND incident_id IS NULL AND acknowledged_at IS NULL",
                               arguments: [at.description, officer.name, id.uuidString, report.uuidString])
            }
            try Self.audit(.incidentRecorded, by: officer, unit: request.unit, host: nil, subject: id.uuidString,
                           detail: ["title": request.title, "severity": request.severity.rawValue, "detection": request.detection.rawValue,
                                    "hosts": request.hosts.joined(separator: ",")], at: now, in: db)
        }
        return try Self.required(incident(id: id, asOf: now), id)
    }

    public func reviseIncident(id: UUID, _ change: IncidentChange, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        let change = try IncidentChecks.checked(change, now: now)
        let at = Self.stored(now)
        try database.write { db in
            let (unit, last) = try Self.openIncident(id, in: db)
            var next = last
            next.seq = last.seq + 1
            next.at = at
            next.by = officer.name
            next.title = change.title ?? last.title
            next.signs = change.signs ?? last.signs
            next.severity = change.severity ?? last.severity
            next.affectedSystem = change.affectedSystem ?? last.affectedSystem
            next.cause = change.cause ?? last.cause
            next.result = change.result ?? last.result
            next.state = change.state ?? last.state
            next.beyondCapacityAt = change.beyondCapacityAt ?? last.beyondCapacityAt
            next.reportedToHeadAt = change.reportedToHeadAt ?? last.reportedToHeadAt
            next.headName = change.headName ?? last.headName
            try Self.insert(next, incident: id, in: db)
            var detail = ["revision": String(next.seq), "state": next.state.rawValue]
            if let cause = change.cause { detail["cause"] = cause }
            if let result = change.result { detail["result"] = result }
            if let head = change.reportedToHeadAt { detail["reportedToHeadAt"] = head.description }
            try Self.audit(next.state == .closed ? .incidentClosed : .incidentUpdated, by: officer, unit: unit, host: nil, subject: id.uuidString,
                           detail: detail, at: now, in: db)
        }
        return try Self.required(incident(id: id, asOf: now), id)
    }

    public func addHost(incident id: UUID, host: String, by officer: ActingOfficer, now: Date) throws -> IncidentAsOf {
        let at = Self.stored(now)
        try database.write { db in
            let (unit, _) = try Self.openIncident(id, in: db)
            try Self.requireHost(host, of: unit, in: db)
            try Self.addHost(host, to: id, by: officer.name, at: at, in: db)
            try Self.audit(.incidentUpdated, by: officer, unit: unit, host: host, subject: id.uuidString, detail: ["hostAdded": host], at: now, in: db)
        }
        return try Self.required(incident(id: id, asOf: now), id)
    }

    public func orderIsolation(incident id: UUID, host: String, kind: JobKind, by officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job {
        guard kind == .isolate || kind == .release else { throw ExceptionRefusal.invalid("action is isolate or release") }
        let at = Self.stored(now)
        let job = Job(id: UUID(), host: host, controls: [IncidentLimits.isolationControl], approvedBy: officer.name, approvedAt: at.description,
                      expiresAt: Timestamp(expiresAt).description, state: .approved, kind: kind, incident: id)
        try database.write { db in
            let (unit, _) = try Self.openIncident(id, in: db)
            try Self.requireHost(host, of: unit, in: db)
            guard try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM host_certificate WHERE host_id = ? AND revoked_at IS NULL)", arguments: [host]) == true else {
                throw ExceptionRefusal.conflict("máy \(host) đã bị thu hồi chứng thư, không nhận lệnh được nữa — \(host) has no valid certificate and cannot fetch jobs")
            }
            // One order of a kind waiting per PC: a second click, or a script, adds nothing (and a
            // forged order is a denial of service an officer undoes, never a flood of them).
            let waiting = try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM job WHERE host_id = ? AND kind = ? AND state = 'approved' AND expires_at > ?)",
                                            arguments: [host, kind.rawValue, at.description]) ?? false
            guard !waiting else {
                throw ExceptionRefusal.conflict("máy \(host) đã có lệnh \(kind == .isolate ? "cách ly" : "bỏ cách ly") đang chờ — an order of this kind already waits for \(host)")
            }
            try Self.addHost(host, to: id, by: officer.name, at: at, in: db)
            try db.execute(sql: """
                INSERT INTO job (id, host_id, controls, approved_by, approved_at, expires_at, state, kind, incident_id) VALUES (?, ?, ?, ?, ?, ?, 'approved', ?, ?)
                """, arguments: [job.id.uuidString, host, IncidentLimits.isolationControl, officer.name, job.approvedAt, job.expiresAt, kind.rawValue, id.uuidString])
            try db.execute(sql: """
                INSERT INTO incident_step (id, incident_id, host_id, kind, at_host, received_at, actor, source, job_id) VALUES (?, ?, ?, ?, ?, ?, ?, 'collector', ?)
                """, arguments: [UUID().uuidString, id.uuidString, host, kind == .isolate ? IncidentStep.isolationOrdered : IncidentStep.releaseOrdered,
                                 at.description, at.description, officer.name, job.id.uuidString])
            try Self.audit(kind == .isolate ? .isolationOrdered : .releaseOrdered, by: officer, unit: unit, host: host, subject: job.id.uuidString,
                           detail: ["incident": id.uuidString, "expiresAt": job.expiresAt], at: now, in: db)
        }
        return job
    }

    public func recordEscalation(incident id: UUID, _ request: EscalationRequest, by officer: ActingOfficer, now: Date) throws -> IncidentEscalation {
        let request = try IncidentChecks.checked(request, now: now)
        let at = Self.stored(now)
        let escalation = IncidentEscalation(id: UUID(), recipient: request.recipient, sentAt: request.sentAt, means: request.means, reference: request.reference,
                                            note: request.note, recordedBy: officer.name, recordedAt: at)
        try database.write { db in
            guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM incident WHERE id = ?", arguments: [id.uuidString]) else {
                throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)")
            }
            try db.execute(sql: """
                INSERT INTO escalation (id, incident_id, recipient, sent_at, means, reference, note, recorded_by, recorded_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [escalation.id.uuidString, id.uuidString, escalation.recipient, escalation.sentAt.description, escalation.means,
                                 escalation.reference, escalation.note, officer.name, at.description])
            try Self.audit(.escalationRecorded, by: officer, unit: unit, host: nil, subject: id.uuidString,
                           detail: ["recipient": request.recipient, "sentAt": request.sentAt.description, "means": request.means, "reference": request.reference ?? ""],
                           at: now, in: db)
        }
        return escalation
    }

    public func acknowledgeUserReport(id: UUID, incident: UUID?, by officer: ActingOfficer, now: Date) throws -> UserReportRecord {
        let at = Self.stored(now)
        return try database.write { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT u.acknowledged_at, u.host_id, h.unit FROM user_report u JOIN host h ON h.id = u.host_id WHERE u.id = ?",
                                             arguments: [id.uuidString]) else {
                throw ExceptionRefusal.notFound("không có báo cáo \(id) — no user report \(id)")
            }
            let unit: String = row["unit"], host: String = row["host_id"]
            guard row["acknowledged_at"] as String? == nil else {
                throw ExceptionRefusal.conflict("báo cáo đã được tiếp nhận — the report \(id) was already acknowledged")
            }
            if let incident {
                _ = try Self.openIncident(incident, in: db, unit: unit)
                try Self.addHost(host, to: incident, by: officer.name, at: at, in: db)
            }
            try db.execute(sql: "UPDATE user_report SET acknowledged_at = ?, acknowledged_by = ?, incident_id = ? WHERE id = ?",
                           arguments: [at.description, officer.name, incident?.uuidString, id.uuidString])
            try Self.audit(.userReportAcknowledged, by: officer, unit: unit, host: host, subject: id.uuidString,
                           detail: ["incident": incident?.uuidString ?? ""], at: now, in: db)
            return try Self.userReports(where: "u.id = ?", [id.uuidString], in: db)[0]
        }
    }

    /// What was just written, read back as of its own instant.
    static func required(_ incident: IncidentAsOf?, _ id: UUID) throws -> IncidentAsOf {
        guard let incident else { throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)") }
        return incident
    }

    // MARK: helpers inside a transaction

    static func insert(_ revision: IncidentRevision, incident: UUID, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO incident_revision (incident_id, seq, at, by, title, signs, severity, affected_system, cause, result, state,
                                           beyond_capacity_at, reported_to_head_at, head_name) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [incident.uuidString, revision.seq, revision.at.description, revision.by, revision.title,
                             revision.signs.map(\.rawValue).joined(separator: ","), revision.severity.rawValue, revision.affectedSystem, revision.cause,
                             revision.result, revision.state.rawValue, revision.beyondCapacityAt?.description, revision.reportedToHeadAt?.description,
                             revision.headName])
    }

    static func addHost(_ host: String, to incident: UUID, by name: String, at: Timestamp, in db: Database) throws {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_host WHERE incident_id = ?", arguments: [incident.uuidString]) ?? 0
        guard count < IncidentLimits.hostsPerIncident else {
            throw ExceptionRefusal.conflict("sự cố đã có \(count) máy — an incident names at most \(IncidentLimits.hostsPerIncident) PCs")
        }
        try db.execute(sql: "INSERT INTO incident_host (incident_id, host_id, added_at, added_by) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                       arguments: [incident.uuidString, host, at.description, name])
    }

    /// The unit and last revision of an incident that is not closed (and of `unit`, when given).
    static func openIncident(_ id: UUID, in db: Database, unit expected: String? = nil) throws -> (String, IncidentRevision) {
        guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM incident WHERE id = ?", arguments: [id.uuidString]),
              expected == nil || expected == unit,
              let row = try Row.fetchOne(db, sql: "SELECT * FROM incident_revision WHERE incident_id = ? ORDER BY seq DESC LIMIT 1", arguments: [id.uuidString]) else {
            throw ExceptionRefusal.notFound("không có sự cố \(id) — no incident \(id)\(expected.map { " of \($0)" } ?? "")")
        }
        let last = revision(row)
        guard last.state != .closed else {
            throw ExceptionRefusal.conflict("sự cố đã đóng, không sửa được nữa — incident \(id) is closed; record a new one")
        }
        return (unit, last)
    }

    static func requireHost(_ host: String, of unit: String, in db: Database) throws {
        guard try String.fetchOne(db, sql: "SELECT unit FROM host WHERE id = ?", arguments: [host]) == unit else {
            throw ExceptionRefusal.notFound("không có máy \(host) trong đơn vị \(unit) — no PC \(host) in \(unit)")
        }
    }

    static func userReportUnit(_ id: UUID, in db: Database) throws -> String? {
        try String.fetchOne(db, sql: "SELECT h.unit FROM user_report u JOIN host h ON h.id = u.host_id WHERE u.id = ?", arguments: [id.uuidString])
    }
}
