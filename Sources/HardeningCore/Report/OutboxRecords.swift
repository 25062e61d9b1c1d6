public import FoundationEssentials

/// What a full report is reduced to when the agent's outbox is over its bounds: enough for the
/// collector's status history (counts and failing controls), never silently dropped.
public struct ReportSummary: Codable, Sendable, Hashable {
    public var schema = "attt.report-summary.v1"
    public var reportId: UUID
    public var startedAt: Timestamp
    public var summary: Report.Summary
    public var failing: [String]

    public init(reportId: UUID, startedAt: Timestamp, summary: Report.Summary, failing: [String]) {
        self.reportId = reportId
        self.startedAt = startedAt
        self.summary = summary
        self.failing = failing
    }

    public init(_ report: Report) {
        self.init(reportId: report.reportId, startedAt: report.startedAt, summary: report.summary,
                  failing: report.results.filter { $0.status == .fail }.map(\.control))
    }
}

/// Reports folded away when even their summaries did not fit: how many, from when to when, and how
/// often each control failed in them. The id stays while the record grows, so a record sent again
/// after a lost acknowledgement replaces the collector's copy instead of counting twice.
public struct CompactedReports: Codable, Sendable, Hashable {
    public var schema = "attt.report-compacted.v1"
    public var id: UUID
    public var count: Int
    public var from: Timestamp
    public var to: Timestamp
    public var failures: [String: Int]

    public init(id: UUID = UUID(), count: Int, from: Timestamp, to: Timestamp, failures: [String: Int]) {
        self.id = id
        self.count = count
        self.from = from
        self.to = to
        self.failures = failures
    }
}
