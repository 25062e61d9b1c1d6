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
                try recordHistory(report, encoded: encoded.results, host: row["host_id"], at: row["started_at"], before: nil, in: db)
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

    // MARK: Ingest

    /// The results of a full report, in the history: only what changed is written. A report older
    /// than the host's latest (an outbox sent late) is fitted in between, and the days it touches
    /// are rolled up again.
    /// - Parameters:
    ///   - encoded: each result as JSON (``EncodedReport``), in the report's order.
    ///   - later: the start of the host's next report when this one is not its newest.
    static func recordHistory(_ report: Report, encoded: [Data], host: String, at started: String, before later: String?, in db: Database) throws {
        let id = report.reportId.uuidString
        if let later {
            for result in report.results { try fitIn(result.control, status: result.status.rawValue, host: host, at: started, report: id, before: later, in: db) }
            return
        }
        let existing = try Dictionary(Row.fetchAll(db, sql: "SELECT control, status, failing_since, result_hash FROM current_result WHERE host_id = ?", arguments: [host])
            .map { ($0["control"] as String, $0) }, uniquingKeysWith: { a, _ in a })
        let info = try db.cachedStatement(sql: """
            INSERT INTO control_info (control, area, articles, severity, title_vi, title_en) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(control) DO UPDATE SET area = excluded.area, articles = excluded.articles, severity = excluded.severity,
                title_vi = excluded.title_vi, title_en = excluded.title_en
            WHERE (area, articles, severity, title_vi, title_en) IS NOT (excluded.area, excluded.articles, excluded.severity, excluded.title_vi, excluded.title_en)
            """)
        for (result, json) in zip(report.results, encoded) {
            try info.execute(arguments: [result.control, result.area, ControlInfo.articles(result.references).joined(separator: ","),
                                         result.severity.rawValue, result.title.vi, result.title.en])
            let hash = Data(SHA256.hash(data: json).prefix(16))
            let previous = existing[result.control]
            if let previous, previous["status"] as String == result.status.rawValue {
                if previous["result_hash"] as Data != hash {
                    try db.execute(sql: "UPDATE current_result SET result = ?, result_hash = ? WHERE host_id = ? AND control = ?",
                                   arguments: [Compressed.compress(json), hash, host, result.control])
                }
                continue
            }
            try change(result.control, to: result.status.rawValue, host: host, at: started, report: id, in: db)
            // The first failing report after the last pass: other statuses in between carry it on.
            let carried: String? = previous?["failing_since"]
            let failingSince: String? = switch result.status {
            case .pass: nil
            case .fail: carried ?? started
            default: carried
            }
            try db.execute(sql: """
                INSERT INTO current_result (host_id, control, status, since_at, failing_since, result_hash, result) VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT(host_id, control) DO UPDATE SET status = excluded.status, since_at = excluded.since_at,
                    failing_since = excluded.failing_since, result_hash = excluded.result_hash, result = excluded.result
                """, arguments: [host, result.control, result.status.rawValue, started, failingSince, hash, Compressed.compress(json)])
        }
        // A control the host no longer reports (another role, another policy) is absent, not passing.
        let reported = Set(report.results.map(\.control))
        for (control, row) in existing where !reported.contains(control) && row["status"] as String != absent {
            try change(control, to: absent, host: host, at: started, report: id, in: db)
            try db.execute(sql: "UPDATE current_result SET status = ?, since_at = ? WHERE host_id = ? AND control = ?", arguments: [absent, started, host, control])
        }
    }

    static let absent = "absent"

    /// Ends the open stretch of a control and starts a new one.
    static func change(_ control: String, to status: String, host: String, at: String, report: String, in db: Database) throws {
        try db.execute(sql: "UPDATE result_change SET until_at = ? WHERE host_id = ? AND control = ? AND until_at IS NULL AND since_at < ?",
                       arguments: [at, host, control, at])
        // Two reports of one run can start in the same second: the one received last wins.
        try db.execute(sql: """
            INSERT INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES (?, ?, ?, ?, ?, NULL)
            ON CONFLICT(host_id, control, since_at) DO UPDATE SET status = excluded.status, report_id = excluded.report_id, until_at = NULL
            """, arguments: [host, control, at, status, report])
    }

    /// A late report's status fitted between the stretches already known: it holds from its start
    /// to the host's next report, after which the status known before it resumes.
    static func fitIn(_ control: String, status: String, host: String, at: String, report: String, before next: String, in db: Database) throws {
        let covering = try Row.fetchOne(db, sql: """
            SELECT since_at, status, report_id, until_at FROM result_change WHERE host_id = ? AND control = ? AND since_at <= ?
            ORDER BY since_at DESC LIMIT 1
            """, arguments: [host, control, at])
        if let covering, covering["status"] as String == status { return }
        // The same second as a stretch already known (two reports of one run): the one received last
        // gives that stretch its status.
        if let covering, covering["since_at"] as String == at {
            try db.execute(sql: "UPDATE result_change SET status = ?, report_id = ? WHERE host_id = ? AND control = ? AND since_at = ?",
                           arguments: [status, report, host, control, at])
            try refreshFailingSince(control, host: host, in: db)
            return
        }
        let following = try String.fetchOne(db, sql: "SELECT min(since_at) FROM result_change WHERE host_id = ? AND control = ? AND since_at > ?",
                                            arguments: [host, control, at])
        let end = following.map { min($0, next) } ?? next
        if let covering {
            try db.execute(sql: "UPDATE result_change SET until_at = ? WHERE host_id = ? AND control = ? AND since_at = ?",
                           arguments: [at, host, control, covering["since_at"] as String])
        }
        try db.execute(sql: """
            INSERT INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES (?, ?, ?, ?, ?, ?)
            ON CONFLICT(host_id, control, since_at) DO UPDATE SET status = excluded.status, report_id = excluded.report_id
            """, arguments: [host, control, at, status, report, end])
        if let covering, following != next {
            let resumedUntil: String? = covering["until_at"]
            if resumedUntil.map({ $0 > next }) ?? true {
                try db.execute(sql: "INSERT OR IGNORE INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES (?, ?, ?, ?, ?, ?)",
                               arguments: [host, control, next, covering["status"] as String, covering["report_id"] as String, resumedUntil])
            }
        }
        try refreshFailingSince(control, host: host, in: db)
    }

    /// Failing since may begin earlier once a late report is fitted in.
    static func refreshFailingSince(_ control: String, host: String, in db: Database) throws {
        try db.execute(sql: """
            UPDATE current_result SET failing_since = (
                SELECT min(since_at) FROM result_change c WHERE c.host_id = ?1 AND c.control = ?2 AND c.status = 'fail'
                AND c.since_at > coalesce((SELECT max(since_at) FROM result_change p WHERE p.host_id = ?1 AND p.control = ?2 AND p.status = 'pass'), ''))
            WHERE host_id = ?1 AND control = ?2 AND status = 'fail'
            """, arguments: [host, control])
    }

    /// A report for a day already rolled up makes that day and those after it be rolled up again.
    static func markRolledUpDays(unit: String, from started: String, in db: Database) throws {
        guard let date = Timestamp.parse(started) else { return }
        let day = OfficeDay(containing: date).number
        try db.execute(sql: """
            UPDATE rollup_state SET dirty_from = min(coalesce(dirty_from, ?1), ?1) WHERE unit = ?2 AND through_day >= ?1
            """, arguments: [day, unit])
    }

    /// Whole bodies are kept for the retention period; the latest of each host always.
    func pruneBodies(host: String, now: Date, in db: Database) throws {
        let cutoff = Timestamp(now.addingTimeInterval(-reportBodyRetention)).description
        try db.execute(sql: """
            DELETE FROM report_body WHERE host_id = ?1 AND report_id IN (
                SELECT b.report_id FROM report_body b JOIN report r ON r.id = b.report_id WHERE b.host_id = ?1 AND r.started_at < ?2)
            AND report_id != (SELECT id FROM report WHERE host_id = ?1 ORDER BY started_at DESC, rowid DESC LIMIT 1)
            """, arguments: [host, cutoff])
    }
}
