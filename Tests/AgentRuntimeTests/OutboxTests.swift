import AtttTestSupport
import HostAccess
import AgentRuntime
import Foundation
import HardeningCore
import Testing

/// The outbox never silently drops a report: it keeps it, summarises it, or counts it.
@Suite struct OutboxTests {
    let root = emptyRoot("attt-outbox")
    static let start = Timestamp.parse("2026-11-01T08:00:00Z")!

    func report(_ day: Int, failing: Int = 3) -> Report {
        let results = (0..<12).map { i in
            ControlResult(control: String(format: "VN-TD-PW-%03d", i), status: i < failing ? .fail : .pass, severity: .high, area: "passwords",
                          references: ["Điều 9 khoản 6"], title: LocalizedText(vi: "x", en: "x"),
                          evidence: (0..<20).map { Evidence(source: "/etc/x:\($0)", item: "item \($0)", actual: String(repeating: "v", count: 40), expected: "≥ 1") },
                          reason: nil, fixable: false, fix: nil)
        }
        return Report(reportId: UUID(), agent: "attt test", host: Report.Host(hostname: "pc", machineId: nil, os: OperatingSystem(id: "debian", versionId: "12", prettyName: nil), root: "/"),
                      policy: Report.PolicyInfo(id: "vn-td", version: "1", profile: .regulation, role: .workstation, tailoring: nil),
                      startedAt: Timestamp(Self.start.addingTimeInterval(Double(day) * 86_400)), durationMs: 50, results: results)
    }

    @Test func reportsWaitInOrderUntilAcknowledged() throws {
        let outbox = Outbox(host: HostRoot(root))
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reports = (0..<3).map { report($0) }
        for r in reports { try outbox.enqueue(r, now: Self.start) }
        let pending = try outbox.pending()
        #expect(pending.count == 3)
        guard case .report(let first, let data) = pending[0] else { Issue.record("not a report"); return }
        #expect(first == reports[0].reportId)
        #expect(try JSONDecoder().decode(Report.self, from: data) == reports[0])
        try outbox.acknowledge(pending[0])
        #expect(try outbox.pending().count == 2)
    }

    /// Offline for months on a small budget: every report is still accounted for, in full, as a
    /// summary, or in the compacted count — none silently dropped.
    @Test func nothingIsLostWhenFull() throws {
        let outbox = Outbox(host: HostRoot(root), limits: .init(maxBytes: 120_000, maxAge: 7 * 86_400, maxSummaries: 20))
        defer { try? FileManager.default.removeItem(atPath: root) }
        let reports = (0..<90).map { report($0) }
        for (day, r) in reports.enumerated() { try outbox.enqueue(r, now: Self.start.addingTimeInterval(Double(day) * 86_400)) }
        let pending = try outbox.pending()
        var full = 0, summarized = 0, counted = 0
        var failures = 0
        for item in pending {
            switch item {
            case .report: full += 1
            case .summary(let s): summarized += 1; #expect(s.failing.count == 3)
            case .compacted(let c): counted += c.count; failures = c.failures.values.reduce(0, +)
            }
        }
        #expect(full + summarized + counted == 90)
        #expect(full > 0 && summarized == 20 && counted > 0)
        #expect(failures == counted * 3)
        // The newest reports stay in full.
        guard case .report(let last, _) = pending.last else { Issue.record("the newest report is not kept in full"); return }
        #expect(last == reports.last!.reportId)
        let size = try FileManager.default.contentsOfDirectory(atPath: root + "/var/lib/attt/outbox").reduce(0) { total, name in
            total + ((try FileManager.default.attributesOfItem(atPath: root + "/var/lib/attt/outbox/" + name)[.size] as? NSNumber)?.intValue ?? 0)
        }
        #expect(size <= 120_000)
    }

    /// A write a crash interrupted leaves a temporary file, which is never taken for a report.
    @Test func interruptedWritesAreIgnored() throws {
        let outbox = Outbox(host: HostRoot(root))
        defer { try? FileManager.default.removeItem(atPath: root) }
        try outbox.enqueue(report(0), now: Self.start)
        try Data("{\"half".utf8).write(to: URL(fileURLWithPath: root + "/var/lib/attt/outbox/.tmp-1234"))
        #expect(try outbox.pending().count == 1)
        #expect(!FileManager.default.fileExists(atPath: root + "/var/lib/attt/outbox/.tmp-1234"))
    }
}
