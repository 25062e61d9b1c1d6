import AgentRuntime
import FoundationEssentials
import HardeningCore
import HostAccess
import Remediation

/// What `attt fix` at the terminal and an approved job in the scheduled run share: plan the fixes for
/// what fails, apply them as one transaction, record it (audit trail and log), check again. The
/// re-check, not the fixer, says whether a control is fixed.
struct FixSession {
    let scan: Scan
    var applier: Applier

    init(scan: Scan) {
        self.scan = scan
        self.applier = Applier(host: scan.host)
    }

    func proposals() throws -> [Planner.Proposal] {
        let (facts, results) = try scan.run()
        return Planner(evaluator: scan.evaluator, host: scan.host).proposals(for: results, facts: facts)
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
        let note = ChangeRecord.record("fix", journal, host: scan.host, language: language)
        guard journal.state != .failed else { return Outcome(journal: journal, recheck: [], auditNote: note) }
        let recheck = try Scan(host: scan.host, evaluator: scan.evaluator, tailoringFile: scan.tailoringFile, only: journal.controls).run().results
        return Outcome(journal: journal, recheck: recheck, auditNote: note)
    }

    /// A change that could cut the host off (`confirmConnectivity`) is kept only if the collector
    /// answers now; not enrolled, there is no collector to lose and it is kept. Returns the journal
    /// as it ends up, and a line for the officer.
    func confirm(_ journal: Journal, reach: () async -> String?) async throws -> (Journal, String?) {
        guard journal.state == .applied, journal.confirmBy != nil else { return (journal, nil) }
        if let failure = await reach() {
            let reason = "rolled back: the collector was not reached after the change (\(failure))"
            let undone = try applier.rollbackUnconfirmed(journal.id, reason: reason) ?? journal
            _ = ChangeRecord.record("rollback", undone, host: scan.host, language: .en)
            return (undone, reason)
        }
        try applier.confirm(journal.id)
        return (try applier.history().first { $0.id == journal.id } ?? journal, "the collector answered after the change: it is kept")
    }

    /// Nil when the host's collector answers (or the host is not enrolled), else why not.
    static func collectorReach(host: HostRoot, client: CollectorClient? = nil) async -> String? {
        func ask(_ client: CollectorClient) async -> String? {
            do {
                _ = try await client.approvedJobs()
                return nil
            } catch {
                return "\(error)"
            }
        }
        if let client { return await ask(client) }
        do {
            guard let identity = try AgentIdentity.load(host: host) else { return nil }
            let client = try CollectorClient(identity: identity)
            let failure = await ask(client)
            await client.shutdown()
            return failure
        } catch {
            return "\(error)"
        }
    }
}
