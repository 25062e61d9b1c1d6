import DurableFiles
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// Files put in place by rename (`RemediationAction.putInPlace`, Điều 11 khoản 2 điểm a, Bước 3): a
/// restore from backup replaces whole trees, /home included, where copying each replaced file into the
/// journal (capped at 64 MiB a file) is useless. The live file is renamed aside into
/// `<mount>/.attt-restore-<tx>/kept/<n>` on its own file system (O(1); bytes, owner, mode, xattrs
/// kept), then the staged copy is renamed over its place. A rollback, or the recovery of an
/// interrupted restore, renames the kept file back; that is idempotent, so a rollback killed half way
/// is finished by the next run.
extension Applier {
    /// At most this many files put in place in one transaction: its journal holds a line for each.
    public static let maxMoves = 200_000

    /// The restore area's name on each file system: `.attt-restore-<tx>`.
    static func keptArea(_ transaction: String) -> String { RestoreExclusions.areaPrefix + transaction }

    static let identityPrefix = "stat:"

    struct MoveFailed: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot put \(path) in place: \(reason)" }
    }

    /// Records every move of the plan before the first one: where each live file will be kept. One
    /// save for all of them (a restore has thousands); a file recorded but never moved is simply not
    /// in its kept place, which putting back treats as nothing to do.
    func recordMoves(_ plan: RemediationPlan, kept: [[String]], into journal: inout Journal, recorded: inout [String: Int], copies: OpenDirectory) throws {
        let moves = plan.steps.indices.filter { plan.steps[$0].action.isMove }
        guard !moves.isEmpty else { return }
        guard moves.count <= Self.maxMoves else {
            throw MoveFailed(path: "/", reason: "\(moves.count) files in one transaction, more than \(Self.maxMoves): narrow the scope")
        }
        var mounts: [String: String] = [:]
        for index in moves {
            for path in kept[index] where recorded[path] == nil {
                recorded[path] = journal.backups.count
                if case .restoreDirectory = plan.steps[index].action {
                    journal.backups.append(try keepDirectory(path))
                } else {
                    journal.backups.append(try keepByMove(path, transaction: journal.id, number: journal.backups.count, copies: copies, mounts: &mounts))
                }
            }
        }
        try save(journal)
    }

    /// The record of a file about to be moved aside, or of an absent one (the restore creates it).
    func keepByMove(_ path: String, transaction: String, number: Int, copies: OpenDirectory, mounts: inout [String: String]) throws -> Journal.Backup {
        let (directory, name) = try host.entryIfPresent(path)
        guard let directory, let st = try directory.status(name) else {
            // Nothing to keep: the rollback removes what the restore put there (and the directories it made).
            return try backup(path, into: copies, number: number)
        }
        let parent = try host.hostPathResolved(AtomicFile.parentDirectory(of: path))
        let mount = try mountPoint(of: parent, cache: &mounts)
        var backup = Journal.Backup(path: path, existed: true, copy: nil, mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid, after: nil, createdDirectory: nil)
        backup.keptAt = (mount == "/" ? "" : mount) + "/" + Self.keptArea(transaction) + "/kept/" + String(number)
        return backup
    }

    /// The top of the file system holding host directory `path`: the highest ancestor on the same
    /// device, the root at most. A rename there never crosses file systems.
    package func mountPoint(of path: String, cache: inout [String: String]) throws -> String {
        if let known = cache[path] { return known }
        func device(_ hostPath: String) throws -> dev_t {
            let directory = try host.directory(hostPath)
            var st = stat()
            guard fstat(directory.descriptor, &st) == 0 else { throw AtomicFile.Failure(path: directory.path, call: "fstat", code: errno) }
            return st.st_dev
        }
        let dev = try device(path)
        var top = path
        while top != "/" {
            let parent = AtomicFile.parentDirectory(of: top)
            guard try device(parent) == dev else { break }
            top = parent
        }
        cache[path] = top
        return top
    }

    /// Moves the live file aside to `keptAt` (when it exists), then the staged file into its place.
    func putInPlace(_ path: String, staged: String?, keptAt: String?, step: Int) throws {
        let (found, name) = try host.entryIfPresent(path)
        if let found, found.exists(name) {
            guard let keptAt else { throw MoveFailed(path: path, reason: "it exists and the journal has no place to keep it") }
            let (keptDirectory, keptName) = try host.entry(keptAt, create: 0o700)
            guard renameat(found.descriptor, name, keptDirectory.descriptor, keptName) == 0 else {
                throw MoveFailed(path: path, reason: "rename to \(keptAt): " + String(cString: strerror(errno)))
            }
            try keptDirectory.sync()
            try found.sync()
        }
        try checkpoint("kept-step-\(step)")
        guard let staged else { return }
        try makeParents(of: path, like: staged)
        let (directory, target) = try host.entry(path)
        let (stage, stagedName) = try host.entry(staged)
        guard renameat(stage.descriptor, stagedName, directory.descriptor, target) == 0 else {
            throw MoveFailed(path: path, reason: "rename from \(staged): " + String(cString: strerror(errno)))
        }
        try directory.sync()
    }

    /// Makes the directories missing above `path` (the attacker deleted a whole directory), each with
    /// the owner and mode of its counterpart above `staged`.
    func makeParents(of path: String, like staged: String) throws {
        var missing: [(String, String)] = []
        var live = AtomicFile.parentDirectory(of: path)
        var stage = AtomicFile.parentDirectory(of: staged)
        while live != "/", !host.exists(live) {
            missing.append((live, stage))
            live = AtomicFile.parentDirectory(of: live)
            stage = AtomicFile.parentDirectory(of: stage)
        }
        for (directory, counterpart) in missing.reversed() {
            let (parent, name) = try host.entry(directory)
            let (stageParent, stageName) = try host.entry(counterpart)
            let st = try stageParent.status(stageName)
            guard mkdirat(parent.descriptor, name, 0o700) == 0 || errno == EEXIST else {
                throw MoveFailed(path: directory, reason: "mkdir: " + String(cString: strerror(errno)))
            }
            // Owner before mode: chown clears set-id bits.
            if let st {
                fchownat(parent.descriptor, name, st.st_uid, st.st_gid, AT_SYMLINK_NOFOLLOW)
                fchmodat(parent.descriptor, name, st.st_mode & 0o7777, 0)
            } else {
                fchmodat(parent.descriptor, name, 0o755, 0)
            }
            try parent.sync()
        }
    }

    // MARK: Directories

    /// The record of a directory whose mode and owner are about to be restored: what they are now, or
    /// that it is absent (the restore makes it).
    func keepDirectory(_ path: String) throws -> Journal.Backup {
        let (directory, name) = try host.entryIfPresent(path)
        guard let directory, let st = try directory.status(name) else {
            var backup = Journal.Backup(path: path, existed: false, copy: nil, mode: nil, owner: nil, group: nil, after: nil, createdDirectory: nil)
            backup.directory = true
            return backup
        }
        guard st.st_mode & S_IFMT == S_IFDIR else { throw MoveFailed(path: path, reason: "not a directory") }
        var backup = Journal.Backup(path: path, existed: true, copy: nil, mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid, after: nil, createdDirectory: nil)
        backup.directory = true
        return backup
    }

    /// Makes `path` a directory (when it is gone) with `mode`, `owner` and `group`, through a
    /// descriptor opened without following a link (an attacker's link in its place is refused).
    func restoreDirectory(_ path: String, mode: UInt16, owner: UInt32, group: UInt32) throws {
        let (parent, name) = try host.entry(path, create: 0o755)
        guard mkdirat(parent.descriptor, name, 0o700) == 0 || errno == EEXIST else {
            throw MoveFailed(path: path, reason: "mkdir: " + String(cString: strerror(errno)))
        }
        try setAttributes(parent, name, path: path, mode: mode, owner: owner, group: group)
        try parent.sync()
    }

    /// The directory's mode and owner as the journal kept them; one the restore made goes if empty.
    func putDirectoryBack(_ backup: Journal.Backup) throws {
        guard let (found, name) = try? host.entryIfPresent(backup.path), let parent = found,
              let st = try parent.status(name), st.st_mode & S_IFMT == S_IFDIR else { return }
        guard backup.existed else {
            parent.removeEmptyDirectory(name)
            return
        }
        try setAttributes(parent, name, path: backup.path, mode: backup.mode ?? 0o755, owner: backup.owner ?? 0, group: backup.group ?? 0)
    }

    func setAttributes(_ parent: OpenDirectory, _ name: String, path: String, mode: UInt16, owner: UInt32, group: UInt32) throws {
        let directory = try parent.subdirectory(name)
        // Owner before mode: chown clears set-id bits.
        guard fchown(directory.descriptor, owner, group) == 0, fchmod(directory.descriptor, mode_t(mode)) == 0 else {
            throw MoveFailed(path: path, reason: "chown/chmod: " + String(cString: strerror(errno)))
        }
    }

    /// What a rollback compares for a directory: its mode and owner (what the restore set).
    static func directoryFingerprint(_ st: stat) -> String {
        "dir:" + String(st.st_mode & 0o7777, radix: 8) + ":\(st.st_uid):\(st.st_gid)"
    }

    /// Renames a kept file back over `path`; nothing when it is not in its kept place (never moved,
    /// or already back).
    func moveBack(_ path: String, from keptAt: String) throws {
        let (keptDirectory, keptName) = try host.entryIfPresent(keptAt)
        guard let keptDirectory, keptDirectory.exists(keptName) else { return }
        let (directory, name) = try host.entry(path, create: 0o755)
        guard renameat(keptDirectory.descriptor, keptName, directory.descriptor, name) == 0 else {
            throw MoveFailed(path: path, reason: "rename back from \(keptAt): " + String(cString: strerror(errno)))
        }
        try directory.sync()
    }

    /// After a rollback, the transaction's restore areas, when nothing is left in them.
    func removeEmptyKeptDirectories(_ journal: Journal) {
        let kept = Set(journal.backups.compactMap { $0.keptAt.map(AtomicFile.parentDirectory(of:)) })
        for directory in kept {
            let area = AtomicFile.parentDirectory(of: directory)
            guard let (top, name) = try? host.entryIfPresent(area), let top,
                  let inside = try? top.subdirectory(name) else { continue }
            if inside.removeEmptyDirectory("kept") { top.removeEmptyDirectory(name) }
        }
    }

    /// dev, inode, size and modification time of the entry itself (a link is not followed).
    func identityFingerprint(_ directory: OpenDirectory, _ name: String) -> String? {
        guard let st = (try? directory.status(name)) ?? nil else { return nil }
        return Self.identityPrefix + "\(st.st_dev):\(st.st_ino):\(st.st_size):\(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)"
    }
}

extension RemediationAction {
    /// A restore's action: recorded with the others before the first one runs, in one save.
    var isMove: Bool {
        switch self {
        case .putInPlace, .restoreDirectory: true
        default: false
        }
    }
}
