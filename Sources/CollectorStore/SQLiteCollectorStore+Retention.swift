public import Foundation
import GRDB
import HardeningCore

/// Pruning by ``Retention`` (issue 17 point 5), in batches so that uploads are never held up for
/// long: SQLite has one writer, and each batch is its own short transaction.
extension SQLiteCollectorStore: RetentionStore {
    static func registerRetention(_ migrator: inout DatabaseMigrator) {
        // The audit log stays append-only, except below a line a pruning recorded. The line can only
        // be drawn at least a year back (by SQLite's own clock), and the record of it is append-only.
        migrator.registerMigration("v11-retention") { db in
            try db.execute(sql: """
                CREATE TABLE audit_prune (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    before_at TEXT NOT NULL,
                    at TEXT NOT NULL,
                    removed INTEGER NOT NULL
                );
                CREATE TRIGGER audit_prune_no_update BEFORE UPDATE ON audit_prune BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_prune_no_delete BEFORE DELETE ON audit_prune BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE TRIGGER audit_prune_a_year_back BEFORE INSERT ON audit_prune
                    WHEN NEW.before_at > strftime('%Y-%m-%dT%H:%M:%SZ', 'now', '-365 days') OR NEW.id IN (SELECT id FROM audit_prune)
                    BEGIN SELECT RAISE(ABORT, 'the audit log keeps at least a year'); END;
                DROP TRIGGER audit_no_delete;
                CREATE TRIGGER audit_no_delete BEFORE DELETE ON audit
                    WHEN OLD.at >= coalesce((SELECT max(before_at) FROM audit_prune), '')
                    BEGIN SELECT RAISE(ABORT, 'the audit log is append-only'); END;
                CREATE INDEX audit_at ON audit(at);
                """)
        }
    }

    /// Reports before the cutoff that are not their PC's newest before it.
    static let prunableReports = """
        FROM report r WHERE r.started_at < ?1
        AND r.rowid != (SELECT rowid FROM report WHERE host_id = r.host_id AND started_at < ?1 ORDER BY started_at DESC, rowid DESC LIMIT 1)
        """
    /// Status spans that ended before the cutoff; the one in effect then has not.
    static let prunableSpans = "FROM result_change WHERE until_at IS NOT NULL AND until_at < ?1"

    public func pruneCount(_ retention: Retention, now: Date) throws -> PruneResult {
        let cutoff = Timestamp(now.addingTimeInterval(-retention.history)).description
        return try database.read { db in
            var result = PruneResult()
            result.reports = try Int.fetchOne(db, sql: "SELECT count(*) " + Self.prunableReports, arguments: [cutoff]) ?? 0
            result.statusSpans = try Int.fetchOne(db, sql: "SELECT count(*) " + Self.prunableSpans, arguments: [cutoff]) ?? 0
            if let audit = retention.audit {
                result.auditEntries = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE at < ?", arguments: [Self.auditCutoff(audit, now: now)]) ?? 0
            }
            return result
        }
    }

    public func prune(_ retention: Retention, now: Date, batch: Int = 1000) throws -> PruneResult {
        precondition(batch > 0)
        let cutoff = Timestamp(now.addingTimeInterval(-retention.history)).description
        var result = PruneResult()
        // Each loop is bounded by what was there when it began: rows only leave.
        while true {
            let removed = try database.write { db -> Int in
                let ids = try String.fetchAll(db, sql: "SELECT r.id " + Self.prunableReports + " LIMIT ?2", arguments: [cutoff, batch])
                guard !ids.isEmpty else { return 0 }
                let list = Self.jsonArray(Set(ids))
                try db.execute(sql: "DELETE FROM report_body WHERE report_id IN (SELECT value FROM json_each(?))", arguments: [list])
                try db.execute(sql: "DELETE FROM report WHERE id IN (SELECT value FROM json_each(?))", arguments: [list])
                return ids.count
            }
            guard removed > 0 else { break }
            result.reports += removed
            result.transactions += 1
        }
        while true {
            let removed = try database.write { db -> Int in
                try db.execute(sql: """
                    DELETE FROM result_change WHERE (host_id, control, since_at) IN (SELECT host_id, control, since_at \(Self.prunableSpans) LIMIT ?2)
                    """, arguments: [cutoff, batch])
                return db.changesCount
            }
            guard removed > 0 else { break }
            result.statusSpans += removed
            result.transactions += 1
        }
        if let audit = retention.audit {
            let (removed, transactions) = try pruneAudit(before: Self.auditCutoff(audit, now: now), now: now, batch: batch)
            result.auditEntries = removed
            result.transactions += transactions
        }
        return result
    }

    /// Never less than the minimum, whatever the caller asked.
    static func auditCutoff(_ keep: TimeInterval, now: Date) -> String {
        Timestamp(now.addingTimeInterval(-max(keep, Retention.minimumAudit))).description
    }

    /// The line is drawn and recorded first, with the count it will remove and an entry saying so;
    /// then the entries below it go, a batch at a time.
    func pruneAudit(before cutoff: String, now: Date, batch: Int) throws -> (removed: Int, transactions: Int) {
        let count = try database.write { db -> Int in
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM audit WHERE at < ?", arguments: [cutoff]) ?? 0
            guard count > 0 else { return 0 }
            try db.execute(sql: "INSERT INTO audit_prune (before_at, at, removed) VALUES (?, ?, ?)", arguments: [cutoff, Timestamp(now).description, count])
            try Self.audit(.auditPruned, by: ActingOfficer(name: "attt-collector", role: "collector"), unit: nil, host: nil, subject: nil,
                           detail: ["before": cutoff, "entries": String(count)], at: now, in: db)
            return count
        }
        guard count > 0 else { return (0, 0) }
        var transactions = 1
        while try database.write({ db -> Int in
            try db.execute(sql: "DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < ? ORDER BY id LIMIT ?)", arguments: [cutoff, batch])
            return db.changesCount
        }) > 0 {
            transactions += 1
        }
        return (count, transactions)
    }
}

extension AuditEntry.Action {
    public static let auditPruned = AuditEntry.Action(rawValue: "audit-pruned")
}
