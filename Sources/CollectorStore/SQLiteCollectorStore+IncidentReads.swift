import CollectorAPI
public import Foundation
import GRDB
public import HardeningCore

/// Reads of the incident register, each "as of" an instant: only what was recorded (by the collector's
/// clock) at or before it, so a document made for that instant says the same whenever it is made.
extension SQLiteCollectorStore {
    public func incidents(units: Set<String>?, asOf: Date) throws -> [IncidentAsOf] {
        let stamp = Timestamp(asOf).description
        return try database.read { db in
            let ids = try String.fetchAll(db, sql: """
                SELECT i.id FROM incident i
                WHERE i.created_at <= ?1 AND (?2 IS NULL OR i.unit IN (SELECT value FROM json_each(?2)))
                ORDER BY (SELECT state FROM incident_revision WHERE incident_id = i.id AND at <= ?1 ORDER BY seq DESC LIMIT 1) = 'closed',
                         i.detected_at DESC, i.id
                LIMIT ?3
                """, arguments: [stamp, units.map(Self.jsonArray), IncidentLimits.page])
            return try ids.compactMap { try UUID(uuidString: $0).flatMap { try Self.incident($0, asOf: stamp, in: db) } }
        }
    }

    public func incident(id: UUID, asOf: Date) throws -> IncidentAsOf? {
        try database.read { db in try Self.incident(id, asOf: Timestamp(asOf).description, in: db) }
    }

    public func openIncidents(host: String) throws -> [IncidentAsOf] {
        let now = Timestamp(Date()).description
        return try database.read { db in
            try String.fetchAll(db, sql: "SELECT incident_id FROM incident_host WHERE host_id = ? ORDER BY added_at DESC LIMIT ?", arguments: [host, IncidentLimits.page])
                .compactMap { try UUID(uuidString: $0).flatMap { try Self.incident($0, asOf: now, in: db) } }
                .filter(\.isOpen)
        }
    }

    public func userReports(units: Set<String>?, all: Bool) throws -> [UserReportRecord] {
        try database.read { db in
            try Self.userReports(where: "(?1 IS NULL OR h.unit IN (SELECT value FROM json_each(?1))) AND (?2 OR u.acknowledged_at IS NULL)",
                                 [units.map(Self.jsonArray), all], in: db)
        }
    }

    public func userReports(units: Set<String>, from: Date, to: Date) throws -> [UserReportRecord] {
        try database.read { db in
            try Self.userReports(where: "h.unit IN (SELECT value FROM json_each(?1)) AND u.received_at >= ?2 AND u.received_at < ?3",
                                 [Self.jsonArray(units), Timestamp(from).description, Timestamp(to).description],
                                 order: "u.received_at, u.rowid", limit: IncidentLimits.periodReports, in: db)
        }
    }

    public func userReport(id: UUID) throws -> UserReportRecord? {
        try database.read { db in try Self.userReports(where: "u.id = ?1", [id.uuidString], in: db).first }
    }

    public func recordEvidenceManifestRead(_ manifest: KeptEvidenceManifest, by officer: ActingOfficer, at: Date) throws {
        try database.write { db in
            try Self.audit(.evidenceManifestRead, by: officer, unit: manifest.unit, host: manifest.host, subject: manifest.id.uuidString,
                           detail: ["incident": manifest.incident.uuidString, "manifestSHA256": manifest.manifestSHA256], at: at, in: db)
        }
    }

    public func evidenceManifest(id: UUID) throws -> KeptEvidenceManifest? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: """
                SELECT m.*, i.unit, h.hostname FROM evidence_manifest m JOIN incident i ON i.id = m.incident_id JOIN host h ON h.id = m.host_id WHERE m.id = ?
                """, arguments: [id.uuidString]) else { return nil }
            let bytes: Data = row["manifest"]
            return KeptEvidenceManifest(id: id, incident: UUID(uuidString: row["incident_id"]) ?? UUID(), unit: row["unit"], host: row["host_id"], hostname: row["hostname"],
                                        receivedAt: Self.time(row["received_at"]), manifestSHA256: row["manifest_sha256"], signatureOK: row["signature_ok"],
                                        serial: row["serial"], sumsSHA256: row["sums_sha256"], sums: row["sums"], files: row["files"], bytes: row["bytes"],
                                        manifest: bytes.base64EncodedString(), signature: (row["signature"] as Data?)?.base64EncodedString(),
                                        certificate: row["certificate"])
        }
    }

    static func incident(_ id: UUID, asOf stamp: String, in db: Database) throws -> IncidentAsOf? {
        let key = id.uuidString
        guard let row = try Row.fetchOne(db, sql: "SELECT * FROM incident WHERE id = ? AND created_at <= ?", arguments: [key, stamp]) else { return nil }
        let revisions = try Row.fetchAll(db, sql: "SELECT * FROM incident_revision WHERE incident_id = ? AND at <= ? ORDER BY seq", arguments: [key, stamp]).map(revision)
        guard let current = revisions.last else { return nil }
        let steps = try Row.fetchAll(db, sql: "SELECT * FROM incident_step WHERE incident_id = ? AND received_at <= ? ORDER BY received_at, rowid",
                                     arguments: [key, stamp]).map(step)
        let hosts = try Row.fetchAll(db, sql: """
            SELECT ih.*, h.hostname FROM incident_host ih JOIN host h ON h.id = ih.host_id WHERE ih.incident_id = ? AND ih.added_at <= ? ORDER BY ih.added_at, ih.host_id
            """, arguments: [key, stamp]).map { row -> IncidentHost in
            let host: String = row["host_id"]
            return IncidentHost(host: host, hostname: row["hostname"], addedAt: time(row["added_at"]), addedBy: row["added_by"],
                                isolated: isolated(steps.filter { $0.host == host }))
        }
        let manifests = try Row.fetchAll(db, sql: """
            SELECT id, host_id, received_at, manifest, manifest_sha256, signature_ok, serial, sums_sha256, files, bytes FROM evidence_manifest
            WHERE incident_id = ? AND received_at <= ? ORDER BY received_at, rowid
            """, arguments: [key, stamp]).map(manifest)
        let escalations = try Row.fetchAll(db, sql: "SELECT * FROM escalation WHERE incident_id = ? AND recorded_at <= ? ORDER BY sent_at, recorded_at",
                                           arguments: [key, stamp]).map(escalation)
        var reports = try userReports(where: "u.incident_id = ?1 AND u.acknowledged_at <= ?2", [key, stamp], in: db)
        if let first = (row["user_report_id"] as String?), !reports.contains(where: { $0.id.uuidString == first }) {
            reports += try userReports(where: "u.id = ?1", [first], in: db)
        }
        return IncidentAsOf(id: id, unit: row["unit"], asOf: Timestamp(Timestamp.parse(stamp) ?? Date()), createdAt: time(row["created_at"]), createdBy: row["created_by"],
                            detectedAt: time(row["detected_at"]), detectedBy: row["detected_by"],
                            detection: IncidentDetection(rawValue: row["detection"]) ?? .officer,
                            userReport: (row["user_report_id"] as String?).flatMap(UUID.init(uuidString:)), current: current, revisions: revisions,
                            hosts: hosts, steps: steps, manifests: manifests, escalations: escalations, userReports: reports)
    }

    /// A PC's own steps decide: the last isolate, re-isolation or release that was done.
    static func isolated(_ steps: [IncidentStep]) -> Bool {
        let done = steps.filter { $0.outcome == "done" && ["isolate", "isolation-lost", "release"].contains($0.kind) }
        return done.last.map { $0.kind != "release" } ?? false
    }

    static func userReports(where clause: String, _ arguments: [(any DatabaseValueConvertible)?], order: String = "u.received_at DESC, u.rowid DESC",
                            limit: Int = IncidentLimits.page, in db: Database) throws -> [UserReportRecord] {
        try Row.fetchAll(db, sql: """
            SELECT u.*, h.unit, h.hostname FROM user_report u JOIN host h ON h.id = u.host_id WHERE \(clause) ORDER BY \(order) LIMIT \(limit)
            """, arguments: StatementArguments(arguments)).map { row in
            UserReportRecord(id: UUID(uuidString: row["id"]) ?? UUID(), host: row["host_id"], hostname: row["hostname"], unit: row["unit"], uid: row["uid"],
                             login: row["login"], noticedAt: row["noticed_at"], submittedAt: row["reported_at"], receivedAt: time(row["received_at"]),
                             text: row["text"], acknowledgedAt: (row["acknowledged_at"] as String?).map(time), acknowledgedBy: row["acknowledged_by"],
                             incident: (row["incident_id"] as String?).flatMap(UUID.init(uuidString:)))
        }
    }

    static func revision(_ row: Row) -> IncidentRevision {
        let signs: String = row["signs"]
        return IncidentRevision(seq: row["seq"], at: time(row["at"]), by: row["by"], title: row["title"],
                                signs: signs.split(separator: ",").compactMap { IncidentSign(rawValue: String($0)) },
                                severity: IncidentSeverity(rawValue: row["severity"]) ?? .medium, affectedSystem: row["affected_system"], cause: row["cause"],
                                result: row["result"], state: IncidentState(rawValue: row["state"]) ?? .open,
                                beyondCapacityAt: (row["beyond_capacity_at"] as String?).map(time), reportedToHeadAt: (row["reported_to_head_at"] as String?).map(time),
                                headName: row["head_name"])
    }

    static func step(_ row: Row) -> IncidentStep {
        IncidentStep(id: UUID(uuidString: row["id"]) ?? UUID(), host: row["host_id"], kind: row["kind"], atHost: row["at_host"], receivedAt: time(row["received_at"]),
                     actor: row["actor"], source: row["source"], outcome: row["outcome"], transaction: row["transaction_id"],
                     job: (row["job_id"] as String?).flatMap(UUID.init(uuidString:)), manifest: (row["manifest_id"] as String?).flatMap(UUID.init(uuidString:)),
                     detail: row["detail"])
    }

    static func manifest(_ row: Row) -> EvidenceManifestRecord {
        // The manifest was decoded once before it was kept; what it says is shown, never trusted.
        let body = (row["manifest"] as Data?).flatMap { try? JSONDecoder().decode(EvidenceManifest.self, from: $0) }
        return EvidenceManifestRecord(id: UUID(uuidString: row["id"]) ?? UUID(), host: row["host_id"], receivedAt: time(row["received_at"]),
                                      manifestSHA256: row["manifest_sha256"], signatureOK: row["signature_ok"], serial: row["serial"],
                                      sumsSHA256: row["sums_sha256"], files: row["files"], bytes: row["bytes"], complete: body?.complete ?? false,
                                      officer: body?.officer ?? "", startedAt: body?.startedAt ?? "", finishedAt: body?.finishedAt)
    }

    static func escalation(_ row: Row) -> IncidentEscalation {
        IncidentEscalation(id: UUID(uuidString: row["id"]) ?? UUID(), recipient: row["recipient"], sentAt: time(row["sent_at"]), means: row["means"],
                           reference: row["reference"], note: row["note"], recordedBy: row["recorded_by"], recordedAt: time(row["recorded_at"]))
    }

    static func time(_ text: String) -> Timestamp { Timestamp(Timestamp.parse(text) ?? Date(timeIntervalSince1970: 0)) }
}
