import Foundation
import OfficeDocuments
import Testing

/// Each format of one report, checked with the software that will read it: Chromium prints the HTML,
/// LibreOffice opens the ODT, poppler reads both PDFs, Python's zipfile and csv read the archives.
/// The files are made once for the suite (LibreOffice takes seconds to start) in a directory of its own.
@Suite struct RenderedFormatsTests {
    static let work: URL = {
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("attt-office-documents-\(UUID().uuidString)")
        try? FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
        return url
    }()

    static let renderer = DocumentRenderer()
    static func written(_ format: DocumentFormat, _ name: String) -> Result<URL, any Error> {
        Result {
            let url = work.appendingPathComponent(name)
            try renderer.render(SampleReport.document, as: format).write(to: url)
            return url
        }
    }

    static let html = written(.html, "report.html")
    static let odt = written(.odt, "report.odt")
    static let pdf = written(.pdf, "report.pdf")
    static let csv = written(.csv, "report-tables.zip")
    static let chromiumPDF = Result { () throws -> URL in
        let pdf = work.appendingPathComponent("report-html.pdf")
        try Tools.chromiumPrint(try html.get(), to: pdf, in: work)
        return pdf
    }

    static var withLibreOffice: Bool { Tools.soffice != nil && Tools.poppler }
    static var withChromium: Bool { Tools.chromium != nil && Tools.poppler }

    /// Every word of `line`, in order, with anything between: a column beside it may be read in between.
    static func inOrder(_ text: String, _ line: String) -> Bool {
        var rest = Substring(text)
        for word in line.split(separator: " ") {
            guard let found = rest.range(of: word) else { return false }
            rest = rest[found.upperBound...]
        }
        return true
    }

    /// The text without any white space: where a line wraps (after `!` in `calc'!A0`, between the
    /// letters of a justified line) is the layout's business, the characters and their order are not.
    static func squashed(_ text: String) -> String {
        String(text.precomposedStringWithCanonicalMapping.unicodeScalars.filter { !$0.properties.isWhitespace }.map(Character.init))
    }

    /// What a reader must find on the pages of `pdf`. The two-column parts (masthead, closing) are read
    /// in poppler's reading order, word by word; the rest with `-layout`, where a table row is one line.
    static func expectTheReport(in pdf: URL, _ format: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let raw = try Tools.pdfText(pdf)
        let layout = squashed(try Tools.pdfText(pdf, layout: true))
        let twoColumns = ["ỦY BAN NHÂN DÂN XÃ TỨ DÂN", "VĂN PHÒNG THỐNG KÊ XÃ", "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "Số: /BC-VPTK",
                          "Xã Tứ Dân, ngày 05 tháng 01 năm 2027",
                          "Nơi nhận:", "- UBND huyện (để báo cáo);", "KT. CHÁNH VĂN PHÒNG PHÓ CHÁNH VĂN PHÒNG", "Đặng Quốc Việt"]
        for line in twoColumns { #expect(inOrder(raw, line), "\(format): \(line)", sourceLocation: sourceLocation) }
        let whole = ["BÁO CÁO " + SampleReport.subject, SampleReport.diacritics, "Nguyễn Thị Hằng, Đặng Quốc Việt, Trần Thị Ngọc Ánh",
                     "Ghi chú của đơn vị: <script>alert(\"x\")</script> & \"quoted\" =cmd|' /C calc'!A0 bell",
                     "Điều 9. Quản lý tài khoản và mật khẩu 1.234 87,5%", "Cả xã 3.319 78,4%",
                     "Phụ lục I Danh sách máy tính của đơn vị", "Bảng 2. Danh sách máy tính của đơn vị và tỷ lệ đáp ứng",
                     // The last rows of the 300 and the total: the table went on over pages.
                     "299 PC-TUDAN-299 Vũ Đức Thắng 49,5% +1,5", "300 PC-TUDAN-300", "45.220.200"]
        for line in whole {
            let found = layout.contains(squashed(line))
            #expect(found, "\(format): \(line)", sourceLocation: sourceLocation)
        }
        #expect(!raw.contains("\u{07}"), sourceLocation: sourceLocation)
    }

    @Test func htmlIsSelfContainedAndEscapesWhatItPrints() throws {
        let text = try String(contentsOf: try Self.html.get(), encoding: .utf8)
        #expect(!text.contains("http:") && !text.contains("https:") && !text.contains("//"), "no address of anything outside the page")
        #expect(!text.contains("src=") && !text.contains("href=") && !text.contains("@import") && !text.contains("url("))
        #expect(text.contains("@page { size: A4; margin: 20mm 15mm 20mm 30mm;"))
        #expect(text.contains("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &quot;quoted&quot; =cmd|&#39; /C calc&#39;!A0 bell"))
        #expect(!text.contains("\u{07}") && !text.contains("<script"))
        #expect(text.contains("<td class=\"num\">87,5%</td>") && text.contains("<thead><tr><th>STT</th>"))
        #expect(text.contains("<tr class=\"total\"><td>Tổng cộng</td>"))
        #expect(text.contains("Số: \u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}/BC-VPTK"))
    }

    @Test(.enabled(if: Tools.python != nil, "needs python3"))
    func htmlParsesWithEveryElementClosed() throws {
        let result = try Tools.python(#"""
            import sys
            from html.parser import HTMLParser
            VOID = {"meta", "col", "br", "hr", "img", "link", "input"}
            class Check(HTMLParser):
                def __init__(self):
                    super().__init__(convert_charrefs=True)
                    self.stack, self.tags, self.errors, self.refs = [], set(), [], []
                def handle_starttag(self, tag, attrs):
                    self.tags.add(tag)
                    self.refs += [v for k, v in attrs if k in ("src", "href", "action", "data", "poster") and not (v or "").startswith("data:")]
                    if tag not in VOID: self.stack.append(tag)
                def handle_endtag(self, tag):
                    if not self.stack or self.stack[-1] != tag: self.errors.append(f"</{tag}> closes {self.stack[-1:]}")
                    else: self.stack.pop()
            c = Check()
            c.feed(open(sys.argv[1], encoding="utf-8").read())
            c.close()
            print("errors", c.errors[:5], "open", c.stack, "refs", c.refs, "script" in c.tags, "table" in c.tags)
            """#, [try Self.html.get().path], in: Self.work)
        #expect(result.trimmingCharacters(in: .whitespacesAndNewlines) == "errors [] open [] refs [] False True")
    }

    @Test(.enabled(if: withChromium, "needs chromium and poppler-utils (scripts/deps.sh installs them)"))
    func htmlPrintedByChromiumIsA4WithTheTextIntact() throws {
        let pdf = try Self.chromiumPDF.get()
        let info = try Tools.pdfInfo(pdf)
        #expect(info.width == 595 && info.height == 842, "A4 is 595 × 842 pt; got \(info)")
        #expect(info.pages > 3, "300 rows span pages; got \(info.pages)")
        try Self.expectTheReport(in: pdf, "HTML printed by Chromium")
    }

    @Test(.enabled(if: Tools.python != nil, "needs python3"))
    func odtIsAnOpenDocumentPackageWithTypedCells() throws {
        let result = try Tools.python(#"""
            import sys, zipfile
            from xml.dom import minidom
            z = zipfile.ZipFile(sys.argv[1])
            first = z.infolist()[0]
            print(first.filename, first.compress_type == zipfile.ZIP_STORED, first.extra == b"", z.read("mimetype").decode())
            print(sorted(z.namelist()))
            for name in ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"):
                minidom.parseString(z.read(name))
            content = z.read("content.xml").decode()
            print('office:value-type="percentage" office:value="0.875"' in content, 'office:value-type="float" office:value="1234"' in content,
                  'office:date-value="2026-12-08T07:07:00"' in content, "table:table-header-rows" in content, "\x07" in content)
            styles = z.read("styles.xml").decode()
            print('fo:page-width="21cm" fo:page-height="29.7cm"' in styles, 'fo:margin-left="3cm" fo:margin-right="1.5cm"' in styles,
                  'style:display-name="Trích yếu"' in styles, "Liberation Serif" in styles)
            """#, [try Self.odt.get().path], in: Self.work)
        let lines = result.split(separator: "\n").map(String.init)
        #expect(lines.first == "mimetype True True application/vnd.oasis.opendocument.text", "mimetype first, stored, no extra field: \(result)")
        #expect(lines.dropFirst().first == "['META-INF/manifest.xml', 'content.xml', 'meta.xml', 'mimetype', 'styles.xml']")
        #expect(lines.dropFirst(2).first == "True True True True False", "typed cells, header rows repeated, control character gone: \(result)")
        #expect(lines.dropFirst(3).first == "True True True True", "A4 page, margins, Vietnamese style names, fonts: \(result)")
    }

    @Test(.enabled(if: withLibreOffice, "needs libreoffice-writer-nogui and poppler-utils (scripts/deps.sh installs them)"))
    func odtOpensInLibreOfficeAndPrintsOnA4() throws {
        let odt = try Self.odt.get()
        let text = try String(contentsOf: try Tools.sofficeConvert(odt, to: "txt:Text (encoded):UTF8", in: Self.work), encoding: .utf8)
        #expect(Tools.flattened(text).contains(SampleReport.subject), "LibreOffice read the text back")
        // Saved again by LibreOffice, the figures are still numbers (Writer keeps a cell's value only
        // with a number format), and the PDF below shows the text those formats print.
        let saved = try Tools.sofficeConvert(odt, to: "odt", in: Self.work)
        let kept = try Tools.python(#"""
            import sys, zipfile
            c = zipfile.ZipFile(sys.argv[1]).read("content.xml").decode()
            print('office:value-type="percentage" office:value="0.875"' in c, 'office:value-type="float" office:value="1234"' in c,
                  'office:value-type="float" office:value="-2.5"' in c, 'office:date-value="2026-12-08T07:07:00"' in c)
            """#, [saved.path], in: Self.work)
        #expect(kept.trimmingCharacters(in: .whitespacesAndNewlines) == "True True True True", "values after LibreOffice saved the file: \(kept)")
        let pdf = try Tools.sofficeConvert(odt, to: "pdf", in: Self.work)
        let info = try Tools.pdfInfo(pdf)
        #expect(info.width == 595 && info.height == 842, "A4; got \(info)")
        #expect(info.pages > 3, "300 rows span pages; got \(info.pages)")
        try Self.expectTheReport(in: pdf, "ODT converted by LibreOffice")
        // Two columns side by side: the issuer's name beside the national name, the number beside the date.
        let lines = try Tools.pdfText(pdf, layout: true).split(separator: "\n")
        #expect(lines.contains { $0.contains("ỦY BAN NHÂN DÂN") && $0.contains("CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM") }, "\(lines.prefix(8))")
        #expect(lines.contains { $0.contains("Số:") && $0.contains("/BC-VPTK") && $0.contains("Xã Tứ Dân, ngày 05 tháng 01 năm 2027") }, "\(lines.prefix(8))")
    }

    @Test(.enabled(if: withLibreOffice, "needs libreoffice-writer-nogui and poppler-utils (scripts/deps.sh installs them)"))
    func pdfFromTheRendererIsA4WithTheTextIntact() throws {
        #expect(Self.renderer.available == [.html, .pdf, .odt, .csv])
        let pdf = try Self.pdf.get()
        let info = try Tools.pdfInfo(pdf)
        #expect(info.width == 595 && info.height == 842, "A4; got \(info)")
        #expect(info.pages > 3, "300 rows span pages; got \(info.pages)")
        try Self.expectTheReport(in: pdf, "PDF")
        // The header row is repeated: every page of the annex starts its table with the column titles.
        let pages = try Tools.pdfText(pdf, layout: true).split(separator: "\u{0C}")
        let annexPages = pages.filter { $0.contains("PC-TUDAN-") }
        #expect(annexPages.count > 2 && annexPages.allSatisfy { $0.contains("STT") && $0.contains("Máy tính") }, "\(annexPages.count) pages of the annex")
    }

    @Test(.enabled(if: Tools.python != nil, "needs python3"))
    func csvHoldsValuesNotPrintedText() throws {
        let result = try Tools.python(#"""
            import sys, zipfile, csv, io, json
            z = zipfile.ZipFile(sys.argv[1])
            out = {"names": sorted(z.namelist())}
            for name in z.namelist():
                raw = z.read(name)
                out[name + ":bom"] = raw.startswith(b"\xef\xbb\xbf")
                out[name + ":crlf"] = raw.count(b"\r\n") >= raw.count(b"\n") - 2
                out[name] = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
            print(json.dumps(out, ensure_ascii=False))
            """#, [try Self.csv.get().path], in: Self.work)
        let parsed = try JSONSerialization.jsonObject(with: Data(result.utf8)) as? [String: Any] ?? [:]
        #expect(parsed["names"] as? [String] == ["compliance-by-article.csv", "hosts.csv", "tables.csv"], "the id `../compliance-by-article` names no path")
        for name in ["compliance-by-article.csv", "hosts.csv", "tables.csv"] {
            #expect(parsed[name + ":bom"] as? Bool == true, "\(name) begins with a BOM")
            #expect(parsed[name + ":crlf"] as? Bool == true, "\(name) ends lines in CRLF")
        }
        let hosts = parsed["hosts.csv"] as? [[String]] ?? []
        #expect(hosts.first == ["index", "host", "user", "compliance_percent", "change_points", "last_report", "findings"])
        #expect(hosts.count == 301, "300 rows and the header; the total row left out")
        let row = { (i: Int) in hosts.count > i ? hosts[i] : [] }
        #expect(row(1) == ["1", "PC-TUDAN-1", "Đặng Quốc Việt", "0.5", "-2.5", "2026-12-02T18:01:00Z", "1234"])
        #expect(row(3) == ["3", "PC-TUDAN-3", "Lê Hữu Nghĩa", "1.5", "-0.5", "2026-12-04T20:03:00Z", "3234"])
        #expect(row(50) == ["50", "PC-TUDAN-50", "Trần Thị Ngọc Ánh", "", "-2.5", "2026-12-23T19:50:00Z", "50234"], "nil is empty")
        #expect(row(7).dropFirst().first == "<script>alert(\"x\")</script> & \"quoted\" =cmd|' /C calc'!A0 \u{07}bell", "values as they are, quoted by RFC 4180")
        #expect(row(8).dropFirst().first == "'=cmd|' /C calc'!A0", "a formula becomes text")
        #expect(row(9).dropFirst().first == "'-2+3" && row(10).dropFirst().first == "'@SUM(A1)")
        #expect(row(299).last == "299234")
        let articles = parsed["compliance-by-article.csv"] as? [[String]] ?? []
        #expect(articles == [["article", "hosts_passing", "compliance_percent"], ["Điều 9. Quản lý tài khoản và mật khẩu", "1234", "87.5"],
                             ["Điều 10. Phòng chống mã độc", "1180", "83.6"], ["Điều 11. Sao lưu dữ liệu", "905", "64.1"]])
        let index = parsed["tables.csv"] as? [[String]] ?? []
        #expect(index == [["file", "caption", "rows", "total_row_in_document"],
                          ["compliance-by-article.csv", "Bảng 1. Tỷ lệ đáp ứng theo điều của Quy định", "3", "yes"],
                          ["hosts.csv", "Bảng 2. Danh sách máy tính của đơn vị và tỷ lệ đáp ứng", "300", "yes"]])
    }
}
