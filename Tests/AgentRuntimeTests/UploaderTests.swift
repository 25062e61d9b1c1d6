import AtttTestSupport
import HostAccess
import AgentRuntime
import Foundation
import HardeningCore
import Testing

/// A collector that fails as told, and remembers what it stored (by id: a resend is not a new report).
final class FakeCollector: CollectorTransport {
    var failuresLeft: Int
    var rejectSummaries = false
    var stored: [String] = []
    var calls = 0

    init(failures: Int) { failuresLeft = failures }

    func send(_ item: Outbox.Item) async throws {
        calls += 1
        if failuresLeft > 0 {
            failuresLeft -= 1
            throw UploadError.transient("connection refused")
        }
        let id: String
        switch item {
        case .report(let uuid, _): id = uuid.uuidString
        case .summary(let s):
            if rejectSummaries { throw UploadError.rejected("summary refused") }
            id = s.reportId.uuidString
        case .compacted: id = "compacted"
        }
        if !stored.contains(id) { stored.append(id) }
    }
}

@Suite struct UploaderTests {
    let root = emptyRoot("attt-upload")

    func fill(_ count: Int) throws -> (Outbox, [UUID]) {
        let outbox = Outbox(host: HostRoot(root))
        var ids: [UUID] = []
        for day in 0..<count {
            let r = OutboxTests().report(day)
            ids.append(r.reportId)
            try outbox.enqueue(r, now: OutboxTests.start)
        }
        return (outbox, ids)
    }

    @Test func retriesWithBackoffThenSendsEverythingInOrder() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, ids) = try fill(3)
        let collector = FakeCollector(failures: 3)
        var waits: [TimeInterval] = []
        var random = SystemRandomNumberGenerator()
        let outcome = try await Uploader().drain(outbox, to: collector, sleep: { waits.append($0) }, random: &random)
        #expect(outcome.sent == 3 && outcome.waiting == 0)
        #expect(collector.stored == ids.map(\.uuidString))
        #expect(try outbox.pending().isEmpty)
        // Full jitter: each wait is within [0, base·2ⁿ].
        #expect(waits.count == 3)
        for (n, wait) in waits.enumerated() { #expect(wait >= 0 && wait <= 2 * pow(2, Double(n + 1))) }
    }

    @Test func anUnreachableCollectorLeavesEverythingForTheNextRun() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, _) = try fill(4)
        var random = SystemRandomNumberGenerator()
        let outcome = try await Uploader().drain(outbox, to: FakeCollector(failures: 1_000), sleep: { _ in }, random: &random)
        #expect(outcome.sent == 0 && outcome.waiting == 4)
        #expect(try outbox.pending().count == 4)
    }

    @Test func backoffIsCapped() {
        var random = SystemRandomNumberGenerator()
        let backoff = Backoff(base: 2, cap: 60)
        for attempt in 0..<40 { #expect(backoff.delay(attempt: attempt, using: &random) <= 60) }
    }
}
