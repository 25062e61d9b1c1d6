/// The fixed parts of the OpenDocument package: the page (A4 and the margins of Nghị định
/// 30/2020/NĐ-CP Phụ lục I mục I), the named paragraph styles of each part of the document, meta.xml
/// and the manifest. Style names are ASCII (`Trich_yeu`); what LibreOffice shows is the display name
/// (`Trích yếu`), in Vietnamese.
enum OpenDocumentStyles {
    static let mimeType = "application/vnd.oasis.opendocument.text"

    /// A4 (21 cm) less the left (3 cm) and right (1.5 cm) margins.
    static let textWidthCM = 16.5

    static let namespaces = """
        xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" \
        xmlns:style="urn:oasis:names:tc:opendocument:xmlns:style:1.0" \
        xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" \
        xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" \
        xmlns:fo="urn:oasis:names:tc:opendocument:xmlns:xsl-fo-compatible:1.0" \
        xmlns:number="urn:oasis:names:tc:opendocument:xmlns:datastyle:1.0" \
        xmlns:svg="urn:oasis:names:tc:opendocument:xmlns:svg-compatible:1.0" \
        xmlns:meta="urn:oasis:names:tc:opendocument:xmlns:meta:1.0" \
        xmlns:dc="http://purl.org/dc/elements/1.1/" \
        xmlns:xlink="http://www.w3.org/1999/xlink"
        """

    /// Times New Roman, as Phụ lục I mục I.3 asks (Unicode, TCVN 6909:2001); Liberation Serif, its
    /// metric twin, is what Debian's fontconfig substitutes when it is absent, declared so that the
    /// document names it too.
    static let fontFaces = """
        <office:font-face-decls>
        <style:font-face style:name="Times New Roman" svg:font-family="&apos;Times New Roman&apos;" style:font-family-generic="roman" style:font-pitch="variable"/>
        <style:font-face style:name="Liberation Serif" svg:font-family="&apos;Liberation Serif&apos;" style:font-family-generic="roman" style:font-pitch="variable"/>
        </office:font-face-decls>
        """

    /// A paragraph style: its ASCII name, its display name, and its properties.
    private static func paragraph(_ name: String, _ display: String, parent: String = "Standard", _ paragraph: String = "", _ text: String = "") -> String {
        "<style:style style:name=\"\(name)\" style:display-name=\"\(display)\" style:family=\"paragraph\" style:parent-style-name=\"\(parent)\">"
            + (paragraph.isEmpty ? "" : "<style:paragraph-properties \(paragraph)/>")
            + (text.isEmpty ? "" : "<style:text-properties \(text)/>")
            + "</style:style>\n"
    }

    private static func centred(top: String = "0cm", bottom: String = "0cm", _ extra: String = "") -> String {
        "fo:text-align=\"center\" fo:margin-top=\"\(top)\" fo:margin-bottom=\"\(bottom)\" fo:text-indent=\"0cm\"" + (extra.isEmpty ? "" : " " + extra)
    }
    private static let bold = "fo:font-weight=\"bold\""
    /// A short rule: an empty paragraph 1 pt high with a top border, narrowed by its margins.
    private static func rule(_ name: String, _ display: String, margin: Double) -> String {
        let side = OpenDocumentText.centimetres(margin)
        return paragraph(
            name, display, "fo:margin-left=\"\(side)cm\" fo:margin-right=\"\(side)cm\" fo:margin-top=\"0.2cm\" fo:margin-bottom=\"0.1cm\" fo:text-indent=\"0cm\" fo:line-height=\"100%\" fo:border-top=\"0.75pt solid #000000\" fo:border-bottom=\"none\" fo:border-left=\"none\" fo:border-right=\"none\" fo:padding=\"0cm\"",
            "fo:font-size=\"1pt\"")
    }

    /// Phụ lục I mục II: sizes, weights and alignment of each part (names of bodies and the national
    /// name at 12 pt and the motto at 13 pt, the low end of what it allows, so each holds on one line).
    static let paragraphStyles: String = [
        "<style:style style:name=\"Standard\" style:family=\"paragraph\" style:class=\"text\"/>\n",
        paragraph("Co_quan_chu_quan", "Cơ quan chủ quản", centred(), "fo:font-size=\"12pt\""),
        paragraph("Co_quan_ban_hanh", "Cơ quan ban hành", centred(), "fo:font-size=\"12pt\" \(bold)"),
        rule("Gach_co_quan", "Gạch dưới tên cơ quan", margin: 2.2),
        paragraph("So_ky_hieu", "Số, ký hiệu", centred(top: "0.15cm"), "fo:font-size=\"13pt\""),
        paragraph("Quoc_hieu", "Quốc hiệu", centred(), "fo:font-size=\"12pt\" \(bold)"),
        paragraph("Tieu_ngu", "Tiêu ngữ", centred(), "fo:font-size=\"13pt\" \(bold)"),
        rule("Gach_tieu_ngu", "Gạch dưới tiêu ngữ", margin: 1.65),
        paragraph("Dia_danh_ngay_thang", "Địa danh, ngày tháng", centred(top: "0.15cm"), "fo:font-style=\"italic\""),
        paragraph("Ten_loai", "Tên loại văn bản", centred(top: "0.6cm"), bold),
        paragraph("Trich_yeu", "Trích yếu", centred(), bold),
        rule("Gach_trich_yeu", "Gạch dưới trích yếu", margin: 5.75),
        paragraph("Noi_dung", "Nội dung", "fo:text-align=\"justify\" fo:text-indent=\"1cm\" fo:margin-top=\"0cm\" fo:margin-bottom=\"0.21cm\""),
        paragraph("Muc", "Đề mục", parent: "Noi_dung", "fo:text-align=\"justify\" fo:margin-top=\"0.2cm\" fo:keep-with-next=\"always\"", bold),
        paragraph("Tieu_muc", "Tiểu mục", parent: "Noi_dung", "fo:keep-with-next=\"always\"", bold),
        paragraph("Gach_dau_dong", "Gạch đầu dòng", parent: "Noi_dung"),
        paragraph("Ten_bang", "Tên bảng", centred(top: "0.1cm", "fo:keep-with-next=\"always\""), "fo:font-size=\"12pt\" \(bold)"),
        paragraph("Tieu_de_bang", "Tiêu đề bảng", centred(), "fo:font-size=\"12pt\" \(bold)"),
        paragraph("O_bang", "Ô bảng", "fo:text-align=\"start\" fo:text-indent=\"0cm\"", "fo:font-size=\"12pt\""),
        paragraph("O_bang_so", "Ô bảng (số)", parent: "O_bang", "fo:text-align=\"end\""),
        paragraph("O_bang_tong", "Ô bảng (tổng)", parent: "O_bang", "", bold),
        paragraph("O_bang_tong_so", "Ô bảng (tổng, số)", parent: "O_bang_so", "", bold),
        paragraph("Noi_nhan", "Nơi nhận", "fo:text-align=\"start\" fo:margin-top=\"0.2cm\"", "fo:font-size=\"12pt\" \(bold) fo:font-style=\"italic\""),
        paragraph("Noi_nhan_dong", "Nơi nhận (dòng)", "fo:text-align=\"start\"", "fo:font-size=\"11pt\""),
        paragraph("Chuc_vu_ky", "Quyền hạn, chức vụ người ký", centred(), bold),
        paragraph("Khoang_ky", "Chỗ ký", centred(bottom: "2.2cm")),
        paragraph("Ho_ten_ky", "Họ tên người ký", centred(), bold),
        paragraph("Phu_luc_nhan", "Phụ lục", centred("fo:break-before=\"page\""), bold),
        paragraph("Phu_luc_ten", "Tên phụ lục", centred(), bold),
        paragraph("Phu_luc_kem_theo", "Kèm theo", centred(), "fo:font-style=\"italic\""),
        paragraph("Dau_trang", "Đầu trang", centred(), "fo:font-size=\"13pt\""),
    ].joined()

    /// The page: A4 and Phụ lục I mục I.4's margins. The first page has no number; the others have it
    /// centred at the top (mục II.11), in a header that sits inside the 20 mm top margin.
    static let styles = """
        <?xml version="1.0" encoding="UTF-8"?>
        <office:document-styles \(namespaces) office:version="1.3">
        \(fontFaces)
        <office:styles>
        <style:default-style style:family="paragraph"><style:paragraph-properties fo:hyphenation-ladder-count="no-limit" style:writing-mode="lr-tb"/><style:text-properties style:font-name="Times New Roman" fo:font-size="14pt" fo:language="vi" fo:country="VN" fo:hyphenate="false" style:font-name-asian="Times New Roman" style:font-name-complex="Times New Roman"/></style:default-style>
        <style:default-style style:family="table"><style:table-properties table:border-model="collapsing"/></style:default-style>
        \(paragraphStyles)</office:styles>
        <office:automatic-styles>
        <style:page-layout style:name="PageFirst"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/></style:page-layout>
        <style:page-layout style:name="PageNext"><style:page-layout-properties fo:page-width="21cm" fo:page-height="29.7cm" style:print-orientation="portrait" fo:margin-top="1.2cm" fo:margin-bottom="2cm" fo:margin-left="3cm" fo:margin-right="1.5cm"/><style:header-style><style:header-footer-properties fo:min-height="0.5cm" fo:margin-bottom="0.3cm"/></style:header-style></style:page-layout>
        </office:automatic-styles>
        <office:master-styles>
        <style:master-page style:name="First_20_Page" style:display-name="First Page" style:page-layout-name="PageFirst" style:next-style-name="Standard"/>
        <style:master-page style:name="Standard" style:page-layout-name="PageNext"><style:header><text:p text:style-name="Dau_trang"><text:page-number text:select-page="current">2</text:page-number></text:p></style:header></style:master-page>
        </office:master-styles>
        </office:document-styles>

        """

    /// The layout tables' own styles (content.xml): the masthead opens on the `First Page` master.
    static let layoutAutomaticStyles = """

        <style:style style:name="Masthead" style:family="table" style:master-page-name="First_20_Page"><style:table-properties style:width="16.5cm" table:align="margins"/></style:style>
        <style:style style:name="Masthead.A" style:family="table-column"><style:table-column-properties style:column-width="7.4cm" style:rel-column-width="29491*"/></style:style>
        <style:style style:name="Masthead.B" style:family="table-column"><style:table-column-properties style:column-width="9.1cm" style:rel-column-width="36044*"/></style:style>
        <style:style style:name="Closing" style:family="table"><style:table-properties style:width="16.5cm" table:align="margins" fo:margin-top="0.3cm" fo:keep-with-next="always" style:may-break-between-rows="false"/></style:style>
        <style:style style:name="Closing.A" style:family="table-column"><style:table-column-properties style:column-width="7.4cm" style:rel-column-width="29491*"/></style:style>
        <style:style style:name="Closing.B" style:family="table-column"><style:table-column-properties style:column-width="9.1cm" style:rel-column-width="36044*"/></style:style>
        <style:style style:name="Layout.Cell" style:family="table-cell"><style:table-cell-properties fo:border="none" fo:padding="0cm"/></style:style>
        <style:style style:name="Figures.Row" style:family="table-row"><style:table-row-properties fo:keep-together="always"/></style:style>
        <style:style style:name="Figures.Cell" style:family="table-cell"><style:table-cell-properties fo:border="0.75pt solid #000000" fo:padding-left="0.1cm" fo:padding-right="0.1cm" fo:padding-top="0.05cm" fo:padding-bottom="0.05cm" style:vertical-align="top"/></style:style>
        \(numberFormats)
        """

    /// Writer keeps a cell's value only when the cell has a number format, and then prints the value
    /// through that format, on opening and after each edit: so each kind of cell gets the format that
    /// prints exactly what `Cell.printed` prints (`1.234`, `87,5%`, `100%`, `+2,5`, `−2,5`, `05/01/2027`,
    /// `05/01/2027 14:03`), in Vietnamese (decimal comma, dot between thousands).
    static let numberFormats: String = {
        let vi = "number:language=\"vi\" number:country=\"VN\""
        let oneDecimal = "<number:number number:decimal-places=\"1\" number:min-decimal-places=\"0\" number:min-integer-digits=\"1\" number:grouping=\"true\"/>"
        let date = "<number:day number:style=\"long\"/><number:text>/</number:text><number:month number:style=\"long\"/><number:text>/</number:text><number:year number:style=\"long\"/>"
        let formats = [
            "<number:number-style style:name=\"N_integer\" \(vi)><number:number number:decimal-places=\"0\" number:min-integer-digits=\"1\" number:grouping=\"true\"/></number:number-style>",
            "<number:percentage-style style:name=\"N_percent\" \(vi)>\(oneDecimal)<number:text>%</number:text></number:percentage-style>",
            "<number:number-style style:name=\"N_change_up\" style:volatile=\"true\" \(vi)><number:text>+</number:text>\(oneDecimal)</number:number-style>",
            "<number:number-style style:name=\"N_change_down\" style:volatile=\"true\" \(vi)><number:text>\u{2212}</number:text>\(oneDecimal)</number:number-style>",
            "<number:number-style style:name=\"N_change\" \(vi)><number:text>0</number:text><style:map style:condition=\"value()&gt;0\" style:apply-style-name=\"N_change_up\"/><style:map style:condition=\"value()&lt;0\" style:apply-style-name=\"N_change_down\"/></number:number-style>",
            "<number:date-style style:name=\"N_date\" \(vi)>\(date)</number:date-style>",
            "<number:date-style style:name=\"N_time\" \(vi)>\(date)<number:text> </number:text><number:hours number:style=\"long\"/><number:text>:</number:text><number:minutes number:style=\"long\"/></number:date-style>",
        ]
        let cells = ["integer", "percent", "change", "date", "time"].map { kind in
            "<style:style style:name=\"Figures.\(kind)\" style:family=\"table-cell\" style:parent-style-name=\"\" style:data-style-name=\"N_\(kind)\"><style:table-cell-properties fo:border=\"0.75pt solid #000000\" fo:padding-left=\"0.1cm\" fo:padding-right=\"0.1cm\" fo:padding-top=\"0.05cm\" fo:padding-bottom=\"0.05cm\" style:vertical-align=\"top\"/></style:style>"
        }
        return (formats + cells).joined(separator: "\n")
    }()

    static func meta(title: String, created: String?) -> String {
        let date = created.map { "<meta:creation-date>\(MarkupText.escaped($0))</meta:creation-date>" } ?? ""
        return """
            <?xml version="1.0" encoding="UTF-8"?>
            <office:document-meta \(namespaces) office:version="1.3"><office:meta><meta:generator>attt-collector</meta:generator><dc:title>\(MarkupText.escaped(title))</dc:title><dc:language>vi-VN</dc:language>\(date)</office:meta></office:document-meta>

            """
    }

    static let manifest = """
        <?xml version="1.0" encoding="UTF-8"?>
        <manifest:manifest xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.3">
         <manifest:file-entry manifest:full-path="/" manifest:version="1.3" manifest:media-type="\(mimeType)"/>
         <manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>
         <manifest:file-entry manifest:full-path="styles.xml" manifest:media-type="text/xml"/>
         <manifest:file-entry manifest:full-path="meta.xml" manifest:media-type="text/xml"/>
        </manifest:manifest>

        """
}
