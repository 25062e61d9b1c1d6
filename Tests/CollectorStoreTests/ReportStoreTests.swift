import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

@Suite struct ReportStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-store-\(UUID()).sqlite").path

    func report(_ hostname: String, day: Int, failing: [String]) -> Report {
        let ids = ["VN-TD-PW-001", "VN-TD-PW-004", "VN-TD-AUTH-001", "VN-TD-SHR-001"]
        let results = ids.map { id in
            ControlResult(control: id, status: failing.contains(id) ? .fail : .pass, severity: .high, area: "x",
                          references: ["Điều 9 khoản 6"], title: LocalizedText(vi: "x", en: "x"), evidence: [], reason: nil, fixable: false, fix: nil)
        }
        return Report(reportId: UUID(), agent: "attt", host: Report.Host(hostname: hostname, machineId: nil, os: OperatingSystem(id: nil, versionId: nil, prettyName: nil), root: "/"),
                      policy: Report.PolicyInfo(id: "vn-td", version: "1", profile: .regulation, role: .workstation, tailoring: nil),
                      startedAt: Timestamp(Date(timeIntervalSince1970: 1_790_000_000 + Double(day) * 86_400)), durationMs: 60, results: results)
    }

    @Test(arguments: StoreEngine.allCases) func aReportSentTwiceIsStoredOnce(engine: StoreEngine) throws {
        let store = try engine.open()
        let r = report("pc01", day: 0, failing: ["VN-TD-PW-001"])
        let host = HostIdentity(id: "m-01", unit: "UBND xã Tứ Dân")
        #expect(try store.ingest(r, host: host) == .stored)
        #expect(try store.ingest(r, host: host) == .duplicate)
        #expect(try store.history(host: "m-01", limit: 10).count == 1)
    }

    @Test(arguments: StoreEngine.allCases) func latestStatusFailingHostsAndHistory(engine: StoreEngine) throws {
        let store = try engine.open()
        let unit = "UBND xã Tứ Dân"
        let a = HostIdentity(id: "m-a", unit: unit), b = HostIdentity(id: "m-b", unit: unit), c = HostIdentity(id: "m-c", unit: "Trạm y tế")
        _ = try store.ingest(report("pc-a", day: 0, failing: ["VN-TD-PW-001", "VN-TD-AUTH-001"]), host: a)
        let newest = report("pc-a", day: 1, failing: ["VN-TD-AUTH-001"])
        _ = try store.ingest(newest, host: a)
        _ = try store.ingest(report("pc-b", day: 0, failing: []), host: b)
        _ = try store.ingest(report("pc-c", day: 0, failing: ["VN-TD-PW-001"]), host: c)

        let latest = try store.latestStatus(unit: unit)
        #expect(latest.map(\.host) == ["m-a", "m-b"])
        #expect(latest[0].reportId == newest.reportId && latest[0].failing == ["VN-TD-AUTH-001"])
        #expect(latest[1].failing.isEmpty && latest[1].summary.pass == 4)
        // PW-001 was fixed on pc-a: only pc-c still fails it.
        #expect(try store.hostsFailing(control: "VN-TD-PW-001").map(\.host) == ["m-c"])
        #expect(try store.history(host: "m-a", limit: 10).map(\.failing.count) == [1, 2])
    }

    /// Reopening an existing database applies the versioned migrations once and keeps the data.
    @Test func reopeningKeepsData() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteCollectorStore(path: path).ingest(report("pc01", day: 0, failing: []), host: HostIdentity(id: "m", unit: "u"))
        #expect(try SQLiteCollectorStore(path: path).latestStatus(unit: "u").count == 1)
    }
}
