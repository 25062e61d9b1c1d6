/// What the HTML and the OpenDocument layouts print alike, so the two say the same words.
/// Nghị định 30/2020/NĐ-CP, Phụ lục I, mục II (thể thức văn bản) and mẫu 1.x (văn bản có tên loại).
extension AdministrativeDocument {
    /// `Số:      /BC-VPTK`: the number left blank for the clerk (văn thư) to fill in on issue (mục II.3).
    var numberLine: String {
        let number = number.map { $0.isEmpty ? Self.blankNumber : $0 } ?? Self.blankNumber
        return "Số: \(number)/\(symbol)"
    }

    /// Non-breaking spaces, so the blank survives HTML's and ODF's collapsing of white space.
    static let blankNumber = String(repeating: "\u{00A0}", count: 8)

    /// The national name and motto (quốc hiệu và tiêu ngữ, mục II.1).
    static let nationalName = "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM"
    static let motto = "Độc lập - Tự do - Hạnh phúc"

    /// `(Kèm theo Báo cáo số      /BC-VPTK ngày 05/01/2027)`: the line under an annex's title that ties
    /// it to the document (Phụ lục I, mục II.12 on phụ lục).
    var annexReference: String {
        let kindName = kind.lowercased()
        let sentenceCase = kindName.prefix(1).uppercased() + kindName.dropFirst()
        let number = number.map { $0.isEmpty ? Self.blankNumber : $0 } ?? Self.blankNumber
        return "(Kèm theo \(sentenceCase) số \(number)/\(symbol) ngày \(date.short))"
    }

    /// The place where a signature goes when the signer is not yet named: the officer writes it in.
    static let unnamedSigner = "……………………………"
}

extension Table {
    /// Each column's share of the text width, in 0…1; a zero or negative width counts as 1.
    var columnShares: [Double] {
        let widths = columns.map { $0.width > 0 && $0.width.isFinite ? $0.width : 1 }
        let sum = widths.reduce(0, +)
        return widths.map { sum > 0 ? $0 / sum : 0 }
    }

    /// A row cut or padded to the number of columns: a row from elsewhere may be short or long.
    func fitted(_ row: [Cell]) -> [Cell] {
        let kept = Array(row.prefix(columns.count))
        return kept + Array(repeating: .empty, count: columns.count - kept.count)
    }
}
