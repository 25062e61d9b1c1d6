import FoundationEssentials
import HardeningCore
import HostAccess
import LinuxAudit
import Remediation

/// Every applied and rolled-back transaction goes to the kernel audit trail and to the agent's log
/// (`/var/log/attt/remediation.log` in the host root, one JSON object a line). When the kernel refuses
/// audit messages, the log says so and so does the command.
enum ChangeRecord {
    struct Entry: Codable {
        var time: Timestamp
        var event: String
        var transaction: String
        var state: String
        var controls: [String]
        var officer: String?
        var job: String?
        var audit: String
    }

    /// Returns the line to show the officer when the audit trail refused the event.
    static func record(_ event: String, _ journal: Journal, host: HostRoot, language: Language) -> String? {
        let message = [
            "op=attt-\(event)",
            AuditTrail.field("tx", journal.id),
            AuditTrail.field("controls", journal.controls.joined(separator: ",")),
            AuditTrail.field("officer", journal.officer ?? "unknown"),
        ].joined(separator: " ") + (journal.job.map { " " + AuditTrail.field("job", $0) } ?? "")
        let outcome = AuditTrail.configurationChange(message, success: journal.state != .failed)
        var auditText = "recorded"
        if case .refused(let reason) = outcome { auditText = "refused: \(reason)" }
        let entry = Entry(time: Timestamp(Date()), event: event, transaction: journal.id, state: journal.state.rawValue, controls: journal.controls, officer: journal.officer, job: journal.job, audit: auditText)
        let logged = (try? JSONEncoder().encode(entry)).map { AgentLog.append($0, to: "/var/log/attt/remediation.log", host: host) } ?? false
        guard case .refused(let reason) = outcome else { return nil }
        let place = logged ? "/var/log/attt/remediation.log" : (language == .vi ? "(không ghi được nhật ký)" : "(the log could not be written)")
        return language == .vi
            ? "Hệ thống audit không nhận sự kiện (\(reason)); đã ghi vào \(place)."
            : "The audit trail refused the event (\(reason)); recorded in \(place)."
    }
}
