@testable import AgentRuntime
import AtttTestSupport
import HostAccess
import Foundation
import HardeningCore
import Testing

/// A collector that stores as the real one does: a report or summary by its report id (a resend is a
/// duplicate), the compacted record by its id with the largest count seen. `total` is how many
/// reports it believes the host made. It can lose acknowledgements: store, then fail as a dropped
/// connection would.
final class CountingCollector: CollectorTransport {
    var reports: Set<UUID> = []
    var compacted: [UUID: Int] = [:]
    var acknowledgementsToLose = 0

    var total: Int { reports.count + compacted.values.reduce(0, +) }

    func send(_ item: Outbox.Item) async throws {
        switch item {
        case .report(let id, _): reports.insert(id)
        case .summary(let summary): reports.insert(summary.reportId)
        case .compacted(let record): compacted[record.id] = max(compacted[record.id] ?? 0, record.count)
        }
        if acknowledgementsToLose > 0 {
            acknowledgementsToLose -= 1
            throw UploadError.transient("connection reset after the collector stored it")
        }
    }
}

/// Issue 12, point 5: one unreadable outbox file never blocks the queue, and no crash between two
/// steps of compaction or upload makes the collector count a report twice.
@Suite struct OutboxCrashTests {
    let root = emptyRoot("attt-outbox-crash")
    var directory: String { root + "/var/lib/attt/outbox" }

    func filled(_ count: Int, limits: Outbox.Limits = .init()) throws -> (Outbox, [UUID]) {
        let outbox = Outbox(host: HostRoot(root), limits: limits)
        var ids: [UUID] = []
        for day in 0..<count {
            let report = OutboxTests().report(day)
            ids.append(report.reportId)
            try outbox.enqueue(report, now: OutboxTests.start)
        }
        return (outbox, ids)
    }

    func drain(_ outbox: Outbox, _ collector: CountingCollector, attempts: Int = 1) async throws -> Uploader.Outcome {
        var uploader = Uploader()
        uploader.attempts = attempts
        var random = SystemRandomNumberGenerator()
        return try await uploader.drain(outbox, to: collector, sleep: { _ in }, random: &random)
    }

    /// Every report, every summary and the compacted record go, and the whole outbox is squeezed into
    /// the compacted record first (as months offline would).
    func squeezed() -> Outbox { Outbox(host: HostRoot(root), limits: .init(maxBytes: 1, maxAge: 30 * 86_400, maxSummaries: 0)) }

    final class Notes { var lines: [String] = [] }

    @Test func anUnreadableItemIsSetAsideAndTheQueueGoesOn() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        var (outbox, ids) = try filled(4)
        let notes = Notes()
        outbox.onSetAside = { notes.lines.append($0) }
        let names = try outbox.files()
        try Data("{\"reportId\": \"garbled".utf8).write(to: URL(fileURLWithPath: directory + "/" + names[1]))
        try FileManager.default.removeItem(atPath: directory + "/" + names[2])
        #expect(mkfifo(directory + "/" + names[2], 0o600) == 0)

        let collector = CountingCollector()
        let outcome = try await drain(outbox, collector)
        #expect(outcome.sent == 2 && outcome.waiting == 0)
        #expect(collector.reports == [ids[0], ids[3]])
        #expect(notes.lines.count == 2 && notes.lines.allSatisfy { $0.contains("set aside at") }, "\(notes.lines)")
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(left.filter { $0.contains(".corrupt-") }.count == 2, "\(left)")
        #expect(try outbox.pending().isEmpty)
    }

    @Test func anUnreadableCompactedRecordIsSetAsideAndANewOneStarts() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try filled(3)
        try squeezed().enforceLimits(now: OutboxTests.start)
        try Data("not json".utf8).write(to: URL(fileURLWithPath: directory + "/" + Outbox.compactedName))
        var outbox = squeezed()
        let notes = Notes()
        outbox.onSetAside = { notes.lines.append($0) }
        for day in 3..<5 { try outbox.enqueue(OutboxTests().report(day), now: OutboxTests.start) }
        let collector = CountingCollector()
        _ = try await drain(outbox, collector)
        #expect(collector.total == 2)
        #expect(notes.lines.count == 1 && notes.lines[0].contains(Outbox.compactedName))
    }

    /// Killed after the summary was written and before the report was removed: both are on disk.
    @Test func aCrashBetweenSummaryAndReportRemovalCountsOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, _) = try filled(5)
        let name = try outbox.files()[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))
        try outbox.summarize(name)
        try bytes.write(to: URL(fileURLWithPath: directory + "/" + name))
        // Room for the reports, none for summaries: the summary folds while its report would still go in full.
        let folding = Outbox(host: HostRoot(root), limits: .init(maxSummaries: 0))
        try folding.enforceLimits(now: OutboxTests.start)
        let collector = CountingCollector()
        _ = try await drain(folding, collector)
        #expect(collector.total == 5)
    }

    /// Killed after the compacted record counted a summary and before the summary was removed.
    @Test func aCrashBetweenFoldAndSummaryRemovalCountsOnce() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, _) = try filled(4)
        for name in try outbox.files() { try outbox.summarize(name) }
        let first = try outbox.files()[0]
        let bytes = try Data(contentsOf: URL(fileURLWithPath: directory + "/" + first))
        try outbox.fold(first)
        try bytes.write(to: URL(fileURLWithPath: directory + "/" + first))
        try squeezed().enforceLimits(now: OutboxTests.start)
        let collector = CountingCollector()
        _ = try await drain(squeezed(), collector)
        #expect(collector.total == 4)
        #expect(try squeezed().pending().isEmpty)
    }

    /// The collector stored a report but its answer was lost; the outbox then had to compact. That
    /// report may be sent again (the collector knows it) but is never folded into the count.
    @Test func aLostAcknowledgementNeverCountsTwice() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, ids) = try filled(3)
        let collector = CountingCollector()
        collector.acknowledgementsToLose = 1
        let first = try await drain(outbox, collector)
        #expect(first.sent == 0 && first.waiting == 3 && collector.reports == [ids[0]])
        try squeezed().enforceLimits(now: OutboxTests.start)
        let second = try await drain(squeezed(), collector)
        #expect(second.waiting == 0)
        #expect(collector.total == 3)
        #expect(try squeezed().pending().isEmpty)
        // No mark outlives its item.
        #expect(try FileManager.default.contentsOfDirectory(atPath: directory).isEmpty)
    }

    /// Killed after the item was sent and acknowledged but before its mark was removed, or before
    /// it was sent at all: the next run tidies up and sends what is left, once.
    @Test func aMarkWithoutItsItemIsRemoved() async throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let (outbox, _) = try filled(2)
        let items = try outbox.pending()
        try outbox.markSending(items[0])
        try outbox.markSending(items[1])
        try FileManager.default.removeItem(atPath: directory + "/" + (try outbox.files()[0]))
        try outbox.repair()
        let marks = try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasSuffix(".sending") }
        #expect(marks.count == 1)
        let collector = CountingCollector()
        _ = try await drain(outbox, collector)
        let left = try FileManager.default.contentsOfDirectory(atPath: directory)
        #expect(collector.total == 1 && left.isEmpty, "\(left)")
    }

    /// The compacted record grew after it was sent: acknowledging the copy sent keeps the grown one.
    @Test func acknowledgingAnOlderCompactedRecordKeepsTheGrownOne() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        _ = try filled(2)
        try squeezed().enforceLimits(now: OutboxTests.start)
        let sent = try #require(try squeezed().pending().first, "nothing was compacted")
        try squeezed().enqueue(OutboxTests().report(5), now: OutboxTests.start)
        try squeezed().acknowledge(sent)
        let first = try #require(try squeezed().pending().first, "the grown record was removed")
        if case .compacted(let kept) = first {
            #expect(kept.count == 3)
        } else {
            Issue.record("the first item is not the compacted record: \(first)")
        }
    }
}
