/// An ``AdministrativeDocument`` as one self-contained printable HTML page: A4, the margins and the
/// layout of Nghị định 30/2020/NĐ-CP Phụ lục I, no external asset (no font, image, style sheet or
/// script is fetched: the page is printed from an officer's browser, offline, and must print the same).
struct PrintableHTML {
    let document: AdministrativeDocument

    func render() -> String {
        var out = """
            <!DOCTYPE html>
            <html lang="vi">
            <head>
            <meta charset="utf-8">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
            <title>\(e(document.kind)) \(e(document.subject))</title>
            <style>\(Self.styleSheet)</style>
            </head>
            <body>

            """
        out += header()
        for block in document.body { out += self.block(block) }
        out += closing()
        for annex in document.annexes { out += self.annex(annex) }
        out += "</body>\n</html>\n"
        return out
    }

    private func e(_ text: String) -> String { MarkupText.escaped(text) }

    /// Phụ lục I mục II: the issuer's block on the left, the national name and motto on the right; the
    /// number on the left and the place and date on the right, on one line.
    private func header() -> String {
        let governing = document.governingBody.map { "<div class=\"governing\">\(e($0.uppercased()))</div>\n" } ?? ""
        return """
            <table class="masthead">
            <colgroup><col style="width:45%"><col style="width:55%"></colgroup>
            <tr>
            <td>\(governing)<div class="issuer">\(e(document.issuer.uppercased()))</div><div class="rule-short"></div></td>
            <td><div class="national">\(e(AdministrativeDocument.nationalName))</div><div class="motto"><span class="ruled">\(e(AdministrativeDocument.motto))</span></div></td>
            </tr>
            <tr>
            <td><div class="number">\(e(document.numberLine))</div></td>
            <td><div class="dateline">\(e(document.date.line(place: document.place)))</div></td>
            </tr>
            </table>
            <div class="kind">\(e(document.kind.uppercased()))</div>
            <div class="subject">\(e(document.subject))</div>
            <div class="rule"></div>

            """
    }

    private func block(_ block: Block) -> String {
        switch block {
        case .heading(let text): return "<h2>\(e(text))</h2>\n"
        case .subheading(let text): return "<h3>\(e(text))</h3>\n"
        case .paragraph(let text): return "<p>\(e(text))</p>\n"
        case .list(let items): return "<ul class=\"dashes\">\n" + items.map { "<li>\(e($0))</li>\n" }.joined() + "</ul>\n"
        case .table(let table): return self.table(table)
        }
    }

    /// Borders, the header repeated on every printed page (`thead`), numbers right-aligned.
    private func table(_ table: Table) -> String {
        guard !table.columns.isEmpty else { return "<p class=\"caption\">\(e(table.caption))</p>\n" }
        var out = "<table class=\"figures\">\n<caption>\(e(table.caption))</caption>\n<colgroup>"
        for share in table.columnShares { out += "<col style=\"width:\(Self.percent(share))\">" }
        out += "</colgroup>\n<thead><tr>"
        for column in table.columns { out += "<th>\(e(column.title))</th>" }
        out += "</tr></thead>\n<tbody>\n"
        for row in table.rows { out += self.row(table.fitted(row), total: false) }
        if let total = table.total { out += self.row(table.fitted(total), total: true) }
        out += "</tbody>\n</table>\n"
        return out
    }

    private func row(_ cells: [Cell], total: Bool) -> String {
        var out = total ? "<tr class=\"total\">" : "<tr>"
        for cell in cells { out += cell.isNumeric ? "<td class=\"num\">\(e(cell.printed))</td>" : "<td>\(e(cell.printed))</td>" }
        return out + "</tr>\n"
    }

    /// Nơi nhận on the left, the signature on the right (Phụ lục I mục II.7, II.9). A document two people
    /// sign (a biên bản) has the co-signer on the left instead, and its recipients, if any, under it.
    private func closing() -> String {
        let recipients = "<div class=\"recipients-title\">Nơi nhận:</div><ul>\(document.recipients.map { "<li>\(e($0))</li>" }.joined())</ul>"
        let left = document.coSigner.map { "<td class=\"signature\">\(signatureCell($0))</td>" } ?? "<td class=\"recipients\">\(recipients)</td>"
        let under = document.coSigner != nil && !document.recipients.isEmpty ? "<tr><td class=\"recipients\">\(recipients)</td><td></td></tr>\n" : ""
        return """
            <table class="closing">
            <colgroup><col style="width:45%"><col style="width:55%"></colgroup>
            <tr>
            \(left)
            <td class="signature">\(signatureCell(document.signature))</td>
            </tr>
            \(under)</table>

            """
    }

    /// The authority and title in capitals, room to sign, then the name (or a line to write it on).
    private func signatureCell(_ signature: Signature) -> String {
        let authority = signature.authority.map { "<div class=\"sign-title\">\(e($0.uppercased()))</div>" } ?? ""
        let name = signature.name.map { "<div class=\"signer\">\(e($0))</div>" }
            ?? "<div class=\"signer unnamed\">\(e(AdministrativeDocument.unnamedSigner))</div>"
        return "\(authority)<div class=\"sign-title\">\(e(signature.title.uppercased()))</div><div class=\"sign-space\"></div>\(name)"
    }

    /// Each annex on a new page, its label and title centred, tied to the document by its number and date.
    private func annex(_ annex: Annex) -> String {
        var out = """
            <section class="annex">
            <div class="annex-label">\(e(annex.label))</div>
            <div class="annex-title">\(e(annex.title))</div>
            <div class="annex-reference">\(e(document.annexReference))</div>
            <div class="rule"></div>

            """
        for block in annex.body { out += self.block(block) }
        return out + "</section>\n"
    }

    static func percent(_ share: Double) -> String {
        let tenths = Int((share * 1000).rounded())
        return "\(tenths / 10).\(tenths % 10)%"
    }

    /// Sizes within what Phụ lục I mục II allows (names of bodies and the national name 12–13 pt, the
    /// motto 13–14 pt), at the low end so that a commune's full name and the national name each hold
    /// on one line of their column.
    /// Phụ lục I mục I.4–I.6: A4; margins top and bottom 20–25 mm, left 30–35 mm, right 15–20 mm;
    /// Times New Roman (Liberation Serif and Tinos have its metrics), 13–14 pt for the body.
    /// The page number, from the second page on, centred at the top (mục II.11).
    static let styleSheet = """

        @page { size: A4; margin: 20mm 15mm 20mm 30mm; @top-center { content: counter(page); font: 13pt "Times New Roman", "Liberation Serif", "Tinos", serif; } }
        @page :first { @top-center { content: none; } }
        html { -webkit-print-color-adjust: exact; print-color-adjust: exact; }
        body { font-family: "Times New Roman", "Liberation Serif", "Tinos", serif; font-size: 14pt; line-height: 1.3; color: #000; background: #fff; margin: 0; }
        @media screen { body { max-width: 165mm; margin: 10mm auto; padding: 0 5mm; } }
        table.masthead, table.closing { width: 100%; border-collapse: collapse; table-layout: fixed; }
        table.masthead td { vertical-align: top; text-align: center; padding: 0; }
        .governing { font-size: 12pt; }
        .issuer { font-size: 12pt; font-weight: bold; }
        .national { font-size: 12pt; font-weight: bold; white-space: nowrap; }
        .motto { font-size: 13pt; font-weight: bold; }
        .ruled { display: inline-block; border-bottom: 0.75pt solid #000; padding-bottom: 1pt; }
        .rule-short { width: 40%; margin: 2pt auto 0; border-top: 0.75pt solid #000; }
        .number { font-size: 13pt; padding-top: 6pt; }
        .dateline { font-size: 14pt; font-style: italic; padding-top: 6pt; }
        .kind { font-size: 14pt; font-weight: bold; text-align: center; margin-top: 18pt; }
        .subject { font-size: 14pt; font-weight: bold; text-align: center; }
        .rule { width: 30%; margin: 5pt auto 12pt; border-top: 0.75pt solid #000; }
        h2 { font-size: 14pt; font-weight: bold; margin: 9pt 0 3pt; text-indent: 1cm; break-after: avoid; }
        h3 { font-size: 14pt; font-weight: bold; margin: 6pt 0 3pt; text-indent: 1cm; break-after: avoid; }
        p { text-align: justify; text-indent: 1cm; margin: 0 0 6pt; overflow-wrap: anywhere; }
        ul.dashes { list-style: none; margin: 0 0 6pt; padding: 0; }
        ul.dashes li { text-align: justify; text-indent: 1cm; overflow-wrap: anywhere; }
        ul.dashes li::before, .recipients li::before { content: "- "; }
        table.figures { width: 100%; border-collapse: collapse; table-layout: fixed; margin: 3pt 0 9pt; font-size: 12pt; line-height: 1.2; }
        table.figures caption { font-weight: bold; padding-bottom: 3pt; caption-side: top; }
        table.figures thead { display: table-header-group; }
        table.figures tr { break-inside: avoid; }
        table.figures th { font-weight: bold; text-align: center; vertical-align: middle; }
        table.figures th, table.figures td { border: 0.75pt solid #000; padding: 2pt 4pt; overflow-wrap: anywhere; }
        table.figures td { vertical-align: top; text-align: left; }
        table.figures td.num { text-align: right; white-space: nowrap; }
        table.figures tr.total td { font-weight: bold; }
        table.closing { margin-top: 12pt; break-inside: avoid; }
        table.closing td { vertical-align: top; padding: 0; overflow-wrap: anywhere; }
        .recipients-title { font-size: 12pt; font-weight: bold; font-style: italic; }
        .recipients ul { list-style: none; margin: 0; padding: 0; font-size: 11pt; line-height: 1.2; }
        td.signature { text-align: center; }
        .sign-title { font-weight: bold; }
        .sign-space { height: 25mm; }
        .signer { font-weight: bold; }
        section.annex { break-before: page; }
        .annex-label, .annex-title { font-weight: bold; text-align: center; }
        .annex-reference { font-style: italic; text-align: center; }

        """
}
