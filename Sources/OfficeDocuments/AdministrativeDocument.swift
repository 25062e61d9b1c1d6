/// A Vietnamese administrative document as state bodies lay theirs out (Nghị định 30/2020/NĐ-CP,
/// Phụ lục I): the governing body and the issuing body over the number and symbol, the national
/// motto (quốc hiệu, tiêu ngữ) beside them, place and date, the kind of document ("BÁO CÁO", "BIÊN BẢN")
/// with its subject line, the body, the recipients (nơi nhận) and the signature block, then annexes.
///
/// Pure data: the periodic reports (issue 14) and the incident records (issue 15) fill it, and each
/// renderer (HTML, OpenDocument, CSV) lays out the same thing, so every format says the same numbers.
public struct AdministrativeDocument: Sendable, Hashable, Codable {
    /// The body the issuer answers to, printed above it (`ỦY BAN NHÂN DÂN XÃ …`); nil when none.
    public var governingBody: String?
    /// The body that issues the document (`VĂN PHÒNG THỐNG KÊ XÃ`, a unit's name), printed in capitals.
    public var issuer: String
    /// The number, left for the office's clerk to fill in (văn thư numbers documents on issue);
    /// nil prints `Số:      /` with the space left blank.
    public var number: String?
    /// The symbol after the number: `BC-VPTK` (báo cáo of the văn phòng thống kê).
    public var symbol: String
    /// `Xã Hòa Bình`: the place name the date line begins with.
    public var place: String
    public var date: DocumentDate
    /// `BÁO CÁO`, `BIÊN BẢN`: printed in capitals, bold, centred.
    public var kind: String
    /// The subject line (trích yếu) under the kind: `Tình hình bảo đảm an toàn thông tin quý IV năm 2026`.
    public var subject: String
    public var body: [Block]
    /// `Nơi nhận:` lines, each printed after a dash: `UBND huyện (để báo cáo);`, `Lưu: VT.`
    public var recipients: [String]
    public var signature: Signature
    /// The second signature of a document two people sign, printed in the closing's left cell where
    /// Nơi nhận would stand: a biên bản is signed by the one who drew it up (NGƯỜI LẬP BIÊN BẢN, left)
    /// and the head of the unit (THỦ TRƯỞNG ĐƠN VỊ, the ``signature``, right), as Nghị định 30 lays out a
    /// biên bản's thư ký and chủ tọa. Recipients, if any, then follow under it.
    public var coSigner: Signature?
    /// Phụ lục: each on its own page after the signature.
    public var annexes: [Annex]

    public init(
        governingBody: String?, issuer: String, number: String? = nil, symbol: String, place: String, date: DocumentDate,
        kind: String, subject: String, body: [Block], recipients: [String], signature: Signature, annexes: [Annex] = [],
        coSigner: Signature? = nil
    ) {
        self.governingBody = governingBody
        self.issuer = issuer
        self.number = number
        self.symbol = symbol
        self.place = place
        self.date = date
        self.kind = kind
        self.subject = subject
        self.body = body
        self.recipients = recipients
        self.signature = signature
        self.annexes = annexes
        self.coSigner = coSigner
    }

    /// Every table of the document and its annexes, in order: what the CSV export holds.
    public var tables: [Table] {
        (body + annexes.flatMap(\.body)).compactMap { if case .table(let table) = $0 { table } else { nil } }
    }
}

/// A calendar date as the document prints it: `ngày 05 tháng 01 năm 2027` (days and months under 10
/// take a leading zero in the date line, Nghị định 30 Phụ lục I mục II.5).
public struct DocumentDate: Sendable, Hashable, Codable {
    public var year: Int
    public var month: Int
    public var day: Int

    public init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    /// `Xã Hòa Bình, ngày 05 tháng 01 năm 2027`
    public func line(place: String) -> String {
        "\(place), ngày \(Self.twoDigits(day)) tháng \(Self.twoDigits(month)) năm \(year)"
    }

    /// `05/01/2027`, as dates are written in the body and the tables.
    public var short: String { "\(Self.twoDigits(day))/\(Self.twoDigits(month))/\(year)" }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }
}

public struct Signature: Sendable, Hashable, Codable {
    /// `TM. ỦY BAN NHÂN DÂN`, `KT. CHÁNH VĂN PHÒNG`: the authority line, when the signer signs for another.
    public var authority: String?
    /// `CHÁNH VĂN PHÒNG`, `CÁN BỘ PHỤ TRÁCH CÔNG NGHỆ THÔNG TIN`.
    public var title: String
    /// The signer's full name; nil leaves the line for the officer to complete before signing.
    public var name: String?

    public init(authority: String? = nil, title: String, name: String? = nil) {
        self.authority = authority
        self.title = title
        self.name = name
    }
}

public struct Annex: Sendable, Hashable, Codable {
    /// `Phụ lục I`
    public var label: String
    /// `Danh sách máy tính của đơn vị`
    public var title: String
    public var body: [Block]

    public init(label: String, title: String, body: [Block]) {
        self.label = label
        self.title = title
        self.body = body
    }
}

/// The body's parts, in reading order.
public enum Block: Sendable, Hashable, Codable {
    /// A numbered section heading (`I. TÌNH HÌNH CHUNG`): bold.
    case heading(String)
    /// A sub-heading (`1. Máy tính báo cáo`): bold, not in capitals.
    case subheading(String)
    /// A paragraph of the body: justified, first line indented.
    case paragraph(String)
    /// Lines each after a dash.
    case list([String])
    case table(Table)
}

/// A table of figures. Cells keep their values, not their printed text: the document prints `87,5%`
/// and the CSV holds `87.5`, from the same number.
public struct Table: Sendable, Hashable, Codable {
    /// A short stable name: the CSV file's name (`compliance-by-article`).
    public var id: String
    /// `Bảng 1. Tỷ lệ đáp ứng theo điều của Quy định`
    public var caption: String
    public var columns: [Column]
    public var rows: [[Cell]]
    /// A last row in bold (`Tổng cộng`), kept apart so a CSV reader can leave it out.
    public var total: [Cell]?

    public init(id: String, caption: String, columns: [Column], rows: [[Cell]], total: [Cell]? = nil) {
        self.id = id
        self.caption = caption
        self.columns = columns
        self.rows = rows
        self.total = total
    }
}

public struct Column: Sendable, Hashable, Codable {
    public var title: String
    /// A stable machine name for the CSV header (`compliance_percent`).
    public var key: String
    /// Relative width; the renderers share the page's text width by it.
    public var width: Double

    public init(_ title: String, key: String, width: Double = 1) {
        self.title = title
        self.key = key
        self.width = width
    }
}

public enum Cell: Sendable, Hashable, Codable {
    case text(String)
    case integer(Int)
    /// A share in percent (0…100); nil prints a dash: nothing to count.
    case percent(Double?)
    /// A change in percentage points, signed (`+2,5`); nil prints a dash: no earlier figure.
    case change(Double?)
    case date(DocumentDate)
    /// An instant, printed in Vietnam's time: `05/01/2027 14:03`.
    case time(DocumentTime)
    case empty
}

/// An instant as Vietnam reads it (UTC+7), already split: renderers print, they do not compute.
public struct DocumentTime: Sendable, Hashable, Codable {
    public var date: DocumentDate
    public var hour: Int
    public var minute: Int
    /// The instant itself, ISO 8601 in UTC: what the CSV holds.
    public var iso: String

    public init(date: DocumentDate, hour: Int, minute: Int, iso: String) {
        self.date = date
        self.hour = hour
        self.minute = minute
        self.iso = iso
    }
}
