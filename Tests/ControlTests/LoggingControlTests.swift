import AtttTestSupport
import Foundation
import HardeningCore
import HostProbes
import Testing
import HostAccess

/// VN-TD-LOG-001 and VN-TD-LOG-002 on the fixture hosts (Điều 7 khoản 4; Điều 9 khoản 3).
@Suite struct LoggingControlTests {
    let stock = Repository.host("debian12-desktop")
    let hardened = Repository.host("debian12-hardened")
    let broken = Repository.host("debian12-broken")
    static let packages = Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages")

    func dump(_ r: ControlResult) -> String { r.evidence.map { "\($0.item) = \($0.actual ?? "nil") [\($0.expected ?? "")] @\($0.source ?? "-") ok=\($0.ok)" }.joined(separator: "\n") }

    // MARK: VN-TD-LOG-001

    /// Stock Debian 12 has no auditd: nothing records who changed /etc/passwd or sudoers.
    @Test func log001StockHasNoAudit() throws {
        let r = try result("VN-TD-LOG-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("auditd package").contains { !$0.ok })
        let source = try #require(r.evidence("audit rules read from").first)
        #expect(source.actual == "rules files, kernel not readable: the root is not /" && source.source == "/etc/audit/rules.d")
    }

    @Test func log001HardenedWatchesEveryFile() throws {
        let r = try result("VN-TD-LOG-001", root: hardened)
        #expect(r.status == .pass, "\(dump(r))")
        #expect(r.evidence.contains { $0.source == "/etc/audit/rules.d/50-vn-td.rules:15" && $0.actual == "/etc/sudoers.d" }, "\(dump(r))")
        #expect(r.evidence.contains { $0.source == "/etc/systemd/system/multi-user.target.wants/auditd.service" })
    }

    /// The broken host's rules lost the sudoers and PAM watches: each missing file is named.
    @Test func log001BrokenMissesSudoersAndPam() throws {
        let r = try result("VN-TD-LOG-001", root: broken)
        #expect(r.status == .fail)
        let failing = r.evidence.filter { !$0.ok }.map(\.item).joined(separator: "\n")
        #expect(failing.contains("/etc/sudoers") && failing.contains("/etc/sudoers.d") && failing.contains("/etc/pam.d"), "\(dump(r))")
        #expect(!failing.contains("/etc/passwd"))
    }

    /// A watch on a directory covers the files beneath it; a watch without `a` (attributes) is not enough.
    @Test func log001DirectoryWatchCoversAndPermissionsCount() throws {
        let host = try FixtureHost()
        try host.write("/etc/audit/rules.d/50-vn-td.rules", try host.read("/etc/audit/rules.d/50-vn-td.rules")
            .replacingOccurrences(of: "-w /etc/passwd -p wa", with: "-w /etc/passwd -p w")
            .replacingOccurrences(of: "-w /etc/ufw -p wa", with: "-w /etc/samba -p r"))
        try host.append("/etc/audit/rules.d/50-vn-td.rules", "-a always,exit -F arch=b64 -F dir=/etc -F perm=wa -F key=etc\n")
        #expect(try result("VN-TD-LOG-001", root: host.root).status == .pass)
        try host.replace("/etc/audit/rules.d/50-vn-td.rules", "-a always,exit -F arch=b64 -F dir=/etc -F perm=wa", with: "-a never,exit -F arch=b64 -F dir=/etc -F perm=wa")
        let r = try result("VN-TD-LOG-001", root: host.root)
        #expect(r.status == .fail)
        let failing = r.evidence.filter { !$0.ok }.map(\.item).joined(separator: "\n")
        #expect(failing.contains("/etc/passwd") && failing.contains("/etc/ufw"), "\(dump(r))")
    }

    /// `-e 0` in the rules turns auditing off whatever the watches say.
    @Test func log001DisabledByMinusE() throws {
        let host = try FixtureHost()
        try host.append("/etc/audit/rules.d/99-off.rules", "-e 0\n")
        let r = try result("VN-TD-LOG-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { $0.actual == "0" && $0.source == "/etc/audit/rules.d/99-off.rules:1" }, "\(dump(r))")
    }

    /// A rules file auditctl would refuse: the control errors with the file and line instead of guessing.
    @Test func log001UnreadableRulesAreAnError() throws {
        let host = try FixtureHost()
        try host.write("/etc/audit/rules.d/60-typo.rules", "-w /etc/hosts -p wx\n-w /etc/hosts -p rwq\n")
        let r = try result("VN-TD-LOG-001", root: host.root)
        #expect(r.status == .error)
        #expect("\(r)".contains("/etc/audit/rules.d/60-typo.rules:2"))
    }

    /// Read from the kernel (root on the live host): the loaded watches count, and a kernel without
    /// auditd taking the records (pid 0) fails even with every watch loaded.
    @Test func log001FromTheKernel() throws {
        var facts = HostProbe(host: HostRoot(hardened.path), antivirusEngines: []).collect(now: fixtureNow)
        var logging = try #require(facts.logging.value)
        let status = SourceLocation(path: "kernel:auditctl -s")
        let loaded = logging.audit.watches.enumerated().map { i, w in AuditWatch(path: w.path, permissions: w.permissions, keys: w.keys, source: SourceLocation(path: "kernel:auditctl -l", line: i + 1)) }
        let evaluator = Evaluator(policy: ShippedPolicy.policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: fixtureNow, tailoring: [:]))
        func evaluate(pid: Int, notLoaded: [String] = []) throws -> ControlResult {
            logging.audit = AuditFacts(source: Sourced("kernel", status), enabled: Sourced(1, status), daemonPid: Sourced(pid, status), failure: 1, backlog: 0, backlogLimit: 8192, lost: 0, watches: loaded, notInFiles: [], notLoaded: notLoaded)
            facts.logging = .collected(logging)
            return evaluator.evaluate(try Evaluator.factTree(facts), only: ["VN-TD-LOG-001"])[0]
        }
        let stopped = try evaluate(pid: 0)
        #expect(stopped.status == .fail)
        #expect(stopped.evidence.contains { !$0.ok && $0.actual == "0" && $0.source == "kernel:auditctl -s" && $0.item.contains("pid") }, "\(dump(stopped))")
        let running = try evaluate(pid: 612)
        #expect(running.status == .pass, "\(dump(running))")
        #expect(running.evidence.contains { $0.actual == "kernel" && $0.source == "kernel:auditctl -s" })
        #expect(running.evidence.contains { $0.actual == "/etc/sudoers.d" && $0.source == "kernel:auditctl -l:6" })
        // Written to rules.d but never loaded: the files and the kernel disagree.
        let stale = try evaluate(pid: 612, notLoaded: ["/etc/hosts -p wa"])
        #expect(stale.status == .fail)
        #expect(stale.evidence.contains { !$0.ok && $0.item.contains("not loaded") && $0.actual?.contains("/etc/hosts -p wa") == true }, "\(dump(stale))")
    }

    // MARK: VN-TD-LOG-002

    /// Stock Debian 12: no size cap for the journal (and, in the fixture, no /var/log/journal).
    @Test func log002StockHasNoCap() throws {
        let r = try result("VN-TD-LOG-002", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { !$0.ok && $0.item.contains("SystemMaxUse") }, "\(dump(r))")
        #expect(r.evidence.contains { $0.source == "default:systemd-journald" && $0.actual == "auto" })
    }

    @Test func log002HardenedPasses() throws {
        let r = try result("VN-TD-LOG-002", root: hardened)
        #expect(r.status == .pass, "\(dump(r))")
        #expect(r.evidence.contains { $0.source == "/etc/systemd/journald.conf.d/50-vn-td.conf:4" && $0.actual == "persistent" })
        #expect(r.evidence.contains { $0.source == "/etc/audit/auditd.conf:17" && $0.actual == "ROTATE" }, "\(dump(r))")
        #expect(r.evidence.contains { $0.source == "/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service" })
    }

    @Test func log002BrokenVolatileAndHalt() throws {
        let r = try result("VN-TD-LOG-002", root: broken)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { !$0.ok && $0.actual == "volatile" && $0.source == "/etc/systemd/journald.conf:18" }, "\(dump(r))")
        #expect(r.evidence.contains { !$0.ok && $0.actual == "HALT" && $0.source?.hasPrefix("/etc/audit/auditd.conf:") == true }, "\(dump(r))")
    }

    /// With rsyslog installed, /var/log/auth.log must be kept 35 days: Debian's stanza keeps 28.
    @Test func log002RsyslogKeepsTooFewWeeks() throws {
        let host = try FixtureHost()
        try host.append("/var/lib/dpkg/status", "\nPackage: rsyslog\nStatus: install ok installed\nPriority: optional\nSection: admin\nArchitecture: amd64\nVersion: 8.2302.0-1+deb12u2\nDescription: reliable system and kernel logging daemon\n")
        try host.write("/etc/logrotate.conf", try String(contentsOf: Self.packages.appendingPathComponent("logrotate/logrotate.conf"), encoding: .utf8))
        try host.write("/etc/logrotate.d/rsyslog", try String(contentsOf: Self.packages.appendingPathComponent("rsyslog/rsyslog"), encoding: .utf8))
        let r = try result("VN-TD-LOG-002", root: host.root)
        #expect(r.status == .fail)
        let days = try #require(r.evidence("days of /var/log/auth.log kept").first)
        #expect(days.actual == "28" && days.expected == "≥ 35")
        // Tailored up, the recommended 42 days fail the same way.
        try host.replace("/etc/logrotate.d/rsyslog", "rotate 4", with: "rotate 5")
        #expect(try result("VN-TD-LOG-002", root: host.root).status == .pass)
        #expect(try result("VN-TD-LOG-002", root: host.root, profile: .recommended).status == .fail)
    }

    /// journald deleting entries after a week defeats the retention period.
    @Test func log002ShortMaxRetention() throws {
        let host = try FixtureHost()
        try host.write("/etc/systemd/journald.conf.d/90-short.conf", "[Journal]\nMaxRetentionSec=1week\n")
        let r = try result("VN-TD-LOG-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { !$0.ok && $0.actual == "7" && $0.source == "/etc/systemd/journald.conf.d/90-short.conf:2" }, "\(dump(r))")
    }

    /// No NTP client at boot: the logs' times cannot be trusted as evidence.
    @Test func log002NeedsAnNtpClient() throws {
        let host = try FixtureHost()
        // As `systemctl disable` does: the wants link and the D-Bus alias.
        try host.remove("/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service")
        try host.remove("/etc/systemd/system/dbus-org.freedesktop.timesync1.service")
        let r = try result("VN-TD-LOG-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { !$0.ok && $0.item.contains("NTP") }, "\(dump(r))")
    }
}
