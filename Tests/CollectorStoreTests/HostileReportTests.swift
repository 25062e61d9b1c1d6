import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// An enrolled agent may be compromised (issue 12): what it claims is checked, its counts are
/// recomputed, its clock is not believed, and it cannot flood the store.
@Suite struct HostileReportTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-hostile-\(UUID()).sqlite").path
    let host = HostIdentity(id: "h-a", unit: "UBND xã Tứ Dân")

    func report(failing: [String] = ["VN-TD-PW-001"], at date: Date = Date().addingTimeInterval(-3600)) -> Report {
        var r = ReportStoreTests().report("pc-a", day: 0, failing: failing)
        r.startedAt = Timestamp(date)
        return r
    }

    @Test(arguments: StoreEngine.allCases) func countsComeFromTheResultsNotTheClaimedSummary(engine: StoreEngine) throws {
        let store = try engine.open()
        var forged = report(failing: ["VN-TD-PW-001", "VN-TD-AUTH-001"])
        forged.summary.fail = 0
        forged.summary.pass = 4
        forged.summary.total = -7
        #expect(try store.ingest(forged, host: host) == .stored)
        let status = try #require(try store.latestStatus(unit: host.unit).first)
        #expect(status.summary.fail == 2 && status.summary.pass == 2 && status.summary.total == 4)
        #expect(status.failing == ["VN-TD-AUTH-001", "VN-TD-PW-001"])
    }

    @Test(arguments: StoreEngine.allCases) func aReportFromTheFutureIsKeptAtItsArrival(engine: StoreEngine) throws {
        let store = try engine.open()
        let future = report(failing: [], at: Date(timeIntervalSince1970: 4_070_908_800))  // 2099-01-01
        #expect(try store.ingest(future, host: host) == .stored)
        let stored = try #require(try store.latestStatus(unit: host.unit).first)
        #expect(stored.startedAt.date <= Date() && stored.startedAt.date > Date().addingTimeInterval(-60))
        // The next real report is the host's latest, not the one "from 2099".
        Thread.sleep(forTimeInterval: 1.1)
        let next = report(failing: ["VN-TD-PW-004"], at: Date())
        #expect(try store.ingest(next, host: host) == .stored)
        #expect(try store.latestStatus(unit: host.unit).first?.reportId == next.reportId)
        // Summaries and compacted records are clamped too.
        var counts = Report.Summary([])
        (counts.fail, counts.total) = (1, 1)
        let summary = ReportSummary(reportId: UUID(), startedAt: Timestamp(Date(timeIntervalSince1970: 4_070_908_800)), summary: counts, failing: ["VN-TD-PW-001"])
        #expect(try store.ingest(summary, host: host) == .stored)
        #expect(try store.history(host: host.id, limit: 10).allSatisfy { $0.startedAt.date <= Date() })
    }

    @Test(arguments: [
        ("VN-TD-PW-1", "not a control id"), ("VN-TD-pw-001", "not a control id"), ("<script>", "not a control id"),
        ("VN-TD-PW-001\u{1b}[2J", "not a control id"), ("VN-TD-PW-001,VN-TD-X-002", "not a control id"),
    ])
    func controlIdsAreChecked(id: String, message: String) throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bad = report()
        bad.results[0].control = id
        #expect { try store.ingest(bad, host: host) } throws: { error in
            guard case ReportRefusal.invalid(let text) = error else { return false }
            return text.contains("results[0].control") && text.contains(message)
        }
        #expect(try store.history(host: host.id, limit: 10).isEmpty)
    }

    @Test func aControlTwiceInOneReportIsRefusedNotACrash() throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        var bad = report()
        bad.results[1].control = bad.results[0].control
        #expect { try store.ingest(bad, host: host) } throws: { ($0 as? ReportRefusal).map { "\($0)".contains("appears twice") } ?? false }
    }

    @Test func hugeReportsAreRefusedWithWhatIsTooLarge() throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let template = report().results[0]
        var many = report()
        many.results = (0..<2_001).map { i in
            var r = template
            r.control = "VN-TD-" + String(repeating: "X", count: 1 + i / 1000) + "-" + String(format: "%03d", i % 1000)
            return r
        }
        #expect { try store.ingest(many, host: host) } throws: { error in
            guard case ReportRefusal.tooLarge(let text) = error else { return false }
            return text.contains("2001 results") && text.contains("at most 2000")
        }
        var evidence = report()
        evidence.results[0].evidence = Array(repeating: Evidence(source: nil, item: "x", actual: nil, expected: nil), count: 20_001)
        #expect { try store.ingest(evidence, host: host) } throws: { "\($0)".contains("20001 evidence items") }
        var long = report()
        long.results[2].evidence = [Evidence(source: "/etc/x:1", item: "x", actual: String(repeating: "A", count: 9_000), expected: nil)]
        #expect { try store.ingest(long, host: host) } throws: { "\($0)".contains("results[2].evidence[0] is 9000 bytes") }
        #expect(try store.history(host: host.id, limit: 10).isEmpty)
    }

    @Test func summariesWhoseCountsDoNotAddUpAreRefused() throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        func summary(_ pass: Int, _ fail: Int, _ total: Int, _ failing: [String]) -> ReportSummary {
            var counts = Report.Summary([])
            (counts.pass, counts.fail, counts.total) = (pass, fail, total)
            return ReportSummary(reportId: UUID(), startedAt: Timestamp(Date()), summary: counts, failing: failing)
        }
        for bad in [summary(-1, 1, 0, ["VN-TD-PW-001"]), summary(Int.max, 1, Int.min, ["VN-TD-PW-001"]), summary(3, 1, 9, ["VN-TD-PW-001"]),
                    summary(0, 2, 2, ["VN-TD-PW-001"]), summary(0, 2, 2, ["VN-TD-PW-001", "VN-TD-PW-001"]), summary(0, 1, 1, ["bad"])] {
            #expect(throws: ReportRefusal.self) { try store.ingest(bad, host: host) }
        }
        #expect(try store.ingest(summary(3, 1, 4, ["VN-TD-PW-001"]), host: host) == .stored)
        for bad in [CompactedReports(count: -3, from: Timestamp(Date()), to: Timestamp(Date()), failures: [:]),
                    CompactedReports(count: 2, from: Timestamp(Date()), to: Timestamp(Date()), failures: ["VN-TD-PW-001": 3]),
                    CompactedReports(count: Int.max, from: Timestamp(Date()), to: Timestamp(Date()), failures: [:])] {
            #expect(throws: ReportRefusal.self) { try store.ingest(bad, host: host) }
        }
        #expect(try store.compactedCount(host: host.id) == 0)
    }

    @Test(arguments: StoreEngine.allCases) func aHostOverItsQuotaWaitsAndOthersDoNot(engine: StoreEngine) throws {
        var limits = ReportLimits()
        limits.uploadsPerHour = 3
        let store = try engine.open(limits: limits)
        for _ in 0..<3 { #expect(try store.ingest(report(), host: host) == .stored) }
        #expect { try store.ingest(report(), host: host) } throws: { error in
            guard case ReportRefusal.quota(_, let retryAfter) = error else { return false }
            return (3_500...3_600).contains(retryAfter)
        }
        #expect(try store.ingest(report(), host: HostIdentity(id: "h-b", unit: host.unit)) == .stored)

        var small = ReportLimits()
        // Bodies are kept compressed: a small report takes a few hundred bytes.
        small.storedBytesPerHost = 100
        let tight = try engine.open(limits: small)
        #expect { try tight.ingest(report(), host: HostIdentity(id: "h-c", unit: host.unit)) } throws: { "\($0)".contains("MiB at the collector") }
    }

    /// The identity files an agent could not read are kept as it names them, within bounds.
    @Test(arguments: StoreEngine.allCases) func unreadIdentityFilesAreBounded(engine: StoreEngine) throws {
        let store = try engine.open()
        var named = report()
        named.host.unread = ["/etc/os-release: is a FIFO, not a regular file: refused"]
        #expect(try store.ingest(named, host: host) == .stored)
        var flood = report()
        flood.host.unread = Array(repeating: "/etc/hostname: refused", count: 4)
        #expect { try store.ingest(flood, host: host) } throws: { "\($0)".contains("host.unread") }
        var long = report()
        long.host.unread = [String(repeating: "x", count: 9_000)]
        #expect(throws: ReportRefusal.self) { try store.ingest(long, host: host) }
    }
}
