import AtttTestSupport
import Foundation
import HardeningCore
import Testing
import HostAccess

/// VN-TD-UPD-002 (Điều 10 khoản 5) on the fixture hosts: pending security fixes from apt's lists,
/// list age, pending reboot, OS end of support.
@Suite struct UpdatesIntegrityControlTests {
    let hardened = Repository.host("debian12-hardened")

    /// Sets a file's mtime: git keeps none, so a test that needs an old file makes it old.
    func age(_ host: FixtureHost, _ hostPath: String, _ iso: String) throws {
        try FileManager.default.setAttributes([.modificationDate: Timestamp.parse(iso)!], ofItemAtPath: host.url(hostPath).path)
    }

    @Test func upd002HardenedHasNothingPending() throws {
        let host = try FixtureHost()
        try age(host, "/var/lib/apt/periodic/update-success-stamp", "2026-11-25T06:00:00Z")
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .pass, "\(r.evidence)")
        let archive = try #require(r.evidence("security archive").first)
        #expect(archive.source == "/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease:4")
        let refreshed = try #require(r.evidence("package lists refreshed").first)
        #expect(refreshed.actual == "2026-11-25T06:00:00Z" && refreshed.source == "/var/lib/apt/periodic/update-success-stamp")
        #expect(r.evidence("pending security updates").first?.actual == "0")
        #expect(r.evidence("Debian 12 · support (LTS included)").first?.actual == "2028-06-30T23:59:59Z")
    }

    /// The committed broken tree: openssl and libssl3 older than the security archive's, which
    /// carried the fix on 2026-10-31 (the archive date of its lists).
    @Test func upd002BrokenHasAnOverdueOpensslFix() throws {
        let r = try result("VN-TD-UPD-002", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        let e = try #require(r.evidence("openssl:amd64 3.0.17-1~deb12u2 → 3.0.22-1~deb12u2 · in the security archive since").first)
        #expect(e.actual == "2026-10-31T00:12:54Z" && !e.ok)
        #expect(e.source == "/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease:9")
        #expect(r.evidence("libssl3:amd64").isEmpty == false)
        // Installed newer than the security archive (libc6 deb12u14 vs deb12u7): not pending.
        #expect(r.evidence("libc6:amd64").isEmpty)
    }

    @Test func upd002StaleListsAndOldReboot() throws {
        let host = try FixtureHost()
        try host.replace("/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease", "Date: Tue, 24 Nov 2026", with: "Date: Tue, 17 Nov 2026")
        try age(host, "/var/lib/apt/periodic/update-success-stamp", "2026-11-20T06:00:00Z")
        try host.write("/var/run/reboot-required", "*** System restart required ***\n")
        try host.write("/var/run/reboot-required.pkgs", "linux-image-6.1.0-41-amd64\nlibc6\n")
        try age(host, "/var/run/reboot-required", "2026-11-10T09:00:00Z")
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .fail)
        let lists = try #require(r.evidence("package lists refreshed").first)
        #expect(lists.actual == "2026-11-20T06:00:00Z" && !lists.ok && lists.source == "/var/lib/apt/periodic/update-success-stamp")
        let reboot = try #require(r.evidence("libc6, linux-image-6.1.0-41-amd64 · reboot pending since").first)
        #expect(reboot.actual == "2026-11-10T09:00:00Z" && reboot.source == "/var/run/reboot-required")
    }

    /// A reboot asked for yesterday is within the limit; a fix published yesterday too.
    @Test func upd002RecentFixAndRebootPass() throws {
        let host = try FixtureHost()
        try age(host, "/var/lib/apt/periodic/update-success-stamp", "2026-11-25T06:00:00Z")
        try host.replace("/var/lib/dpkg/status", "Package: openssl\nStatus: install ok installed", with: "Package: openssl\nStatus: install ok installed")
        let status = try host.read("/var/lib/dpkg/status")
        let start = try #require(status.range(of: "Package: openssl\n"))
        let end = try #require(status.range(of: "\n\n", range: start.upperBound..<status.endIndex))
        try host.write("/var/lib/dpkg/status", status.replacingCharacters(in: start.lowerBound..<end.lowerBound, with: String(status[start.lowerBound..<end.lowerBound]).replacingOccurrences(of: "Version: 3.0.22-1~deb12u2", with: "Version: 3.0.22-1~deb12u1")))
        try host.write("/var/run/reboot-required", "*** System restart required ***\n")
        try age(host, "/var/run/reboot-required", "2026-11-24T09:00:00Z")
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("openssl:amd64 3.0.22-1~deb12u1 → 3.0.22-1~deb12u2").first?.actual == "2026-11-24T00:34:33Z")
        // The recommended profile allows 7 days; Debian 12's regular support ended on 2026-06-10.
        let rec = try result("VN-TD-UPD-002", root: host.root, profile: .recommended)
        #expect(rec.status == .fail)
        #expect(rec.evidence("Debian 12 · regular support").first.map { !$0.ok && $0.actual == "2026-06-10T23:59:59Z" } == true)
    }

    @Test func upd002EndOfLifeAndUnknownRelease() throws {
        let host = try FixtureHost()
        try age(host, "/var/lib/apt/periodic/update-success-stamp", "2026-11-25T06:00:00Z")
        try host.replace("/etc/os-release", "VERSION_ID=\"12\"", with: "VERSION_ID=\"11\"")
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("Debian 11 · support (LTS included)").first.map { !$0.ok && $0.actual == "2026-08-31T23:59:59Z" } == true)
        try host.replace("/etc/os-release", "VERSION_ID=\"11\"", with: "VERSION_ID=\"9\"")
        let unknown = try result("VN-TD-UPD-002", root: host.root)
        #expect(unknown.status == .fail)
        #expect(unknown.evidence("OS release in the support table").first?.ok == false)
    }

    /// No security archive in the lists (sources.list without bookworm-security): fail, said so.
    @Test func upd002NoSecurityArchive() throws {
        let host = try FixtureHost()
        try host.remove("/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_InRelease")
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("security archive in the package lists").first?.actual?.hasPrefix("0") == true)
    }

    /// An index compressed with a format attt does not read: the control cannot pass on it.
    @Test func upd002UnreadableIndexIsNotASilentPass() throws {
        let host = try FixtureHost()
        try age(host, "/var/lib/apt/periodic/update-success-stamp", "2026-11-25T06:00:00Z")
        try host.writeData("/var/lib/apt/lists/deb.debian.org_debian-security_dists_bookworm-security_main_binary-i386_Packages.xz", Data([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]))
        let r = try result("VN-TD-UPD-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { $0.source?.hasSuffix("binary-i386_Packages.xz") == true && $0.actual?.contains("compressed index not read") == true })
    }
    // MARK: VN-TD-INT-001

    @Test func int001HardenedFilesMatchDpkg() throws {
        let r = try result("VN-TD-INT-001", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        let coverage = try #require(r.evidence("files checked").first?.actual)
        #expect(coverage.hasPrefix("checked ") && coverage.contains("login") && !coverage.contains("budget reached"))
        #expect(r.evidence("changed or missing package files").first?.actual == "0 / 0")
        // login.defs was tailored (PASS_MAX_DAYS 90): shown as changed configuration, allowed.
        let defs = try #require(r.evidence("/etc/login.defs · state").first)
        #expect(defs.actual == "changed" && defs.source == "/var/lib/dpkg/status:6655")
    }

    @Test func int001BrokenHasAPatchedLoginAndAMissingFile() throws {
        let r = try result("VN-TD-INT-001", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        let login = try #require(r.evidence("/bin/login · state").first)
        #expect(login.actual == "changed" && login.source == "/var/lib/dpkg/info/login.md5sums:1")
        let nologin = try #require(r.evidence("/usr/sbin/nologin · state").first)
        #expect(nologin.actual == "missing" && nologin.source == "/var/lib/dpkg/info/login.md5sums:3")
        #expect(r.evidence("man-db · state").first.map { $0.actual == "half-configured" && $0.source?.hasPrefix("/var/lib/dpkg/status:") == true } == true)
    }

    /// A binary swapped for a link to a file outside the package is reported, never followed.
    @Test func int001LinkIsReportedNotFollowed() throws {
        let host = try FixtureHost()
        try host.remove("/usr/bin/lastlog")
        try host.symlink("/usr/bin/lastlog", to: "/etc/shadow")
        let r = try result("VN-TD-INT-001", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("/usr/bin/lastlog · state").first?.actual == "replaced by a link")
    }

    /// Servers also need AIDE: configuration, database and a check in the last 7 days.
    @Test func int001ServerNeedsARecentAideCheck() throws {
        let host = try FixtureHost()
        let missing = try result("VN-TD-INT-001", root: host.root, role: .server)
        #expect(missing.status == .fail)
        #expect(missing.evidence("AIDE database").first?.ok == false)
        try host.write("/etc/aide/aide.conf", "@@define DBDIR /var/lib/aide\ndatabase_in=file:@@{DBDIR}/aide.db\n")
        try host.write("/var/lib/aide/aide.db", "")
        try host.write("/var/log/aide/aide.log", "AIDE found NO differences between database and filesystem. Looks okay!!\n")
        try age(host, "/var/log/aide/aide.log", "2026-11-24T06:25:00Z")
        let r = try result("VN-TD-INT-001", root: host.root, role: .server)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("last AIDE check").first.map { $0.actual == "2026-11-24T06:25:00Z" && $0.source == "/var/log/aide/aide.log" } == true)
        try age(host, "/var/log/aide/aide.log", "2026-11-10T06:25:00Z")
        #expect(try result("VN-TD-INT-001", root: host.root, role: .server).status == .fail)
    }
    // MARK: VN-TD-PW-002

    @Test func pw002HardenedPasswordsChangedAfterThePolicy() throws {
        let r = try result("VN-TD-PW-002", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        let since = try #require(r.evidence("password policy in force since").first)
        #expect(since.actual == "2026-10-01T03:12:40Z" && since.source == "/var/lib/attt/enforcement.json")
        #expect(r.evidence("nguyenvana · password set since the policy").first.map { $0.ok && $0.source == "/etc/shadow:35" } == true)
    }

    /// khach's password dates from 2024-10-04, before the policy took effect.
    @Test func pw002BrokenHasAnOldPassword() throws {
        let r = try result("VN-TD-PW-002", root: Repository.host("debian12-broken"))
        #expect(r.status == .fail)
        let e = try #require(r.evidence("khach · password set since the policy").first)
        #expect(e.actual == "false" && e.source?.hasPrefix("/etc/shadow:") == true)
    }

    /// No record: attt never saw the policy pass, so it cannot say passwords were set under it.
    @Test func pw002WithoutARecordFailsAndSaysWhy() throws {
        let host = try FixtureHost()
        try host.remove("/var/lib/attt/enforcement.json")
        let r = try result("VN-TD-PW-002", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence("password policy in force since").first.map { !$0.ok && $0.actual == nil } == true)
    }

    /// A change forced at the next login (lastchg = 0) passes; a damaged record is an error with its path.
    @Test func pw002PendingChangePassesAndDamagedRecordIsAnError() throws {
        let host = try FixtureHost()
        try host.replace("/var/lib/attt/enforcement.json", "2026-10-01T03:12:40Z", with: "2026-11-20T00:00:00Z")
        #expect(try result("VN-TD-PW-002", root: host.root).status == .fail)
        try host.replace("/etc/shadow", "uUMc48D:20758:1:90:14:::\ncbcntt", with: "uUMc48D:0:1:90:14:::\ncbcntt")
        try host.replace("/etc/shadow", "cbcntt:$y$j9T$STI7IiC70MV5UbynK7Puz/$XF/6xok51G/Ne33qlRBV3z2VcpXvL98Cl2r3uUMc48D:20758", with: "cbcntt:$y$j9T$STI7IiC70MV5UbynK7Puz/$XF/6xok51G/Ne33qlRBV3z2VcpXvL98Cl2r3uUMc48D:0")
        #expect(try result("VN-TD-PW-002", root: host.root).status == .pass)
        try host.write("/var/lib/attt/enforcement.json", "{not json")
        let damaged = try result("VN-TD-PW-002", root: host.root)
        #expect(damaged.status == .error)
        #expect(damaged.reason?.en.contains("/var/lib/attt/enforcement.json") == true)
    }
}
