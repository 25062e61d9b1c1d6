import CollectorReports
import CollectorStore
import Foundation
import OfficeDocuments
import Testing

/// Section VI of the periodic report (Điều 11; Điều 13 khoản 9, Điều 19 khoản 2): the incidents the
/// caller gives, kept to the report's units and to what the period's end knew, counted by severity and
/// state, the reports sent up, user reports taken up within one working day, and one row per incident.
@Suite struct IncidentSectionTests {
    @Test func userReportsAreAcknowledgedWithinOneWorkingDay() throws {
        // Section VI with only the sample's two reports: the Wednesday one taken up on Friday is late,
        // the Friday one taken up on Monday is on time.
        var late = IncidentSample.userReports
        late.append(IncidentDossier.UserReport(id: UUID(), host: "h-pc-b1", hostname: "pc-b1", unit: IncidentSample.unit, login: "ketoan",
                                               receivedAt: IncidentSample.at(19, 16), text: "chưa ai xem"))
        let year = try ReportYear.shared.get()
        let reports = PeriodicReports(store: year.store, settings: ReportSettings(), silentAfter: ReportYear.silentAfter)
        let document = try reports.document(scope: .unit(IncidentSample.unit), period: ReportFiguresTests.q4, now: ReportFiguresTests.now,
                                            incidents: PeriodIncidents(userReports: late))
        let paragraphs = document.body.compactMap { if case .paragraph(let p) = $0 { p } else { nil } }
        #expect(paragraphs.contains("Không có sự cố nào được ghi nhận trong kỳ."))
        #expect(paragraphs.contains("Người sử dụng gửi 3 báo cáo sự cố (Điều 11 khoản 1 điểm a); 1 báo cáo được tiếp nhận trong 01 ngày làm việc, 1 báo cáo được tiếp nhận muộn, 1 báo cáo chưa được tiếp nhận đến hết kỳ."),
                "\(paragraphs.filter { $0.contains("Người sử dụng") })")
    }

    /// Section VI of a commune's periodic report: the incidents of its units detected by the period's
    /// end, counted by severity and state, the reports sent up, and one row each.
    static func periodIncidents() -> PeriodIncidents {
        var other = IncidentSample.dossier
        other.id = UUID(); other.unit = ReportYear.unitA; other.title = "Trang thông tin xã bị thay đổi nội dung"; other.severity = .low; other.state = .open
        other.escalations = []; other.detectedAt = IncidentSample.at(20, 7); other.cause = nil; other.result = nil
        other.hosts = [.init(id: "h-pc-a1", hostname: "pc-a1")]
        var later = IncidentSample.dossier
        later.id = UUID(); later.detectedAt = OfficeDay(year: 2026, month: 1, day: 2).start
        var elsewhere = IncidentSample.dossier
        elsewhere.id = UUID(); elsewhere.unit = "Đơn vị khác"
        return PeriodIncidents(incidents: [other, IncidentSample.dossier, later, elsewhere], userReports: IncidentSample.userReports)
    }

    @Test func sectionVICountsTheIncidentsAsTheEndSawThem() throws {
        let year = try ReportYear.shared.get()
        let reports = PeriodicReports(store: year.store, settings: IncidentSample.settings, silentAfter: ReportYear.silentAfter)
        let figures = try reports.figures(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now, incidents: Self.periodIncidents())
        #expect(figures.incidents.incidents.map(\.unit) == [IncidentSample.unit, ReportYear.unitA], "another unit's and a later incident are left out, the rest by detection")
        let document = try reports.document(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now, incidents: Self.periodIncidents())
        let bySeverity = try #require(document.tables.first { $0.id == "incidents-by-severity" })
        #expect(bySeverity.columns.map(\.key) == ["severity", "open", "contained", "recovered", "closed", "total"])
        #expect(try #require(document.tables.first { $0.id == "incidents" }).columns.map(\.key)
                == ["n", "detected_at", "title", "unit", "hosts", "severity", "state", "cause", "result", "reported_up"])
        #expect(bySeverity.rows.map { $0.dropFirst().map(\.printed) } == [["1", "0", "0", "0", "1"], ["0", "0", "0", "0", "0"], ["0", "0", "1", "0", "1"], ["0", "0", "0", "0", "0"]])
        #expect(bySeverity.total?.dropFirst().map(\.printed) == ["1", "0", "1", "0", "2"])
        let table = try #require(document.tables.first { $0.id == "incidents" })
        #expect(table.rows.map { $0.map(\.printed) } == [
            ["1", "10/12/2025 08:40", DisplaySafety.printable(IncidentSample.title, limit: 200), IncidentSample.unit, "pc-b1, pc-b2", "Cao", "Đã khôi phục", "Mã độc tống tiền lây qua USB; tệp \(IncidentSample.longWord).exe được chạy? với quyền ?quản trị.", IncidentSample.result, "10/12/2025"],
            ["2", "20/12/2025 07:00", "Trang thông tin xã bị thay đổi nội dung", ReportYear.unitA, "pc-a1", "Thấp", "Đang xử lý", "", "", "Chưa"],
        ])
        let paragraphs = document.body.compactMap { if case .paragraph(let p) = $0 { p } else { nil } }
        #expect(paragraphs.contains("Trong kỳ, các cơ quan, đơn vị trên địa bàn xã ghi nhận 2 sự cố mất an toàn, an ninh thông tin theo Điều 11 của Quy định; đến hết ngày 31/12/2025: 1 đang xử lý, 0 đã ngăn chặn, 1 đã khôi phục, 0 đã kết thúc."))
        #expect(paragraphs.contains("1 sự cố đã được báo cáo ra ngoài đơn vị (cơ quan cấp trên, Văn phòng thống kê xã, Công an xã) với 1 lượt báo cáo; 1 sự cố vượt quá khả năng giải quyết của đơn vị nhưng chưa được báo cáo theo Điều 11 khoản 2 điểm b."))
        #expect(paragraphs.contains("Người sử dụng gửi 2 báo cáo sự cố (Điều 11 khoản 1 điểm a); 1 báo cáo được tiếp nhận trong 01 ngày làm việc, 1 báo cáo được tiếp nhận muộn, 0 báo cáo chưa được tiếp nhận đến hết kỳ."))
        #expect(!paragraphs.contains("Không có sự cố nào được ghi nhận trong kỳ."))
        let proposals = document.body.compactMap { if case .list(let items) = $0 { items } else { nil } }.joined()
        #expect(proposals.contains("Tiếp tục xử lý, khắc phục 2 sự cố chưa kết thúc."))

        // Without incidents the report says none was recorded.
        let empty = try reports.document(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now)
        #expect(empty.body.contains(.paragraph("Không có sự cố nào được ghi nhận trong kỳ.")) && !empty.tables.contains { $0.id == "incidents" })
    }

    @Test(.enabled(if: IncidentDocumentsTests.withLibreOffice, "needs LibreOffice (libreoffice-writer-nogui) and poppler-utils, which scripts/deps.sh installs"))
    func sectionVIPrintsInThePeriodicReport() throws {
        let year = try ReportYear.shared.get()
        let reports = PeriodicReports(store: year.store, settings: IncidentSample.settings, silentAfter: ReportYear.silentAfter)
        let document = try reports.document(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now, incidents: Self.periodIncidents())
        let pdf = try IncidentDocumentsTests.written(document, .pdf, "bao-cao-dinh-ky").get()
        try IncidentDocumentsTests.expectA4(pdf, pages: 3, "periodic report pdf")
        let text = try IncidentDocumentsTests.run("pdftotext", ["-raw", pdf.path, "-"])
        let flat = IncidentDocumentsTests.flat(text), squashed = IncidentDocumentsTests.squashed(text)
        for sentence in ["VI. SỰ CỐ MẤT AN TOÀN THÔNG TIN", "ghi nhận 2 sự cố mất an toàn",
                         "Số sự cố theo mức độ và tình trạng cuối kỳ", "Các sự cố trong kỳ", "1 báo cáo được tiếp nhận trong 01 ngày làm việc", "VII. PHƯƠNG HƯỚNG"] {
            #expect(flat.contains(sentence), "periodic report does not say: \(sentence)")
        }
        for piece in [ReportYear.unitA, "Máy kế toán bị mã hóa dữ liệu", "Trang thông tin xã bị thay đổi nội dung", "pc-b1, pc-b2", "Đã khôi phục", "Đang xử lý", "Chưa", IncidentSample.result] {
            #expect(squashed.contains(IncidentDocumentsTests.squashed(piece)) || flat.contains(piece), "periodic report does not print: \(piece)")
        }
    }
}
