import AgentRuntime
import AtttTestSupport
import CollectorAPI
import Foundation
import HostAccess
import IncidentResponse
import Testing

@Suite struct IncidentLogTests {
    let root = emptyRoot("attt-incident-log")

    @Test func stepsAreFiledUnderTheNamedOrTheCurrentIncident() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let log = IncidentLog(host: HostRoot(root))
        #expect(try log.currentIncident() == nil)
        let made = try log.incident(named: nil)
        #expect(try log.incident(named: nil) == made)
        let named = UUID()
        #expect(try log.incident(named: named) == named)
        #expect(try log.currentIncident() == named)

        let step = IncidentStepMessage(incident: named, kind: .isolate, at: "2026-12-06T08:00:00Z", actor: "cb.cntt", source: .terminal, outcome: .done, transaction: "tx", detail: String(repeating: "x", count: 10_000))
        try log.record(step)
        let kept = try log.steps(incident: named)
        #expect(kept.map(\.id) == [step.id])
        #expect(kept.first?.detail?.count == IncidentStepMessage.maxDetail)
        #expect(try log.outbox.pending().map(\.id) == [step.id])
        let mode = try FileManager.default.attributesOfItem(atPath: root + "/var/lib/attt/incidents/\(named.uuidString)/steps.jsonl")[.posixPermissions] as? Int
        #expect(mode == 0o600)
    }
}
