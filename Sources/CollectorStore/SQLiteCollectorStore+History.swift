import Crypto
public import Foundation
import GRDB
public import HardeningCore

/// History from changes (issue 13 point 1): a report's results become rows only where a control's
/// status changed (`result_change`), the latest result of each host × control is kept with its
/// evidence (`current_result`), and each closed day is frozen per unit and control (`compliance_day`,
/// `unit_day`). Whole report bodies are kept compressed for `reportBodyRetention` only.
extension SQLiteCollectorStore {
    static func registerHistory(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v4-history") { db in
            try db.execute(sql: """
                CREATE TABLE report_body (
                    report_id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL,
                    body BLOB NOT NULL
                );
                CREATE INDEX report_body_host ON report_body(host_id);
                CREATE TABLE report_v4 (
                    id TEXT PRIMARY KEY NOT NULL,
                    host_id TEXT NOT NULL REFERENCES host(id),
                    started_at TEXT NOT NULL,
                    received_at TEXT NOT NULL,
                    profile TEXT NOT NULL,
                    role TEXT NOT NULL,
                    policy_version TEXT NOT NULL,
                    pass INTEGER NOT NULL, fail INTEGER NOT NULL, not_applicable INTEGER NOT NULL,
                    error INTEGER NOT NULL, manual INTEGER NOT NULL, total INTEGER NOT NULL,
                    summary_only INTEGER NOT NULL DEFAULT 0,
                    failing TEXT
                );
                CREATE TABLE control_info (
                    control TEXT PRIMARY KEY NOT NULL,
                    area TEXT NOT NULL,
                    articles TEXT NOT NULL,
                    severity TEXT NOT NULL,
                    title_vi TEXT NOT NULL,
                    title_en TEXT NOT NULL
                ) WITHOUT ROWID;
                CREATE TABLE result_change (
                    host_id TEXT NOT NULL,
                    control TEXT NOT NULL,
                    since_at TEXT NOT NULL,
                    status TEXT NOT NULL,
                    report_id TEXT NOT NULL,
                    until_at TEXT,
                    PRIMARY KEY (host_id, control, since_at)
                ) WITHOUT ROWID;
                CREATE TABLE current_result (
                    host_id TEXT NOT NULL,
                    control TEXT NOT NULL,
                    status TEXT NOT NULL,
                    since_at TEXT NOT NULL,
                    failing_since TEXT,
                    result_hash BLOB NOT NULL,
                    result BLOB NOT NULL,
                    PRIMARY KEY (host_id, control)
                );
                CREATE INDEX current_result_control ON current_result(control, status);
                CREATE TABLE compliance_day (
                    unit TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    control TEXT NOT NULL,
                    pass INTEGER NOT NULL, fail INTEGER NOT NULL, not_applicable INTEGER NOT NULL,
                    error INTEGER NOT NULL, manual INTEGER NOT NULL, waived INTEGER NOT NULL,
                    PRIMARY KEY (unit, day, control)
                ) WITHOUT ROWID;
                CREATE TABLE unit_day (
                    unit TEXT NOT NULL,
                    day INTEGER NOT NULL,
                    hosts INTEGER NOT NULL, reporting INTEGER NOT NULL, silent INTEGER NOT NULL,
                    never_reported INTEGER NOT NULL, revoked INTEGER NOT NULL,
                    PRIMARY KEY (unit, day)
                ) WITHOUT ROWID;
                CREATE TABLE rollup_state (
                    unit TEXT PRIMARY KEY NOT NULL,
                    through_day INTEGER,
                    dirty_from INTEGER
                ) WITHOUT ROWID;
                """)
            // Reports kept whole until now: bodies compressed apart, results replayed into the history
            // oldest first, summaries keep their failing list.
            try db.execute(sql: """
                INSERT INTO report_v4 (id, host_id, started_at, received_at, profile, role, policy_version,
                                       pass, fail, not_applicable, error, manual, total, summary_only, failing)
                SELECT id, host_id, started_at, received_at, profile, role, policy_version, pass, fail, not_applicable, error, manual, total, summary_only,
                       CASE WHEN summary_only THEN (SELECT group_concat(control, ',') FROM (SELECT control FROM result WHERE report_id = report.id ORDER BY control)) END
                FROM report
                """)
            let old = try Row.fetchCursor(db, sql: "SELECT id, host_id, started_at, body FROM report WHERE summary_only = 0 ORDER BY host_id, started_at, rowid")
            let decoder = JSONDecoder()
            while let row = try old.next() {
                guard let report = try? decoder.decode(Report.self, from: row["body"] as Data) else { continue }
                let encoded = try EncodedReport(report)
                try db.execute(sql: "INSERT INTO report_body (report_id, host_id, body) VALUES (?, ?, ?)",
                               arguments: [row["id"] as String, row["host_id"] as String, Compressed.compress(encoded.body)])
                try ReportIngest.recordHistory(report, encoded: encoded.results, host: row["host_id"], at: row["started_at"], before: nil, in: SQLiteSession(db: db))
            }
            try db.execute(sql: """
                DROP TABLE result;
                DROP TABLE report;
                ALTER TABLE report_v4 RENAME TO report;
                CREATE INDEX report_host_time ON report(host_id, started_at);
                CREATE INDEX report_host_received ON report(host_id, received_at);
                """)
        }
    }

    /// Unchanged reports (issue 17 point 3): the digest of each full report's content as the
    /// collector computed it, and an unchanged report's body that keeps only what changes every run
    /// and names the body holding its results and inventory.
    static func registerUnchangedReports(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v12-unchanged-reports") { db in
            try db.execute(sql: """
                ALTER TABLE report ADD COLUMN content_digest TEXT;
                ALTER TABLE report_body ADD COLUMN content_from TEXT;
                CREATE INDEX report_body_content_from ON report_body(content_from) WHERE content_from IS NOT NULL;
                """)
        }
    }
}
