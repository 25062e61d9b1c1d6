import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// Retention (issue 17 point 5): what `history.reports` and `audit.keep` remove, what they keep so that
/// the pages and the periodic reports stay exact, and what the audit log's triggers still refuse.
/// Each runs on both stores.
@Suite struct RetentionTests {
    let history = HistoryStoreTests()
    var base: Date { HistoryStoreTests.base }
    let a = HostIdentity(id: "h-a", unit: "UBND xã Tứ Dân")
    let b = HostIdentity(id: "h-b", unit: "UBND xã Tứ Dân")
    let silentAfter: TimeInterval = 7 * 86_400
    /// Pruning "400 days after day 30" puts the cutoff at day 30 of the fixture's calendar.
    var pruneAt: Date { history.at(30).addingTimeInterval(Retention.minimumHistory) }
    let pw = "VN-TD-PW-001"

    /// Host a reports daily for 61 days, PW-001 passing, failing (days 10–19), passing (20–39) and
    /// failing again (40–); host b reports on days 0–5 and then goes silent.
    func filled(_ engine: StoreEngine) throws -> any StoreEngine.Shared {
        let store = try engine.open()
        for day in 0...60 {
            let failing = (10..<20).contains(day) || day >= 40
            _ = try store.ingest(history.report(day: day, statuses: failing ? [pw: .fail] : [:]), host: a)
        }
        for day in 0...5 { _ = try store.ingest(history.report(day: day), host: b) }
        return store
    }

    @Test(arguments: StoreEngine.allCases) func whatIsPrunedAndWhatTheViewsStillSee(engine: StoreEngine) throws {
        let store = try filled(engine)
        let retention = Retention(history: Retention.minimumHistory)
        let units: Set = [a.unit]
        func views() throws -> [String] {
            [try store.hostsAt(units: units, end: history.at(35), silentAfter: silentAfter),
             try store.hostsAt(units: units, end: history.at(61), silentAfter: silentAfter)].map { "\($0)" }
                + ["\(try store.controlStates(host: a.id))", "\(try store.controlStates(host: b.id))", "\(try store.latestStatus(unit: a.unit))"]
        }
        let before = try views()
        let compliance = try store.dailyCompliance(units: units, from: OfficeDay(containing: history.at(31)), to: OfficeDay(containing: history.at(60)), now: pruneAt, silentAfter: silentAfter)

        let counted = try store.pruneCount(retention, now: pruneAt)
        let pruned = try store.prune(retention, now: pruneAt, batch: 10)
        // a: days 0–29 are before the cutoff, day 29 stays (its newest then); b: days 0–4 go, day 5 stays.
        #expect(pruned.reports == 29 + 5)
        // PW-001's first two stretches of a ended before the cutoff; every other stretch is still open.
        #expect(pruned.statusSpans == 2)
        #expect(pruned.auditEntries == 0)
        #expect(pruned.transactions == 4 + 1)
        #expect(counted.reports == pruned.reports && counted.statusSpans == pruned.statusSpans)

        #expect(try views() == before)
        #expect(try store.dailyCompliance(units: units, from: OfficeDay(containing: history.at(31)), to: OfficeDay(containing: history.at(60)), now: pruneAt, silentAfter: silentAfter) == compliance)
        #expect(try store.history(host: b.id, limit: 10).map(\.startedAt) == [Timestamp(history.at(5))])
        #expect(try store.history(host: a.id, limit: 100).count == 61 - 29)
        #expect(try store.statusSpans(host: a.id, control: pw).map(\.status) == ["pass", "fail"])
        // Nothing is left to prune.
        #expect(try store.prune(retention, now: pruneAt, batch: 10) == PruneResult())
    }

    /// A late report rolls days up again: from the pruned history they come out as from the whole one.
    @Test(arguments: StoreEngine.allCases) func daysRolledUpAgainAfterPruningMatchTheUnprunedHistory(engine: StoreEngine) throws {
        let pruned = try filled(engine), whole = try filled(engine)
        let units: Set = [a.unit]
        let days = (OfficeDay(containing: history.at(31)), OfficeDay(containing: history.at(60)))
        for store in [pruned, whole] { _ = try store.dailyCompliance(units: units, from: days.0, to: days.1, now: pruneAt, silentAfter: silentAfter) }
        #expect(try pruned.prune(Retention(history: Retention.minimumHistory), now: pruneAt, batch: 1000).reports == 34)
        func figures(_ store: any StoreEngine.Shared) throws -> String {
            "\(try store.dailyCompliance(units: units, from: days.0, to: days.1, now: pruneAt, silentAfter: silentAfter))"
                + "\(try store.unitDays(units: units, from: days.0, to: days.1, now: pruneAt, silentAfter: silentAfter))"
        }
        let unchanged = try figures(whole)
        let late = history.report(day: 33, hour: 1, statuses: [pw: .fail, "VN-TD-SHR-001": .fail])
        for store in [pruned, whole] { #expect(try store.ingest(late, host: a) == .stored) }
        #expect(try figures(whole) != unchanged)
        #expect(try figures(pruned) == figures(whole))
    }

    @Test(arguments: StoreEngine.allCases) func aReportFromBeforeTheHistoryIsRefusedForGood(engine: StoreEngine) throws {
        let store = try engine.open(retention: Retention(history: Retention.minimumHistory))
        var old = history.report(day: 0)
        old.startedAt = Timestamp(Date().addingTimeInterval(-Retention.minimumHistory + 30 * 86_400))
        #expect { try store.ingest(old, host: a) } throws: { "\($0)".contains("older than the history this collector keeps (history.reports)") }
        let summary = ReportSummary(reportId: UUID(), startedAt: old.startedAt, summary: Report.Summary([]), failing: [])
        #expect { try store.ingest(summary, host: a) } throws: { "\($0)".contains("history.reports") }
        var recent = history.report(day: 0)
        recent.startedAt = Timestamp(Date().addingTimeInterval(-Retention.minimumHistory + 32 * 86_400))
        #expect(try store.ingest(recent, host: a) == .stored)
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: ExceptionStoreTests.sqlite3), "needs the sqlite3 shell (Debian's sqlite3) to write to the file behind the store's back"),
          arguments: StoreEngine.allCases)
    func theAuditLogIsPrunedOnlyBelowARecordedLineAYearBack(engine: StoreEngine) throws {
        let (store, refuses) = try engine.openWithShell()
        let now = Date()
        // Two PCs revoked: one 400 days ago, one today; each revocation is an audit entry.
        for (n, when) in [(1, now.addingTimeInterval(-400 * 86_400)), (2, now)] {
            try store.createToken(hash: "t\(n)", unit: a.unit, createdBy: "o", expiresAt: when.addingTimeInterval(3600), now: when)
            let host = try store.enroll(tokenHash: "t\(n)", hostname: "pc\(n)", now: when) { _ in IssuedCertificate(serial: "0\(n)", notAfter: when.addingTimeInterval(86_400)) }
            #expect(try store.revoke(host: host.id, by: .local("o"), now: when) == 1)
        }
        #expect(try store.prune(Retention(), now: now, batch: 10).auditEntries == 0)
        let pruned = try store.prune(Retention(audit: Retention.minimumAudit), now: now, batch: 10)
        #expect(pruned.auditEntries == 1)
        let left = try store.auditEntries(unit: nil, before: nil, limit: 10)
        #expect(left.map(\.action) == [.auditPruned, .hostRevoked])
        #expect(left.first?.detail["entries"] == "1")

        // Behind the store's back: a recent entry still cannot go, the line cannot be drawn less than
        // a year back, and its record cannot be changed.
        #expect(try refuses("DELETE FROM audit"))
        #expect(try refuses("INSERT INTO audit_prune (before_at, at, removed) VALUES ('\(Timestamp(now).description)', 'x', 0)"))
        #expect(try refuses("UPDATE audit_prune SET before_at = '2999-01-01T00:00:00Z'"))
        #expect(try refuses("DELETE FROM audit_prune"))
        // The shell works: what the triggers allow goes through.
        #expect(try !refuses("SELECT count(*) FROM audit_prune"))
        #expect(try store.auditEntries(unit: nil, before: nil, limit: 10).count == 2)
    }
}
