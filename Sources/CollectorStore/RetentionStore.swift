public import Foundation

/// How long the collector keeps what it has (issue 17 point 5). Whole report bodies have their own
/// setting (`history.report-bodies`); this is the rest of the history and the audit log.
public struct Retention: Sendable, Hashable {
    /// Report rows and status spans that ended before `now - history` are removed, except what is
    /// still in effect then: each PC's newest report before that moment, and every span that had not
    /// ended. Three years by default: the annual report of last year, compared with the year before,
    /// is made from the days this keeps.
    public var history: TimeInterval
    /// Audit entries older than this are removed; nil keeps the log for ever (the default).
    public var audit: TimeInterval?

    public static let defaultHistory: TimeInterval = 1096 * 86_400
    /// A year and a month: the annual report needs its whole year after the year closed.
    public static let minimumHistory: TimeInterval = 400 * 86_400
    /// The audit log answers "who did what" for at least a year (the triggers enforce it too).
    public static let minimumAudit: TimeInterval = 365 * 86_400

    public init(history: TimeInterval = Retention.defaultHistory, audit: TimeInterval? = nil) {
        self.history = history
        self.audit = audit
    }

    /// Reports that started before this are refused at ingest: the days they fall on are at the edge
    /// of what is kept, and rolling them up again from a pruned history would rewrite them. The
    /// margin covers a silent-after of up to 30 days, which a day's roll-up looks back over.
    public func oldestAccepted(now: Date) -> Date {
        now.addingTimeInterval(-history + 31 * 86_400)
    }
}

/// What one pruning removed (or, counted only, would remove).
public struct PruneResult: Sendable, Hashable {
    public var reports = 0
    public var statusSpans = 0
    public var auditEntries = 0
    /// Write transactions it took: each holds the writer for one batch only, so uploads go on between.
    public var transactions = 0

    public init() {}
}

public protocol RetentionStore: Sendable {
    /// Removes what `retention` no longer keeps, `batch` rows per transaction. An audit pruning is
    /// itself recorded (`audit_prune` and an `audit-pruned` entry).
    func prune(_ retention: Retention, now: Date, batch: Int) throws -> PruneResult
    /// What ``prune(_:now:batch:)`` would remove, without removing it.
    func pruneCount(_ retention: Retention, now: Date) throws -> PruneResult
}
