public import CollectorAPI
public import Foundation
public import HardeningCore

/// Where the collector keeps what agents send. Routes talk to this protocol only, so PostgreSQL can
/// be added beside SQLite without touching them.
public protocol ReportStore: Sendable {
    /// Stores a report once: a report sent again (same `reportId`) is acknowledged and not stored twice.
    func ingest(_ report: Report, host: HostIdentity) throws -> IngestOutcome
    /// A run that repeats the content of the host's latest report (``UnchangedReport``); idempotent
    /// the same way. Throws ``ReportRefusal/stale(_:)`` when the PC must send the whole report.
    func ingest(_ unchanged: UnchangedReport, host: HostIdentity) throws -> IngestOutcome
    /// A report the agent's outbox had to reduce to its summary; idempotent the same way.
    func ingest(_ summary: ReportSummary, host: HostIdentity) throws -> IngestOutcome
    /// Reports the agent folded away: the collector keeps the latest count under the record's id.
    func ingest(_ compacted: CompactedReports, host: HostIdentity) throws -> IngestOutcome
    /// How many reports each host had to fold away, in total.
    func compactedCount(host: String) throws -> Int
    /// The latest report of every host of a unit.
    func latestStatus(unit: String) throws -> [HostStatus]
    /// Every host whose latest report fails this control.
    func hostsFailing(control: String) throws -> [HostStatus]
    /// A host's reports, newest first.
    func history(host: String, limit: Int) throws -> [HostStatus]
}

/// Who sent a report, as the collector knows it from the agent's identity (never from the report body).
public struct HostIdentity: Sendable, Hashable {
    public var id: String
    public var unit: String

    public init(id: String, unit: String) {
        self.id = id
        self.unit = unit
    }
}

public typealias IngestOutcome = IngestResponse.Outcome

/// One host's state as of one report.
public struct HostStatus: Sendable, Hashable {
    public var host: String
    public var hostname: String?
    public var unit: String
    public var reportId: UUID
    public var startedAt: Timestamp
    public var summary: Report.Summary
    public var failing: [String]
    /// The collector only has this report's summary (the agent's outbox compacted it).
    public var summaryOnly: Bool
    /// The unit's catalogue bundle the report was checked against (its `policy.bundle.version`).
    public var bundleVersion: Int? = nil
    /// A newer bundle the PC refused, with its reasons, as one line (`v3 (time): reason; reason`).
    public var bundleRefused: String? = nil
}
