public import CollectorStore
public import Foundation

/// Pruning on PostgreSQL: ``Pruning``, the SQLite store's own code. An advisory lock keeps two
/// instances from pruning at once.
extension PostgresCollectorStore: RetentionStore {
    public func pruneCount(_ retention: Retention, now: Date) throws -> PruneResult {
        try Pruning.count(retention, now: now, in: self)
    }

    public func prune(_ retention: Retention, now: Date, batch: Int = 1000) throws -> PruneResult {
        try Pruning.prune(retention, now: now, batch: batch, in: self)
    }
}
