public import DurableFiles
import FoundationEssentials
import Glibc
public import HardeningCore
import HostProbes
public import HostAccess

/// The only code that writes to a host. Runs a ``RemediationPlan`` as one transaction: every file is
/// kept (bytes, owner, group, mode) before it first changes, each write is atomic, a failure half way
/// restores everything, and the journal lets `attt rollback` and the next run undo it.
public struct Applier {
    /// The host, opened once: every file a transaction keeps, writes, removes or puts back is reached
    /// through it, inside the root.
    public let host: HostRoot
    /// Called between the stages of a run with a name (`before-step-1`, `after-step-1`, …): tests use it
    /// to stop a run at every point and check that recovery leaves each file old or new.
    public var checkpoint: (String) throws -> Void = { _ in }

    public init(host: HostRoot) {
        self.host = host
    }

    /// The root as a path, for the commands run in it (`chroot`).
    public var root: String { host.prefix.path }

    /// Where transactions are kept, one directory each (`<id>/journal.json`, `<id>/files/<n>`).
    static let storePath = "/var/lib/attt/transactions"

    /// The transactions' directory, made (0700) when absent.
    func store() throws -> OpenDirectory { try host.directory(Self.storePath, create: 0o700) }

    /// The transactions' directory; nil on a host attt never fixed (nothing is made to find out).
    func existingStore() throws -> OpenDirectory? { try host.existingDirectory(Self.storePath) }

    /// One transaction's directory, made when `create` is set.
    func transaction(_ id: String, create: Bool = false) throws -> OpenDirectory {
        try store().subdirectory(id, create: create ? 0o700 : nil)
    }

    // MARK: Apply

    /// Applies the plan; returns the journal (state `applied`, or `failed` after restoring everything).
    public func apply(_ plan: RemediationPlan, officer: String?, job: String? = nil) throws -> Journal {
        let kept = try keptPaths(plan)
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        var journal = Journal(
            id: Applier.newId(sequence: transactionCount() + 1), root: root, createdAt: Timestamp(Date()), officer: officer, controls: plan.controls,
            state: .applying,
            steps: plan.steps.map { Journal.Step(control: $0.control, fixer: $0.fixer, summary: Applier.summary($0.action), done: false) },
            backups: [], error: nil, job: job
        )
        journal.onRestore = plan.steps.compactMap {
            guard case .onRestore(let arguments, let inRoot) = $0.action else { return nil }
            return Journal.RestoreCommand(arguments: arguments, inRoot: inRoot)
        }.nilIfEmpty
        let copies = try transaction(journal.id, create: true).subdirectory("files", create: 0o700)
        try save(journal)
        var recorded: [String: Int] = [:]
        do {
            try recordMoves(plan, kept: kept, into: &journal, recorded: &recorded, copies: copies)
            for (index, step) in plan.steps.enumerated() {
                for path in kept[index] where recorded[path] == nil {
                    recorded[path] = journal.backups.count
                    journal.backups.append(try backup(path, into: copies, number: journal.backups.count))
                }
                if !step.action.isMove { try save(journal) }
                try checkpoint("before-step-\(index + 1)")
                if case .confirmConnectivity(let seconds) = step.action {
                    // Saved before the timer is armed: a crash from here on is rolled back by deadline too.
                    journal.confirmBy = Timestamp(Date().addingTimeInterval(TimeInterval(seconds)))
                    try save(journal)
                    armConfirmationTimer(journal.id, seconds: seconds)
                }
                if case .putInPlace(let path, let staged) = step.action {
                    try putInPlace(path, staged: staged, keptAt: recorded[path].flatMap { journal.backups[$0].keptAt }, step: index + 1)
                } else {
                    try perform(step.action)
                }
                journal.steps[index].done = true
                // A restore moves thousands of files: its journal, recorded in full before the first
                // move, is saved every few thousand (`done` only says how far it got; recovery needs
                // only the records, saved before anything moved).
                if !step.action.isMove || (index + 1) % 4_096 == 0 || index + 1 == plan.steps.count { try save(journal) }
                try checkpoint("after-step-\(index + 1)")
            }
            let moved = Set(plan.steps.compactMap { step -> String? in if case .putInPlace(let path, _) = step.action { path } else { nil } })
            for i in journal.backups.indices { journal.backups[i].after = fingerprint(journal.backups[i].path, identity: moved.contains(journal.backups[i].path)) }
            journal.state = .applied
            try save(journal)
        } catch let stop as Checkpoint {
            throw stop
        } catch {
            journal.error = "\(error)"
            try restore(journal)
            journal.state = .failed
            try save(journal)
        }
        return journal
    }

    struct RemovalFailed: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "cannot remove \(path): \(reason)" }
    }

    /// Thrown by a test checkpoint to stop a run where it is, as a crash would.
    public struct Checkpoint: Error { public init() {} }

    func perform(_ action: RemediationAction) throws {
        switch action {
        case .writeFile(let path, let content, let mode, let validator):
            let (directory, name) = try host.entry(try writeDestination(path), create: 0o755)
            try directory.write(content, name: name, newFileMode: mode) { staged in
                guard let validator else { return }
                try Command.run(validator.map { $0 == "{file}" ? staged : $0 })
            }
        case .removeFile(let path):
            guard let directory = try host.existingDirectory(AtomicFile.parentDirectory(of: path)) else { return }
            do {
                try directory.remove(AtomicFile.name(in: path))
            } catch let failure as AtomicFile.Failure {
                throw RemovalFailed(path: path, reason: String(cString: strerror(failure.code)))
            }
        case .runCommand(let arguments, _, let inRoot):
            let full = inRoot && root != "/" ? ["chroot", root] + arguments : arguments
            try Command.run(full)
        case .stagedPam(let arguments):
            try stagedPam(arguments)
        case .onRestore, .confirmConnectivity:
            break
        case .putInPlace(let path, let staged):
            try putInPlace(path, staged: staged, keptAt: nil, step: 0)
        case .restoreDirectory(let path, let mode, let owner, let group):
            try restoreDirectory(path, mode: mode, owner: owner, group: group)
        }
    }

    // MARK: Changes that could cut the host off

    static func confirmationUnit(_ id: String) -> String { "attt-confirm-\(id)" }

    /// On the live host, a transient systemd timer rolls the transaction back at its deadline even if
    /// attt is killed first (the officer's SSH session dropping with the network). Elsewhere (a tree
    /// under another root) there is no network to lose, and the deadline is checked by the next run.
    func armConfirmationTimer(_ id: String, seconds: Int) {
        guard root == "/" else { return }
        let attt = CommandLine.arguments.first.flatMap { $0.hasPrefix("/") ? $0 : nil } ?? "/usr/bin/attt"
        _ = try? Command.run(["systemd-run", "--quiet", "--collect", "--on-active=\(seconds)", "--unit", Self.confirmationUnit(id),
                              "--description", "attt: roll back \(id) unless the collector was reached", attt, "rollback", "--unconfirmed", id])
    }

    /// The agent reached its collector after applying: the change is kept, the timer is stopped.
    public func confirm(_ id: String) throws {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        guard var journal = try history().first(where: { $0.id == id }), journal.confirmBy != nil else { return }
        if root == "/" { _ = try? Command.run(["systemctl", "stop", Self.confirmationUnit(id) + ".timer"]) }
        journal.confirmBy = nil
        try save(journal)
    }

    /// Rolls `id` back only if it is still waiting for confirmation (what the timer runs).
    public func rollbackUnconfirmed(_ id: String, reason: String) throws -> Journal? {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        guard var journal = try history().first(where: { $0.id == id }), journal.state == .applied, journal.confirmBy != nil else { return nil }
        try markRollingBack(&journal)
        try restore(journal)
        journal.state = .rolledBack
        journal.confirmBy = nil
        journal.error = reason
        try save(journal)
        return journal
    }

    /// pam-auth-update writes /etc/pam.d in place; here it writes a staged copy instead (a private
    /// mount namespace binds the copy over /etc/pam.d), the copy is tried with real PAM, and only then
    /// are the changed files written into the live /etc/pam.d, each atomically.
    func stagedPam(_ arguments: [String]) throws {
        let live = try host.directory("/etc/pam.d")
        let staging = try host.directory(Self.stagingPath, create: 0o700)
        let stageName = "pam.d-\(UUID().uuidString)"
        let stage = try staging.subdirectory(stageName, create: 0o755)
        defer { try? staging.removeTree(stageName) }
        try copyPamConfiguration(from: live, to: stage)
        let update = (root == "/" ? [] : ["chroot", root]) + arguments
        try Command.run(["unshare", "--mount", "--propagation", "private", "/bin/sh", "-c",
                         "mount --bind \"$1\" \"$2\" && shift 2 && exec \"$@\"", "sh", stage.path, live.path] + update)
        try PamChangeCheck.validate(host: host, stagedDirectory: "\(Self.stagingPath)/\(stageName)")
        for name in try stage.names() {
            // pam-auth-update writes regular files; links (gdm-smartcard → alternatives) stay as they are.
            guard let st = try stage.status(name), st.st_mode & S_IFMT == S_IFREG,
                  let staged = try stage.read(name, limit: host.maxFileSize) else { continue }
            let current = try? live.read(name, limit: host.maxFileSize)
            if staged != current { try live.write(staged, name: name, newFileMode: 0o644) }
        }
    }

    /// Where attt stages changes before they go live (inside the root, beside its other state).
    static let stagingPath = "/var/lib/attt/staging"

    /// The live `pam.d` copied into the stage: its regular files with their owner and mode, its links as links.
    func copyPamConfiguration(from live: OpenDirectory, to stage: OpenDirectory) throws {
        for name in try live.names() {
            guard let st = try live.status(name) else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG:
                guard let data = try live.read(name, limit: host.maxFileSize) else { continue }
                try stage.write(data, name: name, mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid)
            case S_IFLNK:
                guard let target = live.linkTarget(name) else { continue }
                try stage.makeLink(name, to: target, owner: st.st_uid, group: st.st_gid)
            default:
                continue
            }
        }
    }

    // MARK: Backups

    func backup(_ path: String, into copies: OpenDirectory, number: Int) throws -> Journal.Backup {
        let (directory, name) = try host.entryIfPresent(path)
        guard let directory, let st = try directory.status(name) else {
            // Note the highest missing ancestor, so a rollback leaves no empty directory behind.
            var missing: String? = nil
            var parent = AtomicFile.parentDirectory(of: path)
            while parent != "/" && !parent.isEmpty && !host.exists(parent) {
                missing = parent
                parent = AtomicFile.parentDirectory(of: parent)
            }
            return Journal.Backup(path: path, existed: false, copy: nil, mode: nil, owner: nil, group: nil, after: nil, createdDirectory: missing)
        }
        if st.st_mode & S_IFMT == S_IFLNK {
            var backup = Journal.Backup(path: path, existed: true, copy: nil, mode: nil, owner: st.st_uid, group: st.st_gid, after: nil, createdDirectory: nil)
            backup.linkTarget = directory.linkTarget(name)
            return backup
        }
        guard let data = try directory.read(name, limit: host.maxFileSize) else { throw AtomicFile.Failure(path: directory.path(of: name), call: "read", code: ENOENT) }
        try copies.write(data, name: String(number), mode: 0o600)
        return Journal.Backup(path: path, existed: true, copy: "files/\(number)", mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid, after: nil, createdDirectory: nil)
    }

    /// Puts every backed-up file back as it was, byte for byte with owner and mode; removes files the
    /// transaction created.
    func restore(_ journal: Journal) throws {
        let copies = try? transaction(journal.id).subdirectory("files")
        for (number, backup) in journal.backups.reversed().enumerated() {
            if number > 0 { try checkpoint("restored-\(number)") }
            if let keptAt = backup.keptAt {
                try moveBack(backup.path, from: keptAt)
            } else if backup.directory == true {
                try putDirectoryBack(backup)
            } else if let target = backup.linkTarget {
                let (directory, name) = try host.entry(backup.path, create: 0o755)
                try directory.removeTree(name)
                try directory.makeLink(name, to: target, owner: backup.owner ?? 0, group: backup.group ?? 0)
            } else if backup.existed, let copy = backup.copy {
                guard let copies, let data = try copies.read(AtomicFile.name(in: copy), limit: host.maxFileSize) else {
                    throw AtomicFile.Failure(path: host.local("\(Self.storePath)/\(journal.id)/\(copy)"), call: "read (the kept copy is gone)", code: ENOENT)
                }
                let (directory, name) = try host.entry(backup.path, create: 0o755)
                try directory.write(data, name: name, mode: backup.mode ?? 0o644, owner: backup.owner ?? 0, group: backup.group ?? 0)
            } else {
                let (directory, name) = try host.entryIfPresent(backup.path)
                try directory?.removeTree(name)
                // Only empty directories are removed: anything else put there since stays.
                if let top = backup.createdDirectory {
                    var created = AtomicFile.parentDirectory(of: backup.path)
                    while created.hasPrefix(top),
                          let parent = try host.existingDirectory(AtomicFile.parentDirectory(of: created)),
                          parent.removeEmptyDirectory(AtomicFile.name(in: created)) {
                        created = AtomicFile.parentDirectory(of: created)
                    }
                }
            }
        }
        removeEmptyKeptDirectories(journal)
        // The files are back; now the services that loaded the new ones load these. Best effort: a
        // failure here must not stop the rollback, which has already put every file back.
        for command in journal.onRestore ?? [] {
            _ = try? Command.run(command.inRoot && root != "/" ? ["chroot", root] + command.arguments : command.arguments)
        }
    }

    // MARK: Rollback, recovery, history

    public enum RollbackError: Error, CustomStringConvertible {
        case notFound(String)
        case notApplied(String, Journal.State)
        case newerTransaction(String, String)
        case changedSince(String, String)
        case nothingToRollBack
        case keptFilesPurged(String)

        public var description: String {
            switch self {
            case .notFound(let id): return "no transaction \(id) — see attt history"
            case .notApplied(let id, let state): return "transaction \(id) is \(state.rawValue), not applied: nothing to roll back"
            case .newerTransaction(let id, let newer): return "transaction \(newer), applied after \(id), must be rolled back first"
            case .changedSince(let id, let path): return "\(path) changed after transaction \(id); rolling back would lose that change — restore it by hand or roll back the later change first"
            case .nothingToRollBack: return "no applied transaction to roll back"
            case .keptFilesPurged(let id): return "các tệp bị thay thế của giao dịch \(id) đã được xoá (attt incident purge-kept): không thể hoàn tác — the replaced files were purged; \(id) cannot be rolled back"
            }
        }
    }

    /// Rolls back `id`, or the last applied transaction. Refuses when a later transaction is still
    /// applied, or when a file was changed after the transaction wrote it.
    public func rollback(_ id: String?) throws -> Journal {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        let journals = try history()
        let applied = journals.filter { $0.state == .applied }
        guard var journal = id.map({ wanted in journals.first { $0.id == wanted } }) ?? applied.last else {
            throw id.map { RollbackError.notFound($0) } ?? RollbackError.nothingToRollBack
        }
        guard journal.state == .applied else { throw RollbackError.notApplied(journal.id, journal.state) }
        guard journal.keptPurgedAt == nil else { throw RollbackError.keptFilesPurged(journal.id) }
        if let newer = applied.last(where: { $0.id > journal.id }) { throw RollbackError.newerTransaction(journal.id, newer.id) }
        for backup in journal.backups where backup.after != fingerprint(backup.path, identity: backup.after?.hasPrefix(Self.identityPrefix) == true) {
            throw RollbackError.changedSince(journal.id, backup.path)
        }
        try markRollingBack(&journal)
        try restore(journal)
        journal.state = .rolledBack
        try save(journal)
        return journal
    }

    /// Rolls back every transaction a crash left half done; returns them. Each file is then as it was
    /// before that transaction (each single write was atomic, so it was old or new). One that could
    /// not be put back is returned still `applying`, with the reason in `error`.
    public func recover() throws -> [Journal] {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        var recovered: [Journal] = []
        for var journal in try history() where journal.state == .applying {
            do {
                try restore(journal)
            } catch let stop as Checkpoint {
                throw stop
            } catch {
                // One transaction that cannot be put back (a kept copy lost) must not stop the
                // others or every later command: it stays `applying`, returned with why, and is
                // tried again next time.
                journal.error = "interrupted, and could not be rolled back: \(error)"
                recovered.append(journal)
                continue
            }
            journal.state = .recovered
            journal.error = "interrupted; rolled back by a later run"
            journal.confirmBy = nil
            try save(journal)
            recovered.append(journal)
        }
        // A change that could cut the host off and was never confirmed, past its deadline.
        for journal in try history() where journal.state == .applied && (journal.confirmBy.map { $0.date < Date() } ?? false) {
            if let undone = try rollbackUnconfirmed(journal.id, reason: "not confirmed: the collector was not reached after the change") {
                recovered.append(undone)
            }
        }
        recovered += try finishInterruptedRollbacks()
        return recovered
    }

    /// Every transaction whose journal can be read, oldest first. One that cannot be read does not
    /// hide the others: recovery sets it aside (``setAsideUnreadable(now:)``).
    public func history() throws -> [Journal] {
        readJournals().journals
    }

    func save(_ journal: Journal) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try transaction(journal.id, create: true).write(try encoder.encode(journal), name: "journal.json", mode: 0o600)
    }

    /// What a transaction left at `path`, to notice later edits: a hash of the bytes, or for a file
    /// moved into place (`identity`) its identity, without reading it.
    func fingerprint(_ path: String, identity: Bool = false) -> String? {
        guard let (found, name) = try? host.entryIfPresent(path), let directory = found else { return nil }
        if identity { return identityFingerprint(directory, name) }
        if let st = (try? directory.status(name)) ?? nil, st.st_mode & S_IFMT == S_IFDIR { return Self.directoryFingerprint(st) }
        if let target = directory.linkTarget(name) { return "link:" + target }
        guard let data = (try? directory.read(name, limit: host.maxFileSize)) ?? nil else { return nil }
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
        return String(hash, radix: 16)
    }

    /// `000007-20261125T193512Z`: a sequence number first, so ids sort in the order transactions were
    /// applied even within one second or when the clock steps back; then the time, for people.
    static func newId(sequence: Int) -> String {
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(secondsFromGMT: 0)!, from: Date())
        func digits(_ n: Int, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return digits(sequence, 6) + "-" + digits(parts.year!, 4) + digits(parts.month!, 2) + digits(parts.day!, 2)
            + "T" + digits(parts.hour!, 2) + digits(parts.minute!, 2) + digits(parts.second!, 2) + "Z"
    }

    static func summary(_ action: RemediationAction) -> String {
        switch action {
        case .writeFile(let path, _, _, _): return "write \(path)"
        case .removeFile(let path): return "remove \(path)"
        case .runCommand(let arguments, _, _): return "run " + arguments.joined(separator: " ")
        case .stagedPam(let arguments): return "run " + arguments.joined(separator: " ") + " (staged pam.d)"
        case .onRestore(let arguments, _): return "on rollback, run " + arguments.joined(separator: " ")
        case .confirmConnectivity(let seconds): return "keep only if the collector answers (\(seconds) s)"
        case .putInPlace(let path, let staged): return staged == nil ? "move aside \(path)" : "put in place \(path)"
        case .restoreDirectory(let path, let mode, let owner, let group): return "directory \(path): mode \(String(mode, radix: 8)), owner \(owner):\(group)"
        }
    }
}

extension Array {
    var nilIfEmpty: Self? { isEmpty ? nil : self }
}
