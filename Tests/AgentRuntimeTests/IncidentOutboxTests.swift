import AgentRuntime
import AtttTestSupport
import CollectorAPI
import Foundation
import HostAccess
import Testing

/// A collector for incident items: stores by id, refuses user reports when told.
final class FakeIncidentCollector: IncidentTransport {
    var refuseUserReports = false
    var unreachable = false
    var stored: [UUID] = []

    func send(_ item: IncidentOutbox.Item) async throws {
        if unreachable { throw UploadError.transient("connection refused") }
        if case .userReport = item, refuseUserReports { throw UploadError.rejected("HTTP 400 bad report") }
        if !stored.contains(item.id) { stored.append(item.id) }
    }
}

@Suite struct IncidentOutboxTests {
    let root = emptyRoot("attt-incident-outbox")

    func step(_ kind: IncidentStepMessage.Kind = .isolate) -> IncidentStepMessage {
        IncidentStepMessage(incident: UUID(), kind: kind, at: "2026-12-06T08:00:00Z", actor: "cb.cntt", source: .terminal, outcome: .done, transaction: "tx-1")
    }

    func userReport(uid: Int) -> UserReportMessage {
        UserReportMessage(uid: uid, login: "u\(uid)", noticedAt: "2026-12-06T08:00:00Z", submittedAt: "2026-12-06T08:01:00Z", text: "Máy chạy chậm bất thường")
    }

    @Test func itemsGoInOrderAndAreForgottenOnlyOnceStored() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let box = IncidentOutbox(host: HostRoot(root))
        let first = step(.isolate), second = step(.collect)
        try box.enqueue(.step(first), now: Date(timeIntervalSince1970: 100))
        try box.enqueue(.userReport(userReport(uid: 1000)), now: Date(timeIntervalSince1970: 200))
        try box.enqueue(.step(second), now: Date(timeIntervalSince1970: 300))
        #expect(try box.pending().map(\.id) == [first.id, try box.pending()[1].id, second.id])

        let collector = FakeIncidentCollector()
        collector.unreachable = true
        var random = SystemRandomNumberGenerator()
        var uploader = Uploader()
        uploader.attempts = 2
        let waiting = try await uploader.drain(box, to: collector, sleep: { _ in }, random: &random)
        #expect(waiting.waiting == 3 && waiting.sent == 0)
        #expect(try box.pending().count == 3)

        collector.unreachable = false
        collector.refuseUserReports = true
        let outcome = try await uploader.drain(box, to: collector, sleep: { _ in }, random: &random)
        #expect(outcome.sent == 2)
        #expect(outcome.rejected.count == 1)
        #expect(collector.stored == [first.id, second.id])
        // Refused is kept, never dropped: the officer sees it in `attt incident status`.
        let left = try box.pending()
        #expect(left.count == 1)
        if case .userReport = left.first {} else { Issue.record("the refused user report is not kept: \(left)") }
    }

    @Test func aUserCannotFillTheOutboxButOfficersStepsAlwaysFit() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let box = IncidentOutbox(host: HostRoot(root), limits: .init(maxItems: 1_000, maxBytes: 8 << 20, perUser: 3, userReports: 5))
        for _ in 0..<3 { try box.enqueue(.userReport(userReport(uid: 1000))) }
        #expect(throws: IncidentOutbox.Refusal.tooManyFromUser(3)) { try box.enqueue(.userReport(userReport(uid: 1000))) }
        for _ in 0..<2 { try box.enqueue(.userReport(userReport(uid: 1001))) }
        #expect(throws: IncidentOutbox.Refusal.full) { try box.enqueue(.userReport(userReport(uid: 1002))) }
        try box.enqueue(.step(step()))
        #expect(try box.pending().count == 6)
    }

    @Test func aDamagedItemIsSetAsideAndTheOthersStillGo() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        var box = IncidentOutbox(host: HostRoot(root))
        var told: [String] = []
        box.onSetAside = { told.append($0) }
        try box.enqueue(.step(step()), now: Date(timeIntervalSince1970: 100))
        let dir = root + "/var/lib/attt/incidents/outbox"
        try Data("{\"step\":".utf8).write(to: URL(fileURLWithPath: dir + "/000000000050-\(UUID().uuidString)-step.json"))
        try Data("{}".utf8).write(to: URL(fileURLWithPath: dir + "/000000000060-\(UUID().uuidString)-step.json"))
        #expect(try box.pending().count == 1)
        #expect(told.count == 2)
        #expect(try box.pending().count == 1 && told.count == 2)
    }
}
