import CollectorStore
import Crypto
import Foundation
import GRDB
import HardeningCore
import Testing

/// The issued reports (issue 14 point 3): kept byte for byte with the collector's SHA-256, written in
/// the audit log, each scheduled report once, never changed or deleted, read by unit.
@Suite struct IssuedReportStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-issued-\(UUID()).sqlite").path
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"
    static let now = Date(timeIntervalSince1970: 1_798_848_000) // 2027-01-02 00:00 UTC
    let q4 = (OfficeDay(year: 2026, month: 10, day: 1), OfficeDay(year: 2026, month: 12, day: 31))

    func report(_ unit: String?, format: String = "html", bytes: Data = Data("<!DOCTYPE html><p>Báo cáo</p>".utf8)) -> NewIssuedReport {
        NewIssuedReport(unit: unit, periodKind: "quarter", from: q4.0, to: q4.1, format: format, fileName: "Bao-cao-ATTT_\(unit ?? "Toan-xa")_2026-Q4.\(format)", data: bytes)
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: StoreEngine.allCases) func aKeptReportIsTheBytesWithTheirSHA256AndAnAuditEntry(engine: StoreEngine) throws {
        let store = try engine.open()
        let bytes = Data((0..<200_000).map { UInt8($0 % 251) })
        let kept = try #require(try store.keepReport(report(Self.unit, format: "pdf", bytes: bytes), by: .local("vpxa"), now: Self.now))
        #expect(kept.sha256 == Self.sha256(bytes) && kept.size == bytes.count && kept.createdBy == "vpxa" && kept.createdAt.date == Self.now)
        let (again, data) = try #require(try store.issuedReport(id: kept.id))
        #expect(again == kept && data == bytes)
        #expect(try store.issuedReport(id: kept.id + 1) == nil)
        let entry = try #require(try store.auditEntries(unit: Self.unit, before: nil, limit: 10).first)
        #expect(entry.action == .reportIssued && entry.officer == "vpxa" && entry.role == "local-admin")
        #expect(entry.detail["sha256"] == kept.sha256 && entry.detail["report"] == String(kept.id) && entry.subject == "2026-10-01…2026-12-31")
    }

    @Test(arguments: StoreEngine.allCases) func theScheduledRunKeepsEachReportOnceOfficersAsOftenAsTheyAsk(engine: StoreEngine) throws {
        let store = try engine.open()
        let scheduled = ActingOfficer(name: IssuedReport.scheduled, role: "collector")
        #expect(try !store.scheduledReportKept(unit: nil, from: q4.0, to: q4.1, format: "html"))
        #expect(try store.keepReport(report(nil), by: scheduled, now: Self.now) != nil)
        #expect(try store.scheduledReportKept(unit: nil, from: q4.0, to: q4.1, format: "html"))
        #expect(try !store.scheduledReportKept(unit: nil, from: q4.0, to: q4.1, format: "pdf"))
        #expect(try !store.scheduledReportKept(unit: Self.unit, from: q4.0, to: q4.1, format: "html"))
        // The same report again from the schedule: nothing stored, no audit entry.
        #expect(try store.keepReport(report(nil), by: scheduled, now: Self.now) == nil)
        // An officer's own copy is kept beside it, each time.
        #expect(try store.keepReport(report(nil), by: .local("vpxa"), now: Self.now) != nil)
        #expect(try store.keepReport(report(nil), by: .local("vpxa"), now: Self.now) != nil)
        #expect(try store.issuedReports(units: nil, commune: true, limit: 10).map(\.createdBy) == ["vpxa", "vpxa", IssuedReport.scheduled])
        #expect(try store.auditEntries(unit: nil, before: nil, limit: 10).filter { $0.action == .reportIssued }.count == 3)
    }

    @Test(arguments: StoreEngine.allCases) func eachOfficerListsTheReportsOfWhatTheyMayRead(engine: StoreEngine) throws {
        let store = try engine.open()
        let commune = try #require(try store.keepReport(report(nil), by: .local("a"), now: Self.now))
        let own = try #require(try store.keepReport(report(Self.unit), by: .local("a"), now: Self.now))
        let other = try #require(try store.keepReport(report(Self.other), by: .local("a"), now: Self.now))
        #expect(try store.issuedReports(units: nil, commune: true, limit: 10).map(\.id) == [other.id, own.id, commune.id])
        #expect(try store.issuedReports(units: [Self.unit], commune: false, limit: 10).map(\.id) == [own.id])
        #expect(try store.issuedReports(units: [Self.unit, Self.other], commune: true, limit: 10).map(\.id) == [other.id, own.id, commune.id])
        #expect(try store.issuedReports(units: [], commune: false, limit: 10).isEmpty)
        #expect(try store.issuedReports(units: nil, commune: true, limit: 2).count == 2)
        #expect(try store.issuedReport(id: commune.id)?.0.unit == nil)
    }

    @Test func whatWasSentIsNeverChangedNorDeleted() throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        let kept = try #require(try store.keepReport(report(Self.unit), by: .local("a"), now: Self.now))
        let database = try DatabaseQueue(path: path)
        #expect(throws: (any Error).self) { try database.write { try $0.execute(sql: "UPDATE issued_report SET body = x'00' WHERE id = ?", arguments: [kept.id]) } }
        #expect(throws: (any Error).self) { try database.write { try $0.execute(sql: "DELETE FROM issued_report") } }
        #expect(try store.issuedReport(id: kept.id)?.1 == Data("<!DOCTYPE html><p>Báo cáo</p>".utf8))
    }

    @Test(arguments: StoreEngine.allCases) func emptyOversizedOrNamelessReportsAreRefused(engine: StoreEngine) throws {
        let store = try engine.open()
        #expect(throws: ExceptionRefusal.self) { try store.keepReport(report(Self.unit, bytes: Data()), by: .local("a"), now: Self.now) }
        #expect(throws: ExceptionRefusal.self) {
            try store.keepReport(report(Self.unit, bytes: Data(count: IssuedReport.maxBytes + 1)), by: .local("a"), now: Self.now)
        }
        var nameless = report(Self.unit)
        nameless.fileName = ""
        #expect(throws: ExceptionRefusal.self) { try store.keepReport(nameless, by: .local("a"), now: Self.now) }
        var backwards = report(Self.unit)
        backwards.from = q4.1.adding(1)
        #expect(throws: ExceptionRefusal.self) { try store.keepReport(backwards, by: .local("a"), now: Self.now) }
        #expect(try store.issuedReports(units: nil, commune: true, limit: 10).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func unitsAreThoseWithAHostEnrolledBeforeTheInstant(engine: StoreEngine) throws {
        let store = try engine.open()
        try Self.enroll(store, unit: Self.unit, at: Date(timeIntervalSince1970: 1_780_000_000)) // 2026-05-28
        try Self.enroll(store, unit: Self.other, at: Self.now) // 2027-01-02
        #expect(try store.unitsEnrolled(before: q4.1.end) == [Self.unit])
        #expect(try store.unitsEnrolled(before: Self.now.addingTimeInterval(1)) == [Self.unit, Self.other].sorted())
    }

    @Test func aReleasedDatabaseMigratesToIssuedReports() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteCollectorStore(path: path, migrateUpTo: "v6-audit-no-replace")
        let store = try SQLiteCollectorStore(path: path)
        #expect(try store.appliedMigrations().contains("v7-issued-reports"))
        #expect(try store.keepReport(report(nil), by: .local("a"), now: Self.now) != nil)
    }

    /// A host enrolled at a given time, as `attt enroll` does it through a one-time token.
    static func enroll(_ store: any EnrollmentStore, unit: String, at date: Date) throws {
        let hash = UUID().uuidString
        try store.createToken(hash: hash, unit: unit, createdBy: "test", expiresAt: date.addingTimeInterval(86_400), now: date)
        _ = try store.enroll(tokenHash: hash, hostname: "pc-\(hash.prefix(4))", now: date) { _ in IssuedCertificate(serial: UUID().uuidString, notAfter: date.addingTimeInterval(365 * 86_400)) }
    }
}
