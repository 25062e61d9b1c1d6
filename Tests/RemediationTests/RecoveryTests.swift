import HostAccess
import AtttTestSupport
import DurableFiles
import Foundation
import HardeningCore
import Remediation
import Testing

/// Issue 12, point 5: a transaction killed half way is undone by whichever attt command that changes
/// the host comes next — not only when the collector sends a job — and one damaged journal neither
/// blocks nor hides the others.
@Suite struct RecoveryTests {
    static let now = ["--now", "2026-11-25T08:00:00Z"]
    static let fixArgs = ["--yes", "--control", "VN-TD-PW-004", "--control", "VN-TD-PW-003"] + now

    /// A fixture host with `attt fix` killed (SIGKILL) after its first step: a journal left
    /// "applying", files half changed. Returns the host and the tree before the fix.
    static func killedFix() throws -> (FixtureHost, [String: String]) {
        let host = try FixtureHost("debian12-broken")
        let old = try snapshot(host.root)
        let killed = try AtttBinary.run(["fix", "--root", host.root.path, "--kill-at", "after-step-1"] + fixArgs)
        #expect(killed.status != 0, "the fix was not killed: \(killed.stdout)")
        try #require(try snapshot(host.root) != old, "the killed fix changed nothing: there would be nothing to recover")
        return (host, old)
    }

    static func pwdLockAside(_ tree: [String: String]) -> [String: String] { tree.filter { !$0.key.hasPrefix("etc/.pwd.lock") } }

    /// `attt run`, `attt history` and `attt rollback` each undo it before doing anything else.
    @Test(arguments: [["run"], ["history"], ["rollback"]])
    func aKilledTransactionIsUndoneByTheNextCommand(_ command: [String]) throws {
        let (host, old) = try Self.killedFix()
        let next = try AtttBinary.run(command + ["--root", host.root.path] + (command == ["run"] ? Self.now : []))
        #expect(next.stdout.contains("Rolled back interrupted transaction"), "\(command): \(next.stdout)\(next.stderr)")
        #expect(Self.pwdLockAside(try snapshot(host.root)) == Self.pwdLockAside(old), "\(command)")
        #expect(try AtttBinary.run(["history", "--root", host.root.path]).stdout.contains("recovered"))
        #expect(try host.read("/var/log/attt/remediation.log").contains("\"event\":\"recover\""))
    }

    /// `attt fix` recovers before it plans, so it plans against the host as it really is.
    @Test func theNextFixRecoversFirst() throws {
        let (host, _) = try Self.killedFix()
        let fix = try AtttBinary.run(["fix", "--root", host.root.path, "--lang", "en"] + Self.fixArgs)
        #expect(fix.stdout.contains("Rolled back interrupted transaction"), "\(fix.stdout)\(fix.stderr)")
        let history = try AtttBinary.run(["history", "--root", host.root.path]).stdout
        #expect(history.contains("recovered") && history.contains("applied"), "\(history)")
    }

    /// A dry run changes nothing, not even by recovering: the journal is still there for the next real command.
    @Test func aDryRunLeavesTheInterruptedTransactionAlone() throws {
        let (host, _) = try Self.killedFix()
        let during = try snapshot(host.root)
        _ = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run"] + Self.now)
        #expect(try snapshot(host.root) == during)
    }

    /// A journal that cannot be decoded, and one that is a FIFO (a read would block), are renamed
    /// aside and reported on stderr and in agent.log; the others are still listed, and the killed
    /// transaction is still recovered.
    @Test func anUnreadableJournalIsSetAsideAndTheOthersGoOn() throws {
        let (host, old) = try Self.killedFix()
        let applier = Applier(host: HostRoot(host.root.path))
        let store = host.url("/var/lib/attt/transactions")
        let garbled = "000091-20261101T080000Z", fifo = "000092-20261102T080000Z"
        try FileManager.default.createDirectory(at: store.appendingPathComponent(garbled), withIntermediateDirectories: true)
        try Data("{\"id\": \"000091-2026".utf8).write(to: store.appendingPathComponent("\(garbled)/journal.json"))
        try FileManager.default.createDirectory(at: store.appendingPathComponent(fifo), withIntermediateDirectories: true)
        #expect(mkfifo(store.appendingPathComponent("\(fifo)/journal.json").path, 0o600) == 0)

        let history = try AtttBinary.run(["history", "--root", host.root.path])
        #expect(history.status == 0, "\(history.stderr)")
        for id in [garbled, fifo] {
            #expect(history.stderr.contains("the journal of transaction \(id) cannot be read"), "\(history.stderr)")
            let names = try FileManager.default.contentsOfDirectory(atPath: store.path)
            #expect(names.contains { $0.hasPrefix(id + ".corrupt-") } && !names.contains(id), "\(names)")
        }
        #expect(history.stdout.contains("recovered"), "\(history.stdout)")
        #expect(Self.pwdLockAside(try snapshot(host.root)) == Self.pwdLockAside(old))
        let log = try host.read("/var/log/attt/agent.log")
        #expect(log.contains("journal-set-aside") && log.contains(garbled) && log.contains(fifo))
        // Set aside, never deleted, and never read again: the next command is quiet and new ids do not reuse their numbers.
        #expect(try AtttBinary.run(["history", "--root", host.root.path]).stderr.isEmpty)
        let next = try applier.apply(TransactionTests.plan([.writeFile(path: "/etc/attt-test.conf", content: Data("x\n".utf8), mode: 0o644)]), officer: nil)
        #expect(next.id.hasPrefix("000004-"), "\(next.id)")
    }

    /// A transaction another attt process is applying right now (it holds the lock) is not
    /// interrupted: recovery leaves it alone, and undoes it once that process is gone.
    @Test func aTransactionBeingAppliedIsNotRecoveredUnderItsFeet() throws {
        let host = try FixtureHost("debian12-desktop")
        var applier = Applier(host: HostRoot(host.root.path))
        applier.checkpoint = { if $0 == "after-step-1" { throw Applier.Checkpoint() } }
        #expect(throws: Applier.Checkpoint.self) {
            try applier.apply(TransactionTests.plan([.writeFile(path: "/etc/login.defs", content: Data("PASS_MAX_DAYS\t90\n".utf8), mode: 0o644)]), officer: nil)
        }
        let lockPath = host.url("/var/lib/attt/transactions/.lock").path
        let fd = open(lockPath, O_RDWR | O_CREAT, 0o600)
        #expect(fd >= 0 && flock(fd, LOCK_EX) == 0)
        let busy = try AtttBinary.run(["history", "--root", host.root.path])
        #expect(busy.stdout.contains("Another attt command is applying a transaction now"), "\(busy.stdout)")
        #expect(busy.stdout.contains("applying") && !busy.stdout.contains("recovered"))
        close(fd)
        #expect(try AtttBinary.run(["history", "--root", host.root.path]).stdout.contains("recovered"))
    }

    /// A rollback killed after putting back one file of two: the journal says `rolling_back`, and the
    /// next command finishes it instead of leaving the host half old, half new.
    @Test func aKilledRollbackIsFinishedByTheNextCommand() throws {
        let host = try FixtureHost("debian12-desktop")
        let old = try snapshot(host.root)
        let applied = try Applier(host: HostRoot(host.root.path)).apply(TransactionTests.plan([
            .writeFile(path: "/etc/login.defs", content: Data("PASS_MAX_DAYS\t90\n".utf8), mode: 0o644),
            .writeFile(path: "/etc/security/faillock.conf", content: Data("deny = 5\n".utf8), mode: 0o644),
        ]), officer: nil)
        try #require(applied.state == .applied, "the transaction to roll back did not apply: \(applied.error ?? "")")
        var applier = Applier(host: HostRoot(host.root.path))
        applier.checkpoint = { if $0 == "restored-1" { throw Applier.Checkpoint() } }
        #expect(throws: Applier.Checkpoint.self) { try applier.rollback(nil) }
        #expect(try Applier(host: HostRoot(host.root.path)).history().last?.state == .rollingBack)
        #expect(try snapshot(host.root) != old)

        let next = try AtttBinary.run(["history", "--root", host.root.path])
        #expect(next.stdout.contains("Rolled back interrupted transaction \(applied.id)"), "\(next.stdout)\(next.stderr)")
        #expect(next.stdout.contains("rolled_back") && next.stdout.contains("the rollback was interrupted"))
        #expect(try snapshot(host.root) == old)
    }

    /// A transaction whose kept copies are gone cannot be put back: that is said (stderr, agent.log)
    /// and it is tried again next time, but it stops neither the command nor the other transactions.
    @Test func aTransactionThatCannotBeRolledBackIsReportedAndBlocksNothing() throws {
        let (host, _) = try Self.killedFix()
        let store = host.url("/var/lib/attt/transactions")
        let id = try #require(try FileManager.default.contentsOfDirectory(atPath: store.path).first { !$0.hasPrefix(".") }, "no transaction")
        try FileManager.default.removeItem(at: store.appendingPathComponent("\(id)/files"))
        let history = try AtttBinary.run(["history", "--root", host.root.path])
        #expect(history.status == 0, "\(history.stderr)")
        #expect(history.stderr.contains("transaction \(id): interrupted, and could not be rolled back"), "\(history.stderr)")
        #expect(history.stdout.contains("\(id)  applying") && !history.stdout.contains("Rolled back"), "\(history.stdout)")
        #expect(try host.read("/var/log/attt/agent.log").contains("recovery-failed"))
        let run = try AtttBinary.run(["run", "--root", host.root.path] + Self.now)
        #expect(run.status == 0 && run.stderr.contains("could not be rolled back"), "\(run.stderr)")
    }
}
