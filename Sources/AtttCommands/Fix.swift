import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import Remediation

/// `attt fix`: plan the fixes for failing controls, show them, apply them as one transaction,
/// check again. The re-check, not the fixer, says whether a control is fixed.
struct Fix: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Khắc phục các biện pháp không đạt — fix what fails, as one transaction that can be rolled back.",
        discussion: "Run with --dry-run first: it prints the exact diff of every file and every command, and changes nothing."
    )

    @OptionGroup var scan: ScanOptions

    @Flag(help: "Print the changes and change nothing.")
    var dryRun = false

    @Flag(help: "Apply without signing in: only as root with no terminal, for the scheduled agent applying a job an officer approved at the collector.")
    var yes = false

    @OptionGroup var officerOptions: OfficerOptions

    /// Tests kill the process at a named point of the transaction (debug builds only).
    @Option(help: .hidden)
    var killAt: String?

    @Option(help: "vi or en.")
    var lang: Language = .vi

    func run() async throws {
        var session = FixSession(scan: try scan.prepare())
        #if DEBUG
        if let killAt { session.applier.checkpoint = { if $0 == killAt { kill(getpid(), SIGKILL) } } }
        #endif
        if !dryRun { try HostRecovery.run(host: session.scan.host, language: lang) }
        let proposals = try session.proposals()
        if proposals.isEmpty {
            print(lang == .vi ? "Không có biện pháp nào cần khắc phục." : "Nothing to fix.")
            return
        }
        var steps: [RemediationStep] = []
        for proposal in proposals {
            print("== \(proposal.control.id)  \(proposal.control.title.text(lang))")
            if let problem = proposal.problem {
                print((lang == .vi ? "   không tự khắc phục được: " : "   cannot be fixed automatically: ") + problem)
                continue
            }
            print(Planner.describe(proposal), terminator: "")
            steps += proposal.steps
        }
        guard !dryRun, !steps.isEmpty else { return }
        let outcome = try session.apply(steps, officer: try approve(), language: lang)
        if let note = outcome.auditNote { print(note) }
        let (journal, confirmation) = try await session.confirm(outcome.journal) { await FixSession.collectorReach(host: session.scan.host) }
        if let confirmation { print(confirmation) }
        if journal.state == .rolledBack { throw CommandFailure(exitCode: 1, message: "transaction \(journal.id) \(journal.error ?? "")") }
        if journal.state == .failed {
            throw CommandFailure(exitCode: 1, message: "transaction \(journal.id) failed and was rolled back: \(journal.error ?? "")")
        }
        print((lang == .vi ? "Giao dịch " : "Transaction ") + journal.id + (lang == .vi ? " đã áp dụng. Kiểm tra lại:" : " applied. Checking again:"))
        for result in outcome.recheck { print("   \(result.control): \(result.status.rawValue)") }
        if outcome.stillFailing { throw ExitCode(1) }
    }

    /// Who approves: an officer signing in at the terminal, or (`--yes`, root, no terminal) the agent
    /// applying a job approved at the collector.
    func approve() throws -> String {
        if yes {
            guard isatty(STDIN_FILENO) == 0, geteuid() == 0 else {
                throw CommandFailure.badInput("--yes is for the scheduled agent (root, no terminal); at a terminal, run attt fix without it and sign in as the IT officer")
            }
            return "agent (approved job)"
        }
        do {
            return try officerOptions.signIn(language: lang)
        } catch let refused as OfficerSignIn.Refused {
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was changed (review it first with --dry-run)")
        }
    }
}

/// `attt rollback [TXID]`: restore every file a transaction changed, byte for byte with owner and mode.
struct Rollback: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Hoàn tác một giao dịch khắc phục — undo a fix (default: the last one).")

    @OptionGroup var host: HostOptions

    @Argument(help: "The transaction id (see attt history).")
    var transaction: String?

    /// What the confirmation timer runs: only a change still waiting for the collector is undone.
    @Flag(help: .hidden)
    var unconfirmed = false

    func run() throws {
        let applier = Applier(host: try host.openRoot())
        if unconfirmed {
            guard let transaction else { throw CommandFailure.badInput("--unconfirmed needs a transaction id") }
            if let journal = try applier.rollbackUnconfirmed(transaction, reason: "not confirmed: the collector was not reached after the change") {
                print("rolled back \(journal.id): not confirmed in time")
                _ = ChangeRecord.record("rollback", journal, host: applier.host, language: .en)
            }
            return
        }
        try HostRecovery.run(host: applier.host, language: .en)
        do {
            let journal = try applier.rollback(transaction)
            print("rolled back \(journal.id): " + journal.backups.map(\.path).joined(separator: ", "))
            if let note = ChangeRecord.record("rollback", journal, host: applier.host, language: .en) { print(note) }
        } catch let error as Applier.RollbackError {
            throw CommandFailure.badInput(error.description)
        }
    }
}

/// `attt history`: the transactions on this host, oldest first.
struct History: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Lịch sử khắc phục — the fix transactions on this host.")

    @OptionGroup var host: HostOptions

    func run() throws {
        let applier = Applier(host: try host.openRoot())
        try HostRecovery.run(host: applier.host, language: .en)
        for journal in try applier.history() {
            let who = journal.officer.map { " by \($0)" } ?? ""
            print("\(journal.id)  \(journal.state.rawValue)  \(journal.createdAt)\(who)  \(journal.controls.joined(separator: ","))")
            for step in journal.steps { print("    \(step.done ? "✓" : "·") \(step.control) \(step.summary)") }
            if let error = journal.error { print("    \(error)") }
        }
    }
}
