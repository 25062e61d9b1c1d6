import CAudit
import Glibc
@testable import LinuxAudit
import Testing

@Suite struct KernelAuditTests {
    /// Root on the host reads the kernel's status and rules; anywhere else (a container, a non-root
    /// user, a kernel without audit) the answer is a reason naming the call and the error — never a
    /// hang or a crash. Which of the two happened is printed, so a skipped half is visible.
    @Test func statusAndRulesOrAClearReason() {
        let start = Deadline(milliseconds: 0)
        let reading = KernelAudit.read(timeoutMilliseconds: 3_000)
        #expect(-start.remaining < 5_000)
        switch reading {
        case .read(let snapshot):
            print("KernelAuditTests: read the kernel (euid \(geteuid())): enabled \(snapshot.status.enabled), \(snapshot.rules.count) rules")
            #expect((0...2).contains(snapshot.status.enabled))
            #expect(snapshot.status.backlogLimit >= 0 && snapshot.status.lost >= 0)
            for rule in snapshot.rules { #expect(rule.hasPrefix("-w ") || rule.hasPrefix("-a "), "\(rule)") }
        case .unreadable(let reason):
            print("KernelAuditTests: kernel not readable here (euid \(geteuid())), checked the reason instead: \(reason)")
            #expect(reason.hasPrefix("audit_open: ") || reason.hasPrefix("audit_request_status: ") || reason.hasPrefix("the kernel: ")
                || reason.hasPrefix("audit_request_rules_list_data: ") || reason.hasPrefix("audit_get_reply: ") || reason.hasPrefix("no reply"))
            if geteuid() != 0 { #expect(reason.contains("EPERM") || reason.contains("ECONNREFUSED") || reason.contains("EPROTONOSUPPORT") || reason.contains("EACCES")) }
        }
    }

    @Test func errnosAreNamed() {
        #expect(KernelAudit.describe("audit_open", EPROTONOSUPPORT) == "audit_open: EPROTONOSUPPORT (the kernel has no audit support)")
        #expect(KernelAudit.describe("the kernel", ECONNREFUSED).contains("network namespace"))
        #expect(KernelAudit.describe("x", EPERM).contains("CAP_AUDIT_CONTROL"))
    }

    /// `struct audit_rule_data` built by hand as the kernel sends it → the line `auditctl -l` prints.
    static func rule(action: UInt32 = UInt32(AUDIT_ALWAYS), fields: [(UInt32, UInt32, String?)]) -> String {
        let strings = fields.compactMap(\.2).map { Array($0.utf8) }
        let size = MemoryLayout<audit_rule_data>.size + strings.reduce(0) { $0 + $1.count }
        let raw = UnsafeMutableRawPointer.allocate(byteCount: size, alignment: 8)
        defer { raw.deallocate() }
        raw.initializeMemory(as: UInt8.self, repeating: 0, count: size)
        let r = raw.bindMemory(to: audit_rule_data.self, capacity: 1)
        r.pointee.flags = UInt32(AUDIT_FILTER_EXIT)
        r.pointee.action = action
        r.pointee.field_count = UInt32(fields.count)
        var offset = MemoryLayout<audit_rule_data>.size
        withUnsafeMutablePointer(to: &r.pointee.fields) { f in
            f.withMemoryRebound(to: UInt32.self, capacity: Int(AUDIT_MAX_FIELDS)) { fp in
                for (i, field) in fields.enumerated() { fp[i] = field.0 }
            }
        }
        withUnsafeMutablePointer(to: &r.pointee.fieldflags) { f in
            f.withMemoryRebound(to: UInt32.self, capacity: Int(AUDIT_MAX_FIELDS)) { fp in
                for i in fields.indices { fp[i] = UInt32(AUDIT_EQUAL) }
            }
        }
        withUnsafeMutablePointer(to: &r.pointee.values) { v in
            v.withMemoryRebound(to: UInt32.self, capacity: Int(AUDIT_MAX_FIELDS)) { vp in
                for (i, field) in fields.enumerated() {
                    if let s = field.2 {
                        let bytes = Array(s.utf8)
                        vp[i] = UInt32(bytes.count)
                        raw.advanced(by: offset).copyMemory(from: bytes, byteCount: bytes.count)
                        offset += bytes.count
                    } else {
                        vp[i] = field.1
                    }
                }
            }
        }
        r.pointee.buflen = UInt32(offset - MemoryLayout<audit_rule_data>.size)
        return KernelAudit.text(UnsafePointer(r))
    }

    @Test func rulesAsAuditctlListsThem() {
        let watch = UInt32(AUDIT_WATCH), dir = UInt32(AUDIT_DIR), perm = UInt32(AUDIT_PERM), key = UInt32(AUDIT_FILTERKEY), arch = UInt32(AUDIT_ARCH)
        let wa = UInt32(AUDIT_PERM_WRITE | AUDIT_PERM_ATTR)
        #expect(Self.rule(fields: [(watch, 0, "/etc/passwd"), (perm, wa, nil), (key, 0, "identity")]) == "-w /etc/passwd -p wa -k identity")
        #expect(Self.rule(fields: [(dir, 0, "/etc/sudoers.d"), (perm, wa, nil), (key, 0, "a\u{1}b")]) == "-w /etc/sudoers.d -p wa -k a -k b")
        #expect(Self.rule(fields: [(arch, 0xC000003E, nil), (dir, 0, "/etc/ssh"), (perm, wa, nil), (key, 0, "ssh")])
            == "-a always,exit -F arch=3221225534 -F dir=/etc/ssh -F perm=wa -F key=ssh")
        #expect(Self.rule(action: UInt32(AUDIT_NEVER), fields: [(watch, 0, "/tmp/x")]) == "-a never,exit -F path=/tmp/x")
    }
}
