import CollectorReports
@testable import CollectorServer
import CollectorStore
import Foundation
import HardeningCore
import Logging
import OfficeDocuments
import Testing

/// The scheduled run of the periodic reports (issue 14 point 3), at an explicit instant on a store of
/// hosts enrolled in 2026: on 2 January 2027 it makes the fourth quarter's and the year's reports for
/// the commune and each unit, and a second run makes nothing new.
@Suite struct ReportSchedulerTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-schedule-\(UUID()).sqlite").path
    static let units = ["Trạm y tế xã", "UBND xã Tứ Dân"]
    /// 2027-01-02 00:00 UTC, 07:00 in Việt Nam.
    static let now = Date(timeIntervalSince1970: 1_798_848_000)

    func store() throws -> SQLiteCollectorStore {
        let store = try SQLiteCollectorStore(path: path)
        for (unit, at) in [(Self.units[0], 1_772_000_000), (Self.units[1], 1_780_000_000), (Self.units[1], 1_790_000_000)] {
            try Self.enroll(store, unit: unit, at: Date(timeIntervalSince1970: TimeInterval(at)))
        }
        // Enrolled on 1 January 2027: not in last year's reports.
        try Self.enroll(store, unit: "Trường tiểu học xã", at: Date(timeIntervalSince1970: 1_798_790_400))
        return store
    }

    func scheduler(_ store: SQLiteCollectorStore) -> ReportScheduler {
        ReportScheduler(delivery: ReportDelivery(store: store, settings: CollectorSettings()), logger: Logger(label: "test"))
    }

    @Test func theQuarterAndTheYearJustClosedAreDueForTheCommuneAndEachUnit() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let due = try scheduler(store).due(now: Self.now, formats: [.html, .pdf])
        let expected = [ReportPeriod.quarter(year: 2026, 4), .year(2026)].flatMap { period in
            ([ReportScope.commune] + Self.units.map(ReportScope.unit)).flatMap { scope in
                [DocumentFormat.html, .pdf].map { ReportScheduler.Due(scope: scope, period: period, format: $0) }
            }
        }
        #expect(due == expected)
        // In the second quarter only the first quarter is due; before any PC enrolled, nothing.
        let may = try scheduler(store).due(now: Date(timeIntervalSince1970: 1_810_000_000), formats: [.html])
        #expect(Set(may.map(\.period)) == [.quarter(year: 2027, 1)] && may.count == 1 + 3)
        #expect(try scheduler(store).due(now: Date(timeIntervalSince1970: 1_770_000_000), formats: [.html]).isEmpty)
    }

    @Test func theNextRunIsTheStartOfTheNextDayInVietnam() {
        // 2026-12-06 12:00 UTC is 19:00 in Việt Nam: the next day starts at 17:00 UTC.
        let noon = Date(timeIntervalSince1970: 1_796_558_400)
        #expect(ReportScheduler.nextRun(after: noon) == Date(timeIntervalSince1970: 1_796_576_400))
        // 17:00 UTC exactly is midnight: the next run is a day later, never now again.
        #expect(ReportScheduler.nextRun(after: Date(timeIntervalSince1970: 1_796_576_400)) == Date(timeIntervalSince1970: 1_796_662_800))
    }

    @Test(.enabled(if: DocumentRenderer().available.contains(.html), "needs the HTML renderer (OfficeDocuments)"))
    func aRunKeepsEachReportOnceAndASecondRunMakesNothing() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let kept = try scheduler(store).prepare(now: Self.now, formats: [.html])
        #expect(kept.count == 2 * 3)
        #expect(Set(kept.map(\.unit)) == Set([nil] + Self.units.map(Optional.some)))
        #expect(Set(kept.map { "\($0.from)…\($0.to)" }) == ["2026-10-01…2026-12-31", "2026-01-01…2026-12-31"])
        for report in kept {
            let (stored, data) = try #require(try store.issuedReport(id: report.id))
            #expect(stored.createdBy == IssuedReport.scheduled && ReportDelivery.sha256(data) == stored.sha256)
            #expect(String(decoding: data.prefix(15), as: UTF8.self).lowercased() == "<!doctype html>")
        }
        #expect(try scheduler(store).prepare(now: Self.now, formats: [.html]).isEmpty)
        #expect(try scheduler(store).prepare(now: Self.now.addingTimeInterval(86_400), formats: [.html]).isEmpty)
        #expect(try store.issuedReports(units: nil, commune: true, limit: 100).count == 6)
    }

    @Test func namesAreSafeAndPeriodsAreWrittenAsOfficersWriteThem() throws {
        let name = ReportDelivery.fileName(scope: .unit("UBND xã Tứ Dân/../x\n"), period: .quarter(year: 2026, 4), format: .csv)
        #expect(name == "Bao-cao-ATTT_UBND xã Tứ Dân_.._x__2026-Q4.csv.zip")
        #expect(Attachment.asciiName(name) == "Bao-cao-ATTT_UBND_xa_Tu_Dan_.._x__2026-Q4.csv.zip")
        #expect(try ReportInput.period(named: "2026-Q4") == .quarter(year: 2026, 4))
        #expect(try ReportInput.period(named: "2026") == .year(2026))
        #expect(try ReportInput.period(from: "2026-10-01", to: "2026-12-31") == .quarter(year: 2026, 4))
        for bad in ["2026-Q5", "26", "2026-q4", "", "2026-Q4x"] {
            #expect(throws: ReportInput.Refusal.self) { try ReportInput.period(named: bad) }
        }
        #expect(throws: ReportInput.Refusal.self) { try ReportInput.period(from: "2026-12-31", to: "2026-10-01") }
        #expect(throws: ReportInput.Refusal.self) { try ReportInput.period(from: "2026-02-30", to: "2026-03-01") }
    }

    @Test func theScheduleIsOnUnlessTurnedOff() async throws {
        #expect(try await SettingsLoader.load(file: nil, flags: [:], environment: [:]).reportSchedule)
        #expect(try await !SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_REPORTS_SCHEDULE": "false"]).reportSchedule)
        await #expect(throws: SettingsLoader.Problem.self) { try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_REPORTS_SCHEDULE": "maybe"]) }
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("attt-schedule-\(UUID()).yaml").path
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "reports:\n  schedule: false\n".write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try await !SettingsLoader.load(file: file, flags: [:], environment: [:]).reportSchedule)
        try "reports:\n  schedule: sometimes\n".write(toFile: file, atomically: true, encoding: .utf8)
        await #expect(throws: SettingsLoader.Problem.self) { try await SettingsLoader.load(file: file, flags: [:], environment: [:]) }
    }

    static func enroll(_ store: SQLiteCollectorStore, unit: String, at date: Date) throws {
        let hash = UUID().uuidString
        try store.createToken(hash: hash, unit: unit, createdBy: "test", expiresAt: date.addingTimeInterval(86_400), now: date)
        _ = try store.enroll(tokenHash: hash, hostname: "pc-\(hash.prefix(4))", now: date) { _ in IssuedCertificate(serial: UUID().uuidString, notAfter: date.addingTimeInterval(365 * 86_400)) }
    }
}
