import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// Every parser meets damaged input: it must never crash, and what it returns must stay well-formed.
@Suite struct ParserFuzzTests {
    static let iterations = 400

    /// Real files from the stock fixture, plus a few hand-written ones for formats it does not have.
    static func seeds(_ paths: [String], extra: [String] = []) -> [String] {
        paths.compactMap { try? String(contentsOf: Repository.host("debian12-desktop").appendingPathComponent(String($0.dropFirst())), encoding: .utf8) } + extra
    }

    func fuzz(_ seeds: [String], seed: UInt64, _ body: (String) -> Void) {
        var rng = SeededRandom(seed: seed)
        for seedText in seeds {
            body(seedText)
            for _ in 0..<Self.iterations { body(Mutator.mutate(seedText, &rng)) }
        }
        // Pure noise too.
        for _ in 0..<Self.iterations {
            body(String(decoding: (0..<Int.random(in: 0...2000, using: &rng)).map { _ in UInt8.random(in: 0...255, using: &rng) }, as: UTF8.self))
        }
    }

    @Test func pamFilesAndStacks() {
        let pam = Self.seeds(["/etc/pam.d/common-auth", "/etc/pam.d/common-password", "/etc/pam.d/login", "/etc/pam.d/gdm-password"], extra: [PamTests.faillockAuth])
        fuzz(pam, seed: 1) { text in
            let parsed = PamConfigParser.parse(text)
            #expect(parsed.lines.allSatisfy { $0.line >= 1 })
            var resolver = PamStackResolver { path in path == "/etc/pam.d/x" ? text : (path.hasSuffix("other") ? nil : text) }
            let stack = (try? resolver.stack(service: "x", type: "auth")) ?? []
            let outcome = PamSimulator.run(stack) { _ in "success" }
            #expect(outcome.executed.count <= stack.flatMap(\.rules).count)
        }
    }

    @Test func keyValueFiles() {
        fuzz(Self.seeds(["/etc/login.defs", "/etc/security/pwquality.conf", "/etc/security/faillock.conf", "/etc/gdm3/daemon.conf"]), seed: 2) { text in
            _ = LoginDefsConfig.parse(text, path: "/f").values
            var pwquality = PwqualityConfig()
            _ = pwquality.read(text, path: "/f")
            _ = ConfigLines.assignments(text, path: "/f")
            _ = IniFile.parse(text, path: "/f")
            for line in ConfigLines.meaningful(text) { _ = CronSchedule.parse(line.text, hasUserField: true) }
        }
    }

    @Test func accountDatabases() {
        fuzz(Self.seeds(["/etc/passwd", "/etc/shadow", "/etc/group"], extra: ["root:x:0:0:root:/root:/bin/bash\nan::1000:1000::/home/an:/bin/bash\n"]), seed: 3) { text in
            let p = AccountDatabase.passwd(text)
            #expect(p.entries.allSatisfy { $0.uid >= 0 })
            for s in AccountDatabase.shadow(text).entries { _ = AccountDatabase.classify(s.password) }
            _ = AccountDatabase.group(text)
            _ = SudoersParser.parse(text, path: "/etc/sudoers")
        }
    }

    @Test func packageDatabases() {
        fuzz(Self.seeds(["/var/lib/dpkg/status", "/var/lib/apt/extended_states", "/var/log/apt/history.log"]), seed: 4) { text in
            for stanza in Deb822.parse(text) {
                #expect(stanza.line >= 1)
                if let install = stanza["Install"] { _ = PackagesProbe.packageNames(install) }
                if let date = stanza["Start-Date"] { _ = PackagesProbe.aptDate(date) }
                if let v = stanza["Version"] { _ = DebianVersion(v) < DebianVersion("1.0") }
            }
        }
    }

    @Test func sshdConfig() {
        let seed = (try? String(contentsOf: Repository.host("debian12-broken").appendingPathComponent("etc/ssh/sshd_config"), encoding: .utf8)) ?? ""
        fuzz([seed, "Include /etc/ssh/sshd_config.d/*.conf\nMatch User \"a b\"\n\tMaxAuthTries=3\n"], seed: 8) { text in
            let files = ["/etc/ssh/sshd_config": text, "/etc/ssh/sshd_config.d/x.conf": text]
            let config = try? SshdConfig.load(readFile: { files[$0] }, list: { $0 == "/etc/ssh/sshd_config.d" ? ["x.conf"] : [] })
            guard let config = config ?? nil else { Issue.record("the main file exists"); return }
            let facts = RemoteAccessProbe.server(config)
            #expect(config.matches.allSatisfy { !$0.criteria.isEmpty })
            #expect(facts.logLevel.value == facts.logLevel.value.uppercased())
        }
    }

    @Test func sysctlFiles() {
        let seed = (try? String(contentsOf: Repository.host("debian12-broken").appendingPathComponent("etc/sysctl.conf"), encoding: .utf8)) ?? ""
        fuzz([seed, "net.ipv4.conf.*.rp_filter = 2\n-net.ipv4.conf.all.rp_filter\nnet/ipv4/conf/eth0.10/rp_filter=1\n"], seed: 9) { text in
            var config = SysctlConfig()
            config.read(text, path: "/etc/sysctl.conf")
            for key in ["net.ipv4.tcp_syncookies", "net.ipv4.conf.all.rp_filter", "net/ipv4/conf/eth0.10/rp_filter"] {
                if let a = config.value(key) { #expect(a.source.line.map { $0 >= 1 } == true) }
            }
        }
    }

    @Test func aptConfiguration() {
        let seed = (try? String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("etc/apt/apt.conf.d/50unattended-upgrades"), encoding: .utf8)) ?? ""
        let autoremove = (try? String(contentsOf: Repository.host("debian12-desktop").appendingPathComponent("etc/apt/apt.conf.d/01autoremove"), encoding: .utf8)) ?? ""
        fuzz([seed, autoremove], seed: 10) { text in
            var config = AptConfig()
            config.read(text, path: "/etc/apt/apt.conf.d/50x")
            for item in config.list("Unattended-Upgrade::Origins-Pattern") { #expect(item.source.line.map { $0 >= 1 } == true) }
            _ = config.value("APT::Periodic::Unattended-Upgrade")
        }
    }

    @Test func nftablesRulesets() {
        let shipped = (try? String(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages/nftables/nftables.conf"), encoding: .utf8)) ?? ""
        fuzz([shipped, "table ip f {\n set s { type ipv4_addr; elements = { 1.2.3.4 } }\n chain input { type filter hook input priority 0; policy drop; }\n}\n"], seed: 11) { text in
            var config = NftablesConfig()
            config.read(text, path: "/etc/nftables.conf", depth: 0, readFile: { _ in nil }, list: { _ in [] })
            for chain in config.chains { #expect(chain.source.line.map { $0 >= 1 } == true) }
            _ = config.inputPolicy(ipv6: true)
        }
    }

    /// Audit rules (auditd's own file and attt's), journald.conf, logrotate stanzas, time spans.
    @Test func loggingFiles() {
        let packages = Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages")
        func shipped(_ path: String) -> String { (try? String(contentsOf: packages.appendingPathComponent(path), encoding: .utf8)) ?? "" }
        let rules = (try? String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("etc/audit/rules.d/50-vn-td.rules"), encoding: .utf8)) ?? ""
        let extra = "-a always,exit -F arch=b64 -F dir=/etc/ssh/ -F perm=wa -F key=ssh\n-a never,exit -F path=/x\n-D\n-e 2\n-a exit,always -F path=/etc/shadow -k k\n"
        fuzz([rules, shipped("auditd/audit.rules"), extra], seed: 12) { text in
            var parsed = AuditRules()
            parsed.read(text, path: "/etc/audit/rules.d/x.rules", augenrules: Bool.random())
            for watch in parsed.watches {
                #expect(watch.source.line.map { $0 >= 1 } == true)
                #expect(!watch.permissions.isEmpty)
            }
        }
        fuzz([shipped("systemd/journald.conf"), "[Journal]\nStorage=persistent\nMaxRetentionSec=1month 2d\n"], seed: 13) { text in
            var config = JournaldConfig()
            config.read(text, path: "/etc/systemd/journald.conf")
            for value in config.values.values { _ = JournaldConfig.days(value.value) }
            _ = JournaldConfig.days(text)
        }
        let rsyslog = shipped("rsyslog/rsyslog"), main = shipped("logrotate/logrotate.conf")
        fuzz([rsyslog, main], seed: 14) { text in
            let files = MemoryFiles(["/etc/logrotate.conf": text + "\ninclude /etc/logrotate.d\n", "/etc/logrotate.d/rsyslog": text])
            if let config = try? LogrotateConfig.load("/etc/logrotate.conf", readFile: { files.read($0) }, list: { files.list($0) }, isDirectory: { $0 == "/etc/logrotate.d" }) {
                for stanza in config.stanzas { #expect(LogrotateConfig.rotation(stanza, log: "/x").days >= 0) }
            }
            if let edited = LogRetentionFixer.separateAuthLog(text, weeks: 6) { #expect(edited.contains("rotate 6")) }
        }
    }

    @Test func sharingFiles() {
        let exports = "/srv/a 192.168.1.0/24(rw,sync) *(ro)\n\"/srv/b c\" -ro host\n"
        fuzz(Self.seeds(["/etc/samba/smb.conf"], extra: [exports, "path=/home/an/Public\nguest_ok=y\nusershare_acl=S-1-1-0:F,\n"]), seed: 5) { text in
            if let config = SambaConfig.load(path: "/etc/samba/smb.conf", readFile: { $0 == "/etc/samba/smb.conf" ? text : nil }) {
                for share in config.shares { _ = config.value("guestok", in: share) }
            }
            _ = ExportsParser.parse(text)
            _ = UsershareFile.parse(text)
            #expect(SharesProbe.normalize(text).utf8.first == UInt8(ascii: "/"))
        }
    }

    @Test func binaryRecords() {
        var rng = SeededRandom(seed: 6)
        var header = Data("ClamAV-VDB:23 Nov 2026 07-26 +0000:27832:2076421:90:x:y:z:1795418760".utf8)
        header.append(Data(repeating: 0x20, count: 512 - header.count))
        let wtmp = WtmpBuilder.records([("an", 1_790_000_000), ("binh", 1_770_000_000)])
        for _ in 0..<Self.iterations * 2 {
            _ = ClamAVDatabaseHeader.parse(Mutator.mutate(header, &rng))
            let mutated = Mutator.mutate(wtmp, &rng)
            _ = LoginRecords.wtmpLastLogins(mutated)
            _ = LoginRecords.lastlog(mutated, uid: Int.random(in: -5...5000, using: &rng))
        }
    }

    /// VN-TD-BAK-001 and VN-TD-HW-001: crontabs, units, scripts, fstab, the status record, smartd state, /proc.
    @Test func backupAndHardwareFiles() {
        let hardened = Repository.host("debian12-hardened")
        func file(_ path: String) -> String { (try? String(contentsOf: hardened.appendingPathComponent(path), encoding: .utf8)) ?? "" }
        let seeds = [
            file("etc/cron.d/attt-clamscan"), file("etc/systemd/system/attt-backup.service"), file("usr/local/sbin/attt-backup"),
            file("etc/fstab"), file("var/lib/attt/backup/last.json"), file("proc/cpuinfo"), file("proc/meminfo"),
            file("var/lib/smartmontools/smartd.Samsung_SSD_870_EVO_500GB-S6PXNM0T123456A.ata.state"),
            "SHELL=/bin/sh\n@daily root borgmatic\n*/5 1-3 * jan mon-fri backup rsync -a /home/ /srv/b/ % x\n",
        ]
        fuzz(seeds, seed: 12) { text in
            for system in [true, false] {
                for job in Crontab.parse(text, path: "/c", system: system).jobs { #expect(!job.command.isEmpty && job.source.line! >= 1) }
            }
            var unit = SystemdUnit.parse(text, path: "/u")
            unit.read(text, path: "/d")
            for command in unit.commands() { _ = BackupCommand.paths(command.value) }
            for line in BackupCommand.toolLines(script: text) { #expect(BackupCommand.tools.contains(line.tool)) }
            let fstab = Fstab.parse(text, path: "/etc/fstab")
            _ = BackupProbe.target(Sourced(text, SourceLocation(path: "/x")), fstab: fstab)
            _ = try? BackupProbe.lastRun(text: text, path: "/s")
            let state = SmartdState.parse(text, path: "/s")
            #expect(state.raw(5, path: "/s").value >= 0)
            _ = SmartdState.disk(fileName: text)
            _ = HardwareProbe.cpu(text, path: "/p")
            _ = HardwareProbe.memory(text, path: "/m")
        }
    }

    /// VPN configs, /proc routes, networkd files and printers.conf (VN-TD-NET-004, SEC-001, SEC-002).
    @Test func vpnRouteAndPrinterFiles() {
        let seeds = [VpnParserTests.openvpn, VpnParserTests.swanctl, VpnParserTests.ipsec, VpnParserTests.pptpPeer,
                     IsolationParserTests.route, IsolationParserTests.ipv6Route, IsolationParserTests.networkd, IsolationParserTests.printers,
                     WebFilterParserTests.firefox, "{\"DnsOverHttpsMode\": \"off\"}", "nameserver 10.0.0.53\n"]
        fuzz(seeds, seed: 7) { text in
            let openvpn = OpenVpnConfig.parse(text, path: "/x.conf")
            #expect(openvpn.cipherNone.source.path == "/x.conf")
            for c in IpsecConfig.connections(text, path: "/x") + SwanctlConfig.parse(text, path: "/x").connections { #expect(c.source.line.map { $0 >= 1 } == true) }
            _ = PppPeer.pptpLine(text, path: "/x")
            for r in ProcRoutes.ipv4Defaults(text) + ProcRoutes.ipv6Defaults(text) { #expect(r.source.line.map { $0 >= 1 } == true) }
            _ = ConfiguredGateways.interfaces(text, path: "/x") + ConfiguredGateways.networkd(text, path: "/x")
            _ = NetworkManagerState.radio("WirelessEnabled", in: text, path: "/x")
            for q in CupsPrinters.parse(text, path: "/x") { #expect(!q.scheme.value.contains("@")) }
            _ = try? BrowserPolicies.firefox(text, path: "/x")
            _ = try? BrowserPolicies.chromium(text, path: "/x")
            _ = ResolverConfig.resolvConf(text, path: "/x")
        }
    }

    @Test func aptListsAndDpkgRecords() {
        let lists = Repository.host("debian12-hardened").appendingPathComponent("var/lib/apt/lists")
        let release = (try? String(contentsOf: lists.appendingPathComponent("deb.debian.org_debian-security_dists_bookworm-security_InRelease"), encoding: .utf8)) ?? ""
        let index = (try? String(contentsOf: lists.appendingPathComponent("deb.debian.org_debian-security_dists_bookworm-security_main_binary-amd64_Packages"), encoding: .utf8)) ?? ""
        let sums = (try? String(contentsOf: Repository.host("debian12-hardened").appendingPathComponent("var/lib/dpkg/info/login.md5sums"), encoding: .utf8)) ?? ""
        fuzz([release, index, sums] + Self.seeds(["/var/lib/dpkg/status"]), seed: 12) { text in
            if let r = AptLists.release(text) { #expect(r.line >= 1 && r.dateLine >= r.line) }
            var scanner = PackagesIndexScanner(wanted: ["openssl", "libc6", "a"])
            scanner.feed(Array(text.utf8))
            scanner.finish()
            #expect(scanner.entries.allSatisfy { $0.line >= 1 })
            let parsed = DpkgInfo.md5sums(text)
            #expect(parsed.sums.allSatisfy { $0.path.hasPrefix("/") && $0.md5.count == 32 && !$0.path.contains("/../") })
            #expect(DpkgInfo.status(text).allSatisfy { $0.conffiles.allSatisfy { $0.line >= 1 } })
            _ = AptLists.rfc2822(String(text.prefix(40)))
        }
    }

    @Test func lz4Frames() throws {
        var rng = SeededRandom(seed: 13)
        let frame = Data(base64Encoded: AptListsTests.helloFrame)!
        for _ in 0..<Self.iterations * 4 {
            try? LZ4Frame.decode([UInt8](Mutator.mutate(frame, &rng))) { #expect($0.count <= LZ4Frame.chunk) }
        }
    }
}
