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

/// A collector that takes reports as ``UnchangedReport``s where it can: what it was offered, item by item.
final class ContentCollector: CollectorTransport {
    var offered: [AcknowledgedContent?] = []

    func send(_ item: Outbox.Item) async throws {}

    func send(_ item: Outbox.Item, after acknowledged: AcknowledgedContent?) async throws -> AcknowledgedContent? {
        offered.append(acknowledged)
        guard case .report(let id, _) = item else { return nil }
        return AcknowledgedContent(reportId: id, contentDigest: "digest-\(id)")
    }
}

extension UploaderTests {
    /// Each report is offered the content the collector acknowledged last, across runs (kept beside the
    /// outbox); a summary in between leaves none to repeat; a damaged record is no record.
    @Test func theContentAcknowledgedLastIsOfferedToTheNextReport() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, ids) = try fill(2)
        let collector = ContentCollector()
        var random = SystemRandomNumberGenerator()
        _ = try await Uploader().drain(outbox, to: collector, sleep: { _ in }, random: &random)
        #expect(collector.offered == [nil, AcknowledgedContent(reportId: ids[0], contentDigest: "digest-\(ids[0])")])
        #expect(outbox.acknowledgedContent() == AcknowledgedContent(reportId: ids[1], contentDigest: "digest-\(ids[1])"))

        // The next run starts from what was kept; after a summary nothing is offered.
        let next = OutboxTests().report(5)
        try outbox.enqueue(next, now: OutboxTests.start)
        _ = try await Uploader().drain(outbox, to: collector, sleep: { _ in }, random: &random)
        #expect(collector.offered.last == AcknowledgedContent(reportId: ids[1], contentDigest: "digest-\(ids[1])"))
        let summarizing = Outbox(host: HostRoot(root), limits: Outbox.Limits(maxAge: 1))
        try summarizing.enqueue(OutboxTests().report(6), now: OutboxTests.start)
        try summarizing.enforceLimits(now: OutboxTests.start.addingTimeInterval(100 * 86_400))
        #expect(try summarizing.pending().map { if case .summary = $0 { true } else { false } } == [true])
        _ = try await Uploader().drain(outbox, to: collector, sleep: { _ in }, random: &random)
        #expect(outbox.acknowledgedContent() == nil)

        try Data("{not json".utf8).write(to: URL(fileURLWithPath: root + "/var/lib/attt/outbox.acknowledged"))
        #expect(outbox.acknowledgedContent() == nil)
    }
}
