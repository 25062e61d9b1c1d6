public import Foundation
import HardeningCore

/// Pruning by ``Retention`` (issue 17 point 5) on either store, in batches so that uploads are never
/// held up for long: SQLite has one writer, and each batch is its own short transaction. One pruning
/// at a time across instances, so the audit log's line is drawn once.
package enum Pruning {
    /// Reports before the cutoff `$1` that are not their PC's newest before it.
    static func prunableReports(_ session: any SQLSession) -> String {
        let order = session.arrivalOrder
        return """
            FROM report r WHERE r.started_at < $1
            AND r.\(order) != (SELECT \(order) FROM report WHERE host_id = r.host_id AND started_at < $1 ORDER BY started_at DESC, \(order) DESC LIMIT 1)
            """
    }

    /// Status spans that ended before the cutoff; the one in effect then has not.
    static let prunableSpans = "FROM result_change WHERE until_at IS NOT NULL AND until_at < $1"

    package static func count(_ retention: Retention, now: Date, in store: some SQLTransactions) throws -> PruneResult {
        let cutoff = SQLValue.text(Timestamp(now.addingTimeInterval(-retention.history)).description)
        return try store.read { session in
            var result = PruneResult()
            result.reports = try session.row("SELECT count(*) AS n " + prunableReports(session), [cutoff])?.integer("n") ?? 0
            result.statusSpans = try session.row("SELECT count(*) AS n " + prunableSpans, [cutoff])?.integer("n") ?? 0
            if let audit = retention.audit {
                result.auditEntries = try session.row("SELECT count(*) AS n FROM audit WHERE at < $1", [.text(auditCutoff(audit, now: now))])?.integer("n") ?? 0
            }
            return result
        }
    }

    package static func prune(_ retention: Retention, now: Date, batch: Int, in store: some SQLTransactions) throws -> PruneResult {
        precondition(batch > 0)
        let cutoff = SQLValue.text(Timestamp(now.addingTimeInterval(-retention.history)).description)
        var result = PruneResult()
        // Each loop is bounded by what was there when it began: rows only leave.
        while true {
            let removed = try store.write { session -> Int in
                try session.serialize("prune")
                let ids = try session.rows("SELECT r.id " + prunableReports(session) + " LIMIT $2", [cutoff, .integer(batch)]).compactMap { $0.text("id") }
                guard !ids.isEmpty else { return 0 }
                let list = SQLValue.text(HistoryReads.jsonArray(Set(ids)))
                // A body a kept unchanged report takes its content from stays, without its report,
                // until that report's body goes (``ReportIngest/pruneUnreferencedBodies(host:in:)``).
                try session.execute("""
                    DELETE FROM report_body WHERE report_id IN \(session.members("$1"))
                    AND report_id NOT IN (SELECT content_from FROM report_body WHERE content_from IS NOT NULL)
                    """, [list])
                try session.execute("DELETE FROM report WHERE id IN \(session.members("$1"))", [list])
                return ids.count
            }
            guard removed > 0 else { break }
            result.reports += removed
            result.transactions += 1
        }
        while true {
            let removed = try store.write { session -> Int in
                try session.serialize("prune")
                return try session.execute("""
                    DELETE FROM result_change WHERE (host_id, control, since_at) IN (SELECT host_id, control, since_at \(prunableSpans) LIMIT $2)
                    """, [cutoff, .integer(batch)])
            }
            guard removed > 0 else { break }
            result.statusSpans += removed
            result.transactions += 1
        }
        if let audit = retention.audit {
            let (removed, transactions) = try pruneAudit(before: auditCutoff(audit, now: now), now: now, batch: batch, in: store)
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
    static func pruneAudit(before cutoff: String, now: Date, batch: Int, in store: some SQLTransactions) throws -> (removed: Int, transactions: Int) {
        let count = try store.write { session -> Int in
            try session.serialize("prune")
            let count = try session.row("SELECT count(*) AS n FROM audit WHERE at < $1", [.text(cutoff)])?.integer("n") ?? 0
            guard count > 0 else { return 0 }
            try session.execute("INSERT INTO audit_prune (before_at, at, removed) VALUES ($1, $2, $3)", [.text(cutoff), .text(Timestamp(now).description), .integer(count)])
            try AuditEntry.record(.auditPruned, by: ActingOfficer(name: "attt-collector", role: "collector"), unit: nil, host: nil, subject: nil,
                                  detail: ["before": cutoff, "entries": String(count)], at: now, in: session)
            return count
        }
        guard count > 0 else { return (0, 0) }
        var transactions = 1
        while try store.write({ session -> Int in
            try session.serialize("prune")
            return try session.execute("DELETE FROM audit WHERE id IN (SELECT id FROM audit WHERE at < $1 ORDER BY id LIMIT $2)", [.text(cutoff), .integer(batch)])
        }) > 0 {
            transactions += 1
        }
        return (count, transactions)
    }
}

extension AuditEntry.Action {
    public static let auditPruned = AuditEntry.Action(rawValue: "audit-pruned")
}
