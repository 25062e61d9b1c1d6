import AtttTestSupport
import CollectorReports
import CollectorStore
import Foundation
import OfficeDocuments
import Testing

/// The biên bản (Điều 11 khoản 2 điểm a) and the báo cáo sự cố (điểm b) of one whole incident, in each
/// format, read back by the software an office opens them with: poppler for the PDF (LibreOffice's
/// conversion), LibreOffice for the OpenDocument, Chromium's print for the HTML. Every section, the
/// figures the dossier holds, and the hostile text printed as text.
@Suite struct IncidentDocumentsTests {
    static let renderer = DocumentRenderer()
    static func installed(_ tool: String) -> Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") }
    static let poppler = installed("pdftotext") && installed("pdfinfo")
    static var withLibreOffice: Bool { renderer.available.contains(.pdf) && poppler }
    static var withChromium: Bool { installed("chromium") && poppler }

    static let work: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attt-incident-documents-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static let record = IncidentRecordDocument(dossier: IncidentSample.dossier, settings: IncidentSample.settings, issued: IncidentSample.issued).document
    static let report = IncidentReportDocument(dossier: IncidentSample.dossier, settings: IncidentSample.settings, issued: IncidentSample.issued).document

    static func written(_ document: AdministrativeDocument, _ format: DocumentFormat, _ name: String) -> Result<URL, any Error> {
        Result {
            let url = work.appendingPathComponent("\(name).\(DocumentRenderer.fileExtension(format))")
            try renderer.render(document, as: format).write(to: url)
            return url
        }
    }

    static let recordPDF = written(record, .pdf, "bien-ban")
    static let reportPDF = written(report, .pdf, "bao-cao")

    static func run(_ tool: String, _ arguments: [String]) throws -> String {
        let output = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/\(tool)"), arguments, environment: ["HOME": work.path])
        #expect(output.status == 0, "\(tool) \(arguments): \(output.stderr.prefix(500))")
        return output.stdout
    }

    /// The text, NFC, every run of white space one space.
    static func flat(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// Without any white space: where a long word or a table cell wraps is the layout's business.
    static func squashed(_ text: String) -> String {
        String(text.precomposedStringWithCanonicalMapping.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    static func expectA4(_ pdf: URL, pages least: Int, _ format: String) throws {
        let info = try run("pdfinfo", [pdf.path])
        let size = info.split(separator: "\n").first { $0.hasPrefix("Page size:") }.map(String.init) ?? ""
        let points = size.split(separator: " ").compactMap { Double($0) }
        #expect(points.count == 2 && abs(points[0] - 595.28) < 1 && abs(points[1] - 841.89) < 1, "\(format): \(size)")
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(pages >= least, "\(format): \(pages) pages")
    }

    static let hostileSquashed = squashed(IncidentSample.hostile)

    /// What the biên bản must say in any format: its sentences whole, its table cells and long words
    /// with the white space the layout put in taken out.
    static func expectTheRecord(_ text: String, _ format: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let flat = flat(text), squashed = squashed(text)
        let sentences = [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "TRẠM Y TẾ XÃ TỨ DÂN", "Tứ Dân, ngày 11 tháng 12 năm 2025", "BIÊN BẢN",
            "Ghi nhận sự cố mất an toàn, an ninh thông tin",
            "Vào hồi 09 giờ 15 phút, ngày 11 tháng 12 năm 2025, tại Trạm y tế xã Tứ Dân, chúng tôi gồm:",
            "I. THÔNG TIN CHUNG", "II. DẤU HIỆU NHẬN BIẾT", "III. CÁC BƯỚC XỬ LÝ KHẨN CẤP", "IV. CHỨNG CỨ, DẤU VẾT", "V. NGUYÊN NHÂN",
            "VI. KẾT QUẢ KHẮC PHỤC", "VII. BÁO CÁO THỦ TRƯỞNG VÀ CÁC CƠ QUAN CÓ LIÊN QUAN",
            "Thời điểm phát hiện: 08 giờ 40 phút, ngày 10 tháng 12 năm 2025; người phát hiện: ketoan (báo cáo của người sử dụng).",
            "Mức độ: Cao.", "Máy tính bị ảnh hưởng (2 máy): pc-b1, pc-b2.",
            "Luồng tin (traffic) tăng lên bất ngờ: không.", "Nội dung bị thay đổi: có.", "Hệ thống hoạt động chậm bất thường: có.",
            "Dấu hiệu khác: Tệp đổi đuôi thành .locked & có ghi chú đòi tiền chuộc.",
            "Bước 1: Ngắt kết nối máy tính ra khỏi mạng", "Bước 2: Sao chép nhật ký và dữ liệu ra thiết bị lưu trữ", "Bước 3: Khôi phục hệ thống từ dữ liệu sao lưu mới nhất",
            "Các bản kê khai chứng cứ", "Mã băm SHA-256 của tệp SHA256SUMS",
            "chữ ký không chứng minh nội dung nhật ký là đúng sự thật",
            "Thời điểm bộ thu thập nhận bản kê khai là mốc thời gian tin cậy",
            IncidentSample.result,
            "Tình trạng sự cố đến thời điểm lập biên bản: Đã khôi phục.",
            "Đã báo cáo sự cố và kết quả khắc phục cho Thủ trưởng đơn vị, ông/bà Đặng Quốc Việt, lúc 10:00 ngày 10/12/2025.",
            "Từ 12:00 ngày 10/12/2025, sự cố được xác định vượt quá khả năng giải quyết của đơn vị",
            "Biên bản kết thúc vào hồi", "NGƯỜI LẬP BIÊN BẢN", "THỦ TRƯỞNG ĐƠN VỊ",
            "Phụ lục", "Báo cáo của người sử dụng và các bước xử lý sự cố", "(Kèm theo Biên bản số",
        ]
        for sentence in sentences { #expect(flat.contains(sentence), "\(format) does not say: \(sentence)", sourceLocation: sourceLocation) }
        // Cells, long words, hostile text: the characters in order, wherever lines wrap.
        let pieces = [
            "Máy kế toán bị mã hóa dữ liệu " + IncidentSample.hostile, "Mã độc tống tiền lây qua USB; tệp \(IncidentSample.longWord).exe",
            "với quyền ?quản trị.", "Văn phòng thống kê xã Tứ Dân", "Số 12/BC-TYT", "000002-20251210T020130Z", "000003-20251210T065900Z",
            "Không mở được tệp Excel, tên tệp đổi thành .locked " + IncidentSample.hostile, "Máy chạy rất chậm " + IncidentSample.longWord,
            "hôm qua <b>", "Cách ly bị gỡ ngoài ý muốn, đã tự thiết lập lại", "Ra lệnh cách ly từ bộ thu thập",
            "Nguyễn Thị Hằng (collector job)",
            // The manifests: host, arrival, files, bytes, signature; then each hash whole.
            "pc-b1 10/12/2025 10:31 1.234 56.789.012 hợp lệ", "pc-b2 10/12/2025 10:51 87 1.048.576 không hợp lệ",
            "pc-b1 \(IncidentSample.sums1)", "pc-b2 \(IncidentSample.sums2)", "10/12/2025 09:02", "10/12/2025 09:01", "ketoan", "thuquy", "12/12/2025 09:00",
        ]
        for piece in pieces { #expect(squashed.contains(Self.squashed(piece)), "\(format) does not print: \(piece)", sourceLocation: sourceLocation) }
        #expect(!text.contains("\u{07}") && !text.contains("\u{202E}"), "\(format): control characters are not printed", sourceLocation: sourceLocation)
        #expect(!flat.contains("Nơi nhận"), "\(format): a biên bản has no Nơi nhận", sourceLocation: sourceLocation)
    }

    static func expectTheReport(_ text: String, _ format: String, sourceLocation: SourceLocation = #_sourceLocation) {
        let flat = flat(text), squashed = squashed(text)
        let sentences = [
            "TRẠM Y TẾ XÃ TỨ DÂN", "BÁO CÁO", "Tứ Dân, ngày 11 tháng 12 năm 2025",
            "Thực hiện Điều 11 khoản 2 điểm b Quy định bảo đảm an toàn, an ninh thông tin mạng, Trạm y tế xã Tứ Dân báo cáo sự cố",
            "I. TÓM TẮT SỰ CỐ", "II. DIỄN BIẾN VÀ XỬ LÝ", "III. NGUYÊN NHÂN, THIỆT HẠI", "IV. KẾT QUẢ KHẮC PHỤC", "V. ĐỀ NGHỊ HỖ TRỢ",
            "Lúc 08 giờ 40 phút, ngày 10 tháng 12 năm 2025, ketoan phát hiện sự cố",
            "trên 2 máy tính (pc-b1, pc-b2); mức độ: cao.", "Dấu hiệu nhận biết: nội dung bị thay đổi; hệ thống hoạt động chậm bất thường; Tệp đổi đuôi",
            "Từ 12:00 ngày 10/12/2025, đơn vị xác định sự cố vượt quá khả năng giải quyết của mình.",
            "Chứng cứ: 2 lần sao chép nhật ký và dữ liệu (1.321 tệp), 1 bản kê khai có chữ ký số hợp lệ",
            "Đơn vị đã báo cáo Thủ trưởng đơn vị lúc 10:00 ngày 10/12/2025.",
            "Đã thông báo sự cố: Văn phòng thống kê xã Tứ Dân lúc 16:00 ngày 10/12/2025 (Văn bản, Số 12/BC-TYT).",
            "Thiệt hại: 2 máy tính bị ảnh hưởng.", IncidentSample.result,
            "Đề nghị Công an xã phối hợp điều tra, làm rõ nguyên nhân gây ra sự cố (Điều 11 khoản 3 điểm d).",
            "Nơi nhận:", "- Cơ quan cấp trên quản lý trực tiếp (để báo cáo, hỗ trợ)", "- Văn phòng thống kê xã (để phối hợp xử lý)", "- Công an xã (để phối hợp điều tra)",
            "- Lưu: VT", "THỦ TRƯỞNG ĐƠN VỊ", "Đặng Quốc Việt",
        ]
        for sentence in sentences { #expect(flat.contains(sentence), "\(format) does not say: \(sentence)", sourceLocation: sourceLocation) }
        for piece in ["Sự cố mất an toàn, an ninh thông tin: Máy kế toán bị mã hóa dữ liệu " + IncidentSample.hostile, "Ngắt kết nối (cách ly) máy tính khỏi mạng",
                      "Khôi phục từ bản sao lưu mới nhất", "10/12/2025 15:05", "\(IncidentSample.longWord).exe"] {
            #expect(squashed.contains(Self.squashed(piece)), "\(format) does not print: \(piece)", sourceLocation: sourceLocation)
        }
        #expect(!text.contains("\u{07}"), sourceLocation: sourceLocation)
    }

    @Test func theRecordIsSignedByTwoAndListsNoRecipients() {
        #expect(Self.record.kind == "BIÊN BẢN" && Self.record.symbol == "BB" && Self.record.recipients.isEmpty)
        #expect(Self.record.coSigner == Signature(title: "NGƯỜI LẬP BIÊN BẢN", name: "Nguyễn Thị Hằng"))
        #expect(Self.record.signature == Signature(title: "THỦ TRƯỞNG ĐƠN VỊ", name: "Đặng Quốc Việt"))
        let headings = Self.record.body.compactMap { if case .heading(let h) = $0 { h } else { nil } }
        #expect(headings.map { String($0.prefix { $0 != "." }) } == ["I", "II", "III", "IV", "V", "VI", "VII"])
        // Every step in the annex, in the order the collector received them, the PC's own clock beside.
        let steps = Self.record.tables.first { $0.id == "steps" }
        #expect(steps?.rows.count == IncidentSample.steps.count)
        #expect(steps?.rows.map { $0[2] }.contains(.text("hôm qua <b>")) == true, "a clock that is not a time is shown as sent")
        #expect(Self.record.tables.first { $0.id == "user-reports" }?.rows.count == 2)
        #expect(Self.record.tables.first { $0.id == "steps-isolate" }?.rows.count == 3, "the order and both isolations")
        #expect(Self.record.tables.first { $0.id == "steps-release" }?.rows.count == 3, "both releases and the isolation lost")
    }

    @Test func aRecordWithNothingYetSaysSo() {
        var dossier = IncidentSample.dossier
        dossier.steps = []; dossier.manifests = []; dossier.cause = nil; dossier.result = nil; dossier.reportedToHead = nil
        dossier.escalations = []; dossier.userReports = []; dossier.beyondCapacityAt = nil; dossier.state = .open
        let document = IncidentRecordDocument(dossier: dossier, settings: ReportSettings(), issued: IncidentSample.issued).document
        let paragraphs = document.body.compactMap { if case .paragraph(let p) = $0 { p } else { nil } }
        for expected in ["Chưa thực hiện.", "Chưa thu thập chứng cứ bằng phần mềm attt (Bước 2).", "Chưa xác định được nguyên nhân.", "Chưa có kết quả khắc phục.",
                         "Chưa báo cáo Thủ trưởng đơn vị (Điều 11 khoản 2 điểm a).", "Chưa báo cáo sự cố ra ngoài đơn vị."] {
            #expect(paragraphs.contains(expected), "\(expected)")
        }
        // No head named yet: a line left to write the name on, and dots for the place.
        #expect(document.signature.name == nil && document.place == "……………" && document.governingBody == nil)
        #expect(document.tables.map(\.id) == [])
    }

    @Test(.enabled(if: withLibreOffice, "needs LibreOffice (libreoffice-writer-nogui) and poppler-utils, which scripts/deps.sh installs"))
    func theRecordAsPDFSaysEverySection() throws {
        let pdf = try Self.recordPDF.get()
        try Self.expectA4(pdf, pages: 3, "biên bản pdf")
        Self.expectTheRecord(try Self.run("pdftotext", ["-raw", pdf.path, "-"]), "biên bản pdf")
        // The two signatures side by side on one line, the one who drew it up on the left.
        let lines = try Self.run("pdftotext", ["-layout", pdf.path, "-"]).split(separator: "\n").map { Self.flat(String($0)) }
        #expect(lines.contains { $0.contains("NGƯỜI LẬP BIÊN BẢN THỦ TRƯỞNG ĐƠN VỊ") })
        #expect(lines.contains { $0.contains("Nguyễn Thị Hằng Đặng Quốc Việt") })
    }

    @Test(.enabled(if: withLibreOffice, "needs LibreOffice (libreoffice-writer-nogui) and poppler-utils, which scripts/deps.sh installs"))
    func theReportAsPDFSaysEverySection() throws {
        let pdf = try Self.reportPDF.get()
        try Self.expectA4(pdf, pages: 2, "báo cáo pdf")
        Self.expectTheReport(try Self.run("pdftotext", ["-raw", pdf.path, "-"]), "báo cáo pdf")
    }

    @Test(.enabled(if: installed("soffice") && poppler, "needs LibreOffice and poppler-utils"))
    func bothOpenDocumentsOpenInLibreOffice() throws {
        for (document, name) in [(Self.record, "bien-ban-odt"), (Self.report, "bao-cao-odt")] {
            let odt = try Self.written(document, .odt, name).get()
            let out = Self.work.appendingPathComponent("out-\(name)")
            let profile = Self.work.appendingPathComponent("profile-\(name)")
            _ = try Self.run("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", out.path, odt.path])
            let text = try String(contentsOf: out.appendingPathComponent("\(name).txt"), encoding: .utf8)
            if document == Self.record { Self.expectTheRecord(text, "biên bản odt") } else { Self.expectTheReport(text, "báo cáo odt") }
        }
    }

    @Test(.enabled(if: withChromium, "needs Chromium and poppler-utils, which scripts/deps.sh installs"))
    func bothPagesPrintInChromium() throws {
        for (document, name) in [(Self.record, "bien-ban-html"), (Self.report, "bao-cao-html")] {
            let html = try Self.written(document, .html, name).get()
            let page = try String(contentsOf: html, encoding: .utf8)
            #expect(page.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;quoted&#39;") && !page.contains("<script"))
            let pdf = Self.work.appendingPathComponent("\(name).pdf")
            _ = try Self.run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(Self.work.appendingPathComponent("chromium").path)",
                                          "--print-to-pdf=\(pdf.path)", html.absoluteString])
            let isRecord = document == Self.record
            try Self.expectA4(pdf, pages: isRecord ? 3 : 2, name)
            let text = try Self.run("pdftotext", ["-raw", pdf.path, "-"])
            if isRecord { Self.expectTheRecord(text, "biên bản html") } else { Self.expectTheReport(text, "báo cáo html") }
        }
    }
}
