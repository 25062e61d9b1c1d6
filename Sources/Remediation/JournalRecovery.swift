public import DurableFiles
public import FoundationEssentials
import Glibc

/// What keeps one damaged journal from blocking the others, and two attt processes from working on
/// the transactions at once. Issue 12, point 5: a journal that cannot be read is set aside and
/// reported, never deleted (its `files/` still hold what the transaction replaced).
extension Applier {
    /// A transaction directory whose journal could not be read, after it was renamed aside.
    public struct UnreadableJournal: Sendable, Hashable, CustomStringConvertible {
        public var id: String
        public var reason: String
        public var setAsideAt: String

        public var description: String {
            "the journal of transaction \(id) cannot be read (\(reason)); it was set aside at \(setAsideAt), "
                + "with the copies of the files it replaced in files/ — check those files by hand"
        }
    }

    /// A journal is a few kilobytes; a restore's, one line per file put in place, a few tens of
    /// megabytes at most (``Applier/maxMoves``). Anything past this is not one.
    static let journalLimit = 64 << 20

    static let lockName = ".lock"

    /// Holds the transactions lock for as long as the value lives; waits while another attt process
    /// applies or rolls back (it is not interrupted: recovery must not undo it under its feet).
    func lock() throws -> FileLock {
        let store = try store()
        guard let lock = try FileLock.acquire(Self.lockName, in: store, timeout: 900) else {
            throw AtomicFile.Failure(path: store.path(of: Self.lockName), call: "flock (another attt command held it for 15 minutes)", code: EWOULDBLOCK)
        }
        return lock
    }

    /// False on a host attt never fixed: nothing to recover, and nothing to create to find that out.
    public var hasTransactions: Bool { ((try? existingStore()) ?? nil) != nil }

    /// Nil when another attt process is applying or rolling back a transaction right now.
    public func lockIfFree() throws -> FileLock? {
        try FileLock.attempt(Self.lockName, in: try store())
    }

    /// Names of the transaction directories, set-aside ones included (for the sequence of new ids).
    func transactionNames() -> [String] {
        (((try? existingStore()) ?? nil).flatMap { try? $0.names() } ?? []).filter { !$0.hasPrefix(".") }
    }

    /// How many transactions this host has had, damaged and set aside included, so a new id never
    /// reuses the sequence number of one set aside.
    func transactionCount() -> Int {
        Set(transactionNames().map { $0.components(separatedBy: SetAside.marker)[0] }).count
    }

    func readJournals() -> (journals: [Journal], unreadable: [(id: String, reason: String)]) {
        var journals: [Journal] = []
        var unreadable: [(id: String, reason: String)] = []
        for name in transactionNames() where !SetAside.isSetAside(name) {
            do {
                // A directory without a journal is a run killed before its first save: it changed nothing.
                guard let data = try transaction(name).read("journal.json", limit: Self.journalLimit) else { continue }
                journals.append(try JSONDecoder().decode(Journal.self, from: data))
            } catch {
                unreadable.append((name, "\(error)"))
            }
        }
        return (journals, unreadable)
    }

    /// Renames every transaction whose journal cannot be read to `<id>.corrupt-<UTC time>`; returns
    /// them, for the command to report. The others are untouched.
    public func setAsideUnreadable(now: Date = Date()) throws -> [UnreadableJournal] {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        let unreadable = readJournals().unreadable
        guard let store = try existingStore(), !unreadable.isEmpty else { return [] }
        return try unreadable.map { entry in
            let moved = try store.setAside(entry.id, now: now)
            return UnreadableJournal(id: entry.id, reason: entry.reason, setAsideAt: moved)
        }
    }
}

extension Applier {
    /// Saved before the first file is put back: a rollback killed half way leaves files both old and
    /// new, which only this state tells a later run to finish (the journal still saying `applied`
    /// would make `attt rollback` refuse, seeing files changed since).
    func markRollingBack(_ journal: inout Journal) throws {
        journal.state = .rollingBack
        try save(journal)
        try checkpoint("rolling-back")
    }

    /// Puts back every file of a rollback a crash interrupted (restoring is idempotent: each file
    /// gets its kept copy again) and records it as rolled back.
    func finishInterruptedRollbacks() throws -> [Journal] {
        try history().filter { $0.state == .rollingBack }.map { interrupted in
            var journal = interrupted
            try restore(journal)
            journal.state = .rolledBack
            journal.confirmBy = nil
            journal.error = [journal.error, "the rollback was interrupted; finished by a later run"].compactMap { $0 }.joined(separator: "; ")
            try save(journal)
            return journal
        }
    }
}
