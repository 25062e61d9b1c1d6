public import CollectorStore
public import Foundation
public import Logging

/// Prunes what ``Retention`` no longer keeps (issue 17 point 5): once when the collector starts, then
/// each night at 03:00 in Việt Nam, after the day's periodic reports. On a thread of its own, a batch
/// per transaction, so uploads are served between batches.
public struct RetentionScheduler: Sendable {
    public let store: any RetentionStore
    public let retention: Retention
    public let logger: Logger
    static let batch = 1000

    public init(store: any RetentionStore, retention: Retention, logger: Logger) {
        self.store = store
        self.retention = retention
        self.logger = logger
    }

    /// 03:00 in Việt Nam after `now`.
    public static func nextRun(after now: Date) -> Date {
        let today = OfficeDay(containing: now)
        let tonight = today.end.addingTimeInterval(-21 * 3600)
        return tonight > now ? tonight : today.end.addingTimeInterval(3 * 3600)
    }

    func run(on pool: BlockingPool) async {
        while !Task.isCancelled {
            do {
                let pruned = try await pool.waitingRun { [store, retention] in try store.prune(retention, now: Date(), batch: Self.batch) }
                if pruned.reports + pruned.statusSpans + pruned.auditEntries > 0 {
                    logger.notice("history pruned", metadata: ["reports": "\(pruned.reports)", "status_spans": "\(pruned.statusSpans)",
                                                               "audit_entries": "\(pruned.auditEntries)", "transactions": "\(pruned.transactions)"])
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("pruning the history failed; tried again tomorrow", metadata: ["error": "\(error)"])
            }
            do {
                try await Task.sleep(for: .seconds(max(1, Self.nextRun(after: Date()).timeIntervalSinceNow)))
            } catch {
                return
            }
        }
    }
}
