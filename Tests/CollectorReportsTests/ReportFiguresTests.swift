import CollectorAPI
import CollectorReports
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// The figures of issue 14 point 1 equal what the history answers, and a report for a closed period
/// says the same whenever it is produced.
@Suite struct ReportFiguresTests {
    static let q4 = ReportPeriod.quarter(year: 2025, 4)
    /// Early January 2026: Q4 2025 has closed.
    static let now = OfficeDay(year: 2026, month: 1, day: 5).start.addingTimeInterval(10 * 3600)

    let year: ReportYear
    let reports: PeriodicReports

    init() throws {
        year = try ReportYear.shared.get()
        reports = PeriodicReports(store: year.store, settings: ReportSettings(), silentAfter: ReportYear.silentAfter)
    }

    @Test func hostsAtTheEndAreTheDaysCounts() throws {
        let figures = try reports.figures(scope: .commune, period: Self.q4, now: Self.now)
        #expect(figures.lastDay == Self.q4.to && figures.asOf == Self.q4.to.end)
        let days = try year.store.unitDays(units: Set(ReportYear.units), from: Self.q4.to, to: Self.q4.to, now: Self.now, silentAfter: ReportYear.silentAfter)
        #expect(figures.hosts.hosts == days.map(\.hosts).reduce(0, +))
        #expect(figures.hosts.reporting == days.map(\.reporting).reduce(0, +))
        #expect(figures.hosts.silent == days.map(\.silent).reduce(0, +))
        // What the year was built to hold: 9 PCs, b3 revoked, a4 silent since November, c2 never reporting.
        #expect(figures.hosts.hosts == 8 && figures.hosts.revoked == 1 && figures.hosts.silent == 1 && figures.hosts.neverReported == 1)
        #expect(figures.hosts.reporting == 6 && figures.hosts.servers == 1 && figures.hosts.workstations == 5)
        #expect(figures.annex.count == 9)
        #expect(figures.annex.first { $0.hostname == "pc-a4" }?.state == .silent)
        #expect(figures.annex.first { $0.hostname == "pc-b3" }?.state == .revoked)
        #expect(figures.annex.first { $0.hostname == "pc-c2" }?.state == .neverReported)
    }

    @Test func complianceByArticleAndAreaIsTheHistorySummed() throws {
        let figures = try reports.figures(scope: .commune, period: Self.q4, now: Self.now)
        let info = Dictionary(try year.store.controlInfo().map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })
        func expected(_ day: OfficeDay, _ keys: (ControlInfo?) -> [String]) throws -> [String: ShownCounts] {
            var out: [String: ShownCounts] = [:]
            for row in try year.store.dailyCompliance(units: Set(ReportYear.units), from: day, to: day, now: Self.now, silentAfter: ReportYear.silentAfter, combined: true) {
                for key in keys(info[row.control]) { out[key, default: ShownCounts()].add(row.counts) }
            }
            return out
        }
        let articles = try expected(Self.q4.to) { $0?.articles ?? ["?"] }, before = try expected(Self.q4.previous.to) { $0?.articles ?? ["?"] }
        #expect(Set(figures.byArticle.map(\.key)) == Set(articles.keys))
        for row in figures.byArticle {
            #expect(row.counts == articles[row.key])
            #expect(row.compliance == articles[row.key]?.compliance.map { $0 * 100 })
            #expect(row.previous == before[row.key]?.compliance.map { $0 * 100 })
        }
        let areas = try expected(Self.q4.to) { [$0?.area ?? "?"] }
        #expect(Dictionary(uniqueKeysWithValues: figures.byArea.map { ($0.key, $0.counts) }) == areas)
        // Articles in the regulation's order; each unit's row sums to the commune's total.
        #expect(figures.byArticle.map(\.key) == figures.byArticle.map(\.key).sorted(by: ComplianceGrouping.article.order))
        var summed = ShownCounts()
        for unit in figures.byUnit { summed.add(unit.counts) }
        #expect(summed == figures.total.counts)
        #expect(figures.total.compliance != nil && figures.total.previous != nil)
    }

    @Test func failingControlsAreTheDailyFailuresCounted() throws {
        let figures = try reports.figures(scope: .commune, period: Self.q4, now: Self.now)
        let days = try year.store.dailyCompliance(units: Set(ReportYear.units), from: Self.q4.from, to: Self.q4.to, now: Self.now, silentAfter: ReportYear.silentAfter, combined: true)
        #expect(!figures.failing.isEmpty && figures.failing.count <= PeriodFigures.failingShown)
        for control in figures.failing {
            #expect(control.hostDays == days.filter { $0.control == control.control }.map(\.counts.fail).reduce(0, +))
            #expect(control.hostsFailing == days.filter { $0.control == control.control && $0.day == Self.q4.to }.map(\.counts.fail).reduce(0, +))
        }
        #expect(figures.failing.map(\.hostsFailing) == figures.failing.map(\.hostsFailing).sorted(by: >))
    }

    @Test func quietDaysAreTheDaysSilentAndNeverReportedCounts() throws {
        let figures = try reports.figures(scope: .commune, period: Self.q4, now: Self.now)
        let days = try year.store.unitDays(units: Set(ReportYear.units), from: Self.q4.from, to: Self.q4.to, now: Self.now, silentAfter: ReportYear.silentAfter)
        #expect(figures.quiet.map(\.days.silent).reduce(0, +) == days.map(\.silent).reduce(0, +))
        #expect(figures.quiet.map(\.days.neverReported).reduce(0, +) == days.map(\.neverReported).reduce(0, +))
        // a4's last report was on 9 November in the morning: more than 7 days old at the end of
        // 16 November, so silent on 46 days to the year's end.
        let a4 = try #require(figures.quiet.first { $0.hostname == "pc-a4" })
        #expect(a4.days.silent == 46 && a4.stateAtEnd == .silent)
        // c2 was enrolled on 20 December and never reported: 12 days.
        #expect(figures.quiet.first { $0.hostname == "pc-c2" }?.days.neverReported == 12)
        // b3 stopped on 14 October and was revoked on the 15th: a revoked PC is not silent.
        #expect(figures.quiet.first { $0.hostname == "pc-b3" } == nil)
    }

    @Test func fixesWaiversAndMeasuresAsTheEndOfThePeriodSawThem() throws {
        let figures = try reports.figures(scope: .commune, period: Self.q4, now: Self.now)
        #expect(figures.fixes.count == 2)
        let applied = try #require(figures.fixes.first { $0.hostname == "pc-a2" })
        #expect(applied.job.state == .applied && applied.job.transaction == year.appliedTransaction && applied.finishedAt != nil)
        // b1's result came on 2 January: at the end of December it was still waiting.
        let waiting = try #require(figures.fixes.first { $0.hostname == "pc-b1" })
        #expect(waiting.job.state == .approved && waiting.job.transaction == nil && waiting.finishedAt == nil)
        #expect(figures.waiversInForce.count == 1 && figures.waiversEnded.count == 1)
        #expect(figures.waiversEnded.first?.host == year.hosts["b1"]?.id)
        let rules = try #require(figures.measures.first { $0.unit == ReportYear.unitA && $0.state.control == "VN-TD-ATT-001" })
        #expect(rules.state.standing == .attested && rules.state.attestation?.reference == "Quyết định số 12/QĐ-UBND")
        #expect(figures.measures.filter { $0.unit == ReportYear.unitB }.allSatisfy { $0.state.isDue })
        // Q3 saw neither: the attestation, the waivers and the fixes came later.
        let q3 = try reports.figures(scope: .unit(ReportYear.unitA), period: .quarter(year: 2025, 3), now: Self.now)
        #expect(q3.fixes.isEmpty && q3.measures.allSatisfy { $0.state.isDue } && q3.annex.count == 4 && q3.hosts.silent == 0)
    }

    @Test func aUnitsReportCountsOnlyItsHosts() throws {
        let figures = try reports.figures(scope: .unit(ReportYear.unitB), period: Self.q4, now: Self.now)
        #expect(figures.units == [ReportYear.unitB] && figures.byUnit.isEmpty)
        #expect(Set(figures.annex.map(\.unit)) == [ReportYear.unitB] && figures.annex.count == 3)
        #expect(figures.fixes.map(\.hostname) == ["pc-b1"])
        #expect(throws: PeriodicReports.Refusal.self) { try reports.figures(scope: .unit("Không có"), period: Self.q4, now: Self.now) }
        #expect(throws: PeriodicReports.Refusal.self) { try reports.figures(scope: .commune, period: .year(2030), now: Self.now) }
        #expect(throws: PeriodicReports.Refusal.self) {
            try reports.figures(scope: .commune, period: ReportPeriod(from: OfficeDay(year: 2000, month: 1, day: 1), to: OfficeDay(year: 2025, month: 1, day: 1))!, now: Self.now)
        }
    }

    /// What happened after the period (new reports, a late waiver, a revocation) does not change it.
    @Test func aClosedPeriodGivesTheSameFiguresLater() throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-report-later-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        try year.store.checkpoint()
        try FileManager.default.copyItem(atPath: year.path, toPath: path)
        let store = try SQLiteCollectorStore(path: path)
        let reports = PeriodicReports(store: store, settings: ReportSettings(), silentAfter: ReportYear.silentAfter)
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let before = try encoder.encode(reports.figures(scope: .commune, period: Self.q4, now: Self.now))
        let officer = ActingOfficer(name: "Đặng Quốc Việt", role: "supervisor")
        let a1 = try #require(year.hosts["a1"])
        let later = OfficeDay(year: 2026, month: 2, day: 10).start.addingTimeInterval(9 * 3600)
        _ = try store.recordWaiver(WaiverRequest(unit: ReportYear.unitA, control: year.fixedControl, justification: "Chờ thay máy", approvedBy: "Chủ tịch UBND xã",
                                                 expiresAt: Timestamp(later.addingTimeInterval(90 * 86_400))), by: officer, now: later)
        _ = try store.revoke(host: a1.id, by: officer, now: later)
        // A unit that joined in 2026 is not in 2025's report.
        try store.createToken(hash: "token-new", unit: "Công an xã Tứ Dân", createdBy: "test", expiresAt: later.addingTimeInterval(3600), now: later)
        _ = try store.enroll(tokenHash: "token-new", hostname: "pc-ca1", now: later) { _ in IssuedCertificate(serial: "serial-ca1", notAfter: later.addingTimeInterval(86_400)) }
        let after = try encoder.encode(reports.figures(scope: .commune, period: Self.q4, now: later.addingTimeInterval(30 * 86_400)))
        // Compared as values, not printed whole when they differ: the figures are long.
        #expect(after == before, "the Q4 figures changed after the period")
        #expect(try store.hostsAt(units: [ReportYear.unitA], end: later.addingTimeInterval(60), silentAfter: ReportYear.silentAfter).first { $0.host == a1.id }?.state == .revoked)
    }

    @Test func periodsNameThemselvesAsTheOfficeDoes() throws {
        #expect(Self.q4.name == "quý IV năm 2025" && Self.q4.from.description == "2025-10-01" && Self.q4.to.description == "2025-12-31")
        #expect(Self.q4.previous == .quarter(year: 2025, 3) && ReportPeriod.quarter(year: 2025, 1).previous == .quarter(year: 2024, 4))
        #expect(ReportPeriod.year(2024).to.description == "2024-12-31" && ReportPeriod.year(2024).previous == .year(2023))
        let custom = try #require(ReportPeriod(from: OfficeDay("2025-03-10")!, to: OfficeDay("2025-03-19")!))
        #expect(custom.name == "từ ngày 10/03/2025 đến ngày 19/03/2025" && custom.previous.to.description == "2025-03-09" && custom.previous.from.description == "2025-02-28")
        #expect(ReportPeriod(from: OfficeDay("2025-10-01")!, to: OfficeDay("2025-12-31")!) == Self.q4)
        #expect(ReportPeriod(from: OfficeDay("2025-12-31")!, to: OfficeDay("2025-10-01")!) == nil)
        #expect(ReportPeriod.closed(before: OfficeDay("2026-01-02")!) == [.quarter(year: 2025, 4), .year(2025)])
        #expect(ReportPeriod.closed(before: OfficeDay("2026-05-20")!) == [.quarter(year: 2026, 1)])
    }
}
