import CAudit
import Glibc

/// Reads what the kernel's audit subsystem holds now, the way `auditctl -s` and `auditctl -l` do:
/// its status and its loaded rules (VN-TD-LOG-001, Điều 7 khoản 4 and Điều 9 khoản 3: login and
/// configuration-change events must be recorded, so the watches have to be loaded, not only written).
///
/// Needs CAP_AUDIT_CONTROL in the initial network namespace. A container, a non-root user or a kernel
/// without audit gets a reason back (EPERM, ECONNREFUSED, EPROTONOSUPPORT), never a hang: every
/// reply is awaited with `poll` and a deadline.
public enum KernelAudit {
    /// `struct audit_status`, the fields `auditctl -s` prints.
    public struct Status: Sendable, Hashable {
        /// 0 off, 1 on, 2 on and locked (immutable until reboot).
        public var enabled: Int
        /// What the kernel does when it cannot record: 0 silent, 1 printk, 2 panic.
        public var failure: Int
        /// The audit daemon's pid (0: no daemon is taking records).
        public var pid: Int
        public var backlogLimit: Int
        public var lost: Int
        public var backlog: Int
    }

    /// The status and the rules as `auditctl -l` prints them, one rule a line.
    public struct Snapshot: Sendable, Hashable {
        public var status: Status
        public var rules: [String]
    }

    public enum Reading: Sendable, Hashable {
        case read(Snapshot)
        /// Why the kernel could not be asked: the caller falls back to the rules files and says so.
        case unreadable(String)
    }

    public static func read(timeoutMilliseconds: Int = 2_000) -> Reading {
        // libaudit prints its own warnings to stderr unless told not to; the reason comes back to us.
        set_aumessage_mode(MSG_QUIET, DBG_NO)
        let fd = audit_open()
        guard fd >= 0 else { return .unreadable(describe("audit_open", errno)) }
        defer { audit_close(fd) }
        let deadline = Deadline(milliseconds: timeoutMilliseconds)

        let asked = audit_request_status(fd)
        guard asked > 0 else { return .unreadable(describe("audit_request_status", asked < 0 ? -asked : errno)) }
        var status: Status? = nil
        let statusError = receive(fd, deadline) { reply in
            guard reply.type == AUDIT_GET, let s = attt_reply_status(&reply) else { return false }
            status = Status(
                enabled: Int(s.pointee.enabled), failure: Int(s.pointee.failure), pid: Int(s.pointee.pid),
                backlogLimit: Int(s.pointee.backlog_limit), lost: Int(s.pointee.lost), backlog: Int(s.pointee.backlog)
            )
            return true
        }
        guard let status else { return .unreadable(statusError ?? "no status reply") }

        let listed = audit_request_rules_list_data(fd)
        guard listed > 0 else { return .unreadable(describe("audit_request_rules_list_data", listed < 0 ? -listed : errno)) }
        var rules: [String] = []
        let listError = receive(fd, deadline) { reply in
            if reply.type == attt_nlmsg_done() { return true }
            if reply.type == AUDIT_LIST_RULES, let rule = attt_reply_rule(&reply) { rules.append(text(rule)) }
            return false
        }
        if let listError { return .unreadable(listError) }
        return .read(Snapshot(status: status, rules: rules))
    }

    /// Reads replies until `handle` says the answer is complete; returns why it stopped otherwise.
    static func receive(_ fd: Int32, _ deadline: Deadline, _ handle: (inout audit_reply) -> Bool) -> String? {
        var reply = audit_reply()
        while true {
            let left = deadline.remaining
            guard left > 0 else { return "no reply from the kernel within the time allowed" }
            var p = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&p, 1, Int32(left))
            if ready < 0 {
                if errno == EINTR { continue }
                return describe("poll", errno)
            }
            if ready == 0 { continue }
            let got = audit_get_reply(fd, &reply, GET_REPLY_NONBLOCKING, 0)
            if got < 0 {
                if -got == EAGAIN || -got == EINTR { continue }
                return describe("audit_get_reply", -got)
            }
            if got == 0 { continue }
            if reply.type == attt_nlmsg_error() {
                let code = attt_reply_error(&reply)
                if code != 0 { return describe("the kernel", -code) }
                continue  // an acknowledgement
            }
            if handle(&reply) { return nil }
        }
    }

    static func describe(_ call: String, _ code: Int32) -> String {
        let name: String
        switch code {
        case EPERM: name = "EPERM (no CAP_AUDIT_CONTROL, or not in the initial user namespace)"
        case ECONNREFUSED: name = "ECONNREFUSED (audit is only reachable from the initial network namespace: a container?)"
        case EPROTONOSUPPORT: name = "EPROTONOSUPPORT (the kernel has no audit support)"
        case EACCES: name = "EACCES (not permitted)"
        default: name = code > 0 ? String(cString: strerror(code)) : "unknown error"
        }
        return "\(call): \(name)"
    }

    // MARK: A rule as text

    /// String-valued fields: their value is a length into the rule's buffer.
    static let stringFields: Set<UInt32> = [
        UInt32(AUDIT_WATCH), UInt32(AUDIT_DIR), UInt32(AUDIT_FILTERKEY), UInt32(AUDIT_EXE),
        UInt32(AUDIT_SUBJ_USER), UInt32(AUDIT_SUBJ_ROLE), UInt32(AUDIT_SUBJ_TYPE), UInt32(AUDIT_SUBJ_SEN), UInt32(AUDIT_SUBJ_CLR),
        UInt32(AUDIT_OBJ_USER), UInt32(AUDIT_OBJ_ROLE), UInt32(AUDIT_OBJ_TYPE), UInt32(AUDIT_OBJ_LEV_LOW), UInt32(AUDIT_OBJ_LEV_HIGH),
    ]

    /// `struct audit_rule_data` → the line `auditctl -l` would print (audit-userspace
    /// src/auditctl-listing.c): `-w PATH -p wa -k KEY` for a plain watch, otherwise
    /// `-a always,exit -F name=value …`. Syscall masks are not printed; they do not decide a watch.
    static func text(_ rule: UnsafePointer<audit_rule_data>) -> String {
        let count = Int(min(rule.pointee.field_count, UInt32(AUDIT_MAX_FIELDS)))
        let buffer = attt_rule_buf(rule)!
        let bufferLength = Int(rule.pointee.buflen)
        var offset = 0
        var fields: [(name: String, op: String, value: String, number: UInt32)] = []
        for i in 0..<count {
            let field = attt_rule_field(rule, UInt32(i)) & ~attt_audit_operators()
            let op = attt_rule_fieldflag(rule, UInt32(i)) & attt_audit_operators()
            let raw = attt_rule_value(rule, UInt32(i))
            let name = audit_field_to_name(Int32(field)).map { String(cString: $0) } ?? "f\(field)"
            let symbol = audit_operator_to_symbol(Int32(bitPattern: op)).map { String(cString: $0) } ?? "="
            var value: String
            if stringFields.contains(field) {
                let length = min(Int(raw), max(0, bufferLength - offset))
                value = String(decoding: UnsafeRawBufferPointer(start: buffer + offset, count: length), as: UTF8.self)
                offset += length
            } else if field == UInt32(AUDIT_PERM) {
                value = permissions(raw)
            } else {
                value = String(raw)
            }
            if field == UInt32(AUDIT_FILTERKEY) {
                // Several keys travel in one field, separated by \u{1}.
                for key in value.split(separator: "\u{1}") { fields.append(("key", "=", String(key), field)) }
                continue
            }
            fields.append((name, symbol, value, field))
        }
        let filter = audit_flag_to_name(Int32(bitPattern: rule.pointee.flags)).map { String(cString: $0) } ?? "f\(rule.pointee.flags)"
        let action = audit_action_to_name(Int32(bitPattern: rule.pointee.action)).map { String(cString: $0) } ?? "a\(rule.pointee.action)"
        let paths = fields.filter { $0.number == UInt32(AUDIT_WATCH) || $0.number == UInt32(AUDIT_DIR) }
        let plain = fields.allSatisfy { [UInt32(AUDIT_WATCH), UInt32(AUDIT_DIR), UInt32(AUDIT_PERM), UInt32(AUDIT_FILTERKEY)].contains($0.number) && $0.op == "=" }
        if filter == "exit", action == "always", paths.count == 1, plain {
            var line = "-w \(paths[0].value)"
            if let perm = fields.first(where: { $0.number == UInt32(AUDIT_PERM) }) { line += " -p \(perm.value)" }
            for key in fields where key.name == "key" { line += " -k \(key.value)" }
            return line
        }
        return (["-a \(action),\(filter)"] + fields.map { "-F \($0.name)\($0.op)\($0.value)" }).joined(separator: " ")
    }

    static func permissions(_ mask: UInt32) -> String {
        var text = ""
        if mask & UInt32(AUDIT_PERM_READ) != 0 { text += "r" }
        if mask & UInt32(AUDIT_PERM_WRITE) != 0 { text += "w" }
        if mask & UInt32(AUDIT_PERM_EXEC) != 0 { text += "x" }
        if mask & UInt32(AUDIT_PERM_ATTR) != 0 { text += "a" }
        return text
    }
}

/// A point in monotonic time; `remaining` is in milliseconds.
struct Deadline {
    let end: Int

    init(milliseconds: Int) { end = Self.now() + milliseconds }

    var remaining: Int { end - Self.now() }

    static func now() -> Int {
        var t = timespec()
        clock_gettime(CLOCK_MONOTONIC, &t)
        return t.tv_sec * 1000 + t.tv_nsec / 1_000_000
    }
}
