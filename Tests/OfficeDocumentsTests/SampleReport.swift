import OfficeDocuments

/// A report as the collector fills one, with what breaks renderers: every Vietnamese diacritic,
/// a 300-row annex table that spans pages, and a cell written by someone hostile.
enum SampleReport {
    static let subject = "Tình hình bảo đảm an toàn, an ninh thông tin mạng quý IV năm 2026 — Ủy ban nhân dân xã Tứ Dân; Nguyễn Thị Hằng; Đặng Quốc Việt; ỹ ữ ặ ẩ"
    /// Each of the 12 vowels with its five tones, and đ, in lower case then in capitals.
    static let diacritics = "à á ả ã ạ ằ ắ ẳ ẵ ặ ầ ấ ẩ ẫ ậ è é ẻ ẽ ẹ ề ế ể ễ ệ ì í ỉ ĩ ị ò ó ỏ õ ọ ồ ố ổ ỗ ộ ờ ớ ở ỡ ợ ù ú ủ ũ ụ ừ ứ ử ữ ự ỳ ý ỷ ỹ ỵ đ Đ Ằ Ắ Ẳ Ẵ Ặ Ầ Ấ Ẩ Ẫ Ậ Ề Ế Ể Ễ Ệ Ồ Ố Ổ Ỗ Ộ Ờ Ớ Ở Ỡ Ợ Ừ Ứ Ử Ữ Ự Ỳ Ý Ỷ Ỹ Ỵ"
    static let names = ["Nguyễn Thị Hằng", "Đặng Quốc Việt", "Trần Thị Ngọc Ánh", "Lê Hữu Nghĩa", "Phạm Thị Thủy", "Vũ Đức Thắng"]
    /// Markup, an ampersand, quotes, a spreadsheet formula (OWASP's example) and a control character.
    static let hostile = "<script>alert(\"x\")</script> & \"quoted\" =cmd|' /C calc'!A0 \u{07}bell"
    static let formula = "=cmd|' /C calc'!A0"
    static let governing = "Ủy ban nhân dân xã Tứ Dân"
    static let issuer = "Văn phòng Thống kê xã"
    static let signer = "Đặng Quốc Việt"

    static func hostRow(_ i: Int) -> [Cell] {
        let name: Cell = i == 7 ? .text(hostile) : i == 8 ? .text(formula) : i == 9 ? .text("-2+3") : i == 10 ? .text("@SUM(A1)") : .text("PC-TUDAN-\(i)")
        return [
            .integer(i), name, .text(names[i % names.count]),
            .percent(i % 50 == 0 ? nil : Double(i % 200) / 2),
            .change(i % 60 == 0 ? nil : Double(i % 7) - 3.5),
            .time(DocumentTime(date: DocumentDate(year: 2026, month: 12, day: 1 + i % 28), hour: i % 24, minute: i % 60,
                               iso: "2026-12-\(twoDigits(1 + i % 28))T\(twoDigits((i % 24 + 17) % 24)):\(twoDigits(i % 60)):00Z")),
            .integer(1000 * i + 234),
        ]
    }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static let hosts = Table(
        id: "hosts",
        caption: "Bảng 2. Danh sách máy tính của đơn vị và tỷ lệ đáp ứng",
        columns: [
            Column("STT", key: "index", width: 0.8), Column("Máy tính", key: "host", width: 2.2), Column("Người sử dụng", key: "user", width: 2.4),
            Column("Tỷ lệ đáp ứng", key: "compliance_percent", width: 1.1), Column("Thay đổi (điểm %)", key: "change_points", width: 1.1),
            Column("Báo cáo gần nhất", key: "last_report", width: 1.9), Column("Số lỗi ghi nhận", key: "findings", width: 1.5),
        ],
        rows: (1...300).map(hostRow),
        total: [.text("Tổng cộng"), .text("300 máy"), .empty, .percent(62.5), .change(nil), .empty, .integer((1...300).reduce(0) { $0 + 1000 * $1 + 234 })]
    )

    static let articles = Table(
        id: "../compliance-by-article",
        caption: "Bảng 1. Tỷ lệ đáp ứng theo điều của Quy định",
        columns: [Column("Điều", key: "article", width: 3), Column("Số máy đáp ứng", key: "hosts_passing"), Column("Tỷ lệ", key: "compliance_percent")],
        rows: [
            [.text("Điều 9. Quản lý tài khoản và mật khẩu"), .integer(1234), .percent(87.5)],
            [.text("Điều 10. Phòng chống mã độc"), .integer(1180), .percent(83.6)],
            [.text("Điều 11. Sao lưu dữ liệu"), .integer(905), .percent(64.1)],
        ],
        total: [.text("Cả xã"), .integer(3319), .percent(78.4)]
    )

    static let document = AdministrativeDocument(
        governingBody: governing, issuer: issuer, number: nil, symbol: "BC-VPTK", place: "Xã Tứ Dân",
        date: DocumentDate(year: 2027, month: 1, day: 5), kind: "Báo cáo", subject: subject,
        body: [
            .heading("I. TÌNH HÌNH CHUNG"),
            .paragraph("Thực hiện Quy định về bảo đảm an toàn, an ninh thông tin trên môi trường mạng trong hoạt động của các cơ quan nhà nước trên địa bàn xã Tứ Dân, Văn phòng Thống kê xã báo cáo tình hình quý IV năm 2026 như sau. " + diacritics),
            .subheading("1. Máy tính báo cáo"),
            .list(["Số máy tính đã đăng ký: 300 máy;", "Người phụ trách: " + names.joined(separator: ", ") + ";", "Ghi chú của đơn vị: " + hostile]),
            .table(articles),
            .heading("II. KIẾN NGHỊ, ĐỀ XUẤT"),
            .paragraph("Đề nghị các đơn vị khắc phục các điểm chưa đáp ứng trước ngày 31/03/2027 (Điều 9 khoản 6)."),
        ],
        recipients: ["UBND huyện (để báo cáo);", "Chủ tịch, các PCT UBND xã;", "Lưu: VT, VPTK."],
        signature: Signature(authority: "KT. Chánh Văn phòng", title: "Phó Chánh Văn phòng", name: signer),
        annexes: [Annex(label: "Phụ lục I", title: "Danh sách máy tính của đơn vị", body: [.table(hosts)])]
    )
}
