public import CollectorAPI
import Crypto
public import Foundation
import GRDB
import HardeningCore

/// What PCs send about incidents (issue 15): steps, evidence manifests, users' reports. Everything is
/// hostile: bounded, idempotent by the PC's id, kept beside the collector's arrival time.
extension SQLiteCollectorStore {
    public func ingest(_ step: IncidentStepMessage, host: HostIdentity, now: Date) throws -> IngestOutcome {
        let limits = ReportLimits()
        guard step.actor.utf8.count <= IncidentLimits.nameBytes, (step.transaction?.utf8.count ?? 0) <= limits.stringBytes,
              (step.detail?.count ?? 0) <= IncidentStepMessage.maxDetail, step.at.utf8.count <= 64 else {
            throw ReportRefusal.tooLarge("a step's actor is at most \(IncidentLimits.nameBytes) bytes, its detail \(IncidentStepMessage.maxDetail) characters")
        }
        guard Timestamp.parse(step.at) != nil else { throw ReportRefusal.invalid("the step's at is not an RFC 3339 time: \(DisplaySafety.printable(step.at, limit: 40))") }
        let arrival = Self.stored(now)
        return try database.write { db in
            if try Self.owned(step.id, in: "incident_step", host: host, db: db) { return .duplicate }
            try Self.checkIncidentQuota(host, now: now, in: db)
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: SQLiteSession(db: db))
            let incident = try Self.incident(for: step.incident, host: host, actor: step.actor, at: arrival, in: db)
            try db.execute(sql: """
                INSERT INTO incident_step (id, incident_id, host_id, kind, at_host, received_at, actor, source, outcome, transaction_id, job_id, manifest_id, detail)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [step.id.uuidString, incident.uuidString, host.id, step.kind.rawValue, step.at, arrival.description, step.actor,
                                 step.source.rawValue, step.outcome.rawValue, step.transaction, step.job?.uuidString, step.manifest?.uuidString, step.detail])
            return .stored
        }
    }

    public func ingest(_ manifest: CheckedManifest, host: HostIdentity, now: Date) throws -> IngestOutcome {
        let body = manifest.manifest
        // The counts are the PC's: summed with a bound only so the page can show them.
        let files = body.categories.reduce(0) { $0 + min(max($1.files, 0), 1 << 40) }
        let bytes = body.categories.reduce(Int64(0)) { $0 + min(max($1.bytes, 0), 1 << 50) }
        let digest = ContentDigest.sha256(manifest.manifestBytes)
        let arrival = Self.stored(now)
        return try database.write { db in
            if try Self.owned(manifest.upload.id, in: "evidence_manifest", host: host, db: db) { return .duplicate }
            try Self.checkIncidentQuota(host, now: now, in: db)
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: SQLiteSession(db: db))
            let incident = try Self.incident(for: manifest.upload.incident ?? body.incident, host: host, actor: body.officer, at: arrival, in: db)
            try db.execute(sql: """
                INSERT INTO evidence_manifest (id, incident_id, host_id, received_at, manifest, manifest_sha256, signature, certificate, serial, signature_ok,
                                               sums, files, bytes, sums_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [manifest.upload.id.uuidString, incident.uuidString, host.id, arrival.description, manifest.manifestBytes, digest,
                                 manifest.signature, manifest.upload.certificate, manifest.serial, manifest.signatureOK, manifest.upload.sums,
                                 files, bytes, body.sums.sha256])
            return .stored
        }
    }

    public func ingest(_ report: UserReportMessage, host: HostIdentity, now: Date) throws -> IngestOutcome {
        guard report.text.count <= UserReportMessage.maxText, !report.text.isEmpty, report.login.utf8.count <= 64, report.uid >= 0,
              report.noticedAt.utf8.count <= 64, report.submittedAt.utf8.count <= 64 else {
            throw ReportRefusal.invalid("a user's report has 1 to \(UserReportMessage.maxText) characters of text, a login of at most 64 bytes and a uid ≥ 0")
        }
        let arrival = Self.stored(now)
        return try database.write { db in
            if try Self.owned(report.id, in: "user_report", host: host, db: db) { return .duplicate }
            // Users cannot flood the officers' queue through one PC: past these, the rest wait in
            // the PC's outbox (which refuses new reports once full).
            let dayAgo = Timestamp(now.addingTimeInterval(-86_400)).description
            let recent = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_report WHERE host_id = ? AND received_at > ?", arguments: [host.id, dayAgo]) ?? 0
            let waiting = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_report WHERE host_id = ? AND acknowledged_at IS NULL", arguments: [host.id]) ?? 0
            guard recent < IncidentLimits.userReportsPerDay, waiting < IncidentLimits.unacknowledgedPerHost else {
                throw ReportRefusal.quota("this PC sent \(recent) users' reports within a day (\(waiting) not yet acknowledged); the rest wait in its outbox", retryAfter: 3600)
            }
            // One user's share, answered 422 rather than 429: the PC keeps this report and goes on with
            // the next items, so a colleague's report queued behind it still arrives now.
            let mine = try Int.fetchOne(db, sql: "SELECT count(*) FROM user_report WHERE host_id = ? AND uid = ? AND received_at > ?", arguments: [host.id, report.uid, dayAgo]) ?? 0
            guard mine < IncidentLimits.userReportsPerUserPerDay else {
                throw ReportRefusal.invalid("uid \(report.uid) sent \(mine) reports from this PC within a day; this one waits in the PC's outbox and is sent again later")
            }
            try ReportIngest.touch(host, hostname: nil, now: arrival.description, in: SQLiteSession(db: db))
            try db.execute(sql: """
                INSERT INTO user_report (id, host_id, uid, login, noticed_at, reported_at, received_at, text) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [report.id.uuidString, host.id, report.uid, report.login, report.noticedAt, report.submittedAt, arrival.description, report.text])
            return .stored
        }
    }

    /// True when this host already sent the record; another host's record with the same id is a conflict.
    static func owned(_ id: UUID, in table: String, host: HostIdentity, db: Database) throws -> Bool {
        guard let owner = try String.fetchOne(db, sql: "SELECT host_id FROM \(table) WHERE id = ?", arguments: [id.uuidString]) else { return false }
        guard owner == host.id else { throw StoreError.conflict(id.uuidString) }
        return true
    }

    /// Steps and manifests a PC may send in an hour, together.
    static func checkIncidentQuota(_ host: HostIdentity, now: Date, in db: Database) throws {
        let hourAgo = Timestamp(now.addingTimeInterval(-3600)).description
        let recent = try Int.fetchOne(db, sql: """
            SELECT (SELECT count(*) FROM incident_step WHERE host_id = ?1 AND received_at > ?2 AND source != 'collector')
                 + (SELECT count(*) FROM evidence_manifest WHERE host_id = ?1 AND received_at > ?2)
            """, arguments: [host.id, hourAgo]) ?? 0
        guard recent < IncidentLimits.agentRecordsPerHour else {
            throw ReportRefusal.quota("this PC sent \(recent) incident steps and manifests within the last hour; the rest wait in its outbox", retryAfter: 600)
        }
    }

    /// The incident a PC's record goes under. A named incident must be of the host's unit; an unknown
    /// id creates it (the officer at the PC named it before recording it here), detected by that
    /// officer; no id means the host's newest open incident, or a new one.
    static func incident(for named: UUID?, host: HostIdentity, actor: String, at: Timestamp, in db: Database) throws -> UUID {
        if let named, let unit = try String.fetchOne(db, sql: "SELECT unit FROM incident WHERE id = ?", arguments: [named.uuidString]) {
            guard unit == host.unit else { throw StoreError.conflict(named.uuidString) }
            // A closed incident's record (and its biên bản) no longer changes: a PC cannot reopen it.
            let state = try String.fetchOne(db, sql: "SELECT state FROM incident_revision WHERE incident_id = ? ORDER BY seq DESC LIMIT 1", arguments: [named.uuidString])
            guard state != IncidentState.closed.rawValue else { throw StoreError.conflict(named.uuidString) }
            try addHost(host.id, to: named, by: actor, at: at, in: db)
            return named
        }
        if named == nil, let open = try String.fetchOne(db, sql: """
            SELECT i.id FROM incident i JOIN incident_host ih ON ih.incident_id = i.id
            WHERE ih.host_id = ? AND i.unit = ?
              AND (SELECT state FROM incident_revision WHERE incident_id = i.id ORDER BY seq DESC LIMIT 1) != 'closed'
            ORDER BY i.created_at DESC LIMIT 1
            """, arguments: [host.id, host.unit]).flatMap(UUID.init(uuidString:)) {
            return open
        }
        let id = named ?? UUID()
        let name = DisplaySafety.printable(actor, limit: 100)
        let hostname = try String.fetchOne(db, sql: "SELECT hostname FROM host WHERE id = ?", arguments: [host.id]).map { DisplaySafety.printable($0, limit: 64) } ?? host.id
        try db.execute(sql: """
            INSERT INTO incident (id, unit, created_at, created_by, detected_at, detected_by, detection) VALUES (?, ?, ?, ?, ?, ?, 'officer')
            """, arguments: [id.uuidString, host.unit, at.description, name, at.description, name])
        try insert(IncidentRevision(seq: 1, at: at, by: name, title: "Sự cố ghi nhận tại máy \(hostname)", signs: [.other], severity: .medium,
                                    affectedSystem: nil, cause: nil, result: nil, state: .open, beyondCapacityAt: nil, reportedToHeadAt: nil, headName: nil),
                   incident: id, in: db)
        try addHost(host.id, to: id, by: name, at: at, in: db)
        try audit(.incidentRecorded, by: ActingOfficer(name: name, role: "agent"), unit: host.unit, host: host.id, subject: id.uuidString,
                  detail: ["from": "a step sent by the PC"], at: at.date, in: db)
        return id
    }
}
