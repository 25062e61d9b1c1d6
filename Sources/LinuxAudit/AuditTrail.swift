import CAudit
import Glibc

/// Writes attt's own events to the kernel audit trail: a fix applied or rolled back is a user-space
/// configuration change (`AUDIT_USYS_CONFIG`), naming the transaction, the controls and the officer
/// (Điều 7 khoản 4, Điều 9 khoản 3: configuration changes are recorded).
public enum AuditTrail {
    public enum Outcome: Sendable, Hashable {
        case recorded
        /// The kernel or the environment refused the message: a container, no CAP_AUDIT_WRITE, audit
        /// off. The caller records this in its own log and says so.
        case refused(String)
    }

    /// `audit_log_user_message(fd, AUDIT_USYS_CONFIG, message, …)`; `message` is `key=value` pairs.
    public static func configurationChange(_ message: String, success: Bool) -> Outcome {
        let fd = audit_open()
        guard fd >= 0 else { return .refused("audit_open: " + String(cString: strerror(errno))) }
        defer { audit_close(fd) }
        let tty = ttyname(STDIN_FILENO).map { String(cString: $0) }
        let sent = audit_log_user_message(fd, AUDIT_USYS_CONFIG, message, nil, nil, tty, success ? 1 : 0)
        if sent > 0 { return .recorded }
        // libaudit returns -errno, or 0 when the kernel does not take user messages.
        let code = sent < 0 ? -sent : errno
        return .refused("audit_log_user_message: " + (code > 0 ? String(cString: strerror(code)) : "not accepted"))
    }

    /// Quotes a value the way audit records expect: plain when safe, hex-encoded otherwise.
    public static func field(_ key: String, _ value: String) -> String {
        let safe = !value.isEmpty && value.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: "=") }
        if safe { return "\(key)=\(value)" }
        let digits = Array("0123456789ABCDEF".utf8)
        return "\(key)=" + String(decoding: value.utf8.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}
