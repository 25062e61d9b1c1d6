public import Foundation
import GRDB

/// Pruning by ``Retention`` (issue 17 point 5): ``Pruning``, shared with the PostgreSQL store.
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

    public func pruneCount(_ retention: Retention, now: Date) throws -> PruneResult {
        try Pruning.count(retention, now: now, in: self)
    }

    public func prune(_ retention: Retention, now: Date, batch: Int = 1000) throws -> PruneResult {
        try Pruning.prune(retention, now: now, batch: batch, in: self)
    }
}
