import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// The history (issue 13 point 1): only changes are stored, "failing since" follows its definition,
/// late reports fit in, silent hosts are counted apart, and closed days are frozen per unit.
@Suite struct HistoryStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-history-\(UUID()).sqlite").path
    /// 2026-09-21 19:06:40 in Vietnam: days are counted in Vietnam's calendar.
    static let base = Date(timeIntervalSince1970: 1_790_000_000)
    static let controls = ["VN-TD-PW-001", "VN-TD-PW-004", "VN-TD-AUTH-001", "VN-TD-SHR-001"]

    func at(_ day: Int, hour: Double = 0) -> Date { Self.base.addingTimeInterval(Double(day) * 86_400 + hour * 3600) }

    func report(day: Int, hour: Double = 0, statuses: [String: ResultStatus] = [:], evidence: String = "x") -> Report {
        let results = Self.controls.map { id in
            ControlResult(control: id, status: statuses[id] ?? .pass, severity: .high, area: id.contains("PW") ? "passwords" : "other",
                          references: id.contains("PW") ? ["D7.K2", "D9.K6"] : ["D10.K4"], title: LocalizedText(vi: "Biện pháp \(id)", en: id),
                          evidence: [Evidence(source: "/etc/x", item: "x", actual: evidence, expected: nil)],
                          reason: nil, fixable: false, fix: nil)
        }
        return Report(reportId: UUID(), agent: "attt", host: Report.Host(hostname: "pc", machineId: nil, os: OperatingSystem(id: nil, versionId: nil, prettyName: nil), root: "/"),
                      policy: Report.PolicyInfo(id: "vn-td", version: "1", profile: .regulation, role: .workstation, tailoring: nil),
                      startedAt: Timestamp(at(day, hour: hour)), durationMs: 60, results: results)
    }

    let a = HostIdentity(id: "h-a", unit: "UBND xã Tứ Dân")
    let b = HostIdentity(id: "h-b", unit: "UBND xã Tứ Dân")

    @Test(arguments: StoreEngine.allCases) func onlyChangesAreStoredAndFailingSinceFollowsTheLastPass(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        // pass, fail, error, fail: failing since the first fail after the last pass.
        for (day, status) in [(0, ResultStatus.pass), (1, .fail), (2, .error), (3, .fail), (4, .fail)] {
            _ = try store.ingest(report(day: day, statuses: [pw: status]), host: a)
        }
        let state = try #require(try store.controlStates(host: a.id).first { $0.control == pw })
        #expect(state.status == .fail && state.failingSince?.date == at(1) && state.since.date == at(3))
        // Five reports of four controls: one stretch per control, plus PW-001's three changes.
        let spans = try store.statusSpans(host: a.id, control: nil)
        #expect(spans.count == Self.controls.count + 3)
        #expect(try store.statusSpans(host: a.id, control: pw).map(\.status) == ["pass", "fail", "error", "fail"])
        #expect(try store.statusSpans(host: a.id, control: pw).map { $0.until?.date } == [at(1), at(2), at(3), nil])
        // A pass ends it; the next failure starts a new one.
        _ = try store.ingest(report(day: 5), host: a)
        #expect(try store.controlStates(host: a.id).first { $0.control == pw }?.failingSince == nil)
        _ = try store.ingest(report(day: 6, statuses: [pw: .fail]), host: a)
        #expect(try store.controlStates(host: a.id).first { $0.control == pw }?.failingSince?.date == at(6))
        // Each report still says what failed as of itself.
        #expect(try store.history(host: a.id, limit: 10).map(\.failing) == [[pw], [], [pw], [pw], [], [pw], []])
    }

    @Test(arguments: StoreEngine.allCases) func theLatestEvidenceIsKeptWithoutANewStretch(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try store.ingest(report(day: 0, evidence: "PASS_MAX_DAYS 90"), host: a)
        _ = try store.ingest(report(day: 1, evidence: "PASS_MAX_DAYS 60"), host: a)
        let state = try #require(try store.controlStates(host: a.id).first)
        #expect(state.result?.evidence.first?.actual == "PASS_MAX_DAYS 60")
        #expect(try store.statusSpans(host: a.id, control: nil).count == Self.controls.count)
        let info = try store.controlInfo()
        #expect(info.map(\.control) == Self.controls.sorted())
        #expect(info.first { $0.control == "VN-TD-PW-001" }?.articles == ["D7", "D9"])
    }

    @Test(arguments: StoreEngine.allCases) func aLateReportFitsInBetween(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        _ = try store.ingest(report(day: 0), host: a)
        _ = try store.ingest(report(day: 2), host: a)
        // Day 1's report arrives after day 2's (the PC's outbox was offline).
        _ = try store.ingest(report(day: 1, statuses: [pw: .fail]), host: a)
        let spans = try store.statusSpans(host: a.id, control: pw)
        #expect(spans.map(\.status) == ["pass", "fail", "pass"])
        #expect(spans.map(\.since.date) == [at(0), at(1), at(2)])
        #expect(spans.map { $0.until?.date } == [at(1), at(2), nil])
        #expect(try store.history(host: a.id, limit: 10).map(\.failing) == [[], [pw], []])
        // The current state is the newest report's.
        #expect(try store.controlStates(host: a.id).first { $0.control == pw }?.status == .pass)
    }

    @Test(arguments: StoreEngine.allCases) func aControlNoLongerReportedIsAbsentNotPassing(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try store.ingest(report(day: 0, statuses: ["VN-TD-SHR-001": .fail]), host: a)
        var fewer = report(day: 1)
        fewer.results.removeAll { $0.control == "VN-TD-SHR-001" }
        _ = try store.ingest(fewer, host: a)
        #expect(try store.controlStates(host: a.id).map(\.control) == Self.controls.filter { $0 != "VN-TD-SHR-001" }.sorted())
        #expect(try store.statusSpans(host: a.id, control: "VN-TD-SHR-001").map(\.status) == ["fail", "absent"])
        #expect(try store.hostsFailing(control: "VN-TD-SHR-001").isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func theControlViewListsHostsByStatusWithFailingSince(engine: StoreEngine) throws {
        let store = try engine.open()
        let other = HostIdentity(id: "h-c", unit: "Trạm y tế xã")
        _ = try store.ingest(report(day: 0, statuses: ["VN-TD-PW-001": .fail]), host: a)
        _ = try store.ingest(report(day: 1, statuses: ["VN-TD-PW-001": .fail]), host: b)
        _ = try store.ingest(report(day: 1, statuses: ["VN-TD-PW-001": .notApplicable]), host: other)
        let failing = try store.controlStates(control: "VN-TD-PW-001", units: nil, status: .fail, limit: 10, offset: 0)
        #expect(failing.map(\.host) == [a.id, b.id] && failing.first?.failingSince?.date == at(0) && failing.first?.result?.evidence.isEmpty == false)
        #expect(try store.controlStates(control: "VN-TD-PW-001", units: [other.unit], status: nil, limit: 10, offset: 0).map(\.status) == [.notApplicable])
        #expect(try store.controlStates(control: "VN-TD-PW-001", units: nil, status: .fail, limit: 1, offset: 1).map(\.host) == [b.id])
        #expect(try store.controlCounts(control: "VN-TD-PW-001", units: nil) == [.fail: 2, .notApplicable: 1])
        #expect(try store.controlCounts(control: "VN-TD-PW-001", units: [a.unit]) == [.fail: 2])
    }

    /// Host b stops reporting after day 0 (reports are at 19:06 in Vietnam): with a 3-day threshold
    /// it is silent from the end of day 3 on, and never counted as compliant. A report arriving late
    /// for a frozen day makes the days it changes be counted again.
    @Test(arguments: StoreEngine.allCases) func closedDaysAreFrozenWithSilentHostsApart(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        for day in 0...9 { _ = try store.ingest(report(day: day, statuses: day >= 5 ? [pw: .fail] : [:]), host: a) }
        _ = try store.ingest(report(day: 0), host: b)
        let silent: TimeInterval = 3 * 86_400
        let first = OfficeDay(containing: at(0)), now = at(12)
        let days = try store.unitDays(units: [a.unit], from: first, to: first.adding(12), now: now, silentAfter: silent)
        #expect(days.count == 13)
        #expect(days.map(\.silent) == [0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(days.map(\.reporting) == [2, 2, 2, 1, 1, 1, 1, 1, 1, 1, 1, 1, 1])
        #expect(days.map(\.hosts) == Array(repeating: 2, count: 13))
        let compliance = try store.dailyCompliance(units: [a.unit], from: first, to: first.adding(12), now: now, silentAfter: silent).filter { $0.control == pw }
        // The silent host counts in no control: from day 3 only a's status is counted.
        #expect(compliance.map(\.counts.pass) == [2, 2, 2, 1, 1, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(compliance.map(\.counts.fail) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1])
        // a stops reporting too: silent at the end of day 12, after the roll-up froze day 11.
        let later = try store.unitDays(units: [a.unit], from: first.adding(12), to: first.adding(13), now: at(13), silentAfter: silent)
        #expect(later.map(\.silent) == [2, 2] && later.map(\.reporting) == [0, 0])
        #expect(try store.dailyCompliance(units: [a.unit], from: first.adding(12), to: first.adding(13), now: at(13), silentAfter: silent).isEmpty)
        // b's outbox delivers day 2's report late: day 2 is counted again, and b is silent from the
        // end of day 5 only.
        _ = try store.ingest(report(day: 2, hour: 1, statuses: [pw: .fail]), host: b)
        let again = try store.unitDays(units: [a.unit], from: first, to: first.adding(11), now: at(13), silentAfter: silent)
        #expect(again.map(\.silent) == [0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1])
        let day2 = try store.dailyCompliance(units: [a.unit], from: first.adding(2), to: first.adding(2), now: at(13), silentAfter: silent).first { $0.control == pw }
        #expect(day2?.counts.pass == 1 && day2?.counts.fail == 1)
    }

    /// A past period's answers (issue 14 point 1) as its end saw them: a reports days 0–3, b days 0–9,
    /// c is enrolled and never reports; c's second fix is applied after the period's end.
    @Test(arguments: StoreEngine.allCases) func aPeriodIsAnsweredAsItsEndSawIt(engine: StoreEngine) throws {
        let store = try engine.open()
        for day in 0...3 { _ = try store.ingest(report(day: day), host: a) }
        for day in 0...9 { _ = try store.ingest(report(day: day), host: b) }
        try store.createToken(hash: "t", unit: a.unit, createdBy: "o", expiresAt: at(1), now: at(0))
        let c = try store.enroll(tokenHash: "t", hostname: "pc-c", now: at(0)) { _ in IssuedCertificate(serial: "0c", notAfter: at(400)) }
        let week: TimeInterval = 7 * 86_400

        let early = try store.hostsAt(units: [a.unit], end: at(5), silentAfter: week)
        #expect(early.map(\.host) == [a.id, b.id, c.id])
        #expect(early.map(\.state) == [.reporting, .reporting, .neverReported])
        #expect(early.map(\.latestAt) == [Timestamp(at(3)), Timestamp(at(4)), nil])
        #expect(early.first?.summary?.pass == Self.controls.count && early.last?.summary == nil)
        #expect(try store.hostsAt(units: [a.unit], end: at(20), silentAfter: week).map(\.state) == [.silent, .silent, .neverReported])

        // Reports are at 19:06 in Vietnam: a is silent from the end of day 10, b of day 16; c is
        // never reported on each of the 21 days.
        let first = OfficeDay(containing: at(0))
        let quiet = try store.quietDays(units: [a.unit], from: first, to: first.adding(20), silentAfter: week)
        #expect(quiet.mapValues { [$0.silent, $0.neverReported] } == [a.id: [11, 0], b.id: [5, 0], c.id: [0, 21]])

        let officer = ActingOfficer.local("o")
        let applied = try store.approveJob(host: c.id, controls: ["VN-TD-PW-001"], officer: officer, expiresAt: at(3), now: at(1))
        #expect(try store.finishJob(id: applied.id, host: c.id, result: JobResult(state: .applied, transaction: "t1", message: nil, fixed: nil), now: at(2)) == .recorded)
        let late = try store.approveJob(host: c.id, controls: ["VN-TD-PW-004"], officer: officer, expiresAt: at(6), now: at(4))
        #expect(try store.finishJob(id: late.id, host: c.id, result: JobResult(state: .applied, transaction: "t2", message: nil, fixed: nil), now: at(10)) == .recorded)
        let jobs = try store.jobRecords(units: [a.unit], from: at(0), to: at(8))
        #expect(jobs.map(\.job.id) == [applied.id, late.id])
        #expect(jobs.map(\.job.state) == [.applied, .expired] && jobs.map(\.job.transaction) == ["t1", nil])
        #expect(jobs.map(\.finishedAt) == [Timestamp(at(2)), nil] && jobs.map(\.unit) == [a.unit, a.unit])
        #expect(try store.jobRecords(units: ["Trạm y tế xã Tứ Dân"], from: at(0), to: at(8)).isEmpty)
    }

    /// An inspection snapshot (issue 14 point 4) reads the unit as it stood: each host's newest report
    /// received by then, its revocation, each control's status at an instant, and the audit entry.
    @Test(arguments: StoreEngine.allCases) func aSnapshotReadsTheUnitAsItStood(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        let sent = (0...2).map { report(day: $0, statuses: $0 == 2 ? [pw: .fail] : [:]) }
        for report in sent { _ = try store.ingest(report, host: a) }
        try store.createToken(hash: "t", unit: a.unit, createdBy: "o", expiresAt: at(1), now: at(0))
        let c = try store.enroll(tokenHash: "t", hostname: "pc-c", now: at(0)) { _ in IssuedCertificate(serial: "0c", notAfter: at(400)) }
        #expect(try store.revoke(host: c.id, by: .local("o"), now: at(1)) == 1)

        #expect(try store.knownUnits() == [a.unit])
        // Reports are received now, and times are kept to the second.
        let later = Date().addingTimeInterval(2)
        let hosts = try store.snapshotHosts(unit: a.unit, at: later)
        let hostA = try #require(hosts.first { $0.id == a.id }), hostC = try #require(hosts.first { $0.id == c.id })
        #expect(hosts.count == 2 && hosts.map(\.id) == hosts.map(\.id).sorted())
        #expect(hostA.latest?.id == sent[2].reportId && hostA.latest?.summary.fail == 1 && hostA.latest?.bodyKept == true && hostA.revokedAt == nil)
        #expect(hostC.latest == nil && hostC.revokedAt == Timestamp(at(1)) && hostC.hostname == "pc-c")
        // Before any report was received, a has none; before c was revoked, it is not.
        #expect(try store.snapshotHosts(unit: a.unit, at: at(0, hour: 1)).first { $0.id == c.id }?.revokedAt == nil)
        let body = try #require(try store.reportBody(id: sent[2].reportId))
        #expect(try JSONDecoder().decode(Report.self, from: body).reportId == sent[2].reportId)

        #expect(try store.controlStatuses(host: a.id, at: at(1, hour: 1)).first { $0.control == pw }?.status == "pass")
        #expect(try store.controlStatuses(host: a.id, at: later).first { $0.control == pw }?.status == "fail")
        #expect(try store.controlStatuses(host: a.id, at: later).count == Self.controls.count)

        try store.recordSnapshot(SnapshotRecord(unit: a.unit, day: "2026-09-23", sha256: "ab", bytes: 10, files: 3, channel: "cli"), by: .local("o"), now: at(3))
        let entry = try #require(try store.auditEntries(unit: a.unit, before: nil, limit: 1).first)
        #expect(entry.action == .snapshotTaken && entry.subject == "2026-09-23" && entry.detail["sha256"] == "ab" && entry.detail["files"] == "3")
    }

    @Test(arguments: StoreEngine.allCases) func bodiesAreKeptForTheRetentionAndTheLatestAlways(engine: StoreEngine) throws {
        let store = try engine.open(reportBodyRetention: 86_400)
        let old = report(day: 0), latest = report(day: 1)
        _ = try store.ingest(old, host: a)
        _ = try store.ingest(latest, host: a)
        // Both are older than a day (the base is in the past): only the latest is kept whole.
        #expect(try store.storedReport(id: old.reportId) == nil)
        #expect(try store.storedReport(id: latest.reportId)?.results.count == Self.controls.count)
        #expect(try store.history(host: a.id, limit: 10).count == 2)
    }

    @Test func officeDaysAreVietnamsCalendar() throws {
        #expect(OfficeDay(containing: Date(timeIntervalSince1970: 1_790_000_000)).description == "2026-09-21")
        // 17:00 UTC is midnight in Vietnam.
        #expect(OfficeDay(containing: Date(timeIntervalSince1970: 1_790_035_200 + 17 * 3600)).description == "2026-09-23")
        #expect(OfficeDay(containing: Date(timeIntervalSince1970: 1_790_035_200 + 17 * 3600 - 1)).description == "2026-09-22")
        let day = try #require(OfficeDay("2026-12-31"))
        #expect(day.adding(1).description == "2027-01-01" && Timestamp(day.end).description == "2026-12-31T17:00:00Z")
        #expect(OfficeDay("2026-02-30") == nil && OfficeDay("26-1-1") == nil && OfficeDay("2026-1-01") == nil)
    }
}

extension HistoryStoreTests {
    /// The body put together from the results' bytes is the report, even when evidence holds the
    /// text `"results":[]` (escaped in JSON, so never taken for the key).
    @Test(arguments: StoreEngine.allCases) func aStoredBodyIsTheReport(engine: StoreEngine) throws {
        let store = try engine.open()
        let sent = report(day: 0, evidence: #"{"results":[]} and "results":[]"#)
        _ = try store.ingest(sent, host: a)
        var expected = sent
        expected.summary = Report.Summary(sent.results)
        #expect(try store.storedReport(id: sent.reportId) == expected)
    }
}

extension HistoryStoreTests {
    /// A waiver counts the days it is in force at their end as waived, apart from pass and fail, and
    /// only those: recorded on day 6 and expiring during day 8, it counts days 6 and 7 and changes
    /// neither the days before nor after.
    @Test(arguments: StoreEngine.allCases) func waivedDaysAreCountedApart(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        for day in 0...9 { _ = try store.ingest(report(day: day, statuses: day >= 5 ? [pw: .fail] : [:]), host: a) }
        let officer = ActingOfficer(name: "canbo", role: "unit-officer")
        _ = try store.recordWaiver(WaiverRequest(unit: a.unit, control: pw, justification: "Máy chờ thay thế", approvedBy: "Chủ tịch UBND xã",
                                                 expiresAt: Timestamp(at(8))), by: officer, now: at(6))
        let first = OfficeDay(containing: at(0))
        let days = try store.dailyCompliance(units: [a.unit], from: first, to: first.adding(9), now: at(10), silentAfter: 7 * 86_400).filter { $0.control == pw }
        #expect(days.map(\.counts.fail) == [0, 0, 0, 0, 0, 1, 0, 0, 1, 1])
        #expect(days.map(\.counts.waived) == [0, 0, 0, 0, 0, 0, 1, 1, 0, 0])
        #expect(days.map(\.counts.pass) == [1, 1, 1, 1, 1, 0, 0, 0, 0, 0])
    }
}

extension HistoryStoreTests {
    /// Summed over units, a day's figures are the sum of each unit's, today (computed) as closed days
    /// (frozen).
    @Test(arguments: StoreEngine.allCases) func unitsSummedAreTheSumOfEachUnit(engine: StoreEngine) throws {
        let store = try engine.open()
        let other = HostIdentity(id: "h-c", unit: "Trạm y tế xã")
        for day in 0...3 {
            _ = try store.ingest(report(day: day, statuses: ["VN-TD-PW-001": .fail]), host: a)
            _ = try store.ingest(report(day: day, statuses: day > 1 ? ["VN-TD-PW-001": .fail] : [:]), host: other)
        }
        let first = OfficeDay(containing: at(0)), units: Set = [a.unit, other.unit]
        let each = try store.dailyCompliance(units: units, from: first, to: first.adding(3), now: at(3, hour: 1), silentAfter: 7 * 86_400)
        let summed = try store.dailyCompliance(units: units, from: first, to: first.adding(3), now: at(3, hour: 1), silentAfter: 7 * 86_400, combined: true)
        #expect(summed.allSatisfy { $0.unit.isEmpty } && summed.count == 4 * Self.controls.count)
        for row in summed {
            var expected = ShownCounts()
            for part in each where part.day == row.day && part.control == row.control { expected.add(part.counts) }
            #expect(row.counts == expected, "\(row.day) \(row.control)")
        }
        #expect(summed.filter { $0.control == "VN-TD-PW-001" }.map(\.counts.fail) == [1, 1, 2, 2])
    }
}

extension HistoryStoreTests {
    /// Two reports of one run start in the same second and the first to arrive is the later one:
    /// the stretch keeps its length and takes the status of the one received last.
    @Test(arguments: StoreEngine.allCases) func aLateReportInTheSameSecondReplacesTheStatus(engine: StoreEngine) throws {
        let store = try engine.open()
        let pw = "VN-TD-PW-001"
        _ = try store.ingest(report(day: 0), host: a)
        _ = try store.ingest(report(day: 1, statuses: [pw: .fail]), host: a)
        _ = try store.ingest(report(day: 2), host: a)
        // Day 1 again, same second, received last (behind day 2).
        _ = try store.ingest(report(day: 1, statuses: [pw: .error]), host: a)
        let spans = try store.statusSpans(host: a.id, control: pw)
        #expect(spans.map(\.status) == ["pass", "error", "pass"])
        #expect(spans.map { $0.until?.date } == [at(1), at(2), nil])
    }
}
