import AtttTestSupport
import CollectorReports
import CollectorStore
import Foundation
import OfficeDocuments
import Testing

/// The report in each format (issue 14 point 2), read back by the software an office would open it
/// with: poppler for the PDF (LibreOffice's conversion of the OpenDocument), LibreOffice for the
/// OpenDocument, Chromium's print for the HTML, Python's csv for the CSV. Each says the numbers the
/// history gives (ReportFiguresTests holds the figures to the history).
@Suite(.serialized) struct ReportFormatsTests {
    static let renderer = DocumentRenderer()
    static func installed(_ tool: String) -> Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/\(tool)") }
    static let poppler = installed("pdftotext") && installed("pdfinfo")

    let figures: PeriodFigures
    let document: AdministrativeDocument
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-report-formats-\(UUID())")

    init() throws {
        let year = try ReportYear.shared.get()
        var settings = ReportSettings()
        settings.governingBody = "ỦY BAN NHÂN DÂN XÃ TỨ DÂN"
        settings.place = "Tứ Dân"
        settings.signer = "Đặng Quốc Việt"
        let reports = PeriodicReports(store: year.store, settings: settings, silentAfter: ReportYear.silentAfter)
        figures = try reports.figures(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now)
        document = try reports.document(scope: .commune, period: ReportFiguresTests.q4, now: ReportFiguresTests.now)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
    }

    func write(_ format: DocumentFormat) throws -> URL {
        let file = directory.appendingPathComponent("bao-cao.\(format == .csv ? "zip" : format.rawValue)")
        try Self.renderer.render(document, as: format).write(to: file)
        return file
    }

    func run(_ tool: String, _ arguments: [String]) throws -> String {
        let output = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/\(tool)"), arguments, environment: ["HOME": directory.path])
        #expect(output.status == 0, "\(tool) \(arguments): \(output.stderr.prefix(500))")
        return output.stdout
    }

    /// What every format must say, as the document prints it: sentences of the body whole; what a table's
    /// cell holds word by word, since a cell's lines wrap (a word broken after a hyphen or slash,
    /// `VN-TD-` over `AUTH-001`, is joined again). PDFs are read with `pdftotext -raw`, which keeps a
    /// cell's lines together and its hyphens where the default layout would join them to the next cell's.
    func checkText(_ text: String, _ format: String) {
        let flat = text.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let words = Set(text.replacing(/([\-\/])\s*\n\s*/, with: { $0.output.1 }).split(whereSeparator: \.isWhitespace).map(String.init))
        let sentences = [
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Độc lập - Tự do - Hạnh phúc", "ỦY BAN NHÂN DÂN XÃ TỨ DÂN", "VĂN PHÒNG THỐNG KÊ XÃ", "Tứ Dân, ngày 05 tháng 01 năm 2026",
            "BÁO CÁO", "quý IV năm 2025", "Đặng Quốc Việt", "Nơi nhận",
            "có \(figures.hosts.hosts) máy tính đăng ký", "\(figures.hosts.reporting) máy báo cáo thường xuyên", "\(figures.hosts.silent) máy mất liên lạc",
            "Tỷ lệ đáp ứng chung cuối kỳ: \(Cell.percent(figures.total.compliance).printed)", "cuối kỳ trước: \(Cell.percent(figures.total.previous).printed)",
            "phê duyệt \(figures.fixes.count) lệnh khắc phục", "Phụ lục",
        ]
        for sentence in sentences { #expect(flat.contains(sentence), "\(format) does not say \(sentence)") }
        let cells = ["Trạm y tế xã Tứ Dân", "Quyết định số 12/QĐ-UBND", figures.fixes.compactMap(\.job.transaction).first ?? "?"]
            + figures.failing.map(\.control) + figures.annex.compactMap(\.hostname)
        for cell in cells {
            let missing = cell.split(separator: " ").map(String.init).filter { !words.contains($0) }
            #expect(missing.isEmpty, "\(format) does not print \(missing) of \(cell)")
        }
    }

    /// Article rows as `pdftotext -layout` keeps them: the label, then each figure in its column.
    func checkArticleRows(_ layout: String, _ format: String) {
        let lines = layout.split(separator: "\n").map { $0.split(whereSeparator: \.isWhitespace).joined(separator: " ") }
        for row in figures.byArticle where !row.label.contains("(") {
            let cells = [row.label, String(row.counts.pass), String(row.counts.fail), String(row.counts.waived),
                         Cell.percent(row.compliance).printed, Cell.percent(row.previous).printed, Cell.change(row.change).printed]
            #expect(lines.contains(cells.joined(separator: " ")), "\(format): no row \(cells)")
        }
    }

    func checkA4(_ pdf: URL, _ format: String) throws {
        let info = try run("pdfinfo", [pdf.path])
        let size = info.split(separator: "\n").first { $0.hasPrefix("Page size:") }.map(String.init) ?? ""
        // A4 is 595.28 × 841.89 points; each tool rounds its own way (Chromium: 594.96 × 841.92).
        let points = size.split(whereSeparator: { $0 == " " }).compactMap { Double($0) }
        #expect(points.count == 2 && abs(points[0] - 595.28) < 1 && abs(points[1] - 841.89) < 1, "\(format): \(size)")
        let pages = info.split(separator: "\n").first { $0.hasPrefix("Pages:") }.flatMap { Int($0.split(separator: " ").last ?? "") } ?? 0
        #expect(pages >= 3, "\(format): \(pages) pages; the body and the annex need more")
    }

    @Test(.enabled(if: renderer.available.contains(.pdf) && poppler, "needs LibreOffice (libreoffice-writer-nogui) and poppler-utils, which scripts/deps.sh installs"))
    func thePDFSaysTheFiguresOnA4() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let pdf = try write(.pdf)
        #expect(try Data(contentsOf: pdf).prefix(5) == Data("%PDF-".utf8))
        try checkA4(pdf, "pdf")
        checkText(try run("pdftotext", ["-raw", pdf.path, "-"]), "pdf")
        checkArticleRows(try run("pdftotext", ["-layout", pdf.path, "-"]), "pdf")
        let fonts = try run("pdffonts", [pdf.path])
        #expect(fonts.contains("LiberationSerif") || fonts.contains("TimesNewRoman") || fonts.contains("Tinos"), "fonts: \(fonts)")
    }

    @Test(.enabled(if: renderer.available.contains(.odt) && installed("soffice") && poppler, "needs LibreOffice and poppler-utils"))
    func theOpenDocumentOpensInLibreOffice() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let odt = try write(.odt)
        let out = directory.appendingPathComponent("out")
        let profile = directory.appendingPathComponent("profile")
        _ = try run("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore", "--convert-to", "txt:Text (encoded):UTF8", "--outdir", out.path, odt.path])
        let text = try String(contentsOf: out.appendingPathComponent("bao-cao.txt"), encoding: .utf8)
        checkText(text, "odt")
        _ = try run("soffice", ["-env:UserInstallation=file://\(profile.path)", "--headless", "--norestore", "--convert-to", "pdf", "--outdir", out.path, odt.path])
        let pdf = out.appendingPathComponent("bao-cao.pdf")
        try checkA4(pdf, "odt")
        checkArticleRows(try run("pdftotext", ["-layout", pdf.path, "-"]), "odt")
    }

    @Test(.enabled(if: renderer.available.contains(.html) && installed("chromium") && poppler, "needs Chromium and poppler-utils, which scripts/deps.sh installs"))
    func theHTMLPrintsInChromium() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let html = try write(.html)
        let page = try String(contentsOf: html, encoding: .utf8)
        // Self-contained: nothing fetched when an officer opens or prints it offline.
        #expect(!page.contains("http://") && !page.contains("https://") && !page.contains("src=\"/") && !page.contains("<script"))
        let pdf = directory.appendingPathComponent("printed.pdf")
        _ = try run("chromium", ["--headless", "--no-sandbox", "--disable-gpu", "--no-pdf-header-footer", "--user-data-dir=\(directory.appendingPathComponent("chromium").path)",
                                 "--print-to-pdf=\(pdf.path)", html.absoluteString])
        try checkA4(pdf, "html")
        checkText(try run("pdftotext", ["-raw", pdf.path, "-"]), "html")
        checkArticleRows(try run("pdftotext", ["-layout", pdf.path, "-"]), "html")
    }

    @Test(.enabled(if: renderer.available.contains(.csv) && installed("python3"), "needs python3"))
    func theCSVHoldsTheValues() throws {
        defer { try? FileManager.default.removeItem(at: directory) }
        let archive = try write(.csv)
        // Every table as rows of column key → value, read by Python's csv module.
        let script = """
            import csv, io, json, sys, zipfile
            out = {}
            with zipfile.ZipFile(sys.argv[1]) as z:
                for name in z.namelist():
                    if name.endswith('.csv'):
                        text = z.read(name).decode('utf-8-sig')
                        out[name[:-4]] = list(csv.DictReader(io.StringIO(text)))
            print(json.dumps(out))
            """
        let output = try run("python3", ["-c", script, archive.path])
        let tables = try JSONDecoder().decode([String: [[String: String]]].self, from: Data(output.utf8))
        let articles = try #require(tables["compliance-by-article"])
        #expect(articles.count == figures.byArticle.count)
        for (row, figure) in zip(articles, figures.byArticle) {
            #expect(row["pass"] == String(figure.counts.pass) && row["fail"] == String(figure.counts.fail) && row["waived"] == String(figure.counts.waived))
            let value = row["compliance_percent"].flatMap(Double.init)
            #expect(figure.compliance == nil ? (row["compliance_percent"] ?? "").isEmpty : abs((value ?? -1) - figure.compliance!) < 0.01, "\(row) vs \(figure)")
        }
        #expect(tables["hosts"]?.count == figures.annex.count)
        #expect(Set(tables["hosts"]?.compactMap { $0["host"] } ?? []) == Set(figures.annex.map(\.host)))
        let failing = try #require(tables["failing-controls"])
        #expect(failing.map { $0["control"] ?? "" } == figures.failing.map(\.control))
        #expect(failing.map { $0["host_days"] ?? "" } == figures.failing.map { String($0.hostDays) })
        #expect(tables["fixes"]?.compactMap { $0["transaction"] }.contains(try ReportYear.shared.get().appliedTransaction) == true)
    }
}
