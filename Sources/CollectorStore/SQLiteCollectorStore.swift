public import Foundation
public import CollectorAPI
import GRDB
public import HardeningCore

/// The embedded default: one SQLite file, no set-up. Schema changes are versioned migrations.
///
/// A `DatabasePool` in WAL mode: readers (the officers' pages) never wait for the writer (agents'
/// uploads), and a collector killed mid-write loses nothing that was acknowledged.
public final class SQLiteCollectorStore: ReportStore, SQLTransactions {
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

    package func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try database.write { db in try body(SQLiteSession(db: db)) }
    }

    package func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try database.read { db in try body(SQLiteSession(db: db)) }
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
        registerUnchangedReports(&migrator)
        return migrator
    }

    /// What is done with what an agent sends is the same on both stores (``ReportIngest``).
    var reportIngest: ReportIngest { ReportIngest(limits: limits, retention: retention, reportBodyRetention: reportBodyRetention) }

    public func ingest(_ report: Report, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(report, host: host, in: self)
    }

    public func ingest(_ unchanged: UnchangedReport, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(unchanged, host: host, in: self)
    }

    public func ingest(_ summary: ReportSummary, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(summary, host: host, in: self)
    }

    public func ingest(_ compacted: CompactedReports, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(compacted, host: host, in: self)
    }

    public func compactedCount(host: String) throws -> Int {
        try read { try ReportReads.compactedCount(host: host, in: $0) }
    }

    public func latestStatus(unit: String) throws -> [HostStatus] {
        try read { try ReportReads.latestStatus(unit: unit, in: $0) }
    }

    public func hostsFailing(control: String) throws -> [HostStatus] {
        try read { try ReportReads.hostsFailing(control: control, in: $0) }
    }

    public func history(host: String, limit: Int) throws -> [HostStatus] {
        try read { try ReportReads.history(host: host, limit: limit, in: $0) }
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
}
