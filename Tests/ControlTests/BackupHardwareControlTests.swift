import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// VN-TD-BAK-001 (backup) on the fixture hosts: what passes, what fails, and the evidence naming the
/// file and line it was read from.
@Suite struct BackupHardwareControlTests {
    let stock = Repository.host("debian12-desktop")
    let hardened = Repository.host("debian12-hardened")
    let broken = Repository.host("debian12-broken")

    // MARK: VN-TD-BAK-001

    @Test func bak001StockDesktopHasNoBackup() throws {
        let r = try result("VN-TD-BAK-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("backup schedule").first?.actual == "0 / 0")
        #expect(r.evidence("backup run record").first.map { !$0.ok && $0.actual == nil } == true)
    }

    @Test func bak001HardenedResticTimerRanThisMorning() throws {
        let r = try result("VN-TD-BAK-001", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        let schedule = try #require(r.evidence("attt-backup.timer").first)
        #expect(schedule.source == "/usr/local/sbin/attt-backup:6")
        let last = try #require(r.evidence("last backup").first)
        #expect(last.actual == "2026-11-25T02:14:51Z" && last.source == "/var/lib/attt/backup/last.json:1")
        #expect(r.evidence("system data backed up").first?.source == "/usr/local/sbin/attt-backup:6")
        // The same record passes a server's one-day limit too.
        #expect(try result("VN-TD-BAK-001", root: hardened, role: .server).status == .pass)
    }

    @Test func bak001BrokenFailedMonthOldRunOnTheSystemDisk() throws {
        let r = try result("VN-TD-BAK-001", root: broken)
        #expect(r.status == .fail)
        let code = try #require(r.evidence("exit code of the last run").first)
        #expect(code.actual == "1" && code.source == "/var/lib/attt/backup/last.json:1")
        #expect(r.evidence("last backup").first?.actual == "2026-10-26T02:09:33Z")
        let targets = r.evidence("same file system as /").filter { !$0.ok }
        #expect(targets.contains { $0.item.contains("/var/backups/restic") && $0.source == "/var/lib/attt/backup/last.json:1" })
        #expect(targets.contains { $0.item.contains("4f1c0e6a-0d4e-4a2b-9a57-0c1d2e3f4a5b") && $0.source == "/etc/timeshift/timeshift.json:2" })
    }

    @Test func bak001ServerNeedsADailyCopy() throws {
        let host = try FixtureHost()
        try host.replace("/var/lib/attt/backup/last.json", "2026-11-25T02:14:51Z", with: "2026-11-22T02:14:51Z")
        #expect(try result("VN-TD-BAK-001", root: host.root).status == .pass)
        let server = try result("VN-TD-BAK-001", root: host.root, role: .server)
        #expect(server.status == .fail)
        #expect(server.evidence("last backup").first.map { !$0.ok && $0.expected == "within days: 1" } == true)
        #expect(try result("VN-TD-BAK-001", root: host.root, role: .secret).status == .notApplicable)
    }

    @Test func bak001HomeLeftOutAndATimerThatIsNotEnabled() throws {
        let host = try FixtureHost()
        try host.replace("/usr/local/sbin/attt-backup", "    /etc /home /var/lib /srv", with: "    /etc /var/lib /srv")
        try host.replace("/var/lib/attt/backup/last.json", "\"/etc\", \"/home\", ", with: "\"/etc\", ")
        let r = try result("VN-TD-BAK-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("users' data backed up").first?.actual == "false")
        try host.remove("/etc/systemd/system/timers.target.wants/attt-backup.timer")
        #expect(try result("VN-TD-BAK-001", root: host.root).evidence("backup schedule").first?.ok == false)
    }

    @Test func bak001CronJobToAUsbDiskCounts() throws {
        let host = try FixtureHost()
        try host.remove("/etc/systemd/system/timers.target.wants/attt-backup.timer")
        try host.write("/etc/cron.d/borg-usb", "MAILTO=root\n# nightly copy to the office USB disk\n30 1 * * * root borg create /media/backup/borg::{now} / --exclude /proc\n")
        try host.write("/var/lib/attt/backup/last.json", "{\"time\": \"2026-11-25T01:42:00Z\", \"exitCode\": 0, \"target\": \"/media/backup/borg\"}\n")
        let r = try result("VN-TD-BAK-001", root: host.root)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("cron").first?.source == "/etc/cron.d/borg-usb:3")
        #expect(r.evidence("users' data backed up").first?.source == "/etc/cron.d/borg-usb:3")
    }

    @Test func bak001DamagedStatusRecordIsAnErrorNamingTheFile() throws {
        let host = try FixtureHost()
        try host.write("/var/lib/attt/backup/last.json", "{\"time\": \"2026-11-25T01:42:00Z\", \"exitCode\": \"ok\"")
        let r = try result("VN-TD-BAK-001", root: host.root)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains("/var/lib/attt/backup/last.json") == true)
    }

    // MARK: VN-TD-HW-001

    @Test func hw001StockDesktopHasNoSmartmontools() throws {
        let r = try result("VN-TD-HW-001", root: stock)
        #expect(r.status == .fail)
        #expect(r.evidence("smartmontools package").first?.ok == false)
        #expect(r.evidence("disks watched by smartd").first?.ok == false)
    }

    @Test func hw001HardenedInventoryAndAHealthySsd() throws {
        let r = try result("VN-TD-HW-001", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("vendor").first.map { $0.actual == "Dell Inc." && $0.source == "/sys/class/dmi/id/sys_vendor" } == true)
        #expect(r.evidence("model").first?.actual == "OptiPlex 7090")
        #expect(r.evidence("CPU").first.map { $0.actual?.contains("i5-11500") == true && $0.source == "/proc/cpuinfo:5" } == true)
        #expect(r.evidence("memory (KiB)").first.map { $0.actual == "16076348" && $0.source == "/proc/meminfo:1" } == true)
        #expect(r.evidence("disks showing failure").first?.actual == "0 / 1")
        // A server also needs memory headroom; the use of / is measured only on the running host.
        let server = try result("VN-TD-HW-001", root: hardened, role: .server)
        #expect(server.status == .pass, "\(server.evidence)")
        #expect(server.evidence("memory available (%)").first.map { $0.actual == "80" && $0.source == "/proc/meminfo:3" } == true)
        #expect(server.evidence("use of / (measured on the running host only)").first.map { $0.ok && $0.actual == nil } == true)
    }

    @Test func hw001BrokenDiskIsFailing() throws {
        let r = try result("VN-TD-HW-001", root: broken)
        #expect(r.status == .fail)
        let state = "/var/lib/smartmontools/smartd.WDC_WD10EZEX_08WN4A0-WD_WCC6Y3KJ1234.ata.state"
        let reallocated = try #require(r.evidence("Reallocated_Sector_Ct").first)
        #expect(reallocated.actual == "8" && reallocated.source == "\(state):22" && reallocated.item.contains("WDC_WD10EZEX"))
        // Sectors fine, but the last self-test failed.
        let host = try FixtureHost("debian12-broken")
        try host.replace(state, "ata-smart-attribute.3.raw = 8\n", with: "")
        try host.replace(state, "ata-smart-attribute.6.raw = 2\n", with: "")
        let selfTest = try result("VN-TD-HW-001", root: host.root)
        #expect(selfTest.status == .fail)
        #expect(selfTest.evidence("failed self-tests").first.map { $0.actual == "1" && $0.source == "\(state):4" } == true)
    }

    @Test func hw001ServerShortOfMemory() throws {
        let host = try FixtureHost()
        try host.replace("/proc/meminfo", "MemAvailable:   12874512 kB", with: "MemAvailable:     803817 kB")
        #expect(try result("VN-TD-HW-001", root: host.root).status == .pass)
        let server = try result("VN-TD-HW-001", root: host.root, role: .server)
        #expect(server.status == .fail)
        #expect(server.evidence("memory available (%)").first.map { $0.actual == "4" && $0.expected == "> 10" } == true)
    }

    @Test func hw001SmartdNotRunningProvesNothing() throws {
        let host = try FixtureHost()
        try host.remove("/var/lib/smartmontools/smartd.Samsung_SSD_870_EVO_500GB-S6PXNM0T123456A.ata.state")
        let r = try result("VN-TD-HW-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("disks watched by smartd").first?.ok == false)
    }

    // MARK: VN-TD-AUTH-002, remote desktop

    @Test func auth002BrokenXrdpAsShipped() throws {
        let r = try result("VN-TD-AUTH-002", root: broken)
        #expect(r.status == .fail)
        let layer = try #require(r.evidence("xrdp · security_layer").first)
        #expect(layer.actual == "negotiate" && layer.source == "/etc/xrdp/xrdp.ini:44")
        let root = try #require(r.evidence("xrdp · AllowRootLogin").first)
        #expect(root.actual == "true" && root.source == "/etc/xrdp/sesman.ini:15")
    }

    @Test func auth002XrdpWithTlsAndNoRootPasses() throws {
        let host = try FixtureHost()
        let packages = Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages/xrdp")
        try host.write("/etc/xrdp/xrdp.ini", try String(contentsOf: packages.appendingPathComponent("xrdp.ini"), encoding: .utf8).replacingOccurrences(of: "security_layer=negotiate", with: "security_layer=tls"))
        try host.write("/etc/xrdp/sesman.ini", try String(contentsOf: packages.appendingPathComponent("sesman.ini"), encoding: .utf8).replacingOccurrences(of: "AllowRootLogin=true", with: "AllowRootLogin=false"))
        try host.symlink("/etc/systemd/system/multi-user.target.wants/xrdp.service", to: "/lib/systemd/system/xrdp.service")
        let r = try result("VN-TD-AUTH-002", root: host.root)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("xrdp without TLS").first?.actual == "0 / 1")
        // Not enabled at boot: nothing to check, even with the shipped settings.
        try host.remove("/etc/systemd/system/multi-user.target.wants/xrdp.service")
        try host.replace("/etc/xrdp/xrdp.ini", "security_layer=tls", with: "security_layer=rdp")
        #expect(try result("VN-TD-AUTH-002", root: host.root).status == .pass)
    }

    @Test func auth002X11vncWithoutPassword() throws {
        let host = try FixtureHost()
        try host.write("/etc/systemd/system/x11vnc.service", "[Unit]\nDescription=VNC\n\n[Service]\nExecStart=/usr/bin/x11vnc -display :0 -forever -nopw\n\n[Install]\nWantedBy=multi-user.target\n")
        try host.symlink("/etc/systemd/system/multi-user.target.wants/x11vnc.service", to: "/etc/systemd/system/x11vnc.service")
        let r = try result("VN-TD-AUTH-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("x11vnc · VNC password file").first.map { $0.actual == "false" && $0.source == "/etc/systemd/system/x11vnc.service:5" } == true)
        try host.replace("/etc/systemd/system/x11vnc.service", "-nopw", with: "-rfbauth /etc/x11vnc.pass")
        try host.write("/etc/x11vnc.pass", "fixture")
        #expect(try result("VN-TD-AUTH-002", root: host.root).status == .pass)
    }
}
