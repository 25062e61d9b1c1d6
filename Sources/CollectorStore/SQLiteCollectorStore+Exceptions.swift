import Crypto
public import Foundation
import GRDB
public import HardeningCore

extension SQLiteCollectorStore {
    /// Waivers, attestations and the audit log (issue 13 points 4–6). Registered after the report
    /// history's own migration; append-only like every migration.
    static func registerExceptions(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v5-waivers-attestations-audit") { db in
            try db.execute(sql: """
                CREATE TABLE waiver (
                    id TEXT PRIMARY KEY NOT NULL,
                    unit TEXT NOT NULL,
                    host_id TEXT REFERENCES host(id),
                    control TEXT NOT NULL,
                    justification TEXT NOT NULL,
                    approved_by TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    ended_at TEXT,
                    ended_by TEXT
                );
                CREATE INDEX waiver_unit_control ON waiver(unit, control, expires_at);
                CREATE TABLE attestation (
                    id TEXT PRIMARY KEY NOT NULL,
                    unit TEXT NOT NULL,
                    control TEXT NOT NULL,
                    attested_on TEXT NOT NULL,
                    reference TEXT,
                    note TEXT,
                    attested_by TEXT NOT NULL,
                    recorded_by TEXT NOT NULL,
                    recorded_at TEXT NOT NULL,
                    valid_until TEXT NOT NULL,
                    file_name TEXT,
                    file_type TEXT,
                    file_size INTEGER,
                    file_sha256 TEXT,
                    file BLOB
                );
                CREATE INDEX attestation_unit_control ON attestation(unit, control, valid_until);
                CREATE TABLE audit (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    at TEXT NOT NULL,
                    officer TEXT NOT NULL,
                    role TEXT NOT NULL,
                    action TEXT NOT NULL,
                    unit TEXT,
                    host_id TEXT,
                    subject TEXT,
                    detail TEXT NOT NULL
                );
                CREATE INDEX audit_unit ON audit(unit, id);
                -- Nobody edits the log, not even a bug in the collector: only the file's owner with
                -- another SQLite client could, and that shows in the AUTOINCREMENT gaps.
                CREATE TRIGGER audit_no_update BEFORE UPDATE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                """)
        }
        // REPLACE removes the row it conflicts with without firing delete triggers (recursive_triggers
        // is off), so `INSERT OR REPLACE` could rewrite an entry in place: an existing id is refused.
        migrator.registerMigration("v6-audit-no-replace") { db in
            try db.execute(sql: "CREATE TRIGGER audit_no_replace BEFORE INSERT ON audit WHEN NEW.id IN (SELECT id FROM audit) BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;")
        }
    }

    /// Appends one audit entry inside the caller's transaction, so the change and its entry are kept
    /// or lost together.
    static func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?,
                      detail: [String: String], at: Date, in db: Database) throws {
        try AuditEntry.record(action, by: officer, unit: unit, host: host, subject: subject, detail: detail, at: at, in: SQLiteSession(db: db))
    }

    /// A unit exists at the collector once a token was made for it or a host enrolled in it: a unit
    /// name with a typo is refused rather than waived or attested for nobody.
    static func requireUnit(_ unit: String, in db: Database) throws {
        try IncidentRecords.requireUnit(unit, in: SQLiteSession(db: db))
    }

    /// Refuses a unit's record past `ExceptionLimits.recordsPerUnit` of its kind.
    static func requireRoom(in table: String, unit: String, in db: Database) throws {
        let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table) WHERE unit = ?", arguments: [unit]) ?? 0
        guard count < ExceptionLimits.recordsPerUnit else {
            throw ExceptionRefusal.full(table, unit: unit, count: count)
        }
    }

    /// The time as stored (to the second), so what a call returns equals what a later read finds.
    static func stored(_ date: Date) -> Timestamp { IncidentRecords.stored(date) }
}

extension SQLiteCollectorStore: ExceptionStore {
    public func recordWaiver(_ request: WaiverRequest, by officer: ActingOfficer, now: Date) throws -> Waiver {
        let request = try ExceptionLimits.checked(request, now: now)
        let waiver = Waiver(id: UUID(), unit: request.unit, host: request.host, control: request.control, justification: request.justification,
                            approvedBy: request.approvedBy, recordedBy: officer.name, recordedAt: Self.stored(now), expiresAt: Self.stored(request.expiresAt.date))
        try database.write { db in
            try Self.requireUnit(waiver.unit, in: db)
            try Self.requireRoom(in: "waiver", unit: waiver.unit, in: db)
            if let host = waiver.host {
                // A unit's officer waives for the unit's own PCs only.
                guard try String.fetchOne(db, sql: "SELECT unit FROM host WHERE id = ?", arguments: [host]) == waiver.unit else {
                    throw ExceptionRefusal.foreignHost(host, unit: waiver.unit)
                }
            }
            try db.execute(sql: """
                INSERT INTO waiver (id, unit, host_id, control, justification, approved_by, recorded_by, recorded_at, expires_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [waiver.id.uuidString, waiver.unit, waiver.host, waiver.control, waiver.justification, waiver.approvedBy,
                                 waiver.recordedBy, waiver.recordedAt.description, waiver.expiresAt.description])
            try Self.audit(.waiverRecorded, by: officer, unit: waiver.unit, host: waiver.host, subject: waiver.control,
                           detail: ["waiver": waiver.id.uuidString, "justification": waiver.justification, "approvedBy": waiver.approvedBy,
                                    "expiresAt": waiver.expiresAt.description], at: now, in: db)
        }
        return waiver
    }

    public func endWaiver(id: UUID, by officer: ActingOfficer, now: Date) throws -> Waiver {
        try database.write { db in
            guard var waiver = try Row.fetchOne(db, sql: "SELECT * FROM waiver WHERE id = ?", arguments: [id.uuidString]).map(Self.waiver) else {
                throw ExceptionRefusal.unknownWaiver(id)
            }
            guard waiver.inForce(at: now) else {
                throw ExceptionRefusal.waiverOver(id)
            }
            waiver.endedAt = Self.stored(now)
            waiver.endedBy = officer.name
            try db.execute(sql: "UPDATE waiver SET ended_at = ?, ended_by = ? WHERE id = ?", arguments: [waiver.endedAt?.description, officer.name, id.uuidString])
            try Self.audit(.waiverEnded, by: officer, unit: waiver.unit, host: waiver.host, subject: waiver.control,
                           detail: ["waiver": id.uuidString], at: now, in: db)
            return waiver
        }
    }

    public func waiver(id: UUID) throws -> Waiver? {
        try database.read { db in try Row.fetchOne(db, sql: "SELECT * FROM waiver WHERE id = ?", arguments: [id.uuidString]).map(Self.waiver) }
    }

    static let waiverInForce = "recorded_at <= ?2 AND expires_at > ?2 AND (ended_at IS NULL OR ended_at > ?2)"

    public func waivers(unit: String, at: Date, all: Bool) throws -> [Waiver] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM waiver WHERE unit = ?1 AND (?3 OR \(Self.waiverInForce)) ORDER BY recorded_at DESC, rowid DESC",
                             arguments: [unit, Timestamp(at).description, all]).map(Self.waiver)
        }
    }

    public func waiver(for control: String, host: String, unit: String, at: Date) throws -> Waiver? {
        try database.read { db in
            // The host's own waiver is the more precise decision: it goes before the unit's.
            try Row.fetchOne(db, sql: """
                SELECT * FROM waiver WHERE unit = ?1 AND control = ?3 AND (host_id = ?4 OR host_id IS NULL) AND \(Self.waiverInForce)
                ORDER BY host_id IS NULL, recorded_at DESC, rowid DESC LIMIT 1
                """, arguments: [unit, Timestamp(at).description, control, host]).map(Self.waiver)
        }
    }

    static func waiver(_ row: Row) -> Waiver {
        func time(_ column: String) -> Timestamp? { (row[column] as String?).flatMap(Timestamp.parse).map(Timestamp.init) }
        return Waiver(id: UUID(uuidString: row["id"]) ?? UUID(), unit: row["unit"], host: row["host_id"], control: row["control"],
                      justification: row["justification"], approvedBy: row["approved_by"], recordedBy: row["recorded_by"],
                      recordedAt: time("recorded_at") ?? Timestamp(secondsSince1970: 0), expiresAt: time("expires_at") ?? Timestamp(secondsSince1970: 0),
                      endedAt: time("ended_at"), endedBy: row["ended_by"])
    }

    public func recordAttestation(_ request: AttestationRequest, by officer: ActingOfficer, now: Date) throws -> Attestation {
        let request = try ExceptionLimits.checked(request, now: now)
        // The hash is the collector's, computed over the bytes it keeps: whatever a client says a
        // file's hash is proves nothing.
        let file = request.file.map {
            Attestation.File(name: $0.name, mediaType: $0.mediaType, size: $0.data.count,
                             sha256: ContentDigest.sha256($0.data))
        }
        let attestation = Attestation(id: UUID(), unit: request.unit, control: request.control, attestedOn: request.attestedOn, reference: request.reference,
                                      note: request.note, attestedBy: request.attestedBy, recordedBy: officer.name, recordedAt: Self.stored(now),
                                      validUntil: Self.stored(request.validUntil.date), file: file)
        try database.write { db in
            try Self.requireUnit(attestation.unit, in: db)
            try Self.requireRoom(in: "attestation", unit: attestation.unit, in: db)
            if let file {
                let kept = try Int.fetchOne(db, sql: "SELECT coalesce(sum(file_size), 0) FROM attestation WHERE unit = ?", arguments: [attestation.unit]) ?? 0
                guard kept + file.size <= ExceptionLimits.fileBytesPerUnit else {
                    throw ExceptionRefusal.filesFull(unit: attestation.unit, kept: kept)
                }
            }
            try db.execute(sql: """
                INSERT INTO attestation (id, unit, control, attested_on, reference, note, attested_by, recorded_by, recorded_at, valid_until,
                                         file_name, file_type, file_size, file_sha256, file)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [attestation.id.uuidString, attestation.unit, attestation.control, attestation.attestedOn, attestation.reference,
                                 attestation.note, attestation.attestedBy, attestation.recordedBy, attestation.recordedAt.description,
                                 attestation.validUntil.description, file?.name, file?.mediaType, file?.size, file?.sha256, request.file?.data])
            var detail = ["attestation": attestation.id.uuidString, "attestedOn": attestation.attestedOn, "attestedBy": attestation.attestedBy,
                          "validUntil": attestation.validUntil.description]
            detail["reference"] = attestation.reference
            detail["fileSha256"] = file?.sha256
            try Self.audit(.attestationRecorded, by: officer, unit: attestation.unit, host: nil, subject: attestation.control, detail: detail, at: now, in: db)
        }
        return attestation
    }

    /// Every column but the file's bytes, which only the download reads.
    static let attestationColumns = """
        id, unit, control, attested_on, reference, note, attested_by, recorded_by, recorded_at, valid_until, file_name, file_type, file_size, file_sha256
        """

    public func attestations(unit: String) throws -> [Attestation] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.attestationColumns) FROM attestation WHERE unit = ? ORDER BY recorded_at DESC, rowid DESC",
                             arguments: [unit]).map(Self.attestation)
        }
    }

    public func attestationStates(unit: String, at: Date) throws -> [AttestationState] {
        let all = try attestations(unit: unit)
        return OrganisationalControl.all.map { AttestationState(control: $0, attestations: all, at: at) }
    }

    public func attestationFile(id: UUID) throws -> (Attestation, Data)? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.attestationColumns), file FROM attestation WHERE id = ?", arguments: [id.uuidString]),
                  let data = row["file"] as Data? else { return nil }
            return (Self.attestation(row), data)
        }
    }

    static func attestation(_ row: Row) -> Attestation {
        func time(_ column: String) -> Timestamp { (row[column] as String?).flatMap(Timestamp.parse).map(Timestamp.init) ?? Timestamp(secondsSince1970: 0) }
        var file: Attestation.File?
        if let name = row["file_name"] as String? {
            file = Attestation.File(name: name, mediaType: row["file_type"] ?? "application/octet-stream", size: row["file_size"] ?? 0, sha256: row["file_sha256"] ?? "")
        }
        return Attestation(id: UUID(uuidString: row["id"]) ?? UUID(), unit: row["unit"], control: row["control"], attestedOn: row["attested_on"],
                           reference: row["reference"], note: row["note"], attestedBy: row["attested_by"], recordedBy: row["recorded_by"],
                           recordedAt: time("recorded_at"), validUntil: time("valid_until"), file: file)
    }
}

extension SQLiteCollectorStore: AuditLog {
    public func auditEntries(unit: String?, before: Int64?, limit: Int) throws -> [AuditEntry] {
        let limit = min(max(limit, 1), AuditEntry.maxPage)
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM audit WHERE (?1 IS NULL OR unit = ?1) AND (?2 IS NULL OR id < ?2) ORDER BY id DESC LIMIT ?3
                """, arguments: [unit, before, limit]).map { row in
                AuditEntry(id: row["id"], at: (row["at"] as String?).flatMap(Timestamp.parse).map(Timestamp.init) ?? Timestamp(secondsSince1970: 0),
                           officer: row["officer"], role: row["role"], action: AuditEntry.Action(rawValue: row["action"]),
                           unit: row["unit"], host: row["host_id"], subject: row["subject"], detail: AuditEntry.readDetail(row["detail"]))
            }
        }
    }
}
