import Foundation
import OfficeDocuments
import Testing

/// A document two people sign (a biên bản: NGƯỜI LẬP BIÊN BẢN on the left, THỦ TRƯỞNG ĐƠN VỊ on the
/// right, Điều 11 khoản 2 điểm a): in every format the left cell of the closing holds the co-signer, side
/// by side with the signer, and no Nơi nhận; a document with recipients too prints them under it.
@Suite struct CoSignerTests {
    static let work: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attt-cosigner-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static let renderer = DocumentRenderer()

    static func record(recipients: [String] = []) -> AdministrativeDocument {
        AdministrativeDocument(
            governingBody: "Ủy ban nhân dân xã Tứ Dân", issuer: "Trạm y tế xã Tứ Dân", symbol: "BB", place: "Tứ Dân",
            date: DocumentDate(year: 2027, month: 1, day: 5), kind: "Biên bản", subject: "Ghi nhận sự cố mất an toàn, an ninh thông tin",
            body: [.paragraph("Biên bản kết thúc vào hồi 16 giờ 30 cùng ngày.")],
            recipients: recipients,
            signature: Signature(title: "Thủ trưởng đơn vị", name: "Đặng Quốc Việt"),
            coSigner: Signature(title: "Người lập biên bản", name: "Nguyễn <Thị> Hằng & \"Co\""))
    }

    static var withLibreOffice: Bool { Tools.soffice != nil && Tools.poppler }
    static var withChromium: Bool { Tools.chromium != nil && Tools.poppler }

    /// Both signatures on one line of the page, the co-signer first, and no Nơi nhận.
    static func expectSideBySide(_ pdf: URL, _ format: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let lines = try Tools.pdfText(pdf, layout: true).split(separator: "\n").map { Tools.flattened(String($0)) }
        let titles = lines.first { $0.contains("NGƯỜI LẬP BIÊN BẢN") }
        #expect(titles?.contains("NGƯỜI LẬP BIÊN BẢN THỦ TRƯỞNG ĐƠN VỊ") == true, "\(format): \(lines.suffix(8))", sourceLocation: sourceLocation)
        let names = lines.first { $0.contains("Nguyễn <Thị> Hằng") }
        #expect(names?.contains("Nguyễn <Thị> Hằng & \"Co\" Đặng Quốc Việt") == true, "\(format): \(lines.suffix(8))", sourceLocation: sourceLocation)
        #expect(!lines.joined().contains("Nơi nhận"), "\(format): a biên bản has no Nơi nhận", sourceLocation: sourceLocation)
    }

    @Test func htmlPutsTheCoSignerInTheLeftCell() throws {
        let html = String(decoding: try Self.renderer.render(Self.record(), as: .html), as: UTF8.self)
        let closing = try #require(html.range(of: "<table class=\"closing\">").map { html[$0.lowerBound...] })
        let cells = closing.components(separatedBy: "<td class=\"signature\">").dropFirst().map { $0.prefix(300) }
        #expect(cells.count == 2)
        #expect(cells.first?.contains("NGƯỜI LẬP BIÊN BẢN") == true && cells.first?.contains("Nguyễn &lt;Thị&gt; Hằng &amp; &quot;Co&quot;") == true)
        #expect(cells.last?.contains("THỦ TRƯỞNG ĐƠN VỊ") == true && cells.last?.contains("Đặng Quốc Việt") == true)
        #expect(!html.contains("Nơi nhận"))
        let withRecipients = String(decoding: try Self.renderer.render(Self.record(recipients: ["Lưu: VT"]), as: .html), as: UTF8.self)
        #expect(withRecipients.contains("<tr><td class=\"recipients\"><div class=\"recipients-title\">Nơi nhận:</div><ul><li>Lưu: VT</li></ul></td><td></td></tr>"))
    }

    @Test(.enabled(if: withChromium, "needs chromium and poppler-utils (scripts/deps.sh installs them)"))
    func htmlPrintedByChromiumShowsBothSignatures() throws {
        let html = Self.work.appendingPathComponent("bien-ban.html")
        try Self.renderer.render(Self.record(), as: .html).write(to: html)
        let pdf = Self.work.appendingPathComponent("bien-ban-html.pdf")
        try Tools.chromiumPrint(html, to: pdf, in: Self.work)
        try Self.expectSideBySide(pdf, "HTML printed by Chromium")
    }

    @Test(.enabled(if: withLibreOffice, "needs libreoffice-writer-nogui and poppler-utils (scripts/deps.sh installs them)"))
    func odtAndPDFShowBothSignatures() throws {
        let odt = Self.work.appendingPathComponent("bien-ban.odt")
        try Self.renderer.render(Self.record(), as: .odt).write(to: odt)
        try Self.expectSideBySide(try Tools.sofficeConvert(odt, to: "pdf", in: Self.work), "ODT opened by LibreOffice")
        let pdf = Self.work.appendingPathComponent("bien-ban.pdf")
        try Self.renderer.render(Self.record(), as: .pdf).write(to: pdf)
        try Self.expectSideBySide(pdf, "PDF")
        // With recipients as well, they come under the co-signer.
        let both = Self.work.appendingPathComponent("bien-ban-noi-nhan.pdf")
        try Self.renderer.render(Self.record(recipients: ["Lưu: VT"]), as: .pdf).write(to: both)
        let text = try Tools.pdfText(both)
        #expect(RenderedFormatsTests.inOrder(text, "NGƯỜI LẬP BIÊN BẢN THỦ TRƯỞNG ĐƠN VỊ Nguyễn <Thị> Hằng Đặng Quốc Việt Nơi nhận: - Lưu: VT"), "\(text.suffix(300))")
    }
}
