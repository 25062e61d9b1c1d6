import AtttTestSupport
import Foundation
import HardeningCore
import Remediation
import Testing
import HostAccess

/// The host tree without the agent's own state and log.
func snapshot(_ root: URL) throws -> [String: String] {
    try snapshotTree(root).filter { !$0.key.hasPrefix("var/lib/attt") && !$0.key.hasPrefix("var/log/attt") }
}

@Suite struct TransactionTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func dryRunChangesNothing() throws {
        let host = try FixtureHost("debian12-desktop")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stderr)")
        #expect(out.stdout.contains("--- a/etc/login.defs\n+++ b/etc/login.defs\n"))
        #expect(out.stdout.contains("-PASS_MAX_DAYS\t99999\n+PASS_MAX_DAYS\t180\n"))
        #expect(out.stdout.contains("$ chage --root \(host.root.path) -M 180 -- nguyenvana"))
        #expect(try snapshot(host.root) == before)
        #expect(!FileManager.default.fileExists(atPath: host.url("/var/lib/attt").path))
    }

    /// Without --yes an IT officer signs in through PAM (here a staged service file whose pam_exec
    /// accepts one password) and must belong to the officer group.
    @Test func applyingNeedsAnOfficer() throws {
        let host = try FixtureHost("debian12-desktop")
        let before = try snapshot(host.root)
        let pam = host.root.appendingPathComponent("staged-pam")
        try FileManager.default.createDirectory(at: pam, withIntermediateDirectories: true)
        let checker = pam.appendingPathComponent("check")
        try "#!/bin/sh\n[ \"$(tr -d '\\000')\" = \"Dung-mat-khau-1\" ]\n".write(to: checker, atomically: true, encoding: .utf8)
        chmod(checker.path, 0o755)
        try "auth required pam_exec.so expose_authtok quiet \(checker.path)\naccount required pam_permit.so\n".write(to: pam.appendingPathComponent("attt"), atomically: true, encoding: .utf8)
        let base = ["fix", "--root", host.root.path, "--control", "VN-TD-PW-004", "--pam-confdir", pam.path] + now

        let nobody = try AtttBinary.run(base)
        #expect(nobody.status == 1 && nobody.stderr.contains("nothing was changed"))
        let wrong = try AtttBinary.run(base + ["--officer-group", "root"], input: "root\nsai-mat-khau\n")
        #expect(wrong.status == 1 && wrong.stderr.contains("không thành công"), "\(wrong.stderr)")
        let notOfficer = try AtttBinary.run(base + ["--officer-group", "attt-no-such-group"], input: "root\nDung-mat-khau-1\n")
        #expect(notOfficer.status == 1)
        #expect(try snapshot(host.root).filter { !$0.key.hasPrefix("staged-pam") } == before.filter { !$0.key.hasPrefix("staged-pam") })

        let approved = try AtttBinary.run(base + ["--officer-group", "root"], input: "root\nDung-mat-khau-1\n")
        #expect(approved.status == 0, "\(approved.stdout)\(approved.stderr)")
        #expect(try AtttBinary.run(["history", "--root", host.root.path]).stdout.contains("by root"))
    }

    @Test func applyThenRollbackIsByteIdenticalWithOwnerAndMode() throws {
        let host = try FixtureHost("debian12-desktop")
        let defs = host.url("/etc/login.defs").path
        #expect(chown(defs, 1000, 42) == 0 && chmod(defs, 0o604) == 0)
        let before = try snapshot(host.root)
        let fix = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-PW-004"] + now)
        #expect(fix.status == 0, "\(fix.stdout)\(fix.stderr)")
        #expect(fix.stdout.contains("VN-TD-PW-004: pass"))
        // The re-check decides, and a separate check agrees.
        #expect(try result("VN-TD-PW-004", root: host.root).status == .pass)
        var st = stat()
        #expect(stat(defs, &st) == 0 && st.st_uid == 1000 && st.st_gid == 42 && st.st_mode & 0o7777 == 0o604)
        let history = try AtttBinary.run(["history", "--root", host.root.path])
        #expect(history.stdout.contains("applied"))
        // The change is in the agent's log, with what the audit trail said.
        let log = try host.read("/var/log/attt/remediation.log")
        #expect(log.contains("\"event\":\"fix\"") && log.contains("VN-TD-PW-004") && log.contains("\"audit\":"))
        if log.contains("refused") { #expect(fix.stdout.contains("audit")) }
        let rollback = try AtttBinary.run(["rollback", "--root", host.root.path])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try snapshot(host.root) == before)
        #expect(try AtttBinary.run(["history", "--root", host.root.path]).stdout.contains("rolled_back"))
        #expect(try host.read("/var/log/attt/remediation.log").contains("\"event\":\"rollback\""))
    }

    static func plan(_ actions: [RemediationAction]) -> RemediationPlan {
        RemediationPlan(steps: actions.map { RemediationStep(control: "VN-TD-PW-004", fixer: "test", description: "test", action: $0) })
    }

    @Test func failureHalfWayRestoresEverything() throws {
        let host = try FixtureHost("debian12-desktop")
        let before = try snapshot(host.root)
        let plan = Self.plan([
            .writeFile(path: "/etc/login.defs", content: Data("PASS_MAX_DAYS\t90\n".utf8), mode: 0o644),
            .writeFile(path: "/etc/attt-new-file.conf", content: Data("new\n".utf8), mode: 0o600),
            .runCommand(arguments: ["false"], touches: [], inRoot: false),
        ])
        let journal = try Applier(host: HostRoot(host.root.path)).apply(plan, officer: "test")
        #expect(journal.state == .failed)
        #expect(journal.error?.contains("false exited with 1") == true)
        #expect(try snapshot(host.root) == before)
    }

    /// Stops a run at every point a crash could hit: each file is then old or new, and the next run
    /// (recovery) puts everything back as it was.
    @Test func aCrashAtAnyPointIsRecovered() throws {
        let actions: [RemediationAction] = [
            .writeFile(path: "/etc/login.defs", content: Data("PASS_MAX_DAYS\t90\n".utf8), mode: 0o644),
            .writeFile(path: "/etc/security/pwquality.conf.d/50-vn-td.conf", content: Data("minlen = 12\n".utf8), mode: 0o644),
            .runCommand(arguments: ["chage", "--root", "ROOT", "-M", "90", "--", "nguyenvana"], touches: ["/etc/shadow", "/etc/shadow-", "/etc/.pwd.lock"], inRoot: false),
        ]
        // What a run that completes leaves behind.
        let complete = try FixtureHost("debian12-desktop")
        let old = try snapshot(complete.root)
        _ = try Applier(host: HostRoot(complete.root.path)).apply(Self.plan(Self.rooted(actions, complete.root.path)), officer: nil)
        let new = try snapshot(complete.root)
        let points = (1...actions.count).flatMap { ["before-step-\($0)", "after-step-\($0)"] }
        for point in points {
            let host = try FixtureHost("debian12-desktop")
            var applier = Applier(host: HostRoot(host.root.path))
            applier.checkpoint = { if $0 == point { throw Applier.Checkpoint() } }
            #expect(throws: Applier.Checkpoint.self) { try applier.apply(Self.plan(Self.rooted(actions, host.root.path)), officer: nil) }
            let during = try snapshot(host.root)
            for (path, state) in during {
                #expect(state == old[path] || state == new[path] || path.hasPrefix("etc/.pwd.lock"), "\(point): \(path) is neither old nor new")
            }
            let recovered = try Applier(host: HostRoot(host.root.path)).recover()
            #expect(recovered.count == 1 && recovered[0].state == .recovered, "\(point)")
            #expect(try snapshot(host.root) == old, "\(point)")
        }
    }

    static func rooted(_ actions: [RemediationAction], _ root: String) -> [RemediationAction] {
        actions.map { action in
            guard case .runCommand(let arguments, let touches, let inRoot) = action else { return action }
            return .runCommand(arguments: arguments.map { $0 == "ROOT" ? root : $0 }, touches: touches, inRoot: inRoot)
        }
    }

    @Test func rollbackRefusesToLoseLaterChanges() throws {
        let host = try FixtureHost("debian12-desktop")
        let applier = Applier(host: HostRoot(host.root.path))
        let first = try applier.apply(Self.plan([.writeFile(path: "/etc/login.defs", content: Data("A\n".utf8), mode: 0o644)]), officer: nil)
        let second = try applier.apply(Self.plan([.writeFile(path: "/etc/security/faillock.conf", content: Data("deny = 5\n".utf8), mode: 0o644)]), officer: nil)
        #expect(throws: Applier.RollbackError.self) { try applier.rollback(first.id) }
        try host.write("/etc/security/faillock.conf", "edited by hand\n")
        #expect(throws: Applier.RollbackError.self) { try applier.rollback(second.id) }
        #expect(try host.read("/etc/security/faillock.conf") == "edited by hand\n")
    }
}

/// The fixers on the broken host: what they change, what the re-check says, and that they never delete.
@Suite struct FixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func lockEmptyPasswordsAndAutoLoginOff() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-PW-003", "--lang", "en"] + now)
        // toor's MD5 hash needs a new password: the re-check still fails, and says so.
        #expect(out.status == 1)
        #expect(out.stdout.contains("VN-TD-PW-003: fail"))
        let r = try result("VN-TD-PW-003", root: host.root)
        #expect(r.evidence("khach · password").isEmpty)
        #expect(r.evidence("gdm · auto-login user").isEmpty)
        #expect(!r.evidence("toor · weak hash").isEmpty)
        #expect(try host.read("/etc/shadow").contains("\nkhach:!:"))
        #expect(try host.read("/etc/passwd").contains("\nkhach:x:1003:"), "the account is locked, not deleted")
        #expect(try AtttBinary.run(["rollback", "--root", host.root.path]).status == 0)
        #expect(try snapshot(host.root) == before)
    }

    @Test func sambaGuestsOffAndWholeDiskShareDisabledNotDeleted() throws {
        guard FileManager.default.isExecutableFile(atPath: "/usr/bin/testparm") else {
            Issue.record("testparm is missing: scripts/test.sh installs samba-common-bin, which the Samba fix needs to validate")
            return
        }
        let host = try FixtureHost("debian12-broken")
        try host.replace("/etc/samba/smb.conf", "usershare allow guests = no", with: "usershare allow guests = yes")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-SHR-001", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("testparm -s --suppress-prompt"))
        let conf = try host.read("/etc/samba/smb.conf")
        #expect(conf.contains("[o-d]\n   path = /\n   guest ok = no\n"))
        #expect(conf.contains("available = no"))
        #expect(conf.contains("usershare allow guests = no"))
        #expect(try result("VN-TD-SHR-001", root: host.root).status == .pass)
    }

    @Test func aFileThatFailsValidationIsNotWritten() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let plan = RemediationPlan(steps: [RemediationStep(
            control: "VN-TD-SHR-001", fixer: "test", description: "test",
            action: .writeFile(path: "/etc/samba/smb.conf", content: Data("[global]\n".utf8), mode: 0o644, validator: ["false", "{file}"])
        )])
        let journal = try Applier(host: HostRoot(host.root.path)).apply(plan, officer: nil)
        #expect(journal.state == .failed)
        #expect(try snapshot(host.root) == before)
        // No staged file is left beside the target.
        #expect(try FileManager.default.contentsOfDirectory(atPath: host.url("/etc/samba").path).allSatisfy { !$0.hasPrefix(".attt-") })
    }
}

/// VN-TD-AUTH-001 through pam-auth-update on a staged pam.d. A fixture tree has no pam-auth-update to
/// run, so here the fix must fail whole and leave the tree as it was; on a real Debian tree it applies
/// (the debootstrap test).
@Suite struct FaillockFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func dryRunShowsProfilesAndTheStagedUpdate() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-AUTH-001", "--lang", "en"] + now)
        #expect(out.status == 0)
        #expect(out.stdout.contains("+++ b/usr/share/pam-configs/vn-td-faillock-preauth\n"))
        #expect(out.stdout.contains("+\t[default=die]\t\t\tpam_faillock.so authfail\n"))
        #expect(out.stdout.contains("$ [in root] pam-auth-update --package --enable vn-td-faillock-preauth vn-td-faillock"))
    }

    @Test func withoutPamAuthUpdateTheWholeFixIsUndone() throws {
        let host = try FixtureHost("debian12-desktop")
        try host.replace("/etc/security/faillock.conf", "# deny = 3", with: "deny = 9")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-AUTH-001", "--lang", "en"] + now)
        #expect(out.status == 1)
        #expect(out.stderr.contains("failed and was rolled back"))
        #expect(try snapshot(host.root) == before)
    }
}

@Suite struct PwqualityFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    /// Stock Debian: install libpam-pwquality (on a staged pam.d), a drop-in with the floor's values.
    @Test func dryRunOnStockDebian() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-PW-001", "--lang", "en"] + now)
        #expect(out.status == 0)
        #expect(out.stdout.contains("$ [in root] apt-get install -y --no-install-recommends libpam-pwquality cracklib-runtime"))
        #expect(out.stdout.contains("+++ b/etc/security/pwquality.conf.d/50-vn-td.conf\n"))
        // libpwquality's own default (8) is stricter than the floor (6): never worse.
        #expect(out.stdout.contains("+minlen = 8\n"))
    }

    /// The main file is read last and wins: its keys are commented out, not left to override the drop-in.
    @Test func theMainFileNoLongerOverridesTheDropIn() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.append("/etc/security/pwquality.conf", "dcredit = 0\n")
        #expect(try result("VN-TD-PW-001", root: host.root).status == .fail)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-PW-001", "--tailoring", host.url("/etc/attt/tailoring.yaml").path] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try host.read("/etc/security/pwquality.conf").contains("set in /etc/security/pwquality.conf.d/50-vn-td.conf) dcredit = 0"))
        // Never worse: the hardened host's minlen 12 stays, although the regulation asks for 6.
        #expect(try host.read("/etc/security/pwquality.conf.d/50-vn-td.conf").contains("minlen = 12\n"))
        #expect(try result("VN-TD-PW-001", root: host.root).status == .pass)
    }
}

@Suite struct SymlinkBackupTests {
    /// systemd enablement links and alternatives are kept and restored as links, never followed.
    @Test func aLinkIsRestoredAsTheSameLink() throws {
        let host = try FixtureHost("debian12-desktop")
        let link = "/etc/systemd/system/multi-user.target.wants/cron.service"
        let before = try snapshot(host.root)
        let plan = RemediationPlan(steps: [RemediationStep(
            control: "VN-TD-AV-001", fixer: "test", description: "test",
            action: .runCommand(arguments: ["ln", "-sfn", "/dev/null", host.url(link).path], touches: [link], inRoot: false)
        )])
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(plan, officer: nil)
        #expect(journal.state == .applied)
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: host.url(link).path) == "/dev/null")
        _ = try applier.rollback(nil)
        #expect(try snapshot(host.root) == before)
    }
}

@Suite struct ClamAVFixerTests {
    @Test func dryRunInstallsEnablesAndSchedules() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-AV-001", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 0)
        #expect(out.stdout.contains("$ [in root] apt-get install -y --no-install-recommends clamav clamav-freshclam"))
        #expect(out.stdout.contains("$ systemctl --root \(host.root.path) enable clamav-freshclam.service"))
        #expect(out.stdout.contains("+30 12 * * 3 root nice -n 19 ionice -c3 clamscan"))
        // No resident daemon (clamd) is installed.
        #expect(!out.stdout.contains("clamav-daemon"))
    }

    @Test func enablesTheUpdaterAndTheScanWhenClamAVIsThere() throws {
        let host = try FixtureHost("debian12-broken")
        // The unit clamav-freshclam ships (a fixture tree has no /lib), which systemctl --root enables.
        try host.write("/lib/systemd/system/clamav-freshclam.service", "[Unit]\nDescription=ClamAV virus database updater\n[Service]\nExecStart=/usr/bin/freshclam -d --foreground=true\n[Install]\nWantedBy=multi-user.target\n")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-AV-001", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: host.url(ClamAVFixer.wantsLink).path) == "/lib/systemd/system/clamav-freshclam.service")
        #expect(try result("VN-TD-AV-001", root: host.root).status == .pass)
    }
}

/// The real thing: `attt fix` killed with SIGKILL at every point of its transaction. Each file is then
/// old or new, and the next attt run rolls the transaction back.
@Suite struct KilledRunTests {
    @Test func killedAtEveryStepAndRecoveredByTheNextRun() throws {
        let args = ["--yes", "--control", "VN-TD-PW-004", "--control", "VN-TD-PW-003", "--now", "2026-11-25T08:00:00Z"]
        let complete = try FixtureHost("debian12-broken")
        let old = try snapshot(complete.root)
        #expect(try AtttBinary.run(["fix", "--root", complete.root.path] + args).status <= 1)
        let new = try snapshot(complete.root)
        #expect(old != new)
        let steps = try AtttBinary.run(["history", "--root", complete.root.path]).stdout.split(separator: "\n").filter { $0.hasPrefix("    ") }.count
        #expect(steps >= 3)
        for step in 1...steps {
            for point in ["before-step-\(step)", "after-step-\(step)"] {
                let host = try FixtureHost("debian12-broken")
                let killed = try AtttBinary.run(["fix", "--root", host.root.path, "--kill-at", point] + args)
                #expect(killed.status == 9 || killed.status == 137 || killed.status != 0, "\(point) was not killed")
                for (path, state) in try snapshot(host.root) where !path.hasPrefix("etc/.pwd.lock") {
                    #expect(state == old[path] || state == new[path], "\(point): \(path) is neither old nor new")
                }
                let history = try AtttBinary.run(["history", "--root", host.root.path])
                #expect(history.stdout.contains("recovered"), "\(point)")
                #expect(try snapshot(host.root).filter { !$0.key.hasPrefix("etc/.pwd.lock") } == old.filter { !$0.key.hasPrefix("etc/.pwd.lock") }, "\(point)")
            }
        }
    }
}

@Suite struct SharingFixerTests {
    @Test func noRootSquashAndAnonymousFtpAreRemovedTheExportStays() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.write("/etc/exports", "# /etc/exports\n/srv/ketoan 192.168.10.0/24(rw,sync,no_root_squash)\n")
        try host.write("/etc/vsftpd.conf", "listen=YES\nanonymous_enable=YES\n")
        #expect(try result("VN-TD-SHR-002", root: host.root, role: .server).status == .fail)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--role", "server", "--control", "VN-TD-SHR-002", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try host.read("/etc/exports") == "# /etc/exports\n/srv/ketoan 192.168.10.0/24(rw,sync)\n")
        #expect(try host.read("/etc/vsftpd.conf").contains("\nanonymous_enable=NO"))
        #expect(try result("VN-TD-SHR-002", root: host.root, role: .server).status == .pass)
    }

    @Test func anExportToEveryHostIsReportedNotGuessed() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.write("/etc/exports", "/srv/chung *(ro)\n")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--role", "server", "--control", "VN-TD-SHR-002", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.stdout.contains("allowed hosts"))
        #expect(try host.read("/etc/exports") == "/srv/chung *(ro)\n")
    }

    @Test func signaturesAreRefreshedInsideTheRoot() throws {
        let host = try FixtureHost("debian12-broken")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-AV-002", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.stdout.contains("$ [in root] freshclam --quiet"))
    }
}

@Suite struct MandatorySoftwareFixerTests {
    @Test func missingOrOldMandatoryPackagesAreInstalledInTheRoot() throws {
        let stock = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", stock.root.path, "--dry-run", "--control", "VN-TD-SW-002", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.stdout.contains("$ [in root] apt-get install -y --no-install-recommends clamav"))
        let old = try FixtureHost("debian12-broken")
        let upgrade = try AtttBinary.run(["fix", "--root", old.root.path, "--dry-run", "--control", "VN-TD-SW-002", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(upgrade.stdout.contains("apt-get install -y --no-install-recommends clamav"))
    }
}

@Suite struct SmartmontoolsFixerTests {
    @Test func smartmontoolsIsInstalledInTheRootOnlyWhenMissing() throws {
        let stock = try FixtureHost("debian12-desktop")
        let out = try AtttBinary.run(["fix", "--root", stock.root.path, "--dry-run", "--control", "VN-TD-HW-001", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.stdout.contains("$ [in root] apt-get install -y --no-install-recommends smartmontools"))
        let hardened = try FixtureHost("debian12-hardened")
        let none = try AtttBinary.run(["fix", "--root", hardened.root.path, "--dry-run", "--control", "VN-TD-HW-001", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(!none.stdout.contains("apt-get install"))
    }
}
