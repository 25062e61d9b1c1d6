import AtttTestSupport
import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore

/// A collector's store filled with a generated year (2025) of real agents' reports: `attt check` of
/// the three fixture hosts (desktop, hardened, broken) as templates, one report a day per PC, with
/// status changes, a PC going silent, one revoked, one enrolled late and one that never reports,
/// fixes approved and applied, waivers and an attestation — every figure a report states has
/// something to count. Built once per test process and shared: the year takes a while to ingest.
struct ReportYear: Sendable {
    static let unitA = "UBND xã Tứ Dân"
    static let unitB = "Trạm y tế xã Tứ Dân"
    static let unitC = "Trường THCS Tứ Dân"
    static let units = [unitA, unitB, unitC]
    static let silentAfter: TimeInterval = 7 * 86_400

    let path: String
    let store: SQLiteCollectorStore
    /// A control the broken template fails that the applied fix turns to pass on `a2`.
    let fixedControl: String
    let appliedTransaction = "000001-20251104T080000Z"  // as the agent names its transactions (Applier.newId)
    var hosts: [String: HostIdentity]

    static let shared: Result<ReportYear, any Error> = Result { try ReportYear() }

    /// A day of 2025 at 08:00 in Vietnam (01:00 UTC), `day` counted from 1 January.
    static func at(_ day: Int, hour: Double = 8) -> Date {
        OfficeDay(year: 2025, month: 1, day: 1).adding(day).start.addingTimeInterval(hour * 3600)
    }

    static func day(_ month: Int, _ day: Int) -> Int { OfficeDay(year: 2025, month: month, day: day).number - OfficeDay(year: 2025, month: 1, day: 1).number }

    struct Missing: Error { var what: String }

    static func required<T>(_ value: T?, _ what: String = #function) throws -> T {
        guard let value else { throw Missing(what: what) }
        return value
    }

    static func template(_ fixture: String) throws -> Report {
        let output = try AtttBinary.run(["check", "--root", Repository.host(fixture).path, "--format", "json", "--now", "2025-01-01T01:00:00Z"])
        return try JSONDecoder().decode(Report.self, from: output.data)
    }

    init() throws {
        path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-report-year-\(UUID()).sqlite").path
        var limits = ReportLimits()
        limits.uploadsPerHour = 1_000_000
        store = try SQLiteCollectorStore(path: path, limits: limits)
        let desktop = try Self.template("debian12-desktop"), hardened = try Self.template("debian12-hardened"), broken = try Self.template("debian12-broken")
        fixedControl = try Self.required(broken.results.first { $0.status == .fail && $0.fixable }?.control ?? broken.results.first { $0.status == .fail }?.control)

        // (name, unit, template, role, enrolled on day, last report day or nil for the whole year)
        let plan: [(String, String, Report, Role, Int, Int?)] = [
            ("a1", Self.unitA, desktop, .workstation, 0, nil),
            ("a2", Self.unitA, broken, .workstation, 0, nil),
            ("a3", Self.unitA, hardened, .workstation, 0, nil),
            ("a4", Self.unitA, desktop, .workstation, 0, Self.day(11, 9)),
            ("b1", Self.unitB, broken, .workstation, 0, nil),
            ("b2", Self.unitB, hardened, .server, 0, nil),
            ("b3", Self.unitB, desktop, .workstation, 0, Self.day(10, 14)),
            ("c1", Self.unitC, desktop, .workstation, Self.day(7, 1), nil),
            ("c2", Self.unitC, desktop, .workstation, Self.day(12, 20), -1),
        ]
        var hosts: [String: HostIdentity] = [:]
        for (name, unit, _, _, enrolled, _) in plan {
            let now = Self.at(enrolled, hour: 7)
            try store.createToken(hash: "token-\(name)", unit: unit, createdBy: "test", expiresAt: now.addingTimeInterval(3600), now: now)
            hosts[name] = try store.enroll(tokenHash: "token-\(name)", hostname: "pc-\(name)", now: now) { _ in
                IssuedCertificate(serial: "serial-\(name)", notAfter: now.addingTimeInterval(2 * 365 * 86_400))
            }
        }
        self.hosts = hosts
        var random = SeededRandom(seed: 14)
        for (name, _, template, role, enrolled, last) in plan {
            guard let host = hosts[name], (last ?? 364) >= enrolled else { continue }
            var report = template
            report.host.hostname = "pc-\(name)"
            report.policy.role = role
            for day in enrolled...min(last ?? 364, 364) {
                report.reportId = UUID()
                report.startedAt = Timestamp(Self.at(day, hour: 8 + Double(Int.random(in: 0..<120, using: &random)) / 60))
                // Now and then a control changes, as PCs do (about one change a month per PC).
                if Int.random(in: 0..<30, using: &random) == 0 {
                    let r = Int.random(in: 0..<report.results.count, using: &random)
                    if [.pass, .fail].contains(report.results[r].status), report.results[r].control != fixedControl {
                        report.results[r].status = report.results[r].status == .pass ? .fail : .pass
                    }
                }
                if name == "a2", day == Self.day(11, 4) + 1, let r = report.results.firstIndex(where: { $0.control == fixedControl }) {
                    report.results[r].status = .pass
                }
                _ = try store.ingest(report, host: host)
            }
        }

        let officer = ActingOfficer(name: "Nguyễn Thị Hằng", role: "unit-officer")
        // A fix approved and applied in Q4; another approved in Q4 whose result came after the year.
        let a2 = try Self.required(hosts["a2"]), b1 = try Self.required(hosts["b1"])
        let applied = try store.approveJob(host: a2.id, controls: [fixedControl], officer: officer, expiresAt: Self.at(Self.day(11, 10)), now: Self.at(Self.day(11, 3), hour: 14))
        _ = try store.finishJob(id: applied.id, host: a2.id, result: JobResult(state: .applied, transaction: appliedTransaction, message: nil, fixed: [fixedControl]), now: Self.at(Self.day(11, 4)))
        let late = try store.approveJob(host: b1.id, controls: [fixedControl], officer: officer, expiresAt: Self.at(Self.day(12, 30) + 7), now: Self.at(Self.day(12, 30), hour: 14))
        _ = try store.finishJob(id: late.id, host: b1.id, result: JobResult(state: .applied, transaction: "20260102-b1", message: nil, fixed: [fixedControl]), now: Self.at(Self.day(12, 30) + 3))

        // A waiver that expired in Q4 and one in force at the year's end, both on unit B.
        let waived = try Self.required(broken.results.first { $0.status == .fail && $0.control != fixedControl }?.control)
        _ = try store.recordWaiver(WaiverRequest(unit: Self.unitB, host: b1.id, control: waived, justification: "Máy cũ, chờ thay thế theo kế hoạch", approvedBy: "Chủ tịch UBND xã",
                                                 expiresAt: Timestamp(Self.at(Self.day(11, 30)))), by: officer, now: Self.at(Self.day(10, 1)))
        _ = try store.recordWaiver(WaiverRequest(unit: Self.unitB, control: waived, justification: "Phần mềm chuyên ngành y tế chưa tương thích", approvedBy: "Chủ tịch UBND xã",
                                                 expiresAt: Timestamp(Self.at(Self.day(12, 1) + 210))), by: officer, now: Self.at(Self.day(12, 1)))
        // Unit A's internal rules (Điều 19 khoản 2), attested in Q4.
        _ = try store.recordAttestation(AttestationRequest(unit: Self.unitA, control: "VN-TD-ATT-001", attestedOn: "2025-10-05", reference: "Quyết định số 12/QĐ-UBND",
                                                           attestedBy: "Chủ tịch UBND xã", validUntil: Timestamp(Self.at(Self.day(10, 5) + 365))), by: officer, now: Self.at(Self.day(10, 6)))
        // b3 revoked in Q4: it is no longer counted from that day.
        _ = try store.revoke(host: try Self.required(hosts["b3"]).id, by: officer, now: Self.at(Self.day(10, 15)))
    }
}
