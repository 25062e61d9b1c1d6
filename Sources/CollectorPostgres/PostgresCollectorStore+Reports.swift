public import CollectorAPI
public import CollectorStore
public import HardeningCore

/// Reports, summaries and compacted records (issue 4, 13) on PostgreSQL: ``ReportIngest`` and
/// ``ReportReads``, the SQLite store's own code, on this store's transactions.
extension PostgresCollectorStore: ReportStore {
    public func ingest(_ report: Report, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(report, host: host, in: self)
    }

    public func ingest(_ unchanged: UnchangedReport, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(unchanged, host: host, in: self)
    }

    public func ingest(_ summary: ReportSummary, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(summary, host: host, in: self)
    }

    public func ingest(_ compacted: CompactedReports, host: HostIdentity) throws -> IngestOutcome {
        try reportIngest.ingest(compacted, host: host, in: self)
    }

    public func compactedCount(host: String) throws -> Int {
        try read { try ReportReads.compactedCount(host: host, in: $0) }
    }

    public func latestStatus(unit: String) throws -> [HostStatus] {
        try read { try ReportReads.latestStatus(unit: unit, in: $0) }
    }

    public func hostsFailing(control: String) throws -> [HostStatus] {
        try read { try ReportReads.hostsFailing(control: control, in: $0) }
    }

    public func history(host: String, limit: Int) throws -> [HostStatus] {
        try read { try ReportReads.history(host: host, limit: limit, in: $0) }
    }
}
