import CollectorReports
import CollectorStore
import Foundation

/// One whole incident at the Trạm y tế in December 2025, as the register would give it: two PCs isolated
/// (one by an order from the collector, one at the PC, whose clock says nonsense), evidence collected
/// on both (one manifest signed, one whose signature failed), the firewall flushed under one isolation,
/// a restore, both released, a report to the Văn phòng, two user reports (one taken up on time, one late),
/// and hostile text in every field a person or a PC fills: markup, ampersands, quotes, a control
/// character, a bidi override and a 150-letter word.
enum IncidentSample {
    static let unit = ReportYear.unitB
    /// 2025-12-10 was a Wednesday.
    static func at(_ day: Int, _ hour: Int, _ minute: Int = 0) -> Date {
        OfficeDay(year: 2025, month: 12, day: day).start.addingTimeInterval(TimeInterval(hour * 3600 + minute * 60))
    }

    static let hostile = "<script>alert(\"x\")</script> & 'quoted'"
    static let longWord = String(repeating: "A", count: 150)
    static let title = "Máy kế toán bị mã hóa dữ liệu \(hostile)"
    static let cause = "Mã độc tống tiền lây qua USB; tệp \(longWord).exe được chạy\u{07} với quyền \u{202E}quản trị."
    static let result = "Đã khôi phục dữ liệu kế toán từ bản sao lưu ngày 09/12/2025; hai máy hoạt động bình thường & đã gỡ cách ly."
    static let sums1 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    static let sums2 = "60303ae22b998861bce3b28f33eec1be758a213c86c93c076dbe9f558c11c752"
    static let issued = at(11, 9, 15)

    static func step(_ n: Int, _ host: String?, _ kind: IncidentDossier.Step.Kind, _ received: Date, atHost: String?, actor: String, tx: String? = nil,
                     _ outcome: IncidentDossier.Step.Outcome = .done, detail: String? = nil) -> IncidentDossier.Step {
        IncidentDossier.Step(id: UUID(uuidString: "00000000-0000-0000-0000-0000000000\(n < 10 ? "0" : "")\(n)")!, host: host.map { "h-\($0)" }, hostname: host,
                             kind: kind, atHost: atHost, receivedAt: received, actor: actor, transaction: tx, outcome: outcome, detail: detail)
    }

    static let officer = "Nguyễn Thị Hằng"
    static let head = "Đặng Quốc Việt"

    static let steps = [
        step(1, "pc-b1", .isolationOrdered, at(10, 9, 0), atHost: nil, actor: officer),
        step(2, "pc-b1", .isolate, at(10, 9, 2), atHost: "2025-12-10T02:01:30Z", actor: "\(officer) (collector job)", tx: "000002-20251210T020130Z",
             detail: "cho phép: máy chủ thu thập 10.231.7.1:8443; SSH từ 10.20.0.0/24; DHCP."),
        step(3, "pc-b2", .isolate, at(10, 9, 10), atHost: "hôm qua <b>", actor: officer, tx: "000001-20251210T021000Z", detail: hostile),
        step(4, "pc-b1", .collect, at(10, 10, 30), atHost: "2025-12-10T03:29:00Z", actor: officer, detail: "1.234 tệp sao chép ra /media/usb-evidence"),
        step(5, "pc-b2", .collect, at(10, 10, 50), atHost: "2025-12-10T03:49:00Z", actor: officer),
        step(6, "pc-b2", .isolationLost, at(10, 11, 0), atHost: "2025-12-10T03:59:00Z", actor: "attt", detail: "cách ly bị gỡ ngoài ý muốn lúc 10:58"),
        step(7, "pc-b1", .restore, at(10, 14, 0), atHost: "2025-12-10T06:59:00Z", actor: officer, tx: "000003-20251210T065900Z"),
        step(8, "pc-b1", .release, at(10, 15, 0), atHost: "2025-12-10T07:59:00Z", actor: officer, tx: "000004-20251210T075900Z"),
        step(9, "pc-b2", .release, at(10, 15, 5), atHost: "2025-12-10T08:04:00Z", actor: officer, tx: "000002-20251210T080400Z"),
    ]

    static let userReports = [
        // Wednesday 08:30, taken up on Friday: after the end of Thursday, late.
        IncidentDossier.UserReport(id: UUID(), host: "h-pc-b1", hostname: "pc-b1", unit: unit, login: "ketoan", receivedAt: at(10, 8, 30),
                                   text: "Không mở được tệp Excel, tên tệp đổi thành .locked \(hostile)", acknowledgedAt: at(12, 9), acknowledgedBy: officer),
        // Friday 10:00, taken up on Monday: within one working day.
        IncidentDossier.UserReport(id: UUID(), host: "h-pc-b2", hostname: "pc-b2", unit: unit, login: "thuquy", receivedAt: at(12, 10),
                                   text: "Máy chạy rất chậm \(longWord)", acknowledgedAt: at(15, 9), acknowledgedBy: officer),
    ]

    static let dossier = IncidentDossier(
        id: UUID(uuidString: "5E1F0000-0000-4000-8000-000000000015")!, unit: unit, title: title, detectedAt: at(10, 8, 40), detectedBy: "ketoan",
        detection: .userReport, signs: [.contentChanged, .abnormalSlowness, .other], otherSigns: "Tệp đổi đuôi thành .locked & có ghi chú đòi tiền chuộc",
        severity: .high, affectedSystem: "Phần mềm kế toán MISA", hosts: [.init(id: "h-pc-b1", hostname: "pc-b1"), .init(id: "h-pc-b2", hostname: "pc-b2")],
        steps: steps,
        manifests: [
            .init(id: UUID(), host: "h-pc-b1", hostname: "pc-b1", receivedAt: at(10, 10, 31), files: 1234, bytes: 56_789_012, sumsSHA256: sums1, signature: .valid),
            .init(id: UUID(), host: "h-pc-b2", hostname: "pc-b2", receivedAt: at(10, 10, 51), files: 87, bytes: 1_048_576, sumsSHA256: sums2, signature: .invalid),
        ],
        cause: cause, result: result, state: .recovered, beyondCapacityAt: at(10, 12),
        reportedToHead: .init(at: at(10, 10), name: head),
        escalations: [.init(recipient: "Văn phòng thống kê xã Tứ Dân", sentAt: at(10, 16), means: "Văn bản", reference: "Số 12/BC-TYT")],
        userReports: userReports, recordedBy: officer, asOf: issued)

    static var settings: ReportSettings {
        var settings = ReportSettings()
        settings.governingBody = "ỦY BAN NHÂN DÂN XÃ TỨ DÂN"
        settings.place = "Tứ Dân"
        return settings
    }
}
