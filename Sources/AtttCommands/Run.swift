import AgentRuntime
import ArgumentParser
import CollectorAPI
import CommandLineSupport
import Enrollment
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation

/// `attt run`: what the timer starts. Checks the host, keeps the report in the outbox, uploads
/// everything pending, then applies the fixes an officer approved at the collector. A failing control
/// is the report's business, not the run's: the run exits 0 once the report is safely in the outbox
/// (an unreachable collector included), so the timer's unit does not show as failed.
struct Run: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lần tự kiểm tra theo lịch — the scheduled self-check: check, send to the collector, apply approved fixes."
    )

    @OptionGroup var scan: ScanOptions

    /// Tries per outbox item in this run (the rest waits for the next run).
    @Option(help: .hidden)
    var uploadAttempts = 6

    /// First backoff step in seconds (tests shorten it).
    @Option(help: .hidden)
    var backoffBase: Double = 2

    /// Outbox bounds (tests make them tiny to force compaction).
    @Option(help: .hidden)
    var outboxMaxBytes: Int?

    @Option(help: .hidden)
    var outboxMaxSummaries: Int?

    /// Seconds to wait for another `attt run` holding the outbox (tests shorten it).
    @Option(help: .hidden)
    var outboxLockWait: Double = 1_800

    func run() async throws {
        var prepared = try scan.prepare()
        // Before anything else, not only when a job arrives: a fix killed half way is undone now.
        try HostRecovery.run(host: prepared.host, language: .en)
        // Điều 11: a PC whose isolation table was flushed is isolated again before anything else.
        if let step = try IsolationSession.restoreIfLost(host: prepared.host) { say("isolation lost: \(step.detail ?? "")") }
        var limits = Outbox.Limits()
        if let outboxMaxBytes { limits.maxBytes = outboxMaxBytes }
        if let outboxMaxSummaries { limits.maxSummaries = outboxMaxSummaries }
        var outbox = Outbox(host: prepared.host, limits: limits)
        outbox.onSetAside = { AgentLog.problem("outbox-set-aside", $0, host: prepared.host) }
        // Two runs at once (the timer and an officer) would compact and acknowledge under each other.
        let held = try outbox.lock(timeout: outboxLockWait) { say("another attt run is using the outbox; waiting for it") }
        guard let held else {
            throw CommandFailure(exitCode: 1, message: "another attt run held the outbox for \(Int(outboxLockWait)) s; this run's report was not kept — it runs again at the next timer")
        }
        defer { withExtendedLifetime(held) {} }
        guard let identity = try loadIdentity(prepared.host) else {
            try await checkAndKeep(prepared, outbox: outbox)
            say("not enrolled with a collector (attt enroll): \(try outbox.pending().count) report(s) wait in /var/lib/attt/outbox")
            return
        }
        let client = try CollectorClient(identity: identity)
        do {
            // The unit's catalogues first, so this run's report is checked against what the officer
            // published. Whatever goes wrong there, the check still runs with the last good bundle.
            do {
                if try await refreshBundle(prepared, unit: identity.link.unit, client) { prepared = try scan.prepare() }
            } catch {
                AgentLog.problem("bundle-not-updated", "the unit's catalogues were not updated: \(error)", host: prepared.host)
            }
            try await checkAndKeep(prepared, outbox: outbox)
            guard try await upload(outbox, client) else { await client.shutdown(); return }
            await renewCertificateIfDue(identity, host: prepared.host, client)
            // After the reports: what the officer did and what users reported about an incident.
            try await uploadIncidents(prepared.host, client)
            let jobs: [ApprovedJob]
            do {
                jobs = try await client.approvedJobs()
            } catch let error as UploadError {
                say("could not fetch approved fixes: \(error)")
                await client.shutdown()
                return
            }
            if !jobs.isEmpty {
                for job in jobs { try await apply(job, prepared, client) }
                // The steps isolate and release jobs recorded, in this run.
                try await uploadIncidents(prepared.host, client)
                // The officer sees the new state at once, not at the next scheduled run.
                try await checkAndKeep(prepared, outbox: outbox)
                _ = try await upload(outbox, client)
            }
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }

    /// Asks the collector for the unit's bundle and offers it to the PC's store, which verifies the
    /// signature and the regulation's floor (docs/design/catalogue-bundles.md §5). True when a new one
    /// is in force. An unreachable collector or a refused bundle leaves the last good one in force; a
    /// refusal is kept for the report (`policy.bundleRefused`).
    func refreshBundle(_ prepared: Scan, unit: String, _ client: CollectorClient) async throws -> Bool {
        let store = BundleStore(host: prepared.host)
        let answer: CollectorClient.BundleAnswer
        do {
            answer = try await client.bundle(having: prepared.bundle?.sha256)
        } catch let error as UploadError {
            say("could not fetch the unit's catalogues (keeping \(prepared.bundle.map { "version \($0.version)" } ?? "the shipped ones")): \(error)")
            return false
        }
        guard case .bundle(let signed) = answer else { return false }
        // Signed by a key this PC does not know yet: a rotation (or a PC enrolled before bundles).
        if try !store.trustedKeys().contains(where: { $0.id == signed.keyId }) {
            do {
                if try store.learn(try await client.bundleKeys()) { say("bundle keys now trusted: \(try store.trustedKeys().map(\.id).joined(separator: ", "))") }
            } catch let error as UploadError {
                say("could not fetch the bundle keys: \(error)")
            }
        }
        switch try store.offer(signed, policy: try scan.host.loadPolicy(), unit: unit, now: Date()) {
        case .accepted(let inForce):
            say("the unit's catalogues: version \(inForce.bundle.version) in force")
            return true
        case .unchanged:
            return false
        case .refused(let version, let reasons):
            say("the unit's catalogues\(version.map { " version \($0)" } ?? "") refused: \(reasons.joined(separator: "; "))")
            return true
        }
    }

    func checkAndKeep(_ prepared: Scan, outbox: Outbox) async throws {
        var (facts, report) = try prepared.report(started: Date())
        if let reason = Check.nothingCollected(facts) { throw CommandFailure.scanFailed(reason) }
        // For the collector: what a change of the unit's software lists would do here (issue 16).
        report.inventory = facts.packages.value.map { Report.Inventory($0.installed) }
        try outbox.enqueue(report, now: Date())
        try EnforcementLedger.update(host: prepared.host, results: report.results, now: Date())
        say("report \(report.reportId): \(report.summary.fail) failing of \(report.summary.total)")
    }

    /// Issue 17 point 4: well before the certificate ends (``CertificateRenewal/renewAt(notBefore:notAfter:hostId:)``),
    /// asks the collector for a new one for the same key, checks it and keeps it. Anything that goes
    /// wrong leaves the current certificate in place and is tried again at the next run. `--now`
    /// stands for the time here as it does for the check.
    func renewCertificateIfDue(_ identity: AgentIdentity, host: HostRoot, _ client: CollectorClient) async {
        let now = scan.now.flatMap(Timestamp.parse) ?? Date()
        do {
            guard try CertificateRenewal.isDue(certificatePEM: identity.certificatePEM, hostId: identity.link.hostId, now: now) else { return }
            let csr = try HostKey(pem: identity.keyPEM).certificateRequest(hostname: identity.link.hostId).pemString
            let answer = try await client.renew(RenewRequest(csr: csr))
            try CertificateRenewal.check(renewed: answer.certificate, replacing: identity.certificatePEM, caPEM: identity.caPEM,
                                         keyPEM: identity.keyPEM, hostId: identity.link.hostId, now: Date())
            var renewed = identity
            renewed.certificatePEM = answer.certificate
            try renewed.saveCertificate(host: host)
            say("certificate renewed, valid until \(answer.notAfter)")
        } catch {
            AgentLog.problem("certificate-not-renewed", "the certificate was not renewed; tried again at the next run: \(error)", host: host)
        }
    }

    func loadIdentity(_ host: HostRoot) throws -> AgentIdentity? {
        do {
            return try AgentIdentity.load(host: host)
        } catch {
            throw CommandFailure.badInput("\(error)")
        }
    }

    var uploader: Uploader {
        var uploader = Uploader()
        uploader.attempts = max(1, uploadAttempts)
        uploader.backoff.base = backoffBase
        return uploader
    }

    static func pause(_ seconds: TimeInterval) async {
        try? await Task.sleep(nanoseconds: UInt64(seconds * 1_000_000_000))
    }

    /// True when the collector answered for every item (a refused item stays in the outbox, but the
    /// collector was reached, so approved jobs are still fetched).
    func upload(_ outbox: Outbox, _ client: CollectorClient) async throws -> Bool {
        var random = SystemRandomNumberGenerator()
        let outcome = try await uploader.drain(outbox, to: client, sleep: Self.pause, random: &random)
        for why in outcome.rejected { say("the collector refused an item (kept in the outbox): \(why)") }
        say("sent \(outcome.sent); \(outcome.waiting) waiting for the collector")
        return outcome.waiting == 0
    }

    /// Sends the incident outbox (steps, evidence manifests, user reports); what is not sent waits for
    /// the next run.
    func uploadIncidents(_ host: HostRoot, _ client: CollectorClient) async throws {
        var box = IncidentOutbox(host: host)
        box.onSetAside = { AgentLog.problem("incident-outbox-set-aside", $0, host: host) }
        guard !(try box.pending().isEmpty) else { return }
        var random = SystemRandomNumberGenerator()
        let outcome = try await uploader.drain(box, to: client, sleep: Self.pause, random: &random)
        for why in outcome.rejected { say("the collector refused an incident item (kept): \(why)") }
        say("incident: sent \(outcome.sent); \(outcome.waiting) waiting for the collector")
    }

    /// Applies one approved job as an `attt fix` transaction and reports the result with the
    /// transaction id. A job already in this host's journal is reported again, never applied twice.
    func apply(_ job: ApprovedJob, _ prepared: Scan, _ client: CollectorClient) async throws {
        switch job.effectiveKind {
        case .fix: try await applyFix(job, prepared, client)
        case .isolate, .release: try await applyIsolation(job, prepared, client)
        }
    }

    func applyFix(_ job: ApprovedJob, _ prepared: Scan, _ client: CollectorClient) async throws {
        var result = try jobResult(job, prepared)
        // A change that could cut this host off is kept only if the collector still answers.
        let session = FixSession(scan: prepared)
        if let id = result.transaction, let journal = try session.applier.history().first(where: { $0.id == id }) {
            let (ended, _) = try await session.confirm(journal) { await FixSession.collectorReach(host: prepared.host, client: client) }
            if ended.state == .rolledBack { result = JobResult(state: .failed, transaction: id, message: ended.error, fixed: []) }
        }
        say("job \(job.id) (\(job.controls.joined(separator: ",")), approved by \(job.approvedBy)): \(result.state.rawValue)" + (result.transaction.map { " tx \($0)" } ?? "") + (result.message.map { ": \($0)" } ?? ""))
        do {
            _ = try await client.report(job: job.id, result: result)
        } catch {
            // The journal keeps the job id: the next run reports it again without applying it.
            say("could not report job \(job.id) yet: \(error)")
        }
    }

    func jobResult(_ job: ApprovedJob, _ prepared: Scan) throws -> JobResult {
        let scoped = Scan(host: prepared.host, evaluator: prepared.evaluator, tailoringFile: prepared.tailoringFile, only: job.controls.filter { prepared.evaluator.policy.control($0) != nil },
                          bundle: prepared.bundle, ignoredTailoring: prepared.ignoredTailoring, bundleRefused: prepared.bundleRefused)
        let session = FixSession(scan: scoped)
        if let done = try session.applier.history().last(where: { $0.job == job.id.uuidString }) {
            return JobResult(state: done.state == .applied ? .applied : .failed, transaction: done.id, message: "applied earlier" + (done.error.map { ": \($0)" } ?? ""), fixed: nil)
        }
        if let refusal = JobTerms.refusal(job, now: Date()) { return JobResult(state: .failed, transaction: nil, message: refusal, fixed: nil) }
        guard !scoped.only.isEmpty else { return JobResult(state: .failed, transaction: nil, message: "none of these controls is in this host's policy", fixed: nil) }
        guard geteuid() == 0 else { return JobResult(state: .failed, transaction: nil, message: "the agent does not run as root", fixed: nil) }
        let proposals = try session.proposals()
        let steps = proposals.flatMap { $0.problem == nil ? $0.steps : [] }
        let problems = proposals.compactMap { p in p.problem.map { "\(p.control.id): \($0)" } }
        guard !steps.isEmpty else {
            return JobResult(state: .nothingToFix, transaction: nil, message: problems.isEmpty ? "already passing" : problems.joined(separator: "; "), fixed: nil)
        }
        let outcome = try session.apply(steps, officer: "\(job.approvedBy) (collector job)", job: job.id.uuidString, language: .en)
        let journal = outcome.journal
        if journal.state == .failed {
            return JobResult(state: .failed, transaction: journal.id, message: "rolled back: \(journal.error ?? "")", fixed: [])
        }
        let notes = problems + (outcome.auditNote.map { [$0] } ?? [])
        return JobResult(state: .applied, transaction: journal.id, message: notes.isEmpty ? nil : notes.joined(separator: "; "), fixed: outcome.fixed)
    }

    func say(_ line: String) {
        StandardStreams.output(line + "\n")
    }
}
