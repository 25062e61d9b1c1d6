import CollectorReports
import CollectorStore
import Foundation
import HardeningCore
import HardeningCore

/// What the commune's page counts of the incident register, for the units an officer reads: the
/// incidents still open, those whose report up is overdue (Điều 11 khoản 2 điểm b), and the users'
/// reports waiting for the IT officer, with those waiting past one working day (INC-003; Điều 15
/// khoản 2 điểm b).
struct IncidentCounts: Sendable, Hashable {
    var open = 0
    var overdueEscalations = 0
    var waitingReports = 0
    var lateReports = 0

    init(incidents: [IncidentAsOf], waiting: [UserReportRecord], escalateWithin: TimeInterval, now: Date) {
        open = incidents.filter(\.isOpen).count
        overdueEscalations = incidents.filter { $0.escalationOverdue(within: escalateWithin, now: now) }.count
        waitingReports = waiting.count
        lateReports = waiting.filter { AcknowledgementDeadline.deadline(receivedAt: $0.receivedAt.date) < now }.count
    }
}

extension PageFrame {
    /// The register's counts on the commune's page; what needs the officer now is in red and in words.
    func incidentCards(_ counts: IncidentCounts) -> String {
        func card(_ count: Int, _ label: String, _ link: String, urgent: Bool) -> String {
            "<div class=\"card\(urgent && count > 0 ? " status-fail" : "")\"><b>\(count)</b><a href=\"\(link)\">\(label)</a></div>"
        }
        return "<h2>\(say("Sự cố an toàn thông tin", "Security incidents"))</h2><div class=\"cards incident-counts\">"
            + card(counts.open, say("Sự cố chưa đóng", "Open incidents"), "/incidents", urgent: false)
            + card(counts.overdueEscalations, say("Quá hạn báo cáo cấp trên", "Reports up overdue"), "/incidents", urgent: true)
            + card(counts.waitingReports, say("Báo cáo của người dùng chờ tiếp nhận", "Users' reports waiting"), "/user-reports", urgent: false)
            + card(counts.lateReports, say("Chờ tiếp nhận quá 1 ngày làm việc", "Waiting over one working day"), "/user-reports", urgent: true)
            + "</div>"
    }
}
