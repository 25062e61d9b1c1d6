import AtttTestSupport
import Foundation
import HardeningCore
import HostProbes
import Remediation
import Testing
import HostAccess

/// The fixers of VN-TD-LOG-001 (audit-rules) and VN-TD-LOG-002 (log-retention): the plan, the
/// dry run, the change applied on a copied tree and rolled back byte for byte.
@Suite struct LoggingFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    /// The steps attt would take for one control on a tree, as `attt fix` plans them.
    static func steps(_ id: String, root: URL) throws -> [RemediationStep] {
        let policy = ShippedPolicy.policy
        let facts = HostProbe(host: HostRoot(root.path), antivirusEngines: []).collect(now: fixtureNow)
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: fixtureNow, tailoring: [:]))
        let results = evaluator.evaluate(try Evaluator.factTree(facts), only: [id])
        let proposal = try #require(Planner(evaluator: evaluator, host: HostRoot(root.path)).proposals(for: results, facts: facts).first)
        #expect(proposal.problem == nil, "\(proposal.problem ?? "")")
        return proposal.steps
    }

    static func writes(_ steps: [RemediationStep]) -> RemediationPlan {
        RemediationPlan(steps: steps.filter { if case .writeFile = $0.action { return true } else { return false } })
    }

    @Test func auditDryRunOnStockDebian() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-LOG-001", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("$ [in root] apt-get install -y auditd"))
        #expect(out.stdout.contains("+++ b/etc/audit/rules.d/50-vn-td.rules"))
        #expect(out.stdout.contains("+-w /etc/sudoers.d -p wa -k vn-td-privilege"))
        #expect(out.stdout.contains("+# Điều 7 khoản 4: Điều 7 khoản 6, quyền quản trị — /etc/sudoers.d"))
        // Another root: merge only; loading there would change the kernel attt runs on.
        #expect(out.stdout.contains("$ [in root] augenrules\n"))
        #expect(!out.stdout.contains("--load") && !out.stdout.contains("\n+-e "))
    }

    /// The broken host lost two watches: the fixer rewrites its own file only, then the control passes;
    /// rollback puts the trimmed file back.
    @Test func auditRulesRestoredAndRolledBack() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let steps = try Self.steps("VN-TD-LOG-001", root: host.root)
        #expect(steps.map(\.action.touchedFiles) == [[AuditRulesFixer.rulesFile], ["/etc/audit/audit.rules", "/etc/audit/audit.rules.prev"]])
        #expect(steps.last.map { if case .runCommand(let a, _, true) = $0.action { return a == ["augenrules"] } else { return false } } == true)
        let applier = Applier(host: HostRoot(host.root.path))
        #expect(try applier.apply(Self.writes(steps), officer: nil).state == .applied)
        #expect(try host.read(AuditRulesFixer.rulesFile) == (try String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("etc/audit/rules.d/50-vn-td.rules"), encoding: .utf8)))
        #expect(try result("VN-TD-LOG-001", root: host.root).status == .pass)
        _ = try applier.rollback(nil)
        #expect(try snapshot(host.root) == before)
    }

    /// A watch another rules file already has is not repeated (auditctl refuses a duplicate rule).
    @Test func watchesOtherFilesHaveAreLeftToThem() throws {
        let host = try FixtureHost("debian12-broken")
        try host.write("/etc/audit/rules.d/30-site.rules", "-w /etc/sudoers -p wa -k site\n-w /etc/pam.d/ -p rwa -k site\n")
        let steps = try Self.steps("VN-TD-LOG-001", root: host.root)
        guard case .writeFile(_, let content, _, _) = try #require(steps.first).action else { Issue.record("no file"); return }
        let text = String(decoding: content, as: UTF8.self)
        #expect(!text.contains("-w /etc/sudoers -p") && !text.contains("-w /etc/pam.d") && text.contains("-w /etc/sudoers.d -p wa"))
    }

    @Test func retentionDryRunOnStockDebian() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-LOG-002", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("+++ b/etc/systemd/journald.conf.d/50-vn-td.conf"))
        #expect(out.stdout.contains("+Storage=persistent\n+SystemMaxUse=1G\n"))
        // Not the live host: nothing is restarted; timesyncd is already enabled.
        #expect(!out.stdout.contains("restart") && !out.stdout.contains("timesyncd"))
    }

    /// Broken: volatile journal, auditd halting on a full disk. Fixed by a drop-in and two auditd.conf
    /// lines; then rolled back.
    @Test func retentionFixedAndRolledBack() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let steps = try Self.steps("VN-TD-LOG-002", root: host.root)
        #expect(steps.flatMap(\.action.touchedFiles) == [LogRetentionFixer.journaldDropIn, LogRetentionFixer.auditdConf])
        let applier = Applier(host: HostRoot(host.root.path))
        #expect(try applier.apply(RemediationPlan(steps: steps), officer: nil).state == .applied)
        let conf = try host.read(LogRetentionFixer.auditdConf)
        #expect(conf.contains("disk_full_action = SUSPEND\n") && !conf.contains("HALT"))
        #expect(try result("VN-TD-LOG-002", root: host.root).status == .pass)
        _ = try applier.rollback(nil)
        #expect(try snapshot(host.root) == before)
    }

    /// rsyslog installed: auth.log gets a stanza of its own in rsyslog's file (never a second file
    /// naming it, which logrotate refuses); no NTP client: timesyncd is enabled.
    @Test func authLogStanzaAndTimesyncd() throws {
        let host = try FixtureHost("debian12-hardened")
        let packages = Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages")
        try host.append("/var/lib/dpkg/status", "\nPackage: rsyslog\nStatus: install ok installed\nPriority: optional\nSection: admin\nArchitecture: amd64\nVersion: 8.2302.0-1+deb12u2\nDescription: reliable system and kernel logging daemon\n")
        try host.write("/etc/logrotate.conf", try String(contentsOf: packages.appendingPathComponent("logrotate/logrotate.conf"), encoding: .utf8))
        try host.write("/etc/logrotate.d/rsyslog", try String(contentsOf: packages.appendingPathComponent("rsyslog/rsyslog"), encoding: .utf8))
        // As `systemctl disable` does: the wants link and the D-Bus alias.
        try host.remove("/etc/systemd/system/sysinit.target.wants/systemd-timesyncd.service")
        try host.remove("/etc/systemd/system/dbus-org.freedesktop.timesync1.service")
        let steps = try Self.steps("VN-TD-LOG-002", root: host.root)
        #expect(steps.count == 2)
        #expect(steps.first?.action.touchedFiles == ["/etc/logrotate.d/rsyslog"])
        #expect(steps.last?.action == .runCommand(arguments: ["systemctl", "--root", host.root.path, "enable", "systemd-timesyncd.service"], touches: [LogRetentionFixer.timesyncdLink], inRoot: false))
        let applier = Applier(host: HostRoot(host.root.path))
        #expect(try applier.apply(Self.writes(steps), officer: nil).state == .applied)
        let edited = try host.read("/etc/logrotate.d/rsyslog")
        #expect(edited.components(separatedBy: "/var/log/auth.log").count == 2 && edited.contains("\trotate 6\n\tweekly\n"))
        let r = try result("VN-TD-LOG-002", root: host.root)
        #expect(r.evidence("days of /var/log/auth.log kept").first?.actual == "42")
    }

    /// A drop-in named after attt's would override the fix: reported, nothing written.
    @Test func aLaterDropInIsReportedNotFought() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.write("/etc/systemd/journald.conf.d/90-ram.conf", "[Journal]\nStorage=volatile\n")
        let policy = ShippedPolicy.policy
        let facts = HostProbe(host: HostRoot(host.root.path), antivirusEngines: []).collect(now: fixtureNow)
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: fixtureNow, tailoring: [:]))
        let results = evaluator.evaluate(try Evaluator.factTree(facts), only: ["VN-TD-LOG-002"])
        let proposal = try #require(Planner(evaluator: evaluator, host: HostRoot(host.root.path)).proposals(for: results, facts: facts).first)
        #expect(proposal.steps.isEmpty)
        #expect(proposal.problem?.contains("/etc/systemd/journald.conf.d/90-ram.conf:2 comes after /etc/systemd/journald.conf.d/50-vn-td.conf") == true, "\(proposal.problem ?? "")")
    }

    /// On the live host the rules are loaded (augenrules --load) and journald restarted; in another
    /// root neither, since both would act on the machine running attt.
    @Test func liveHostLoadsAndRestarts() throws {
        let facts = HostProbe(host: HostRoot(Repository.host("debian12-broken").path), antivirusEngines: []).collect(now: fixtureNow)
        let policy = ShippedPolicy.policy
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: fixtureNow, tailoring: [:]))
        var catalogs: [String: [FactValue]] = [:]
        for name in policy.catalogs.keys { catalogs[name] = evaluator.catalogList(name) }
        let auditd = try Data(contentsOf: Repository.host("debian12-broken").appendingPathComponent("etc/audit/auditd.conf"))
        func plan(_ id: String, _ fixer: any Fixer) throws -> [RemediationAction] {
            let control = try #require(policy.control(id))
            return try fixer.plan(FixContext(facts: facts, control: control, parameters: evaluator.parameters(for: control), files: [LogRetentionFixer.auditdConf: auditd], root: "/", catalogs: catalogs))
        }
        let audit = try plan("VN-TD-LOG-001", AuditRulesFixer())
        #expect(audit.last == .runCommand(arguments: ["augenrules", "--load"], touches: ["/etc/audit/audit.rules", "/etc/audit/audit.rules.prev"], inRoot: true))
        let retention = try plan("VN-TD-LOG-002", LogRetentionFixer())
        #expect(retention.contains(.runCommand(arguments: ["systemctl", "restart", "systemd-journald.service"], touches: [], inRoot: false)))
        #expect(retention.contains(.runCommand(arguments: ["systemctl", "kill", "-s", "HUP", "auditd.service"], touches: [], inRoot: false)))
    }
}
