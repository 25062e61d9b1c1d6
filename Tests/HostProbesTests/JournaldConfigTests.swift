import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// journald.conf as systemd 252 reads it, and logrotate's retention of /var/log/auth.log (VN-TD-LOG-002).
@Suite struct JournaldConfigTests {
    static let packages = Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages")
    static func shipped(_ path: String) throws -> String { try String(contentsOf: packages.appendingPathComponent(path), encoding: .utf8) }

    func load(_ files: [String: String]) throws -> JournaldConfig {
        let host = MemoryFiles(files)
        return try JournaldConfig.load(readFile: host.read, list: host.list)
    }

    @Test func debiansFileSetsNothing() throws {
        let config = try load(["/etc/systemd/journald.conf": try Self.shipped("systemd/journald.conf")])
        #expect(config.values.isEmpty)
        #expect(config.files == ["/etc/systemd/journald.conf"])
    }

    /// Drop-ins by name across directories, after the main file; /etc hides a package's file of the same name.
    @Test func dropInsInNameOrderAndEtcHidesTheSameName() throws {
        let config = try load([
            "/etc/systemd/journald.conf": "[Journal]\nStorage=volatile\nSystemMaxUse=50M\n",
            "/usr/lib/systemd/journald.conf.d/10-pkg.conf": "[Journal]\nStorage=auto\n",
            "/etc/systemd/journald.conf.d/50-vn-td.conf": "# attt\n[Journal]\nStorage=persistent\nSystemMaxUse=1G\n",
            "/run/systemd/journald.conf.d/60-run.conf": "[Journal]\nMaxRetentionSec=1month\n",
            "/usr/lib/systemd/journald.conf.d/60-run.conf": "[Journal]\nMaxRetentionSec=1d\n",
            "/etc/systemd/journald.conf.d/70-other.conf": "[Other]\nStorage=none\n",
            "/etc/systemd/journald.conf.d/README": "[Journal]\nStorage=none\n",
        ])
        #expect(config.files == ["/etc/systemd/journald.conf", "/usr/lib/systemd/journald.conf.d/10-pkg.conf", "/etc/systemd/journald.conf.d/50-vn-td.conf", "/run/systemd/journald.conf.d/60-run.conf", "/etc/systemd/journald.conf.d/70-other.conf"])
        #expect(config.values["Storage"]?.value == "persistent" && config.values["Storage"]?.source.description == "/etc/systemd/journald.conf.d/50-vn-td.conf:3")
        #expect(config.values["SystemMaxUse"]?.value == "1G")
        #expect(config.values["MaxRetentionSec"]?.source.description == "/run/systemd/journald.conf.d/60-run.conf:2")
    }

    @Test func timeSpans() {
        #expect(JournaldConfig.days("1month") == 30.4375)
        #expect(JournaldConfig.days("5d 12h") == 5.5)
        #expect(JournaldConfig.days("2weeks") == 14)
        #expect(JournaldConfig.days("86400") == 1)
        #expect(JournaldConfig.days("1y") == 365.25)
        #expect(JournaldConfig.days("") == nil && JournaldConfig.days("soon") == nil && JournaldConfig.days("5 parsecs") == nil)
    }

    /// The hardened tree: the drop-in attt writes; the desktop tree: Debian's file and no journal
    /// directory (an empty directory cannot be committed; a real install has one, so Storage=auto
    /// would be persistent there).
    @Test func fixtures() throws {
        let hardened = try LoggingProbe(host: HostRoot(Repository.host("debian12-hardened").path), kernel: nil).journald()
        #expect(hardened.persistent && hardened.storage.source.description == "/etc/systemd/journald.conf.d/50-vn-td.conf:4")
        #expect(hardened.systemMaxUse?.value == "1G")
        let stock = try LoggingProbe(host: HostRoot(Repository.host("debian12-desktop").path), kernel: nil).journald()
        #expect(stock.storage.value == "auto" && stock.storage.source.description == "default:systemd-journald")
        #expect(!stock.persistent && stock.systemMaxUse == nil)
    }

    // MARK: logrotate

    func rotation(_ files: [String: String]) throws -> LogRotation? {
        let host = MemoryFiles(files)
        let config = try LogrotateConfig.load("/etc/logrotate.conf", readFile: host.read, list: host.list, isDirectory: { !host.list($0).isEmpty })
        #expect(config.problems.isEmpty)
        return config.stanza(for: "/var/log/auth.log").map { LogrotateConfig.rotation($0, log: "/var/log/auth.log") }
    }

    /// Debian 12's logrotate.conf and rsyslog's stanza: weekly × 4 = 28 days, short of 35.
    @Test func rsyslogsStanzaKeepsFourWeeks() throws {
        let auth = try rotation([
            "/etc/logrotate.conf": try Self.shipped("logrotate/logrotate.conf"),
            "/etc/logrotate.d/rsyslog": try Self.shipped("rsyslog/rsyslog"),
            "/etc/logrotate.d/rsyslog.dpkg-old": "/var/log/auth.log {\n rotate 99\n}\n",
        ])
        #expect(auth?.days == 28)
        #expect(auth?.rotate.source.description == "/etc/logrotate.d/rsyslog:8")
        #expect(auth?.period.source.description == "/etc/logrotate.d/rsyslog:9")
        #expect(auth?.stanza.description == "/etc/logrotate.d/rsyslog:1")
    }

    /// A stanza without its own period or count takes the global values in force where it starts.
    @Test func globalsApplyWhereTheStanzaStarts() throws {
        let auth = try rotation(["/etc/logrotate.conf": "monthly\nrotate 2\n/var/log/auth.log {\n  missingok\n  postrotate\n    rotate 99\n  endscript\n}\nrotate 1\n"])
        #expect(auth?.days == 60 && auth?.rotate.source.line == 2)
        #expect(try rotation(["/etc/logrotate.conf": "/var/log/*.log {\n}\n"])?.days == 0)
        #expect(try rotation(["/etc/logrotate.conf": "weekly\n"]) == nil)
    }

    /// The fixer's edit: auth.log leaves rsyslog's stanza for one of its own, named once, 6 weeks.
    @Test func authLogGetsAStanzaOfItsOwn() throws {
        let edited = try #require(LogRetentionFixer.separateAuthLog(try Self.shipped("rsyslog/rsyslog"), weeks: 6))
        #expect(edited.components(separatedBy: "/var/log/auth.log").count == 2)
        let auth = try rotation(["/etc/logrotate.conf": try Self.shipped("logrotate/logrotate.conf"), "/etc/logrotate.d/rsyslog": edited])
        #expect(auth?.days == 42)
        #expect(edited.contains("/var/log/kern.log\n/var/log/user.log\n"))
        #expect(edited.hasSuffix("\tpostrotate\n\t\t/usr/lib/rsyslog/rsyslog-rotate\n\tendscript\n}\n"))
        // A stanza that only named auth.log would be left with no log: refused, not guessed.
        #expect(LogRetentionFixer.separateAuthLog("/var/log/auth.log {\n rotate 4\n}\n", weeks: 6) == nil)
        #expect(LogRetentionFixer.separateAuthLog("/var/log/syslog {\n}\n", weeks: 6) == nil)
    }
}
