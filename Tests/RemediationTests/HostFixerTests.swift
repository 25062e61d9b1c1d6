import AtttTestSupport
import Foundation
import HardeningCore
import Remediation
import Testing
import HostAccess

/// The fixers of VN-TD-AUTH-002, NET-001, NET-002 and UPD-001 on fixture hosts. Programs a fixture
/// tree does not have (sshd, ufw, apt-config) make a real apply fail and roll back whole; the
/// debootstrap test runs them for real.
@Suite struct HostFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    func dryRun(_ host: FixtureHost, _ control: String, _ extra: [String] = []) throws -> AtttBinary.Output {
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", control, "--lang", "en"] + extra + now)
        #expect(out.status == 0, "\(out.stderr)")
        return out
    }

    /// sshd keeps the first value: the vendor drop-in that sorts before attt's and the Match block are
    /// commented out, not outvoted; nothing that could lock the officer out is written.
    @Test func sshdCommentsOutWhatWinsAndChecksWithSshd() throws {
        let host = try FixtureHost("debian12-broken")
        let out = try dryRun(host, "VN-TD-AUTH-002").stdout
        #expect(out.contains("--- a/etc/ssh/sshd_config.d/10-vendor.conf\n"))
        #expect(out.contains("-MaxAuthTries 10\n+# attt VN-TD-AUTH-002 (Điều 9 khoản 3): overrides the remote-login limits\n+# MaxAuthTries 10\n"))
        #expect(out.contains("-\tPermitEmptyPasswords yes\n"))
        #expect(out.contains("+\t# PermitEmptyPasswords yes\n"))
        #expect(out.contains("exec /usr/sbin/sshd -t"))
        // attt's own stricter MaxAuthTries 3 stays; the lockout-prone settings are never written.
        #expect(!out.contains("+MaxAuthTries 5"))
        #expect(!out.contains("AllowGroups") && !out.contains("PasswordAuthentication no"))
        // Not on the live host: no reload of this machine's sshd.
        #expect(!out.contains("systemctl"))
    }

    @Test func sshdCheckFailingUndoesEverything() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-AUTH-002", "--lang", "en"] + now)
        #expect(out.status == 1)
        #expect(out.stderr.contains("failed and was rolled back"), "\(out.stderr)")
        #expect(try snapshot(host.root) == before)
    }

    /// A drop-in without its Include would do nothing: the Include is added at the top, as Debian's.
    @Test func sshdAddsTheIncludeWhenTheMainFileHasNone() throws {
        let host = try FixtureHost("debian12-broken")
        try host.replace("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf", with: "#")
        try host.write("/etc/ssh/sshd_config.d/50-vn-td.conf", "# attt\n")
        let out = try dryRun(host, "VN-TD-AUTH-002").stdout
        #expect(out.contains("+Include /etc/ssh/sshd_config.d/*.conf\n"))
        #expect(out.contains("+MaxAuthTries 5\n"))
    }

    /// PermitRootLogin no (recommended profile) only while another administrator can still log in.
    @Test func rootLoginStaysWhenRootIsTheOnlyWayIn() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.replace("/etc/ssh/sshd_config.d/50-vn-td.conf", "PermitRootLogin no\n", with: "")
        #expect(try dryRun(host, "VN-TD-AUTH-002", ["--profile", "recommended"]).stdout.contains("+PermitRootLogin no\n"))
        try host.replace("/etc/group", "sudo:x:27:cbcntt", with: "sudo:x:27:")
        let alone = try dryRun(host, "VN-TD-AUTH-002", ["--profile", "recommended"]).stdout
        #expect(!alone.contains("+PermitRootLogin no"))
        #expect(alone.contains("PermitRootLogin stays: no administrator but root could log in afterwards"))
        #expect(alone.contains("AllowGroups needs the unit's list"))
    }

    /// /etc/sysctl.conf (read last, through 99-sysctl.conf) set the old values back: commented out, and
    /// the control passes; the rollback is byte-identical.
    @Test func sysctlLaterFileIsCommentedOutAndRolledBack() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshot(host.root)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-NET-002", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("VN-TD-NET-002: pass"))
        #expect(try host.read("/etc/sysctl.conf").contains("# attt VN-TD-NET-002 (Điều 6 khoản 4): this line undid /etc/sysctl.d/60-vn-td.conf\n# net.ipv4.tcp_syncookies=0\n"))
        #expect(try AtttBinary.run(["rollback", "--root", host.root.path]).status == 0)
        #expect(try snapshot(host.root) == before)
    }

    /// A package's file is never edited: a copy of the same name in /etc/sysctl.d hides it.
    @Test func sysctlPackageFileIsHiddenNotEdited() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.write("/usr/lib/sysctl.d/99-vendor-tuning.conf", "# from a vendor package\nnet.ipv4.conf.all.accept_redirects = 1\nvm.swappiness = 10\n")
        #expect(try result("VN-TD-NET-002", root: host.root).status == .fail)
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-NET-002", "--lang", "en"] + now)
        #expect(out.stdout.contains("VN-TD-NET-002: pass"), "\(out.stdout)\(out.stderr)")
        #expect(try host.read("/usr/lib/sysctl.d/99-vendor-tuning.conf").contains("\nnet.ipv4.conf.all.accept_redirects = 1\n"))
        let copy = try host.read("/etc/sysctl.d/99-vendor-tuning.conf")
        #expect(copy.contains("# net.ipv4.conf.all.accept_redirects = 1\n") && copy.contains("\nvm.swappiness = 10\n"))
    }

    @Test func unattendedUpgradesOnStockAndTheLineThatTurnedItOff() throws {
        let stock = try dryRun(try FixtureHost("debian12-desktop"), "VN-TD-UPD-001").stdout
        #expect(stock.contains("$ [in root] apt-get install -y --no-install-recommends unattended-upgrades"))
        #expect(stock.contains("+APT::Periodic::Unattended-Upgrade \"1\";\n"))
        #expect(stock.contains("+        \"origin=Debian,codename=${distro_codename}-security,label=Debian-Security\";\n"))
        // Debian enables both apt timers itself; they are enabled only where someone turned them off.
        #expect(!stock.contains("systemctl"))
        #expect(stock.contains("$ [in root] apt-config dump"))
        let broken = try dryRun(try FixtureHost("debian12-broken"), "VN-TD-UPD-001").stdout
        #expect(broken.contains("+# APT::Periodic::Unattended-Upgrade \"0\";\n"))
        #expect(!broken.contains("apt-get install"))
    }

    @Test func firewallOnStockUfwInItsOwnNetworkNamespace() throws {
        let host = try FixtureHost("debian12-desktop")
        let out = try dryRun(host, "VN-TD-NET-001").stdout
        #expect(out.contains("$ [in root] apt-get install -y --no-install-recommends ufw"))
        // Under another root ufw never reaches this machine's kernel.
        #expect(out.contains("$ unshare --net chroot \(host.root.path) ufw default deny incoming"))
        #expect(out.contains("$ unshare --net chroot \(host.root.path) ufw --force enable"))
        #expect(!out.contains("kept only if the collector answers"), "no network to lose under another root")
    }

    /// SSH is allowed before the default turns to drop; with management networks, only from them.
    @Test func firewallKeepsSshFromTheManagementNetwork() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.replace("/etc/default/ufw", "DEFAULT_INPUT_POLICY=\"DROP\"", with: "DEFAULT_INPUT_POLICY=\"ACCEPT\"")
        try host.replace("/etc/default/ufw", "IPV6=yes", with: "IPV6=no")
        let open = try dryRun(host, "VN-TD-NET-001").stdout
        #expect(open.contains("ufw limit 22/tcp comment"))
        #expect(open.contains("+IPV6=yes\n"))
        let tailoring = host.root.appendingPathComponent("tailoring.yaml")
        try "tailoring: attt.tailoring.v1\nparameters:\n  it_accounts: [cbcntt]\ncontrols:\n  VN-TD-NET-001:\n    management_networks: [10.20.0.0/24]\n".write(to: tailoring, atomically: true, encoding: .utf8)
        let managed = try dryRun(host, "VN-TD-NET-001", ["--tailoring", tailoring.path]).stdout
        #expect(managed.contains("ufw limit proto tcp from 10.20.0.0/24 to any port 22"), "\(managed)")
        let allow = try #require(managed.firstRange(of: "from 10.20.0.0/24")).lowerBound
        let deny = try #require(managed.firstRange(of: "ufw default deny incoming")).lowerBound
        #expect(allow < deny)
    }

    @Test func firewallNeverReplacesAnotherOrChoosesBetweenTwo() throws {
        let broken = try dryRun(try FixtureHost("debian12-broken"), "VN-TD-NET-001").stdout
        #expect(broken.contains("ufw, nftables start at boot together"))
    }
}

/// Changes that could cut a host off its collector: kept only when confirmed, else undone by the
/// deadline, and a rollback makes the service reload the old files.
@Suite struct ConfirmedChangeTests {
    func plan(_ host: FixtureHost, seconds: Int) -> RemediationPlan {
        let marker = host.url("/restored-by-on-restore").path
        return RemediationPlan(steps: [
            RemediationStep(control: "VN-TD-NET-001", fixer: "test", description: "test", action: .onRestore(arguments: ["/bin/sh", "-c", "echo reloaded > \(marker)"], inRoot: false)),
            RemediationStep(control: "VN-TD-NET-001", fixer: "test", description: "test", action: .confirmConnectivity(seconds: seconds)),
            RemediationStep(control: "VN-TD-NET-001", fixer: "test", description: "test", action: .writeFile(path: "/etc/default/ufw", content: Data("DEFAULT_INPUT_POLICY=\"DROP\"\n".utf8), mode: 0o644)),
        ])
    }

    @Test func unconfirmedChangeIsUndoneAndTheServiceReloaded() throws {
        let host = try FixtureHost("debian12-hardened")
        let before = try snapshot(host.root)
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(plan(host, seconds: 300), officer: "test")
        #expect(journal.state == .applied && journal.confirmBy != nil)
        #expect(!FileManager.default.fileExists(atPath: host.url("/restored-by-on-restore").path), "onRestore does nothing when applied")
        // What the timer runs when the collector was not reached.
        let out = try AtttBinary.run(["rollback", "--root", host.root.path, "--unconfirmed", journal.id])
        #expect(out.status == 0 && out.stdout.contains("not confirmed in time"), "\(out.stdout)\(out.stderr)")
        #expect(try host.read("/restored-by-on-restore") == "reloaded\n")
        try host.remove("/restored-by-on-restore")
        #expect(try snapshot(host.root) == before)
        #expect(try applier.history().last?.state == .rolledBack)
    }

    @Test func confirmedChangeStays() throws {
        let host = try FixtureHost("debian12-hardened")
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(plan(host, seconds: 300), officer: "test")
        try applier.confirm(journal.id)
        #expect(try applier.rollbackUnconfirmed(journal.id, reason: "late timer") == nil)
        #expect(try applier.history().last?.state == .applied)
        #expect(try host.read("/etc/default/ufw") == "DEFAULT_INPUT_POLICY=\"DROP\"\n")
    }

    /// attt killed before it could confirm, and no timer (another root): the next run undoes it.
    @Test func pastTheDeadlineTheNextRunUndoesIt() throws {
        let host = try FixtureHost("debian12-hardened")
        let before = try snapshot(host.root)
        let applier = Applier(host: HostRoot(host.root.path))
        _ = try applier.apply(plan(host, seconds: 0), officer: "test")
        let undone = try applier.recover()
        #expect(undone.count == 1 && undone.first?.error?.contains("collector was not reached") == true)
        try host.remove("/restored-by-on-restore")
        #expect(try snapshot(host.root) == before)
    }
}
