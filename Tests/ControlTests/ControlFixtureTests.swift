import AtttTestSupport
import Foundation
import HardeningCore
import Testing
import HostAccess

/// Every control on real fixture hosts: the hardened host passes, a host broken in one way fails,
/// and the evidence says what was found, what was expected and where.
@Suite struct ControlFixtureTests {
    let stock = Repository.host("debian12-desktop")
    let hardened = Repository.host("debian12-hardened")

    @Test func hardenedHostPassesEveryControl() throws {
        for r in try check(root: hardened) where r.status != .manual && r.status != .notApplicable {
            #expect(r.status == .pass, "\(r.control): \(r.evidence)")
            #expect(!r.evidence.isEmpty, "\(r.control) passes without evidence")
        }
    }

    /// debian12-broken breaks every control once (Tests/Fixtures/tools/make-broken.py says how).
    @Test func brokenHostFailsEveryControlWithEvidence() throws {
        let results = Dictionary(uniqueKeysWithValues: try check(root: Repository.host("debian12-broken")).map { ($0.control, $0) })
        for (id, r) in results where r.status != .manual && r.status != .notApplicable {
            #expect(r.status == .fail, "\(id)")
            #expect(r.evidence.contains { $0.source != nil }, "\(id) fails without saying where")
        }
        #expect(results["VN-TD-PW-003"]?.evidence("khach · password").first?.actual == "empty")
        #expect(results["VN-TD-PW-003"]?.evidence("toor · weak hash").first?.actual == "true")
        #expect(results["VN-TD-AUTH-001"]?.evidence("login · deny").first?.actual == "0")
        #expect(results["VN-TD-SW-001"]?.evidence("anydesk · denied").isEmpty == false)
        #expect(results["VN-TD-AV-002"]?.evidence("daily signatures built").first?.actual == "2026-10-25T06:10:00Z")
        #expect(results["VN-TD-SHR-001"]?.evidence("o-d · whole disk").first?.source == "/etc/samba/smb.conf:245")
        #expect(results["VN-TD-AUTH-002"]?.evidence("MaxAuthTries").first?.source == "/etc/ssh/sshd_config.d/10-vendor.conf:2")
        #expect(results["VN-TD-NET-002"]?.evidence("net.ipv4.tcp_syncookies").first?.source == "/etc/sysctl.conf:71")
        #expect(results["VN-TD-UPD-001"]?.evidence("APT::Periodic::Unattended-Upgrade").first?.source == "/etc/apt/apt.conf.d/99-tiet-kiem-bang-thong:2")
        #expect(results["VN-TD-NET-001"]?.evidence("firewalls enabled at boot").first?.actual == "2")
        #expect(results["VN-TD-NET-003"]?.evidence("QuanCafe · security").first?.actual == "open")
    }

    @Test func stockDebianFailsWhatTheRegulationAsksToChange() throws {
        let results = Dictionary(uniqueKeysWithValues: try check(root: stock).map { ($0.control, $0) })
        for id in ["VN-TD-PW-001", "VN-TD-PW-004", "VN-TD-AUTH-001", "VN-TD-ACC-001", "VN-TD-ACC-002", "VN-TD-SW-001", "VN-TD-SW-002", "VN-TD-AV-001"] {
            #expect(results[id]?.status == .fail, "\(id) on a stock desktop")
        }
        #expect(results["VN-TD-PW-003"]?.status == .pass)
        #expect(results["VN-TD-SHR-002"]?.status == .pass)
        // No Samba server and no ClamAV on a stock desktop: not applicable, with the reason.
        #expect(results["VN-TD-SHR-001"]?.status == .notApplicable)
        #expect(results["VN-TD-SHR-001"]?.reason?.vi.contains("Samba") == true)
        #expect(results["VN-TD-AV-002"]?.status == .notApplicable)
    }

    /// Organisational measures: on every host, `manual`, with their clause and what to attest.
    @Test func organisationalMeasuresAreManualWithWhatToAttest() throws {
        let results = try check(root: hardened)
        let manual = results.filter { $0.status == .manual }
        #expect(manual.count == 13)
        #expect(manual.allSatisfy { $0.control.hasPrefix("VN-TD-ATT-") && $0.reason?.vi.hasPrefix("Xác nhận") == true })
        // The secret-document and server items only on those roles.
        #expect(results.first { $0.control == "VN-TD-ATT-009" }?.status == .notApplicable)
        let secret = try check(root: hardened, role: .secret)
        #expect(secret.first { $0.control == "VN-TD-ATT-009" }?.status == .manual)
        // No host control is missed: the broken host has nothing else not applicable (the secret-PC
        // controls apply only to the secret role: NetworkRoleControlTests).
        #expect(try check(root: Repository.host("debian12-broken")).filter { $0.status == .notApplicable }.allSatisfy { $0.control.hasPrefix("VN-TD-ATT-") || $0.control.hasPrefix("VN-TD-SEC-") })
    }

    // MARK: VN-TD-PW-001

    @Test func pw001StockHasNoQualityModule() throws {
        let r = try result("VN-TD-PW-001", root: stock)
        #expect(r.status == .fail)
        let e = try #require(r.evidence("pam_pwquality").first)
        #expect(e.actual == "false" && e.source == "/etc/pam.d/common-password:25")
        #expect(r.evidence("enforce_for_root").first?.source == "default:libpwquality")
    }

    @Test func pw001HardenedEvidenceNamesTheDropIn() throws {
        let r = try result("VN-TD-PW-001", root: hardened)
        #expect(r.status == .pass)
        #expect(r.evidence("minlen").first?.actual == "12")
        #expect(r.evidence("minlen").first?.source?.hasPrefix("/etc/security/pwquality.conf.d/50-vn-td.conf:") == true)
        #expect(r.evidence("pam_pwquality").first?.source == "/etc/pam.d/common-password:25")
    }

    @Test func pw001OptionalModuleDoesNotEnforce() throws {
        let host = try FixtureHost()
        try host.replace("/etc/pam.d/common-password", "password\trequisite\t\t\tpam_pwquality.so", with: "password\toptional\t\t\tpam_pwquality.so")
        let r = try result("VN-TD-PW-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("pam_pwquality").first?.actual == "false")
    }

    @Test func pw001MainFileWinsOverDropIns() throws {
        let host = try FixtureHost()
        try host.append("/etc/security/pwquality.conf", "dcredit = 0\n")
        let r = try result("VN-TD-PW-001", root: host.root)
        #expect(r.status == .fail)
        let e = try #require(r.evidence("dcredit").first)
        #expect(e.actual == "0")
        #expect(e.source?.hasPrefix("/etc/security/pwquality.conf:") == true)
    }

    @Test func pw001ModuleArgumentsWinOverFiles() throws {
        let host = try FixtureHost()
        try host.replace("/etc/pam.d/common-password", "pam_pwquality.so retry=3", with: "pam_pwquality.so retry=3 ucredit=0")
        let r = try result("VN-TD-PW-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("ucredit").first?.source == "/etc/pam.d/common-password:25")
    }

    @Test func pw001RecommendedProfileAsksForMore() throws {
        let host = try FixtureHost()
        try host.replace("/etc/security/pwquality.conf.d/50-vn-td.conf", "minlen = 12", with: "minlen = 8")
        #expect(try result("VN-TD-PW-001", root: host.root).status == .pass)
        let rec = try result("VN-TD-PW-001", root: host.root, profile: .recommended)
        #expect(rec.status == .fail)
        #expect(rec.evidence("minlen").first?.expected == "≥ 12")
    }

    // MARK: VN-TD-PW-003

    @Test func pw003EmptyPassword() throws {
        let host = try FixtureHost()
        let shadow = try host.read("/etc/shadow").split(separator: "\n").map { line -> String in
            var f = line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)
            if f[0] == "nguyenvana" { f[1] = "" }
            return f.joined(separator: ":")
        }.joined(separator: "\n") + "\n"
        try host.write("/etc/shadow", shadow)
        let r = try result("VN-TD-PW-003", root: host.root)
        #expect(r.status == .fail)
        let e = try #require(r.evidence("nguyenvana · password").first)
        #expect(e.actual == "empty")
        #expect(e.source == "/etc/shadow:35")
    }

    @Test func pw003WeakHashAndAutoLogin() throws {
        let host = try FixtureHost()
        try host.append("/etc/passwd", "olduser:x:1005:1005::/home/olduser:/bin/bash\n")
        try host.append("/etc/shadow", "olduser:$1$abcdefgh$0123456789abcdefghijkl:20000:0:90:14:::\n")
        try host.replace("/etc/gdm3/daemon.conf", "#  AutomaticLoginEnable = true\n#  AutomaticLogin = user1", with: "AutomaticLoginEnable = true\nAutomaticLogin = nguyenvana")
        let r = try result("VN-TD-PW-003", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("olduser · weak hash").first?.actual == "true")
        let auto = try #require(r.evidence("gdm · auto-login user").first)
        #expect(auto.actual == "nguyenvana" && auto.source == "/etc/gdm3/daemon.conf:10")
        #expect(!r.evidence.contains { $0.actual?.contains("$1$") == true }, "no hash in evidence")
    }

    @Test func pw003NullokOnlyUnderRecommended() throws {
        #expect(try result("VN-TD-PW-003", root: stock).status == .pass)
        let rec = try result("VN-TD-PW-003", root: stock, profile: .recommended)
        #expect(rec.status == .fail)
        #expect(rec.evidence("login · pam_unix nullok").first?.source == "/etc/pam.d/common-auth:17")
    }

    // MARK: VN-TD-PW-004

    @Test func pw004LoginDefsAndAccounts() throws {
        let r = try result("VN-TD-PW-004", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("PASS_MAX_DAYS").first.map { ($0.actual, $0.expected, $0.source) } ?? (nil, nil, nil) == ("99999", "≤ 180", "/etc/login.defs:165"))
        #expect(r.evidence("nguyenvana · max days").first?.actual == "99999")
        let host = try FixtureHost()
        try host.replace("/etc/login.defs", "PASS_MAX_DAYS\t90", with: "PASS_MAX_DAYS\t365")
        let loose = try result("VN-TD-PW-004", root: host.root)
        #expect(loose.status == .fail)
        #expect(loose.evidence("PASS_MAX_DAYS").first?.actual == "365")
    }

    // MARK: VN-TD-AUTH-001

    @Test func auth001StockHasNoLockout() throws {
        let r = try result("VN-TD-AUTH-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("login · pam_faillock preauth").first?.actual == "false")
        #expect(r.evidence("gdm-password · pam_faillock authfail").first?.actual == "false")
    }

    @Test func auth001HardenedShowsTheGeneratedLines() throws {
        let r = try result("VN-TD-AUTH-001", root: hardened)
        #expect(r.status == .pass)
        #expect(r.evidence("login · pam_faillock preauth").first?.source == "/etc/pam.d/common-auth:17")
        #expect(r.evidence("gdm-password · deny").first?.source == "/etc/security/faillock.conf:32")
    }

    @Test func auth001DenyTooHighAndAccountPhaseMissing() throws {
        let host = try FixtureHost()
        try host.replace("/etc/security/faillock.conf", "deny = 5", with: "deny = 10")
        try host.replace("/etc/pam.d/common-account", "account\trequired\t\t\tpam_faillock.so", with: "")
        let r = try result("VN-TD-AUTH-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("login · deny").contains { $0.actual == "10" && $0.expected == "≤ 5" })
        #expect(r.evidence("login · pam_faillock in the account stack").first?.actual == "false")
    }

    @Test func auth001ModuleArgumentOverridesConfAndRootStaysUnlockable() throws {
        let host = try FixtureHost()
        try host.replace("/etc/pam.d/common-auth", "pam_faillock.so preauth", with: "pam_faillock.so preauth even_deny_root")
        let r = try result("VN-TD-AUTH-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("even_deny_root").first?.source == "/etc/pam.d/common-auth:17")
        try host.replace("/etc/pam.d/common-auth", "even_deny_root", with: "even_deny_root root_unlock_time=900")
        #expect(try result("VN-TD-AUTH-001", root: host.root).status == .pass)
    }

    // MARK: VN-TD-AUTH-002

    @Test func auth002StockDesktopHasNoSshServer() throws {
        let r = try result("VN-TD-AUTH-002", root: stock)
        #expect(r.status == .notApplicable)
        #expect(r.reason?.vi.contains("sshd_config") == true)
    }

    @Test func auth002HardenedValuesComeFromTheDropIn() throws {
        let r = try result("VN-TD-AUTH-002", root: hardened)
        #expect(r.status == .pass)
        let tries = try #require(r.evidence("MaxAuthTries").first)
        #expect(tries.actual == "3" && tries.source == "/etc/ssh/sshd_config.d/50-vn-td.conf:3")
        #expect(r.evidence("PermitEmptyPasswords").first?.source == "/etc/ssh/sshd_config.d/50-vn-td.conf:2")
        // The recommended profile also wants AllowGroups, which the hardened host does not set.
        let rec = try result("VN-TD-AUTH-002", root: hardened, profile: .recommended)
        #expect(rec.status == .fail)
        #expect(rec.evidence("AllowGroups").first?.source == "default:openssh")
    }

    /// Debian's shipped file with nothing changed: OpenSSH's default MaxAuthTries (6) is above 5.
    @Test func auth002DebianDefaultsFailOnMaxAuthTries() throws {
        let host = try FixtureHost()
        try FileManager.default.removeItem(at: host.url("/etc/ssh/sshd_config.d/50-vn-td.conf"))
        let r = try result("VN-TD-AUTH-002", root: host.root)
        #expect(r.status == .fail)
        let tries = try #require(r.evidence("MaxAuthTries").first)
        #expect(tries.actual == "6" && tries.expected == "≤ 5" && tries.source == "default:openssh")
        #expect(r.evidence("LogLevel").first?.actual == "INFO")
    }

    @Test func auth002MatchBlocksAndTheDropInThatSortsFirst() throws {
        let r = try result("VN-TD-AUTH-002", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        let tries = try #require(r.evidence("MaxAuthTries").first)
        #expect(tries.actual == "10" && tries.source == "/etc/ssh/sshd_config.d/10-vendor.conf:2")
        let empty = try #require(r.evidence("User ketoan Address 192.168.1.* · PermitEmptyPasswords").first)
        #expect(empty.actual == "true" && empty.source == "/etc/ssh/sshd_config:125")
    }

    @Test func auth002UnreadableConfigurationIsAnErrorNotAPass() throws {
        let host = try FixtureHost()
        try host.write("/etc/ssh/sshd_config", "Include /etc/ssh/sshd_config.d/*.conf\nBanner \"/etc/issue\n")
        let r = try result("VN-TD-AUTH-002", root: host.root)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains("unterminated quote") == true)
    }

    // MARK: VN-TD-NET-002

    /// Debian 12 sets none of these: the kernel's defaults accept ICMP redirects.
    @Test func net002StockAcceptsRedirects() throws {
        let r = try result("VN-TD-NET-002", root: stock)
        #expect(r.status == .fail)
        let redirects = try #require(r.evidence("net.ipv4.conf.all.accept_redirects").first)
        #expect(redirects.actual == "1" && redirects.source == "default:linux")
        #expect(r.evidence("net.ipv4.tcp_syncookies").first?.actual == "1")
    }

    @Test func net002HardenedDropInAndTheLaterFileThatUndoesIt() throws {
        let r = try result("VN-TD-NET-002", root: hardened)
        #expect(r.status == .pass)
        #expect(r.evidence("net.ipv6.conf.all.accept_redirects").first?.source == "/etc/sysctl.d/60-vn-td.conf:5")
        // /etc/sysctl.conf comes last (through 99-sysctl.conf): what it sets wins.
        let broken = try result("VN-TD-NET-002", root: Repository.host("debian12-broken"))
        #expect(broken.status == .fail)
        let cookies = try #require(broken.evidence("net.ipv4.tcp_syncookies").first)
        #expect(cookies.actual == "0" && cookies.expected == "= 1")
        #expect(broken.evidence("net.ipv4.conf.all.accept_redirects").first?.source == "/etc/sysctl.conf:72")
    }

    @Test func net002RecommendedWantsReversePathFiltering() throws {
        let host = try FixtureHost()
        try host.replace("/etc/sysctl.d/60-vn-td.conf", "net.ipv4.conf.all.rp_filter = 2", with: "net.ipv4.conf.all.rp_filter = 0")
        #expect(try result("VN-TD-NET-002", root: host.root).status == .pass)
        let rec = try result("VN-TD-NET-002", root: host.root, profile: .recommended)
        #expect(rec.status == .fail)
        #expect(rec.evidence("rp_filter").first?.actual == "0")
    }

    // MARK: VN-TD-NET-001

    /// Debian 12 installs nftables but does not enable it, and has no other firewall.
    @Test func net001StockHasNoFirewallAtBoot() throws {
        let r = try result("VN-TD-NET-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("firewalls enabled at boot").first?.actual == "0")
    }

    @Test func net001HardenedUfwDropsIncoming() throws {
        let r = try result("VN-TD-NET-001", root: hardened)
        #expect(r.status == .pass)
        let v6 = try #require(r.evidence("ufw · incoming default (IPv6)").first)
        #expect(v6.actual == "drop" && v6.source == "/etc/default/ufw:11")
    }

    @Test func net001BrokenTwoManagersThatAcceptAll() throws {
        let r = try result("VN-TD-NET-001", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        #expect(r.evidence("ufw · incoming default (IPv4)").first?.actual == "accept")
        #expect(r.evidence("nftables · incoming default (IPv4)").first?.source == "/etc/nftables.conf:6")
    }

    @Test func net001UfwWithoutIPv6LeavesIPv6Open() throws {
        let host = try FixtureHost()
        try host.replace("/etc/default/ufw", "IPV6=yes", with: "IPV6=no")
        let r = try result("VN-TD-NET-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("ufw · incoming default (IPv6)").first?.actual == nil)
    }

    @Test func net001NftablesAloneWithADropPolicyPasses() throws {
        let host = try FixtureHost()
        try FileManager.default.removeItem(at: host.url("/etc/systemd/system/multi-user.target.wants/ufw.service"))
        try host.replace("/etc/ufw/ufw.conf", "ENABLED=yes", with: "ENABLED=no")
        try FileManager.default.createSymbolicLink(atPath: host.url("/etc/systemd/system/multi-user.target.wants/nftables.service").path, withDestinationPath: "/lib/systemd/system/nftables.service")
        #expect(try result("VN-TD-NET-001", root: host.root).status == .fail)
        try host.replace("/etc/nftables.conf", "type filter hook input priority filter;", with: "type filter hook input priority filter; policy drop;")
        let r = try result("VN-TD-NET-001", root: host.root)
        #expect(r.status == .pass)
        #expect(r.evidence("nftables · incoming default (IPv6)").first?.source == "/etc/nftables.conf:6")
    }

    // MARK: VN-TD-NET-003

    @Test func net003KeyLengthNeverTheKey() throws {
        let r = try result("VN-TD-NET-003", root: hardened)
        #expect(r.status == .pass)
        let key = try #require(r.evidence("UBND-Xa · key length").first)
        #expect(key.actual == "21" && key.source == "/etc/NetworkManager/system-connections/UBND-Xa.nmconnection:15")
        // The key itself is nowhere in the facts or the evidence.
        let facts = try AtttBinary.run(["inventory", "--root", hardened.path, "--format", "json"])
        #expect(!facts.stdout.contains("Only-Key") && facts.stdout.contains("UBND-Xa"))
        #expect(!r.evidence.contains { ($0.actual ?? "").contains("Only-Key") })
    }

    @Test func net003OpenWepHotspotAndShortKeys() throws {
        let r = try result("VN-TD-NET-003", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        #expect(r.evidence("Hotspot · hotspot (mode=ap)").first?.actual == "true")
        let host = try FixtureHost()
        try host.write("/etc/NetworkManager/system-connections/old", "[connection]\nid=Kho\ntype=wifi\n[wifi-security]\nkey-mgmt=none\nwep-key0=abcde\n")
        try host.write("/etc/NetworkManager/system-connections/Nha.nmconnection", "[connection]\nid=Nha\ntype=wifi\n[wifi-security]\nkey-mgmt=sae\npsk=12345678\n")
        try host.write("/etc/NetworkManager/system-connections/Nha.nmconnection~", "[connection]\nid=Backup\ntype=wifi\n")
        let wep = try result("VN-TD-NET-003", root: host.root)
        #expect(wep.evidence("Kho · security").first?.actual == "wep")
        #expect(wep.evidence("Backup").isEmpty)
        // 8 characters meet the regulation; the recommended profile asks for 12.
        #expect(wep.evidence("Nha · key length").first?.ok == true)
        let rec = try result("VN-TD-NET-003", root: host.root, profile: .recommended)
        #expect(rec.evidence("Nha · key length").first.map { !$0.ok && $0.expected == "≥ 12" } == true)
    }

    // MARK: VN-TD-UPD-001

    /// A stock Debian 12 desktop leaves updates to GNOME Software: nothing installs them unattended.
    @Test func upd001StockHasNoUnattendedUpgrades() throws {
        let r = try result("VN-TD-UPD-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("APT::Periodic::Unattended-Upgrade").first?.source == "default:apt")
        #expect(r.evidence("unattended-upgrades package").first?.actual?.hasPrefix("0") == true)
    }

    @Test func upd001HardenedRunsDailyFromTheSecurityArchive() throws {
        let r = try result("VN-TD-UPD-001", root: hardened)
        #expect(r.status == .pass)
        #expect(r.evidence("APT::Periodic::Unattended-Upgrade").first?.source == "/etc/apt/apt.conf.d/20auto-upgrades:2")
        #expect(r.evidence("label=Debian-Security").contains { $0.source == "/etc/apt/apt.conf.d/50unattended-upgrades:32" })
        #expect(r.evidence("last run").first?.actual == "2026-11-24T06:31:22Z")
    }

    @Test func upd001BrokenTurnedOffAndFailing() throws {
        let r = try result("VN-TD-UPD-001", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        let error = try #require(r.evidence("ERROR in the last run").first)
        #expect(error.actual == "Cache has broken packages, exiting" && error.source == "/var/log/unattended-upgrades/unattended-upgrades.log:3")
        #expect(r.evidence("last run").first?.actual == "2026-11-05T06:30:11Z")
    }

    @Test func upd001SecurityOriginRemoved() throws {
        let host = try FixtureHost()
        try host.write("/etc/apt/apt.conf.d/60-no-security", "#clear Unattended-Upgrade::Origins-Pattern;\nUnattended-Upgrade::Origins-Pattern { \"origin=Debian,codename=${distro_codename},label=Debian\"; };\n")
        let r = try result("VN-TD-UPD-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("security origin").first?.actual?.hasPrefix("0") == true)
    }

    // MARK: VN-TD-ACC-001

    @Test func acc001ExtraRootAndUnusedAccount() throws {
        let host = try FixtureHost()
        try host.append("/etc/passwd", "toor:x:0:0::/root:/bin/bash\n")
        try host.append("/etc/shadow", "toor:!:20000:0:99999:7:::\n")
        try host.remove("/var/log/wtmp")
        try host.write("/etc/shadow", try host.read("/etc/shadow").replacingOccurrences(of: ":20758:1:90:14", with: ":20000:1:90:14"))
        let r = try result("VN-TD-ACC-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("toor · uid").first?.actual == "0")
        let unused = r.evidence("nguyenvana · last login")
        #expect(unused.first?.actual == nil)
        #expect(r.evidence("nguyenvana · password changed").first?.actual == "2024-10-04T00:00:00Z")
    }

    @Test func acc001HardenedUsesWtmp() throws {
        let r = try result("VN-TD-ACC-001", root: hardened)
        #expect(r.status == .pass)
        let login = try #require(r.evidence("nguyenvana · last login").first)
        #expect(login.actual == "2026-11-20T01:30:00Z" && login.source == "/var/log/wtmp")
    }

    @Test func acc001ReadsLastlogToo() throws {
        let host = try FixtureHost()
        try host.remove("/var/log/wtmp")
        var lastlog = Data(count: 292 * 1002)
        let when = Int32(Timestamp.parse("2026-11-18T07:45:00Z")!.timeIntervalSince1970)
        withUnsafeBytes(of: when.littleEndian) { lastlog.replaceSubrange((1000 * 292)..<(1000 * 292 + 4), with: $0) }
        withUnsafeBytes(of: when.littleEndian) { lastlog.replaceSubrange((1001 * 292)..<(1001 * 292 + 4), with: $0) }
        try host.writeData("/var/log/lastlog", lastlog)
        let r = try result("VN-TD-ACC-001", root: host.root)
        let login = try #require(r.evidence("nguyenvana · last login").first)
        #expect(login.actual == "2026-11-18T07:45:00Z" && login.source == "/var/log/lastlog")
    }

    // MARK: VN-TD-ACC-002

    @Test func acc002StaffInSudoAndPasswordlessSudo() throws {
        let host = try FixtureHost()
        try host.replace("/etc/group", "sudo:x:27:cbcntt", with: "sudo:x:27:cbcntt,nguyenvana")
        try host.write("/etc/sudoers", "Defaults env_reset\nroot ALL=(ALL:ALL) ALL\n%sudo ALL=(ALL:ALL) ALL\n@includedir /etc/sudoers.d\n")
        try host.write("/etc/sudoers.d/90-tien-ich", "ketoan1 ALL=(ALL) NOPASSWD: ALL\n")
        let r = try result("VN-TD-ACC-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("nguyenvana · IT officer").first?.actual == "nguyenvana")
        #expect(r.evidence("ketoan1 · IT officer").first?.source == "/etc/sudoers.d/90-tien-ich:1")
        #expect(r.evidence("ketoan1 · NOPASSWD ALL").first?.source == "/etc/sudoers.d/90-tien-ich:1")
    }

    @Test func acc002SomeoneMustRemainAdmin() throws {
        let host = try FixtureHost()
        try host.replace("/etc/group", "sudo:x:27:cbcntt", with: "sudo:x:27:")
        try host.replace("/etc/shadow", "root:$", with: "root:!$")
        let r = try result("VN-TD-ACC-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("administrators").contains { $0.expected == "not empty" })
    }

    // MARK: VN-TD-SW-001 and SW-002

    static let anydesk = "\nPackage: anydesk\nStatus: install ok installed\nPriority: optional\nSection: net\nArchitecture: amd64\nVersion: 6.3.2\nDescription: remote desktop\n"

    @Test func sw001DeniedAndUnlistedSoftware() throws {
        let host = try FixtureHost()
        try host.append("/var/lib/dpkg/status", Self.anydesk + "\nPackage: steam-installer\nStatus: install ok installed\nPriority: optional\nSection: games\nArchitecture: amd64\nVersion: 1.0.0.78\nDescription: game store\n")
        let r = try result("VN-TD-SW-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("anydesk · denied").first?.source?.hasPrefix("/var/lib/dpkg/status:") == true)
        #expect(r.evidence("steam-installer · allowed").first?.expected == "∈ software.allowed")
    }

    @Test func sw001InstallRequestedByStaff() throws {
        let r = try result("VN-TD-SW-001", root: stock)
        let e = try #require(r.evidence("apt install vlc · requested by").first)
        #expect(e.actual == "nguyenvana")
        #expect(e.source == "/var/log/apt/history.log:22")
    }

    @Test func sw002MissingOrOldMandatorySoftware() throws {
        let r = try result("VN-TD-SW-002", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("clamav · installed").first?.actual == "0 / 389")
        let host = try FixtureHost()
        try host.replace("/var/lib/dpkg/status", "Version: 1.4.6+dfsg-0+deb12u1", with: "Version: 0.103.10+dfsg-0+deb11u1")
        let old = try result("VN-TD-SW-002", root: host.root)
        #expect(old.status == .fail)
        let version = try #require(old.evidence("clamav · version").first)
        #expect(version.actual == "0.103.10+dfsg-0+deb11u1" && version.expected == "≥ 1.0.0")
        #expect(version.source?.hasPrefix("/var/lib/dpkg/status:") == true)
        let pass = try result("VN-TD-SW-002", root: hardened)
        #expect(pass.evidence("clamav · version").first?.actual == "1.4.6+dfsg-0+deb12u1")
    }

    // MARK: VN-TD-AV-001 and AV-002

    @Test func av001UpdaterAndScanRequired() throws {
        let host = try FixtureHost()
        try host.remove("/etc/systemd/system/multi-user.target.wants/clamav-freshclam.service")
        try host.replace("/etc/cron.d/attt-clamscan", "30 12 * * 3 root", with: "30 12 1 * * root")
        let r = try result("VN-TD-AV-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("ClamAV · updater enabled at boot").first?.actual == "false")
        #expect(r.evidence("weekly scheduled scan").first?.actual == "0 / 1")
        let pass = try result("VN-TD-AV-001", root: hardened)
        #expect(pass.evidence("at least weekly").first?.source == "/etc/cron.d/attt-clamscan:4")
    }

    @Test func av001VendorEngineFoundByPath() throws {
        let host = try FixtureHost()
        try host.write("/opt/eset/eea/bin/odscan", "#!/bin/sh\n")
        try host.symlink("/etc/systemd/system/multi-user.target.wants/eea.service", to: "/lib/systemd/system/eea.service")
        let facts = try check(root: host.root, only: ["VN-TD-AV-001"])
        #expect(facts[0].status == .pass)
    }

    @Test func av002OldSignaturesAndOutdatedEngine() throws {
        let pass = try result("VN-TD-AV-002", root: hardened)
        #expect(pass.evidence("daily signatures built").first.map { ($0.actual, $0.source) } ?? (nil, nil) == ("2026-11-24T06:10:00Z", "/var/lib/clamav/daily.cld"))
        let host = try FixtureHost()
        var header = Data("ClamAV-VDB:10 Nov 2026 06-10 +0000:27819:2075000:90:x:y:attt:\(Int(Timestamp.parse("2026-11-10T06:10:00Z")!.timeIntervalSince1970))".utf8)
        header.append(Data(repeating: 0x20, count: 512 - header.count))
        try host.writeData("/var/lib/clamav/daily.cld", header)
        try host.append("/var/log/clamav/freshclam.log", "WARNING: Your ClamAV installation is OUTDATED!\n")
        let r = try result("VN-TD-AV-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("daily signatures built").first?.actual == "2026-11-10T06:10:00Z")
        #expect(r.evidence("freshclam OUTDATED warning").first?.source == "/var/log/clamav/freshclam.log:7")
    }

    // MARK: VN-TD-SHR-001 and SHR-002

    @Test func shr001StockSambaConfigIsOpenToGuests() throws {
        let host = try FixtureHost()
        try host.replace("/etc/samba/smb.conf", "usershare allow guests = no", with: "usershare allow guests = yes")
        let r = try result("VN-TD-SHR-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("usershare allow guests").first?.source == "/etc/samba/smb.conf:165")
    }

    @Test func shr001WholeDiskAndGuestShares() throws {
        let host = try FixtureHost()
        try host.append("/etc/samba/smb.conf", "\n[o-d]\n   path = /\n   read only = no\n[chung]\n   path = /srv/chung\n   public = yes\n")
        try host.write("/var/lib/samba/usershares/tailieu", "#VERSION 2\npath=/media/nguyenvana/USB\ncomment=\nusershare_acl=S-1-1-0:F,\nguest_ok=y\nsharename=TaiLieu\n")
        let r = try result("VN-TD-SHR-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("o-d · whole disk").first?.actual == "true")
        #expect(r.evidence("chung · guest ok").first?.actual == "true")
        #expect(r.evidence("TaiLieu · guest_ok").first?.source == "/var/lib/samba/usershares/tailieu:5")
        #expect(r.evidence("TaiLieu · whole disk").first?.actual == "true")
    }

    @Test func shr002ExportsAndAnonymousFTP() throws {
        let host = try FixtureHost()
        try host.write("/etc/exports", "# /etc/exports\n/ *(rw,no_root_squash)\n")
        try host.write("/etc/vsftpd.conf", "listen=YES\n")
        let r = try result("VN-TD-SHR-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("/ · to every host").first?.source == "/etc/exports:2")
        #expect(r.evidence("/ · no_root_squash").first?.actual == "true")
        #expect(r.evidence("vsftpd anonymous_enable").first?.source == "default:vsftpd")
        #expect(r.evidence("NFS exports on a PC").first?.actual == "1")
    }

    @Test func shr002ServerMayExportToListedHosts() throws {
        let host = try FixtureHost()
        try host.write("/etc/exports.d/phongban.exports", "/srv/ketoan 192.168.10.0/24(rw,sync,root_squash)\n")
        #expect(try result("VN-TD-SHR-002", root: host.root, role: .server).status == .pass)
        #expect(try result("VN-TD-SHR-002", root: host.root, role: .workstation).status == .fail)
    }

    // MARK: Unreadable and malformed input

    @Test func unreadableShadowIsAnErrorWithTheReason() throws {
        let host = try FixtureHost()
        try host.remove("/etc/shadow")
        try FileManager.default.createDirectory(at: host.url("/etc/shadow"), withIntermediateDirectories: true)
        let r = try result("VN-TD-PW-003", root: host.root)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains("/etc/shadow: is a directory") == true)
    }

    @Test func malformedFilesAreErrorsNamingTheLine() throws {
        let host = try FixtureHost()
        try host.append("/etc/passwd", "broken line without fields\n")
        try host.append("/etc/pam.d/common-password", "password maybe pam_unix.so\n")
        try host.append("/etc/samba/smb.conf", "this is not a parameter\n")
        let results = Dictionary(uniqueKeysWithValues: try check(root: host.root).map { ($0.control, $0) })
        #expect(results["VN-TD-ACC-001"]?.status == .error)
        #expect(results["VN-TD-ACC-001"]?.reason?.en.contains("/etc/passwd: malformed line 37") == true)
        #expect(results["VN-TD-PW-001"]?.status == .error)
        #expect(results["VN-TD-PW-001"]?.reason?.en.contains("common-password:36: unknown control 'maybe'") == true)
        #expect(results["VN-TD-SHR-001"]?.status == .error)
        #expect(results["VN-TD-SHR-001"]?.reason?.en.contains("testparm") == true)
        // Unrelated areas still evaluate.
        #expect(results["VN-TD-AV-001"]?.status == .pass)
    }
}
