@testable import CollectorServer
@testable import CollectorStore
import Foundation
import HardeningCore
import Testing

/// The pure parts of the office's views: articles as the regulation names them, grouping, the change
/// over 30 days, and hosts filtered by state (a silent host is never among the failing).
struct OfficeViewsModelTests {
    @Test func articlesFromTheRegulationsWordsAndFromIds() {
        #expect(ControlInfo.articles(["Điều 7 khoản 3", "Điều 9 khoản 6", "Điều 7 khoản 2"]) == ["D7", "D9"])
        #expect(ControlInfo.articles(["Điều 6 (Điều kiện đảm bảo thực hiện nhiệm vụ an toàn, an ninh thông tin) khoản 5 điểm c"]) == ["D6A"])
        #expect(ControlInfo.articles(["Điều 6 (Trang thiết bị và hạ tầng công nghệ thông tin) khoản 3"]) == ["D6B"])
        #expect(ControlInfo.articles(["D6A.K5.dd", "D10.K3", "Phụ lục"]) == ["D6A", "D10"])
        #expect(Article("D6A").name.vi == "Điều 6 (Điều kiện bảo đảm)" && Article("D6B").name.vi == "Điều 6 (Trang thiết bị)")
        #expect(Article("D13").name.vi == "Điều 13" && Article("D13").name.en == "Article 13")
        #expect(["D10", "D6B", "D7", "D6A"].sorted(by: ComplianceGrouping.article.order) == ["D6A", "D6B", "D7", "D10"])
    }

    @Test func complianceGroupedWithItsChangeOver30Days() {
        let info = [
            ControlInfo(control: "VN-TD-PW-001", area: "passwords", articles: ["D9", "D6B"], severity: .high, title: LocalizedText(vi: "Mật khẩu", en: "Passwords")),
            ControlInfo(control: "VN-TD-AV-001", area: "antivirus", articles: ["D7"], severity: .high, title: LocalizedText(vi: "Mã độc", en: "Malware")),
        ]
        func day(_ control: String, pass: Int, fail: Int, waived: Int = 0) -> DailyCompliance {
            var counts = ShownCounts()
            counts.pass = pass; counts.fail = fail; counts.waived = waived
            return DailyCompliance(unit: "U", day: OfficeDay(number: 20_000), control: control, counts: counts)
        }
        let now = [day("VN-TD-PW-001", pass: 3, fail: 1, waived: 2), day("VN-TD-AV-001", pass: 1, fail: 1)]
        let before = [day("VN-TD-PW-001", pass: 1, fail: 3)]
        let byArticle = OfficeQuery.grouped(now, before, by: .article, info: info)
        #expect(byArticle.map(\.key) == ["D6B", "D7", "D9"])
        let d9 = byArticle.first { $0.key == "D9" }
        // Waived results are counted apart: 3 of 4 decided, not 5 of 6.
        #expect(d9?.compliance == 0.75 && d9?.counts.waived == 2 && d9?.change30Days == 0.5)
        #expect(byArticle.first { $0.key == "D7" }?.change30Days == nil)
        #expect(OfficeQuery.grouped(now, before, by: .area, info: info).map(\.key) == ["antivirus", "passwords"])
    }

    @Test func silentAndRevokedHostsAreCountedApartNeverAsFailingOrCompliant() {
        func host(_ id: String, _ state: HostActivity.State, failing: [String]) -> HostActivity {
            var summary = Report.Summary([])
            (summary.pass, summary.fail, summary.total) = (1, failing.count, 1 + failing.count)
            let latest = HostStatus(host: id, hostname: id, unit: "U", reportId: UUID(), startedAt: Timestamp(Date(timeIntervalSince1970: 0)),
                                    summary: summary, failing: failing, summaryOnly: false)
            return HostActivity(host: HostRecord(id: id, unit: "U", hostname: id, enrolledAt: "", lastSeen: "", revoked: state == .revoked), latest: latest, state: state)
        }
        let hosts = [host("a", .reporting, failing: ["VN-TD-PW-001"]), host("b", .silent, failing: ["VN-TD-PW-001"]),
                     host("c", .revoked, failing: ["VN-TD-PW-001"]), host("d", .reporting, failing: [])]
        let summary = UnitSummary(unit: "U", hosts: hosts, compliance: nil)
        #expect(summary.hosts == 3 && summary.reporting == 2 && summary.silent == 1 && summary.revoked == 1 && summary.failing == 1)
        #expect(hosts.filter(HostFilter.failing.includes).map(\.host.id) == ["a"])
        #expect(hosts.filter(HostFilter.silent.includes).map(\.host.id) == ["b"])
        #expect(HostSort.failing.sorted(hosts).first?.host.id == "a")
    }
}
