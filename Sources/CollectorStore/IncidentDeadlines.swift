public import Foundation
import HardeningCore

/// Điều 11 khoản 2 điểm b: an incident beyond the unit's capacity is reported to the superior body, the
/// Văn phòng thống kê and the police. The collector gives that report `incidents.escalate-within-hours`
/// (24 by default) from `beyondCapacityAt`; past it with no escalation recorded, the incident is overdue
/// ("Quá hạn báo cáo") on the pages. An escalation recorded late ends the overdue state: the report was
/// made, and its time is in the register for whoever checks.
extension IncidentAsOf {
    /// When the report up is due, if the unit found the incident beyond its capacity.
    public func escalationDue(within: TimeInterval) -> Date? {
        current.beyondCapacityAt.map { $0.date.addingTimeInterval(within) }
    }

    public func escalationOverdue(within: TimeInterval, now: Date) -> Bool {
        guard escalations.isEmpty, let due = escalationDue(within: within) else { return false }
        return now > due
    }
}
