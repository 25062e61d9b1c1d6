public import Foundation
public import CollectorAPI
import GRDB
public import HardeningCore

/// The embedded default: one SQLite file, no set-up. Schema changes are versioned migrations.
///
/// A `DatabasePool` in WAL mode: readers (the officers' pages) never wait for the writer (agents'
/// uploads), and a collector killed mid-write loses nothing that was acknowledged.
public final class SQLiteCollectorStore: ReportStore {
    let database: DatabasePool
    /// What an agent may send and keep; checked before anything is stored.
    public let limits: ReportLimits
    /// How long whole report bodies are kept (the latest of each host is kept whatever its age);
    /// the history of statuses for `retention.history`.
    public let reportBodyRetention: TimeInterval
    /// How long the rest of the history and the audit log are kept; reports older than it are refused.
    public let retention: Retention

    /// Opens (or creates) the database file and brings its schema up to date.
    public init(path: String, limits: ReportLimits = ReportLimits(), reportBodyRetention: TimeInterval = 14 * 86_400, retention: Retention = Retention()) throws {
        database = try Self.open(path)
        self.limits = limits
        self.reportBodyRetention = reportBodyRetention
        self.retention = retention
        try Self.migrator.migrate(database)
    }

    /// Stops at an older schema version: tests use it to prove a released database migrates.
    public init(path: String, migrateUpTo version: String) throws {
        database = try Self.open(path)
        limits = ReportLimits()
        reportBodyRetention = 14 * 86_400
        retention = Retention()
        try Self.migrator.migrate(database, upTo: version)
    }

    static func open(_ path: String) throws -> DatabasePool {
        var configuration = Configuration()
        configuration.busyMode = .timeout(10)
        configuration.prepareDatabase { db in try db.execute(sql: "PRAGMA synchronous = FULL") }
        return try DatabasePool(path: path, configuration: configuration)
    }

    public func appliedMigrations() throws -> [String] {
        try database.read { db in try Self.migrator.appliedMigrations(db) }
    }

    /// Versioned and append-only: a released migration is never edited; a change is a new one.
    static var migrator: DatabaseMigrator {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-reports") { db in
            try db.execute(sql: """
                CREATE TABLE host (
                    id TEXT PRIMARY KEY NOT NULL,
                    unit TEXT NOT NULL,
                    hostname TEXT,
                    first_seen TEXT NOT NULL,
                    last_seen TEXT NOT NULL
                );
                CREATE INDEX host_unit ON host(unit);
                CREATE TABLE report (
                    id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    started_at TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    role TEXT NOT NULL,
                    policy_version TEXT NOT NULL,
                    pass INTEGER NOT NULL, fail INTEGER NOT NULL, not_applicable INTEGER NOT NULL,
                    error INTEGER NOT NULL, manual INTEGER NOT NULL, total INTEGER NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX report_host_time ON report(host_id, started_at);
                CREATE TABLE result (
                    report_id TEXT NOT NULL REFERENCES report(id) ON DELETE CASCADE,
                    control TEXT NOT NULL,
                    status TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    PRIMARY KEY (report_id, control)
                ) WITHOUT ROWID;
                CREATE INDEX result_control_status ON result(control, status);
                """)
        }
        migrator.registerMigration("v2-enrollment-jobs-officers") { db in
            try db.execute(sql: """
                ALTER TABLE report ADD COLUMN summary_only INTEGER NOT NULL DEFAULT 0;
                CREATE TABLE compaction (
                    id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    count INTEGER NOT NULL,
                    first_at TEXT NOT NULL,
                    last_at TEXT NOT NULL,
                    failures TEXT NOT NULL,
                    received_at TEXT NOT NULL
                );
                CREATE INDEX compaction_host ON compaction(host_id);
                CREATE TABLE enrollment_token (
                    hash TEXT PRIMARY KEY NOT NULL,
                    unit TEXT NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    used_at TEXT,
                    used_by_host TEXT
                );
                CREATE TABLE host_certificate (
                    serial TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    issued_at TEXT NOT NULL,
                    not_after TEXT NOT NULL,
                    revoked_at TEXT
                );
                CREATE INDEX host_certificate_host ON host_certificate(host_id);
                CREATE TABLE job (
                    id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    controls TEXT NOT NULL,
                    approved_by TEXT NOT NULL,
                    approved_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL,
                    state TEXT NOT NULL,
                    fetched_at TEXT,
                    finished_at TEXT,
                    transaction_id TEXT,
                    message TEXT
                );
                CREATE INDEX job_host_state ON job(host_id, state);
                CREATE TABLE sign_in_failure (
                    user TEXT NOT NULL,
                    address TEXT,
                    at TEXT NOT NULL
                );
                CREATE INDEX sign_in_failure_user ON sign_in_failure(user, at);
                CREATE TABLE officer_session (
                    token_hash TEXT PRIMARY KEY NOT NULL,
                    user TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    expires_at TEXT NOT NULL
                );
                """)
        }
        migrator.registerMigration("v3-times-at-arrival") { db in
            // Reports stored before the collector clamped times: a start after arrival becomes the
            // arrival, so a report dated in the future stops being its host's latest for ever.
            try db.execute(sql: """
                UPDATE report SET started_at = received_at WHERE started_at > received_at;
                UPDATE compaction SET last_at = received_at WHERE last_at > received_at;
                UPDATE compaction SET first_at = last_at WHERE first_at > last_at;
                CREATE INDEX report_host_received ON report(host_id, received_at);
                ALTER TABLE officer_session ADD COLUMN last_seen TEXT;
                ALTER TABLE officer_session ADD COLUMN checked_at TEXT;
                """)
        }
        registerHistory(&migrator)
        registerExceptions(&migrator)
        registerIssuedReports(&migrator)
        registerIncidents(&migrator)
        registerIncidentDocuments(&migrator)
        registerCatalogues(&migrator)
        registerRetention(&migrator)
        return migrator
    }

    public func ingest(_ report: Report, host: HostIdentity) throws -> IngestOutcome {
        try limits.check(report)
        let arrival = Date()
        var report = report
        // The counts come from the results stored with them, never from the agent's summary.
        report.summary = Report.Summary(report.results)
        report.startedAt = ReportLimits.clamp(report.startedAt, toArrival: arrival)
        try checkAge(report.startedAt, arrival: arrival)
        let encoded = try EncodedReport(report)
        let body = Compressed.compress(encoded.body)
        let now = Timestamp(arrival).description
        let started = report.startedAt.description
        return try database.write { db in
            // Idempotent: the report id decides, so a retry after a lost acknowledgement stores nothing new.
            if try Self.alreadyStored(report.reportId, host: host, in: db) { return .duplicate }
            try checkQuota(host, adding: body.count, arrival: arrival, in: db)
            try Self.touch(host, hostname: report.host.hostname, now: now, in: db)
            let s = report.summary
            try db.execute(sql: """
                INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version,
                                    pass, fail, not_applicable, error, manual, total, bundle_version, bundle_refused)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [report.reportId.uuidString, host.id, started, now,
                                 report.policy.profile.rawValue, report.policy.role.rawValue, report.policy.version,
                                 s.pass, s.fail, s.notApplicable, s.error, s.manual, s.total, report.policy.bundle?.version,
                                 report.policy.bundleRefused?.line])
            try db.execute(sql: "INSERT INTO report_body (report_id, host_id, body) VALUES (?, ?, ?)", arguments: [report.reportId.uuidString, host.id, body])
            let later = try String.fetchOne(db, sql: "SELECT min(started_at) FROM report WHERE host_id = ? AND started_at > ?", arguments: [host.id, started])
            try Self.recordHistory(report, encoded: encoded.results, host: host.id, at: started, before: later, in: db)
            try Self.markRolledUpDays(unit: host.unit, from: started, in: db)
            try pruneBodies(host: host.id, now: arrival, in: db)
            return .stored
        }
    }

    public func ingest(_ summary: ReportSummary, host: HostIdentity) throws -> IngestOutcome {
        try limits.check(summary)
        let arrival = Date()
        var summary = summary
        summary.startedAt = ReportLimits.clamp(summary.startedAt, toArrival: arrival)
        try checkAge(summary.startedAt, arrival: arrival)
        let body = try JSONEncoder().encode(summary)
        let now = Timestamp(arrival).description
        return try database.write { db in
            if try Self.alreadyStored(summary.reportId, host: host, in: db) { return .duplicate }
            try checkQuota(host, adding: body.count, arrival: arrival, in: db)
            try Self.touch(host, hostname: nil, now: now, in: db)
            let s = summary.summary
            // Only the failing controls are known; the others are counted, not named. The history of
            // statuses is built from full reports only.
            try db.execute(sql: """
                INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version,
                                    pass, fail, not_applicable, error, manual, total, summary_only, failing)
                VALUES (?, ?, ?, ?, '', '', '', ?, ?, ?, ?, ?, ?, 1, ?)
                """, arguments: [summary.reportId.uuidString, host.id, summary.startedAt.description, now,
                                 s.pass, s.fail, s.notApplicable, s.error, s.manual, s.total, Set(summary.failing).sorted().joined(separator: ",")])
            try Self.markRolledUpDays(unit: host.unit, from: summary.startedAt.description, in: db)
            return .stored
        }
    }

    /// A report from before what the history keeps is refused for good (422), never stored and
    /// rolled up into days already pruned.
    func checkAge(_ started: Timestamp, arrival: Date) throws {
        let oldest = retention.oldestAccepted(now: arrival)
        guard started.date >= oldest else {
            throw ReportRefusal.invalid("the report started at \(started), before \(Timestamp(oldest)): older than the history this collector keeps (history.reports)")
        }
    }

    public func ingest(_ compacted: CompactedReports, host: HostIdentity) throws -> IngestOutcome {
        try limits.check(compacted)
        let arrival = Date()
        let failures = String(decoding: try JSONEncoder().encode(compacted.failures), as: UTF8.self)
        let to = ReportLimits.clamp(compacted.to, toArrival: arrival), from = ReportLimits.clamp(compacted.from, toArrival: arrival)
        let now = Timestamp(arrival).description
        return try database.write { db in
            try Self.touch(host, hostname: nil, now: now, in: db)
            let existing = try Row.fetchOne(db, sql: "SELECT host_id, count FROM compaction WHERE id = ?", arguments: [compacted.id.uuidString])
            if let existing {
                guard existing["host_id"] as String == host.id else { throw StoreError.conflict(compacted.id.uuidString) }
                // The record only grows under one id: a resend replaces it, never adds to it, and an
                // older copy arriving late changes nothing.
                guard compacted.count > existing["count"] as Int else { return .duplicate }
            }
            try db.execute(sql: """
                INSERT INTO compaction (id, host_id, count, first_at, last_at, failures, received_at) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET count = excluded.count, first_at = excluded.first_at,
                    last_at = excluded.last_at, failures = excluded.failures, received_at = excluded.received_at
                """, arguments: [compacted.id.uuidString, host.id, compacted.count, from.description,
                                 to.description, failures, now])
            return .stored
        }
    }

    /// Per host: at most `uploadsPerHour` records stored in the last hour, at most `storedBytesPerHost`
    /// kept. A compromised or broken agent cannot fill the disk or crowd out the other hosts.
    func checkQuota(_ host: HostIdentity, adding bytes: Int, arrival: Date, in db: Database) throws {
        let hourAgo = Timestamp(arrival.addingTimeInterval(-3600)).description
        let recent = try Row.fetchOne(db, sql: """
            SELECT count(*) AS n, min(received_at) AS oldest FROM report WHERE host_id = ? AND received_at > ?
            """, arguments: [host.id, hourAgo])
        if let recent, (recent["n"] as Int) >= limits.uploadsPerHour {
            let oldest = (recent["oldest"] as String?).flatMap(Timestamp.parse) ?? arrival
            let wait = max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(arrival).rounded(.up)))
            throw ReportRefusal.quota("this host sent \(limits.uploadsPerHour) reports within the last hour; the rest wait in its outbox", retryAfter: wait)
        }
        let stored = try Int.fetchOne(db, sql: "SELECT coalesce(sum(length(body)), 0) FROM report_body WHERE host_id = ?", arguments: [host.id]) ?? 0
        guard stored + bytes <= limits.storedBytesPerHost else {
            throw ReportRefusal.quota("this host already keeps \(stored >> 20) MiB at the collector (at most \(limits.storedBytesPerHost >> 20) MiB); an officer must archive its old reports", retryAfter: 86_400)
        }
    }

    public func compactedCount(host: String) throws -> Int {
        try database.read { db in
            try Int.fetchOne(db, sql: "SELECT coalesce(sum(count), 0) FROM compaction WHERE host_id = ?", arguments: [host]) ?? 0
        }
    }

    /// True when this host already sent the report; another host's report with the same id is a conflict.
    static func alreadyStored(_ id: UUID, host: HostIdentity, in db: Database) throws -> Bool {
        guard let owner = try String.fetchOne(db, sql: "SELECT host_id FROM report WHERE id = ?", arguments: [id.uuidString]) else { return false }
        guard owner == host.id else { throw StoreError.conflict(id.uuidString) }
        return true
    }

    /// The host is known from its certificate; a report refreshes when it was last seen.
    static func touch(_ host: HostIdentity, hostname: String?, now: String, in db: Database) throws {
        try db.execute(sql: """
            INSERT INTO host (id, unit, hostname, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, hostname = coalesce(excluded.hostname, host.hostname), last_seen = excluded.last_seen
            """, arguments: [host.id, host.unit, hostname, now, now])
    }

    /// A report row with its host and failing controls as of that report; callers add the WHERE clause.
    static let reportWithFailing = """
        SELECT r.id, r.host_id, r.started_at, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total, r.summary_only, r.bundle_version, r.bundle_refused, h.unit, h.hostname,
               CASE WHEN r.summary_only THEN r.failing ELSE
                   (SELECT group_concat(control, ',') FROM (SELECT control FROM result_change WHERE host_id = r.host_id AND status = 'fail'
                    AND since_at <= r.started_at AND (until_at IS NULL OR until_at > r.started_at) ORDER BY control)) END AS failing
        FROM report r JOIN host h ON h.id = r.host_id
        """

    /// The newest report of each host (by the agent's start time, which is never after its arrival:
    /// ingest clamps it, so an outbox sent late still sorts by when each check ran).
    /// Times have one-second precision, so two reports of one run can share a start time: the one
    /// received last wins. For a full report, what fails is the host's current state.
    /// One look-up per host (host first, then its newest report), not one per report.
    static let latestPerHost = """
        SELECT r.id, r.host_id, r.started_at, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total, r.summary_only, r.bundle_version, r.bundle_refused, h.unit, h.hostname,
               CASE WHEN r.summary_only THEN r.failing ELSE
                   (SELECT group_concat(control, ',') FROM (SELECT control FROM current_result WHERE host_id = r.host_id AND status = 'fail' ORDER BY control)) END AS failing
        FROM host h JOIN report r ON r.rowid = (SELECT rowid FROM report WHERE host_id = h.id ORDER BY started_at DESC, rowid DESC LIMIT 1)
        WHERE TRUE
        """

    public func latestStatus(unit: String) throws -> [HostStatus] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.latestPerHost + " AND h.unit = ? ORDER BY h.hostname, h.id", arguments: [unit]).map(Self.status)
        }
    }

    public func hostsFailing(control: String) throws -> [HostStatus] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.latestPerHost + """
                 AND CASE WHEN r.summary_only THEN ',' || r.failing || ',' LIKE '%,' || ?1 || ',%'
                     ELSE EXISTS (SELECT 1 FROM current_result WHERE host_id = r.host_id AND control = ?1 AND status = 'fail') END
                 ORDER BY h.unit, h.hostname, h.id
                """, arguments: [control]).map(Self.status)
        }
    }

    public func history(host: String, limit: Int) throws -> [HostStatus] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.reportWithFailing + " WHERE r.host_id = ? ORDER BY r.started_at DESC LIMIT ?",
                             arguments: [host, limit]).map(Self.status)
        }
    }

    /// A report's counts from the `report` table's columns of the same names.
    static func summary(_ row: Row) -> Report.Summary {
        var summary = Report.Summary([])
        summary.pass = row["pass"]
        summary.fail = row["fail"]
        summary.notApplicable = row["not_applicable"]
        summary.error = row["error"]
        summary.manual = row["manual"]
        summary.total = row["total"]
        return summary
    }

    static func status(_ row: Row) -> HostStatus {
        let summary = summary(row)
        let failing: String? = row["failing"]
        let started: String = row["started_at"]
        let id: String = row["id"]
        return HostStatus(
            host: row["host_id"], hostname: row["hostname"], unit: row["unit"],
            reportId: UUID(uuidString: id) ?? UUID(), startedAt: Timestamp(Timestamp.parse(started) ?? Date(timeIntervalSince1970: 0)),
            summary: summary, failing: failing.map { $0.split(separator: ",").map(String.init) } ?? [],
            summaryOnly: row["summary_only"] as Bool? ?? false,
            bundleVersion: row["bundle_version"], bundleRefused: row["bundle_refused"]
        )
    }
}
