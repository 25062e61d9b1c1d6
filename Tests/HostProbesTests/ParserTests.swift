import Foundation
import HardeningCore
@testable import HostProbes
import Testing

@Suite struct ConfigParserTests {
    @Test func loginDefsLastValueWinsWithLine() {
        let values = LoginDefsConfig.parse("# x\nPASS_MAX_DAYS\t99999\nPASS_MAX_DAYS 90\nUMASK 022\n", path: "/etc/login.defs").values
        #expect(values["PASS_MAX_DAYS"]?.value == "90")
        #expect(values["PASS_MAX_DAYS"]?.source.description == "/etc/login.defs:3")
    }

    @Test func smbConfFollowsIncludesFoldsSynonymsAndInheritsGlobals() throws {
        let files = [
            "/etc/samba/smb.conf": "[global]\n  Guest OK = yes\n  include = /etc/samba/shares.conf\n; comment\n[homes]\n  browseable = no\n",
            "/etc/samba/shares.conf": "[data]\n  path = /srv/data/\n  public = no\n  writable = yes\n[all]\n  directory = /\n  guest ok = no\n",
        ]
        let config = try #require(SambaConfig.load(path: "/etc/samba/smb.conf") { files[$0] })
        #expect(config.shares.map(\.name) == ["data", "all", "homes"])
        let data = config.shares[0]
        #expect(config.value("guestok", in: data)?.text == "no")
        #expect(config.value("readonly", in: data)?.text == "no")
        #expect(config.value("path", in: config.shares[1])?.text == "/")
        #expect(config.value("path", in: config.shares[1])?.source.description == "/etc/samba/shares.conf:6")
        // [homes] sets no guest ok: the global `yes` applies.
        #expect(config.value("guestok", in: config.shares[2])?.text == "yes")
    }

    @Test func smbConfMissingIncludeAndMacrosAreReported() throws {
        let config = try #require(SambaConfig.load(path: "/s") { $0 == "/s" ? "[global]\ninclude = /etc/samba/%m.conf\ninclude = /nope\n" : nil })
        #expect(config.problems.count == 2)
    }

    @Test func exportsHostsOptionsAndWorld() {
        let exports = ExportsParser.parse("""
            / *(rw,no_root_squash)
            "/srv/phong ke toan" 192.168.1.0/24(rw,sync) -ro
            /srv/public
            /srv/x -rw,sync host1 host2(ro)
            """)
        #expect(exports.count == 4)
        #expect(exports[0].clients == [NfsClient(host: "*", options: ["rw", "no_root_squash"])])
        #expect(exports[1].path == "/srv/phong ke toan")
        #expect(exports[2].clients.first?.host == "*")
        #expect(exports[3].clients == [NfsClient(host: "host1", options: ["rw", "sync"]), NfsClient(host: "host2", options: ["rw", "sync", "ro"])])
    }

    @Test func shadowFieldsAreClassifiedWithoutHashes() {
        #expect(AccountDatabase.classify("").state == .empty)
        #expect(AccountDatabase.classify("*").state == .disabled)
        #expect(AccountDatabase.classify("!*").state == .disabled)
        #expect(AccountDatabase.classify("!$y$j9T$abc$def").state == .locked)
        #expect(AccountDatabase.classify("$y$j9T$abc$def") == (.hashed, "yescrypt", false))
        #expect(AccountDatabase.classify("$1$salt$hash").weak)
        #expect(AccountDatabase.classify("abJnggxhB/yWI").scheme == "des")
        #expect(AccountDatabase.classify("$6$salt$hash").scheme == "sha512")
    }

    @Test func sudoersRulesAliasesAndIncludes() {
        let parsed = SudoersParser.parse("""
            Defaults env_reset
            User_Alias ADMINS = an, binh
            root ALL=(ALL:ALL) ALL
            %sudo ALL=(ALL:ALL) ALL
            ADMINS ALL = (root) NOPASSWD: ALL
            cuong ALL=(root) /usr/bin/apt
            @includedir /etc/sudoers.d
            """, path: "/etc/sudoers")
        #expect(parsed.rules.count == 4)
        #expect(parsed.rules[2].noPassword && parsed.rules[2].allCommands && parsed.rules[2].who == "ADMINS")
        #expect(!parsed.rules[3].allCommands)
        #expect(parsed.userAliases["ADMINS"] == ["an", "binh"])
        #expect(parsed.includes.first?.path == "/etc/sudoers.d")
        #expect(SudoersParser.includedFileNames(["README", "90-x", "a.bak", "b~"]) == ["README", "90-x"])
    }

    @Test func clamavHeaderBuildTime() throws {
        var header = Data("ClamAV-VDB:23 Nov 2026 07-26 +0000:27832:2076421:90:0123456789abcdef:sig:raynman:1795418760".utf8)
        header.append(Data(repeating: 0x20, count: 512 - header.count))
        let parsed = try #require(ClamAVDatabaseHeader.parse(header))
        #expect(parsed.version == 27832)
        #expect(parsed.signatures == 2076421)
        #expect(parsed.buildTime == Date(timeIntervalSince1970: 1_795_418_760))
        let noSeconds = try #require(ClamAVDatabaseHeader.parse(Data("ClamAV-VDB:23 Nov 2026 07-26 +0000:27832:2076421:90".utf8)))
        #expect(noSeconds.buildTime == Timestamp.parse("2026-11-23T07:26:00Z"))
        // The zone is honoured (sigtool writes the builder's local time), and a date that does not exist is refused.
        #expect(ClamAVDatabaseHeader.buildTime("23 Nov 2026 14-26 +0700") == Timestamp.parse("2026-11-23T07:26:00Z"))
        #expect(ClamAVDatabaseHeader.buildTime("23 Nov 2026 02-26 -0500") == Timestamp.parse("2026-11-23T07:26:00Z"))
        #expect(ClamAVDatabaseHeader.buildTime("31 Feb 2026 07-26 +0000") == nil)
        #expect(ClamAVDatabaseHeader.buildTime("23 Foo 2026 07-26 +0000") == nil)
        #expect(ClamAVDatabaseHeader.parse(Data("not a database".utf8)) == nil)
    }

    @Test func cronAndCalendarFrequencies() {
        #expect(CronSchedule.parse("0 12 * * 1 root clamscan -r /home", hasUserField: true)?.weekly == true)
        #expect(CronSchedule.parse("0 12 1 * * root clamscan -r /home", hasUserField: true)?.weekly == false)
        #expect(CronSchedule.parse("@weekly clamscan -r /home", hasUserField: false)?.command == "clamscan -r /home")
        #expect(CronSchedule.parse("SHELL=/bin/sh", hasUserField: true) == nil)
        let timer = IniFile.parse("[Timer]\nOnCalendar=weekly\n", path: "/t")
        #expect(CronSchedule.calendarIsWeekly(["weekly"], timer: timer))
        #expect(!CronSchedule.calendarIsWeekly(["*-*-01 02:00"], timer: timer))
        #expect(CronSchedule.calendarIsWeekly(["Mon *-*-* 02:00"], timer: timer))
    }

    @Test func loginRecords() {
        var lastlog = Data(count: LoginRecords.lastlogRecordSize * 1001)
        let time: Int32 = 1_790_000_000
        withUnsafeBytes(of: time.littleEndian) { lastlog.replaceSubrange((1000 * 292)..<(1000 * 292 + 4), with: $0) }
        #expect(LoginRecords.lastlog(lastlog, uid: 1000) == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(LoginRecords.lastlog(lastlog, uid: 5) == nil)
        #expect(LoginRecords.lastlog(lastlog, uid: 99_999) == nil)
        let wtmp = WtmpBuilder.records([("an", 1_790_000_000), ("an", 1_780_000_000), ("binh", 1_770_000_000)])
        let logins = LoginRecords.wtmpLastLogins(wtmp)
        #expect(logins["an"] == Date(timeIntervalSince1970: 1_790_000_000))
        #expect(logins["binh"] == Date(timeIntervalSince1970: 1_770_000_000))
    }

    @Test func aptHistoryPackageNames() {
        #expect(PackagesProbe.packageNames("vlc:amd64 (3.0.21-0+deb12u1), libvlc5:amd64 (3.0.21-0+deb12u1, automatic)") == ["vlc"])
    }
}

/// utmp records for tests: USER_PROCESS entries with a user name and a time.
enum WtmpBuilder {
    static func records(_ entries: [(String, Int32)]) -> Data {
        var data = Data()
        for (user, time) in entries {
            var record = Data(count: LoginRecords.utmpRecordSize)
            withUnsafeBytes(of: LoginRecords.userProcess.littleEndian) { record.replaceSubrange(0..<2, with: $0) }
            let name = Array(user.utf8.prefix(32))
            record.replaceSubrange(44..<(44 + name.count), with: name)
            withUnsafeBytes(of: time.littleEndian) { record.replaceSubrange(340..<344, with: $0) }
            data.append(record)
        }
        return data
    }
}

/// Files saved with Windows line ends ("\r\n", one Character for Swift) read exactly as with "\n".
@Suite struct WindowsLineEndTests {
    func crlf(_ text: String) -> String { text.replacing("\n", with: "\r\n") }

    @Test func linesSplitAtEveryLineFeed() {
        #expect("a\r\nb\r\n".lines == ["a", "b", ""])
        #expect("a\r\nb\nc".rawLines == ["a\r", "b", "c"])
        #expect("a\r\nb\nc".rawLines.joined(separator: "\n") == "a\r\nb\nc")
    }

    @Test func parsersReadTheSameFacts() throws {
        let defs = "PASS_MAX_DAYS\t90\nPASS_MIN_DAYS 1\n"
        #expect(LoginDefsConfig.parse(crlf(defs), path: "/etc/login.defs").values == LoginDefsConfig.parse(defs, path: "/etc/login.defs").values)
        let passwd = "root:x:0:0:root:/root:/bin/bash\nan:x:1000:1000::/home/an:/bin/bash\n"
        #expect(AccountDatabase.rows(crlf(passwd)).map(\.1) == AccountDatabase.rows(passwd).map(\.1))
        let sshd = "Include /etc/ssh/sshd_config.d/*.conf\nMaxAuthTries 3\nMatch User a\n  PermitEmptyPasswords yes\n"
        for text in [sshd, crlf(sshd)] {
            let config = try #require(try SshdConfig.load(readFile: { $0 == "/etc/ssh/sshd_config" ? text : nil }, list: { _ in [] }))
            #expect(config.effective("maxauthtries")?.arguments == ["3"])
            #expect(config.matches.first?.directives.first?.arguments == ["yes"])
        }
        var sysctl = SysctlConfig()
        sysctl.read(crlf("net.ipv4.tcp_syncookies = 0\nkernel.sysrq=1\n"), path: "/etc/sysctl.conf")
        #expect(sysctl.value("net.ipv4.tcp_syncookies")?.value == "0")
        var apt = AptConfig()
        apt.read(crlf("APT::Periodic::Unattended-Upgrade \"1\";\n// x\nA { B { \"c\"; }; };\n"), path: "/etc/apt/apt.conf.d/20x")
        #expect(apt.value("APT::Periodic::Unattended-Upgrade")?.text == "1")
        #expect(apt.list("A::B").map(\.text) == ["c"])
    }
}
