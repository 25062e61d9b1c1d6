import AgentRuntime
import CollectorAPI
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation

/// Isolate and release jobs an officer approved at the collector (Điều 11 khoản 2 điểm a, Bước 1;
/// Điều 11 khoản 3 điểm c): the same session as `attt incident isolate|release` at the terminal.
extension Run {
    func applyIsolation(_ job: ApprovedJob, _ prepared: Scan, _ client: CollectorClient) async throws {
        let result = try await isolationResult(job, prepared, client)
        say("job \(job.id) (\(job.effectiveKind.rawValue), approved by \(job.approvedBy)): \(result.state.rawValue)" + (result.transaction.map { " tx \($0)" } ?? "") + (result.message.map { ": \($0)" } ?? ""))
        do {
            _ = try await client.report(job: job.id, result: result)
        } catch {
            // The journal keeps the job id: the next run reports it again without applying it.
            say("could not report job \(job.id) yet: \(error)")
        }
    }

    func isolationResult(_ job: ApprovedJob, _ prepared: Scan, _ client: CollectorClient) async throws -> JobResult {
        let session = IsolationSession(scan: prepared)
        if let done = try session.isolation.applier.history().last(where: { $0.job == job.id.uuidString }) {
            return JobResult(state: done.state == .applied ? .applied : .failed, transaction: done.id, message: "applied earlier" + (done.error.map { ": \($0)" } ?? ""), fixed: nil)
        }
        if let refusal = JobTerms.refusal(job, now: Date()) { return JobResult(state: .failed, transaction: nil, message: refusal, fixed: nil) }
        guard geteuid() == 0 else { return JobResult(state: .failed, transaction: nil, message: "the agent does not run as root", fixed: nil) }
        let actor = IsolationSession.Actor(name: "\(job.approvedBy) (collector job)", source: .job, job: job.id)
        do {
            let outcome: IsolationSession.Outcome
            if job.effectiveKind == .release {
                guard prepared.host.exists(IsolationPlan.rulesPath) else {
                    return JobResult(state: .nothingToFix, transaction: nil, message: "máy không bị cách ly — the PC is not isolated", fixed: nil)
                }
                outcome = try session.release(by: actor, incident: job.incident)
            } else {
                guard Isolation.nftAvailable() else { return JobResult(state: .failed, transaction: nil, message: Isolation.nftMissing, fixed: nil) }
                let rules = try session.rules(withCollector: true, collectorAddresses: [], port: nil)
                outcome = try await session.isolate(rules, withCollector: true, by: actor, incident: job.incident) {
                    await FixSession.collectorReach(host: prepared.host, client: client)
                }
            }
            let journal = outcome.journal
            let notes = outcome.notes.isEmpty ? nil : outcome.notes.joined(separator: "; ")
            guard journal.state == .applied else {
                return JobResult(state: .failed, transaction: journal.id, message: "rolled back: \(journal.error ?? "")", fixed: [])
            }
            return JobResult(state: .applied, transaction: journal.id, message: [outcome.step.detail, notes].compactMap { $0 }.joined(separator: " "), fixed: nil)
        } catch let refused as IsolationRules.Refused {
            return JobResult(state: .failed, transaction: nil, message: "\(refused) (\(prepared.tailoringFile ?? "tailoring"))", fixed: nil)
        } catch let failure as Isolation.Failure {
            return JobResult(state: .failed, transaction: nil, message: failure.description, fixed: nil)
        }
    }
}
