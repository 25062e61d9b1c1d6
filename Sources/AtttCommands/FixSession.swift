import FoundationEssentials
import HardeningCore
import Remediation

/// What `attt fix` at the terminal and an approved job in the scheduled run share: plan the fixes for
/// what fails, apply them as one transaction, record it (audit trail and log), check again. The
/// re-check, not the fixer, says whether a control is fixed.
struct FixSession {
    let scan: Scan
    var applier: Applier

    init(scan: Scan) {
        self.scan = scan
        self.applier = Applier(root: scan.root)
    }

    func proposals() throws -> [Planner.Proposal] {
        let (facts, results) = try scan.run()
        return Planner(evaluator: scan.evaluator, root: scan.root).proposals(for: results, facts: facts)
    }

    struct Outcome {
        var journal: Journal
        /// The controls the transaction touched, evaluated again (empty when it failed and was rolled back).
        var recheck: [ControlResult]
        /// Shown to the officer when the audit trail refused the event.
        var auditNote: String?

        var fixed: [String] { recheck.filter { $0.status == .pass }.map(\.control) }
        var stillFailing: Bool { recheck.contains { $0.status != .pass } }
    }

    func apply(_ steps: [RemediationStep], officer: String, job: String? = nil, language: Language) throws -> Outcome {
        let journal = try applier.apply(RemediationPlan(steps: steps), officer: officer, job: job)
        let note = ChangeRecord.record("fix", journal, root: scan.root, language: language)
        guard journal.state != .failed else { return Outcome(journal: journal, recheck: [], auditNote: note) }
        let recheck = try Scan(root: scan.root, evaluator: scan.evaluator, tailoringFile: scan.tailoringFile, only: journal.controls).run().results
        return Outcome(journal: journal, recheck: recheck, auditNote: note)
    }
}
