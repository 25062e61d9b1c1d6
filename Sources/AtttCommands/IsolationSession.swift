import AgentRuntime
import CollectorAPI
import FoundationEssentials
import HardeningCore
import HostAccess
import HostProbes
import IncidentResponse
import Remediation

/// What `attt incident isolate|release` at the terminal and an isolate or release job in the scheduled
/// run share (Điều 11 khoản 2 điểm a, Bước 1): the rules from the host's enrollment and the unit's
/// tailoring, one transaction, its record (audit trail, remediation.log, the incident's steps), and the
/// collector's confirmation that keeps an isolation.
struct IsolationSession {
    let scan: Scan
    var isolation: Isolation

    init(scan: Scan) {
        self.scan = scan
        self.isolation = Isolation(host: scan.host)
    }

    /// Who asked, for the journal and the incident's steps.
    struct Actor {
        var name: String
        var source: IncidentStepMessage.Source
        var job: UUID?
    }

    /// The rules for this host. Bad values (a management network that is not a CIDR) come back as
    /// ``IsolationRules/Refused``, naming the field; the caller names the tailoring file.
    func rules(withCollector: Bool, collectorAddresses: [String], port: Int?) throws -> IsolationRules {
        let parameters = { (id: String) in scan.evaluator.policy.control(id).map { scan.evaluator.parameters(for: $0) } ?? [:] }
        // NET-001's management networks (INC-001 may tailor its own); SSH and ping only come from there.
        var networks: [String] = []
        for id in [IsolationPlan.control, "VN-TD-NET-001"] where networks.isEmpty {
            if case .array(let items)? = parameters(id)["management_networks"] { networks = items.compactMap(\.stringValue) }
        }
        let allowDNS = parameters(IsolationPlan.control)["isolation_allow_dns"] == .bool(true)
        let resolvers = allowDNS ? try isolation.resolvers() : []
        // The ports sshd really listens on, so the officer's way in from the management networks stays open.
        let sshPorts = HostProbe(host: scan.host, antivirusEngines: []).sshServer()?.ports.value ?? [22]
        if try AgentIdentity.load(host: scan.host) != nil {
            let collector = try isolation.collector(addresses: collectorAddresses)
            return try IsolationRules(collectorName: collector.name, collectorAddresses: collector.addresses, collectorPort: port ?? collector.port,
                                      managementNetworks: networks, sshPorts: sshPorts, dnsResolvers: resolvers)
        }
        guard !withCollector else {
            throw Isolation.Failure("máy này chưa đăng ký với máy chủ thu thập (attt enroll): cách ly với --without-collector (chỉ gỡ được tại máy) — not enrolled")
        }
        return try IsolationRules(collectorName: nil, collectorAddresses: collectorAddresses, collectorPort: port ?? 443, managementNetworks: networks, sshPorts: sshPorts, dnsResolvers: resolvers)
    }

    struct Outcome {
        var journal: Journal
        var step: IncidentStepMessage
        /// Lines for the officer (the audit trail's refusal, the collector's answer).
        var notes: [String]
    }

    /// Isolates, then (with the collector) asks the collector through the new rules: no answer, and the
    /// isolation is undone at once. Every outcome is recorded as a step of the incident.
    func isolate(_ rules: IsolationRules, withCollector: Bool, by actor: Actor, incident: UUID?, reach: () async -> String?) async throws -> Outcome {
        let journal = try isolation.isolate(rules, confirmWithCollector: withCollector, officer: actor.name, job: actor.job?.uuidString)
        var notes = ChangeRecord.record("incident-isolate", journal, host: scan.host, language: .vi).map { [$0] } ?? []
        var ended = journal
        if journal.state == .applied && journal.confirmBy != nil {
            let (confirmed, line) = try await FixSession(scan: scan).confirm(journal, reach: reach)
            ended = confirmed
            if let line { notes.append(line) }
        }
        var detail = rules.summary(.vi)
        if !withCollector { detail += " Cách ly không qua máy chủ thu thập: chỉ gỡ được tại máy." }
        if let error = ended.error { detail += " Lỗi: \(error)" }
        let step = try record(.isolate, ended, by: actor, incident: incident, detail: detail)
        return Outcome(journal: ended, step: step, notes: notes)
    }

    func release(by actor: Actor, incident: UUID?) throws -> Outcome {
        let journal = try isolation.release(officer: actor.name, job: actor.job?.uuidString)
        let notes = ChangeRecord.record("incident-release", journal, host: scan.host, language: .vi).map { [$0] } ?? []
        let detail = journal.state == .applied ? "Đã gỡ cách ly: máy kết nối mạng trở lại như trước." : "Gỡ cách ly không thành công, máy vẫn bị cách ly. Lỗi: \(journal.error ?? "")"
        return Outcome(journal: journal, step: try record(.release, journal, by: actor, incident: incident, detail: detail), notes: notes)
    }

    /// Keeps the step under the incident and queues it for the collector.
    func record(_ kind: IncidentStepMessage.Kind, _ journal: Journal, by actor: Actor, incident: UUID?, detail: String) throws -> IncidentStepMessage {
        let log = IncidentLog(host: scan.host)
        let outcome: IncidentStepMessage.Outcome = switch journal.state {
        case .applied: .done
        case .rolledBack, .recovered: .rolledBack
        default: .failed
        }
        let step = IncidentStepMessage(incident: try log.incident(named: incident), kind: kind, at: Timestamp(Date()).description, actor: actor.name,
                                       source: actor.source, outcome: outcome, transaction: journal.id, job: actor.job, detail: detail)
        try log.record(step)
        return step
    }

    /// `attt run`: the table was flushed while the file says the PC is isolated; it is loaded again and
    /// the collector is told when it happened.
    static func restoreIfLost(host: HostRoot) throws -> IncidentStepMessage? {
        let isolation = Isolation(host: host)
        guard let reload = isolation.restoreIfLost() else { return nil }
        let (restored, problem) = reload
        let log = IncidentLog(host: host)
        let at = Timestamp(Date()).description
        let detail = restored
            ? "Cách ly bị gỡ ngoài ý muốn (bảng inet attt_isolation không còn trong nhân), phát hiện lúc \(at); đã nạp lại \(IsolationPlan.rulesPath)."
            : "Cách ly bị gỡ ngoài ý muốn, phát hiện lúc \(at); nạp lại không được: \(problem ?? "")"
        let step = IncidentStepMessage(incident: try log.incident(named: nil), kind: .isolationLost, at: at, actor: "attt run",
                                       source: .job, outcome: restored ? .done : .failed, transaction: try isolation.status().transaction?.id, detail: detail)
        try log.record(step)
        return step
    }
}
