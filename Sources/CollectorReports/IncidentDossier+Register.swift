public import CollectorStore
public import Foundation
import HardeningCore

extension IncidentDossier {
    /// The dossier of an incident as the register holds it at `incident.asOf`: what the biên bản, the
    /// báo cáo and section VI print. Hostnames come from the register's hosts; a step or a report from a PC
    /// no longer named keeps its id.
    public init(_ incident: IncidentAsOf) {
        let names = Dictionary(incident.hosts.map { ($0.host, $0.hostname) }, uniquingKeysWith: { first, _ in first })
        let current = incident.current
        self.init(
            id: incident.id, unit: incident.unit, title: current.title, detectedAt: incident.detectedAt.date, detectedBy: incident.detectedBy,
            detection: incident.detection, signs: current.signs, severity: current.severity, affectedSystem: current.affectedSystem,
            hosts: incident.hosts.map { Host(id: $0.host, hostname: $0.hostname) },
            steps: incident.steps.compactMap { step in
                guard let kind = Step.Kind(rawValue: step.kind) else { return nil }
                // An order given at the collector has no outcome of its own: it was given.
                let outcome = step.outcome.flatMap(Step.Outcome.init(rawValue:)) ?? .done
                let ordered = step.source == "collector"
                return Step(id: step.id, host: step.host, hostname: names[step.host] ?? nil, kind: kind, atHost: ordered ? nil : step.atHost,
                            receivedAt: step.receivedAt.date, actor: step.actor, transaction: step.transaction, outcome: outcome, detail: step.detail)
            },
            manifests: incident.manifests.map { manifest in
                let check: Manifest.SignatureCheck = manifest.signatureOK ? .valid : (manifest.serial == nil ? .absent : .invalid)
                return Manifest(id: manifest.id, host: manifest.host, hostname: names[manifest.host] ?? nil, receivedAt: manifest.receivedAt.date,
                                files: manifest.files, bytes: manifest.bytes, sumsSHA256: manifest.sumsSHA256, signature: check)
            },
            cause: current.cause, result: current.result, state: current.state, beyondCapacityAt: current.beyondCapacityAt?.date,
            reportedToHead: current.reportedToHeadAt.map { HeadReport(at: $0.date, name: current.headName ?? "") },
            escalations: incident.escalations.map { Escalation(recipient: $0.recipient, sentAt: $0.sentAt.date, means: $0.means, reference: $0.reference) },
            userReports: incident.userReports.map(UserReport.init),
            recordedBy: incident.createdBy, asOf: incident.asOf.date
        )
    }
}

extension IncidentDossier.UserReport {
    public init(_ report: UserReportRecord) {
        self.init(id: report.id, host: report.host, hostname: report.hostname, unit: report.unit, login: report.login, receivedAt: report.receivedAt.date,
                  text: report.text, acknowledgedAt: report.acknowledgedAt?.date, acknowledgedBy: report.acknowledgedBy)
    }
}
