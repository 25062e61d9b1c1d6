import CommandLineSupport
import FoundationEssentials
import HardeningCore
import HostAccess
import Remediation

/// Run first by every attt command that changes the host (`fix` but not `--dry-run`, `rollback`,
/// `history`, `run`, `enroll`): a transaction a crash or a kill interrupted is rolled back before
/// anything else happens (issue 12, point 5), not only when the collector sends a job. A journal that
/// cannot be read is set aside and reported, and the others are recovered all the same.
enum HostRecovery {
    /// Returns the transactions it rolled back.
    @discardableResult
    static func run(host: HostRoot, language: Language) throws -> [Journal] {
        let applier = Applier(host: host)
        guard applier.hasTransactions else { return [] }
        // A transaction another attt process holds the lock for is being applied right now, not
        // interrupted: undoing it would pull the files from under that process.
        guard let held = try applier.lockIfFree() else {
            say(language == .vi
                ? "Một lệnh attt khác đang áp dụng giao dịch; không phục hồi lúc này."
                : "Another attt command is applying a transaction now; it is not interrupted, nothing to recover.")
            return []
        }
        defer { withExtendedLifetime(held) {} }
        for unreadable in try applier.setAsideUnreadable() {
            AgentLog.problem("journal-set-aside", unreadable.description, host: host)
        }
        let recovered = try applier.recover()
        for journal in recovered {
            guard journal.state != .applying else {
                AgentLog.problem("recovery-failed", "transaction \(journal.id): \(journal.error ?? "interrupted, and could not be rolled back")"
                                 + "; the files it changed are listed by attt history — restore them by hand", host: host)
                continue
            }
            say(language == .vi ? "Đã hoàn tác giao dịch bị gián đoạn \(journal.id)." : "Rolled back interrupted transaction \(journal.id).")
            _ = ChangeRecord.record("recover", journal, host: host, language: language)
        }
        return recovered.filter { $0.state != .applying }
    }

    static func say(_ line: String) {
        StandardStreams.output(line + "\n")
    }
}
