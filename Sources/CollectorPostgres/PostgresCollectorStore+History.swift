public import CollectorStore
public import Foundation
public import HardeningCore

/// The history's pages and the daily roll-up on PostgreSQL: ``HistoryReads``, the SQLite store's
/// own code. The roll-up takes an advisory lock, so two instances never roll up the same days at once.
extension PostgresCollectorStore: HistoryStore {
    public func controlStates(host: String) throws -> [ControlState] {
        try HistoryReads.controlStates(host: host, in: self)
    }

    public func controlStates(control: String, units: Set<String>?, status: ResultStatus?, limit: Int, offset: Int) throws -> [ControlState] {
        try HistoryReads.controlStates(control: control, units: units, status: status, limit: limit, offset: offset, in: self)
    }

    public func controlCounts(control: String, units: Set<String>?) throws -> [ResultStatus: Int] {
        try HistoryReads.controlCounts(control: control, units: units, in: self)
    }

    public func statusSpans(host: String, control: String?) throws -> [StatusSpan] {
        try HistoryReads.statusSpans(host: host, control: control, in: self)
    }

    public func reports(host: String, from: Date, to: Date, limit: Int) throws -> [HostStatus] {
        try read { try ReportReads.reports(host: host, from: from, to: to, limit: limit, in: $0) }
    }

    public func storedReport(id: UUID) throws -> Report? {
        try HistoryReads.storedReport(id: id, in: self)
    }

    public func controlInfo() throws -> [ControlInfo] {
        try HistoryReads.controlInfo(in: self)
    }

    public func hostActivity(units: Set<String>?, hosts: Set<String>?, now: Date, silentAfter: TimeInterval) throws -> [HostActivity] {
        try HistoryReads.hostActivity(units: units, hosts: hosts, now: now, silentAfter: silentAfter, in: self)
    }

    public func rollUp(now: Date, silentAfter: TimeInterval) throws {
        try HistoryReads.rollUp(now: now, silentAfter: silentAfter, in: self)
    }

    public func dailyCompliance(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval, combined: Bool) throws -> [DailyCompliance] {
        try HistoryReads.dailyCompliance(units: units, from: from, to: to, now: now, silentAfter: silentAfter, combined: combined, in: self)
    }

    public func unitDays(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval) throws -> [UnitDay] {
        try HistoryReads.unitDays(units: units, from: from, to: to, now: now, silentAfter: silentAfter, in: self)
    }
}
