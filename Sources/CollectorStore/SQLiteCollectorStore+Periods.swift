public import Foundation
import HardeningCore

/// ``PeriodReads``, shared with the PostgreSQL store.
extension SQLiteCollectorStore: PeriodHistory {
    public func hostsAt(units: Set<String>, end: Date, silentAfter: TimeInterval) throws -> [HostAtTime] {
        try PeriodReads.hostsAt(units: units, end: end, silentAfter: silentAfter, in: self)
    }

    public func quietDays(units: Set<String>, from: OfficeDay, to: OfficeDay, silentAfter: TimeInterval) throws -> [String: QuietDays] {
        try PeriodReads.quietDays(units: units, from: from, to: to, silentAfter: silentAfter, in: self)
    }

    public func jobRecords(units: Set<String>, from: Date, to: Date) throws -> [JobRecord] {
        try PeriodReads.jobRecords(units: units, from: from, to: to, in: self)
    }
}
