/// An ``AdministrativeDocument`` as OpenDocument text (ODF 1.3): the file the officer opens in
/// LibreOffice or Word, completes (the number, the signer) and signs. The layout is the HTML's; the
/// paragraphs carry named styles (`Trích yếu`, `Nơi nhận`…) so that editing one line edits it as the
/// office would, and table cells carry their values (`office:value-type`), so numbers stay numbers.
struct OpenDocumentText {
    let document: AdministrativeDocument
    /// The instant written in meta.xml, ISO 8601; nil writes none.
    var created: String?

    /// The files of the package, in the order they are stored; `mimetype` first (ODF 1.3 part 2, §3.3).
    func files() -> [(name: String, text: String)] {
        [
            ("mimetype", OpenDocumentStyles.mimeType),
            ("content.xml", content()),
            ("styles.xml", OpenDocumentStyles.styles),
            ("meta.xml", OpenDocumentStyles.meta(title: document.kind + " " + document.subject, created: created)),
            ("META-INF/manifest.xml", OpenDocumentStyles.manifest),
        ]
    }

    private func e(_ text: String) -> String { MarkupText.escaped(text) }

    func content() -> String {
        var automatic = AutomaticStyles(xml: OpenDocumentStyles.layoutAutomaticStyles)
        var body = masthead()
        for block in document.body { body += self.block(block, automatic: &automatic) }
        body += closing()
        for annex in document.annexes {
            body += p("Phu_luc_nhan", annex.label) + p("Phu_luc_ten", annex.title) + p("Phu_luc_kem_theo", document.annexReference)
            body += p("Gach_trich_yeu", "")
            for block in annex.body { body += self.block(block, automatic: &automatic) }
        }
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-content \(OpenDocumentStyles.namespaces) office:version="1.3">
            \(OpenDocumentStyles.fontFaces)
            <office:automatic-styles>\(automatic.xml)</office:automatic-styles>
            <office:body><office:text>
            \(body)</office:text></office:body>
            </office:document-content>

            """
    }

    /// The styles of this document's own tables, gathered while the body is written.
    struct AutomaticStyles {
        var xml: String
        var tables = 0
    }

    private func p(_ style: String, _ text: String) -> String {
        "<text:p text:style-name=\"\(style)\">\(e(text))</text:p>\n"
    }

    /// Phụ lục I mục II: a borderless two-column table, as the office's own templates do it; the
    /// first page has no page number (the `First Page` master, set on this table).
    private func masthead() -> String {
        let governing = document.governingBody.map { p("Co_quan_chu_quan", $0.uppercased()) } ?? ""
        return """
            <table:table table:name="Thể thức" table:style-name="Masthead">
            <table:table-column table:style-name="Masthead.A"/><table:table-column table:style-name="Masthead.B"/>
            <table:table-row>
            <table:table-cell table:style-name="Layout.Cell" office:value-type="string">\(governing)\(p("Co_quan_ban_hanh", document.issuer.uppercased()))\(p("Gach_co_quan", ""))</table:table-cell>
            <table:table-cell table:style-name="Layout.Cell" office:value-type="string">\(p("Quoc_hieu", AdministrativeDocument.nationalName))\(p("Tieu_ngu", AdministrativeDocument.motto))\(p("Gach_tieu_ngu", ""))</table:table-cell>
            </table:table-row>
            <table:table-row>
            <table:table-cell table:style-name="Layout.Cell" office:value-type="string">\(p("So_ky_hieu", document.numberLine))</table:table-cell>
            <table:table-cell table:style-name="Layout.Cell" office:value-type="string">\(p("Dia_danh_ngay_thang", document.date.line(place: document.place)))</table:table-cell>
            </table:table-row>
            </table:table>
            \(p("Ten_loai", document.kind.uppercased()))\(p("Trich_yeu", document.subject))\(p("Gach_trich_yeu", ""))
            """
    }

    private func block(_ block: Block, automatic: inout AutomaticStyles) -> String {
        switch block {
        case .heading(let text): return p("Muc", text)
        case .subheading(let text): return p("Tieu_muc", text)
        case .paragraph(let text): return p("Noi_dung", text)
        case .list(let items): return items.map { p("Gach_dau_dong", "- " + $0) }.joined()
        case .table(let table): return self.table(table, automatic: &automatic)
        }
    }

    /// A real table: borders, the header row repeated on each page, columns shared by their widths.
    private func table(_ table: Table, automatic: inout AutomaticStyles) -> String {
        // ODF wants at least one column; a table without any has nothing to show but its caption.
        guard !table.columns.isEmpty else { return p("Ten_bang", table.caption) }
        automatic.tables += 1
        let name = "Bang\(automatic.tables)"
        automatic.xml += """
            <style:style style:name="\(name)" style:family="table"><style:table-properties style:width="\(OpenDocumentStyles.textWidthCM)cm" table:align="margins" fo:margin-top="0.1cm" fo:margin-bottom="0.3cm"/></style:style>

            """
        var columns = ""
        for (index, share) in table.columnShares.enumerated() {
            let width = OpenDocumentStyles.textWidthCM * share
            automatic.xml += """
                <style:style style:name="\(name).C\(index)" style:family="table-column"><style:table-column-properties style:column-width="\(Self.centimetres(width))cm" style:rel-column-width="\(Int((share * 65535).rounded()))*"/></style:style>

                """
            columns += "<table:table-column table:style-name=\"\(name).C\(index)\"/>"
        }
        var out = p("Ten_bang", table.caption)
        out += "<table:table table:name=\"\(name)\" table:style-name=\"\(name)\">\n\(columns)\n"
        out += "<table:table-header-rows><table:table-row table:style-name=\"Figures.Row\">"
        for column in table.columns {
            out += "<table:table-cell table:style-name=\"Figures.Cell\" office:value-type=\"string\">\(p("Tieu_de_bang", column.title))</table:table-cell>"
        }
        out += "</table:table-row></table:table-header-rows>\n"
        for row in table.rows { out += self.row(table.fitted(row), total: false) }
        if let total = table.total { out += self.row(table.fitted(total), total: true) }
        return out + "</table:table>\n"
    }

    private func row(_ cells: [Cell], total: Bool) -> String {
        // A row is not split over two pages: a host's line is read whole.
        var out = "<table:table-row table:style-name=\"Figures.Row\">"
        for cell in cells {
            let style = (total ? "O_bang_tong" : "O_bang") + (cell.isNumeric ? "_so" : "")
            out += "<table:table-cell table:style-name=\"\(Self.cellStyle(of: cell))\"\(Self.value(of: cell))>\(p(style, cell.printed))</table:table-cell>"
        }
        return out + "</table:table-row>\n"
    }

    /// The cell's value for whoever reads it as a spreadsheet would (ODF 1.3 part 3, §19.385–19.389):
    /// a share is stored as a fraction (`0.875` for 87,5%), an instant in Vietnam's local time.
    static func value(of cell: Cell) -> String {
        switch cell {
        case .integer(let n): return " office:value-type=\"float\" office:value=\"\(n)\""
        case .percent(let value?) where value.isFinite: return " office:value-type=\"percentage\" office:value=\"\(value / 100)\""
        // Rounded as printed, so the format's sign agrees with the text: +0,04 prints `0`, not `+0`.
        case .change(let value?) where value.isFinite: return " office:value-type=\"float\" office:value=\"\((value * 10).rounded() / 10 + 0)\""
        case .date(let date): return " office:value-type=\"date\" office:date-value=\"\(date.iso)\""
        case .time(let time):
            return " office:value-type=\"date\" office:date-value=\"\(time.date.iso)T\(DocumentDate.twoDigits(time.hour)):\(DocumentDate.twoDigits(time.minute)):00\""
        default: return " office:value-type=\"string\""
        }
    }

    /// The cell style whose number format prints the value as ``Cell/printed`` does.
    static func cellStyle(of cell: Cell) -> String {
        switch cell {
        case .integer: return "Figures.integer"
        case .percent(let value?) where value.isFinite: return "Figures.percent"
        case .change(let value?) where value.isFinite: return "Figures.change"
        case .date: return "Figures.date"
        case .time: return "Figures.time"
        default: return "Figures.Cell"
        }
    }

    /// Nơi nhận on the left, the signature on the right: a borderless table, kept on one page. A document
    /// two people sign (a biên bản) has the co-signer on the left instead, and its recipients, if any,
    /// in a row under it.
    private func closing() -> String {
        let recipients = p("Noi_nhan", "Nơi nhận:") + document.recipients.map { p("Noi_nhan_dong", "- " + $0) }.joined()
        let under = document.coSigner != nil && !document.recipients.isEmpty
            ? "<table:table-row>\(cell(recipients))\(cell(p("Noi_nhan_dong", "")))</table:table-row>\n" : ""
        return """
            <table:table table:name="Nơi nhận và chữ ký" table:style-name="Closing">
            <table:table-column table:style-name="Closing.A"/><table:table-column table:style-name="Closing.B"/>
            <table:table-row>
            \(cell(document.coSigner.map(signing) ?? recipients))
            \(cell(signing(document.signature)))
            </table:table-row>
            \(under)</table:table>

            """
    }

    private func cell(_ content: String) -> String {
        "<table:table-cell table:style-name=\"Layout.Cell\" office:value-type=\"string\">\(content)</table:table-cell>"
    }

    /// The authority and title in capitals, room to sign, then the name (or a line to write it on).
    private func signing(_ signature: Signature) -> String {
        var signing = signature.authority.map { p("Chuc_vu_ky", $0.uppercased()) } ?? ""
        signing += p("Chuc_vu_ky", signature.title.uppercased()) + p("Khoang_ky", "")
        return signing + p("Ho_ten_ky", signature.name ?? AdministrativeDocument.unnamedSigner)
    }

    static func centimetres(_ value: Double) -> String {
        let hundredths = Int((value * 100).rounded())
        return "\(hundredths / 100).\(DocumentDate.twoDigits(hundredths % 100))"
    }
}

extension DocumentDate {
    /// `2026-12-31`: ISO 8601, as ODF and CSV hold dates.
    var iso: String {
        let y = String(year)
        return String(repeating: "0", count: max(0, 4 - y.count)) + y + "-" + Self.twoDigits(month) + "-" + Self.twoDigits(day)
    }
}
