import DurableFiles
import FoundationEssentials
import HardeningCore
import HostProbes
import LinuxAudit
import Remediation
import SystemPackage
import HostAccess

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
    static func record(_ event: String, _ journal: Journal, root: String, language: Language) -> String? {
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
        let logPath = HostRoot(root).local("/var/log/attt/remediation.log")
        var logged = false
        if let data = try? JSONEncoder().encode(entry) {
            try? FileManager.default.createDirectory(atPath: AtomicFile.parentDirectory(of: logPath), withIntermediateDirectories: true)
            // One write(2) in append mode: concurrent writers never interleave inside a line.
            if let fd = try? FileDescriptor.open(logPath, .writeOnly, options: [.append, .create, .closeOnExec], permissions: [.ownerReadWrite, .groupRead]) {
                logged = (try? fd.writeAll(data + Data("\n".utf8))) != nil
                try? fd.close()
            }
        }
        guard case .refused(let reason) = outcome else { return nil }
        let place = logged ? "/var/log/attt/remediation.log" : (language == .vi ? "(không ghi được nhật ký)" : "(the log could not be written)")
        return language == .vi
            ? "Hệ thống audit không nhận sự kiện (\(reason)); đã ghi vào \(place)."
            : "The audit trail refused the event (\(reason)); recorded in \(place)."
    }
}
