import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// Audit rules as auditctl reads them and as augenrules merges rules.d (VN-TD-LOG-001).
@Suite struct AuditRulesTests {
    func parse(_ text: String, augenrules: Bool = false) -> AuditRules {
        var rules = AuditRules()
        rules.read(text, path: "/etc/audit/rules.d/50-x.rules", augenrules: augenrules)
        return rules
    }

    @Test func watchesInBothSpellingsWithTheirLines() {
        let rules = parse("""
            ## identity
            -w /etc/passwd -p wa -k identity
            -w /etc/sudoers.d/ -p wa -k priv -k admin
            -a always,exit -F arch=b64 -F dir=/etc/pam.d -F perm=wa -F key=pam
            -a exit,always -F path=/etc/shadow -F perm=w -k shadow
            -a never,exit -F path=/etc/group -F perm=wa
            -a always,exit -F arch=b64 -S execve -F euid=0 -k root-cmds
            -w /var/log/wtmp
            """)
        #expect(rules.problems.isEmpty)
        #expect(rules.watches.map(\.path) == ["/etc/passwd", "/etc/sudoers.d", "/etc/pam.d", "/etc/shadow", "/var/log/wtmp"])
        #expect(rules.watches[0].permissions == ["w", "a"] && rules.watches[0].keys == ["identity"])
        #expect(rules.watches[0].source.description == "/etc/audit/rules.d/50-x.rules:2")
        #expect(rules.watches[1].keys == ["priv", "admin"])
        #expect(rules.watches[2].permissions == ["w", "a"] && rules.watches[2].keys == ["pam"])
        #expect(rules.watches[3].permissions == ["w"] && rules.watches[3].keys == ["shadow"])
        // No -p: every kind of access.
        #expect(rules.watches[4].permissions == ["r", "w", "x", "a"])
    }

    @Test func deleteAndEnableAsAuditctlAndAsAugenrules() {
        let text = "-w /etc/passwd -p wa\n-D\n-b 8192\n--backlog_wait_time 60000\n-f 1\n-w /etc/group -p wa\n-e 1\n-e 0\n"
        let inOrder = parse(text)
        #expect(inOrder.watches.map(\.path) == ["/etc/group"])
        #expect(inOrder.enabled?.value == 0 && inOrder.enabled?.source.line == 8)
        // augenrules moves the last -D to the top of the merged file: nothing before it is lost.
        #expect(parse(text, augenrules: true).watches.map(\.path) == ["/etc/passwd", "/etc/group"])
        // -D with a key only deletes those rules, which cannot be told apart here: kept.
        #expect(parse("-w /etc/passwd -p wa -k a\n-D -k b\n").watches.count == 1)
    }

    @Test func linesAuditctlRefusesAreNamed() {
        let rules = parse("-w /etc/passwd -p wq\n-e 3\n-a always\npasswd\n-w\n-a always,exit -F path=/x -F perm=z\n")
        #expect(rules.problems.count == 6)
        #expect(rules.problems[0].hasPrefix("/etc/audit/rules.d/50-x.rules:1: -p"))
        #expect(rules.problems[3] == "/etc/audit/rules.d/50-x.rules:4: not an auditctl option: passwd")
    }

    /// `ls -v`: digits compare as numbers, so 9 comes before 10, and 50-vn-td before audit.rules.
    @Test func augenrulesOrder() {
        #expect(AuditRules.augenrulesOrder(["audit.rules", "10-b.rules", "9-a.rules", "50-vn-td.rules", "README", "99-x.rules.bak"])
            == ["9-a.rules", "10-b.rules", "50-vn-td.rules", "audit.rules"])
    }

    /// What LinuxAudit gives for the kernel's rules reads the same as the files.
    @Test func kernelListingReadsLikeAFile() {
        let rules = parse("-w /etc/passwd -p wa -k identity\n-a always,exit -F arch=b64 -F dir=/etc/ssh -F perm=wa -F key=ssh\n-a always,exit -F arch=b64 -S openat -F exit=-13 -F key=access\n")
        #expect(rules.watches.map(\.path) == ["/etc/passwd", "/etc/ssh"])
    }

    /// The hardened fixture's rules.d: every watch of the catalogue, from 50-vn-td.rules, none from
    /// Debian's audit.rules (which only sets -D, -b, -f).
    @Test func hardenedFixtureFromTheFiles() throws {
        let facts = try LoggingProbe(host: HostRoot(Repository.host("debian12-hardened").path), kernel: nil).audit()
        #expect(facts.source.value == "rules files, kernel not readable: the root is not /")
        #expect(facts.source.source.path == "/etc/audit/rules.d")
        #expect(facts.watches.contains { $0.path == "/etc/sudoers.d" && $0.source.description == "/etc/audit/rules.d/50-vn-td.rules:15" })
        #expect(facts.enabled == nil)
    }

    /// What the kernel said is used as it is; its refusal is the reason the evidence gives.
    @Test func kernelReadingOrItsRefusal() throws {
        let probe = LoggingProbe(host: HostRoot(Repository.host("debian12-hardened").path), kernel: { Issue.record("asked"); return .unreadable("x") })
        let read = try probe.audit(.read(enabled: 1, failure: 1, pid: 612, backlog: 0, backlogLimit: 8192, lost: 3, rules: ["-w /etc/passwd -p wa -k identity"]))
        #expect(read.source.value == "kernel" && read.enabled?.value == 1 && read.daemonPid?.value == 612 && read.lost == 3 && read.backlogLimit == 8192)
        #expect(read.watches.map(\.path) == ["/etc/passwd"] && read.watches[0].source.description == "kernel:auditctl -l:1")
        // Compared with the files (auditctl -l against rules.d): the rest of the catalogue is written but not loaded.
        #expect(read.notInFiles == [] && read.notLoaded?.count == 18 && read.notLoaded?.first == "/etc/shadow -p wa")
        let drift = try probe.audit(.read(enabled: 1, failure: 1, pid: 612, backlog: 0, backlogLimit: 64, lost: 0, rules: ["-a always,exit -F dir=/tmp/x/ -F perm=w"]))
        #expect(drift.notInFiles == ["/tmp/x -p w"])
        let refused = try probe.audit(.unreadable("audit_request_status: EPERM (no CAP_AUDIT_CONTROL, or not in the initial user namespace)"))
        #expect(refused.source.value.hasPrefix("rules files, kernel not readable: audit_request_status: EPERM"))
        #expect(refused.watches.count > 15)
        // Under another root the kernel is never asked: it is not that host's kernel.
        #expect(try probe.audit().source.value.hasSuffix("the root is not /"))
    }
}
