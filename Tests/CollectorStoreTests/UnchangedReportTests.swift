import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// Unchanged reports (issue 17 point 3): a run repeating the content of the host's latest report is
/// stored as a report of its own, reads back as the whole report would have, changes nothing in the
/// history, and is refused (the PC then sends it whole) whenever the collector cannot vouch for it.
extension HistoryStoreTests {
    func rerun(_ report: Report, day: Int) -> Report {
        var rerun = report
        rerun.reportId = UUID()
        rerun.startedAt = Timestamp(at(day))
        rerun.durationMs += 7
        rerun.host.hostname = "pc-renamed"
        return rerun
    }

    func unchanged(_ run: Report, sameAs: Report) throws -> UnchangedReport {
        UnchangedReport(run, sameAs: sameAs.reportId, contentDigest: try ReportContent.digest(of: sameAs))
    }

    @Test(arguments: StoreEngine.allCases) func anUnchangedRunReadsBackAsTheWholeReport(engine: StoreEngine) throws {
        let store = try engine.open(), whole = try engine.open()
        var first = report(day: 0, statuses: ["VN-TD-PW-001": .fail, "VN-TD-SHR-001": .manual])
        first.inventory = Report.Inventory(packages: [Report.Inventory.Package(name: "openssh-server", version: "1:9.2p1-2+deb12u3", manual: true, required: false, priority: "optional")])
        let second = rerun(first, day: 1)
        _ = try store.ingest(first, host: a)
        func states() throws -> [ControlState] { try store.controlStates(host: a.id).map { var state = $0; state.hostname = nil; return state } }
        let statesBefore = try states()
        #expect(try store.ingest(try unchanged(second, sameAs: first), host: a) == .stored)
        #expect(try store.ingest(try unchanged(second, sameAs: first), host: a) == .duplicate)

        // The same bytes as the run sent whole, counts the collector's own.
        _ = try whole.ingest(first, host: a)
        _ = try whole.ingest(second, host: a)
        let body = try #require(try store.reportBody(id: second.reportId))
        #expect(body == (try whole.reportBody(id: second.reportId)))
        var expected = second
        expected.summary = Report.Summary(second.results)
        #expect(try store.storedReport(id: second.reportId) == expected)
        #expect(try store.storedReport(id: second.reportId)?.inventory == first.inventory)

        // A report of its own in the lists, the history untouched, the host's name refreshed.
        let history = try store.history(host: a.id, limit: 10)
        #expect(history.map(\.reportId) == [second.reportId, first.reportId])
        #expect(history[0].summary == Report.Summary(first.results) && history[0].failing == ["VN-TD-PW-001"])
        #expect(try states() == statesBefore)
        #expect(try store.latestStatus(unit: a.unit).first?.reportId == second.reportId)
        #expect(try store.snapshotHosts(unit: a.unit, at: Date().addingTimeInterval(2)).first?.hostname == "pc-renamed")

        // A third run names the second: its content is the first's, still kept once.
        let third = rerun(first, day: 2)
        #expect(try store.ingest(UnchangedReport(third, sameAs: second.reportId, contentDigest: try ReportContent.digest(of: first)), host: a) == .stored)
        #expect(try store.storedReport(id: third.reportId)?.results == first.results)
    }

    @Test(arguments: StoreEngine.allCases) func anUnchangedRunTheCollectorCannotVouchForIsRefused(engine: StoreEngine) throws {
        let store = try engine.open()
        let first = report(day: 0), changed = report(day: 1, statuses: ["VN-TD-PW-001": .fail])
        _ = try store.ingest(first, host: a)
        _ = try store.ingest(changed, host: a)
        func isStale(_ record: UnchangedReport, _ host: HostIdentity) -> Bool {
            do { _ = try store.ingest(record, host: host); return false } catch ReportRefusal.stale { return true } catch { return false }
        }
        // Not the latest any more; another digest; another host's report; started before the latest.
        #expect(isStale(try unchanged(rerun(first, day: 2), sameAs: first), a))
        #expect(isStale(UnchangedReport(rerun(changed, day: 2), sameAs: changed.reportId, contentDigest: try ReportContent.digest(of: first)), a))
        #expect(isStale(try unchanged(rerun(changed, day: 2), sameAs: changed), b))
        #expect(isStale(try unchanged(rerun(changed, day: 0), sameAs: changed), a))
        // After a summary, the latest has no content to repeat.
        let summary = ReportSummary(report(day: 3))
        _ = try store.ingest(summary, host: a)
        #expect(isStale(try unchanged(rerun(changed, day: 4), sameAs: changed), a))
        #expect(try store.history(host: a.id, limit: 10).count == 3)

        // Results or an inventory in an unchanged report are refused as malformed, not taken.
        var smuggled = try unchanged(rerun(changed, day: 4), sameAs: changed)
        smuggled.report.results = changed.results
        #expect(throws: ReportRefusal.invalid("an unchanged report carries no results and no inventory: send it whole to /v1/reports")) {
            try store.ingest(smuggled, host: a)
        }
        var digest = try unchanged(rerun(changed, day: 4), sameAs: changed)
        digest.contentDigest = "../" + String(repeating: "a", count: 61)
        #expect(throws: ReportRefusal.self) { try store.ingest(digest, host: a) }
    }

    /// The body an unchanged report takes its content from is kept past the retention while that
    /// report's is, and goes with it.
    @Test(arguments: StoreEngine.allCases) func theBodyAnUnchangedReportNamesIsKeptWhileItIs(engine: StoreEngine) throws {
        let store = try engine.open(reportBodyRetention: 86_400)
        let first = report(day: 0), second = rerun(first, day: 1), third = rerun(first, day: 2)
        _ = try store.ingest(first, host: a)
        _ = try store.ingest(try unchanged(second, sameAs: first), host: a)
        _ = try store.ingest(UnchangedReport(third, sameAs: second.reportId, contentDigest: try ReportContent.digest(of: first)), host: a)
        // All three are older than a day: the latest is kept whole, with the first's content.
        #expect(try store.storedReport(id: second.reportId) == nil)
        #expect(try store.storedReport(id: third.reportId)?.results == first.results)
        #expect(try store.reportBody(id: first.reportId) != nil)

        // A changed report: the third's body goes, then the first's, which nothing names any more.
        _ = try store.ingest(report(day: 3, statuses: ["VN-TD-PW-001": .fail]), host: a)
        #expect(try store.storedReport(id: third.reportId) == nil)
        #expect(try store.reportBody(id: first.reportId) == nil)
    }
}
