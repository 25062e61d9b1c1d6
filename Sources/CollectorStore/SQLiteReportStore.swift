public import Foundation
import GRDB
public import HardeningCore

/// The embedded default: one SQLite file, no set-up. Schema changes are versioned migrations.
public final class SQLiteReportStore: ReportStore {
    let database: DatabaseQueue

    /// Opens (or creates) the database file and brings its schema up to date.
    public init(path: String) throws {
        database = try DatabaseQueue(path: path)
        try Self.migrator.migrate(database)
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
        return migrator
    }

    public func ingest(_ report: Report, host: HostIdentity) throws -> IngestOutcome {
        let body = try JSONEncoder().encode(report)
        let now = Timestamp(Date()).description
        return try database.write { db in
            // Idempotent: the report id decides, so a retry after a lost acknowledgement stores nothing new.
            if try Bool.fetchOne(db, sql: "SELECT EXISTS(SELECT 1 FROM report WHERE id = ?)", arguments: [report.reportId.uuidString]) == true {
                return .duplicate
            }
            try db.execute(sql: """
                INSERT INTO host (id, unit, hostname, first_seen, last_seen) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, hostname = excluded.hostname, last_seen = excluded.last_seen
                """, arguments: [host.id, host.unit, report.host.hostname, now, now])
            let s = report.summary
            try db.execute(sql: """
                INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version,
                                    pass, fail, not_applicable, error, manual, total, body)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [report.reportId.uuidString, host.id, report.startedAt.description, now,
                                 report.policy.profile.rawValue, report.policy.role.rawValue, report.policy.version,
                                 s.pass, s.fail, s.notApplicable, s.error, s.manual, s.total, body])
            for result in report.results {
                try db.execute(sql: "INSERT INTO result (report_id, control, status, severity) VALUES (?, ?, ?, ?)",
                               arguments: [report.reportId.uuidString, result.control, result.status.rawValue, result.severity.rawValue])
            }
            return .stored
        }
    }

    /// A report row with its host and failing controls; callers add the WHERE clause.
    static let reportWithFailing = """
        SELECT r.*, h.unit, h.hostname,
               (SELECT group_concat(control, ',') FROM (SELECT control FROM result WHERE report_id = r.id AND status = 'fail' ORDER BY control)) AS failing
        FROM report r JOIN host h ON h.id = r.host_id
        """

    /// The newest report of each host (by the agent's start time).
    static let latestPerHost = reportWithFailing + " WHERE r.started_at = (SELECT max(started_at) FROM report WHERE host_id = r.host_id)"

    public func latestStatus(unit: String) throws -> [HostStatus] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.latestPerHost + " AND h.unit = ? ORDER BY h.hostname, h.id", arguments: [unit]).map(Self.status)
        }
    }

    public func hostsFailing(control: String) throws -> [HostStatus] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.latestPerHost + """
                 AND EXISTS (SELECT 1 FROM result WHERE report_id = r.id AND control = ? AND status = 'fail')
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

    static func status(_ row: Row) -> HostStatus {
        var summary = Report.Summary([])
        summary.pass = row["pass"]
        summary.fail = row["fail"]
        summary.notApplicable = row["not_applicable"]
        summary.error = row["error"]
        summary.manual = row["manual"]
        summary.total = row["total"]
        let failing: String? = row["failing"]
        let started: String = row["started_at"]
        let id: String = row["id"]
        return HostStatus(
            host: row["host_id"], hostname: row["hostname"], unit: row["unit"],
            reportId: UUID(uuidString: id) ?? UUID(), startedAt: Timestamp(Timestamp.parse(started) ?? Date(timeIntervalSince1970: 0)),
            summary: summary, failing: failing.map { $0.split(separator: ",").map(String.init) } ?? []
        )
    }
}
