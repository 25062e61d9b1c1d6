public import Foundation
public import HardeningCore

/// What a report for a past period asks (issue 14 point 1), each answer fixed by the period's end so a
/// report for last year gives the same figures whenever it is produced: the hosts as they stood at an
/// instant, the days each was silent, and the fixes approved or applied.
public protocol PeriodHistory: Sendable {
    /// Every host of the units known by `end` (enrolled or reporting before it), with its latest report
    /// started before `end` and its activity then, counted as `computeDay` counts a day.
    func hostsAt(units: Set<String>, end: Date, silentAfter: TimeInterval) throws -> [HostAtTime]
    /// Per host of the units, how many days of `from…to` ended with it silent and how many with it
    /// enrolled but never reported (the days `unitDays` counts as `silent` and `neverReported`).
    /// Hosts with neither are left out.
    func quietDays(units: Set<String>, from: OfficeDay, to: OfficeDay, silentAfter: TimeInterval) throws -> [String: QuietDays]
    /// Jobs of the units' hosts approved in `from..<to` or finished in it, oldest approval first,
    /// each in the state it was at `to`.
    func jobRecords(units: Set<String>, from: Date, to: Date) throws -> [JobRecord]
}

public struct HostAtTime: Sendable, Hashable, Codable {
    public var host: String
    public var hostname: String?
    public var unit: String
    public var state: HostActivity.State
    public var latestReport: UUID?
    public var latestAt: Timestamp?
    /// `workstation`, `server` or `secret`, as the latest report was checked.
    public var role: String?
    public var summary: Report.Summary?
}

public struct QuietDays: Sendable, Hashable, Codable {
    public var silent = 0
    public var neverReported = 0
    public init() {}
}

public struct JobRecord: Sendable, Hashable, Codable {
    public var job: Job
    public var unit: String
    public var hostname: String?
    /// When the agent sent its result, if it had by the period's end.
    public var finishedAt: Timestamp?
}
