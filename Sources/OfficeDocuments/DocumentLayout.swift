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
    /// Each column's share of the text width, in 0…1: the declared widths, except that a column is never
    /// narrower than its longest word, so a date, an id or a control's code is not cut mid-word when a
    /// wider column can give the room (`03/11/202` over `5`). Words are kept whole where the page holds
    /// them all (`PC-TUDAN-299`), else broken after their hyphens (`VN-TD-` over `AUTH-001`); where even
    /// that does not fit, the columns with the shortest words keep them whole and the ones with the
    /// longest share the rest evenly (a `Thấp` is never cut to `Thấ p` so that a 60-letter word, cut
    /// anyway, is cut a little less). A zero or negative width counts as 1.
    var columnShares: [Double] {
        let widths = columns.map { $0.width > 0 && $0.width.isFinite ? $0.width : 1 }
        let sum = widths.reduce(0, +)
        guard sum > 0 else { return widths.map { _ in 0 } }
        let declared = widths.map { $0 / sum }
        // A word wider than a quarter of the page is broken at the cell's edge rather than squeezing
        // every other column.
        let whole = columns.indices.map { min(minimumShare(of: $0, breakingHyphens: false), 0.25) }
        if whole.reduce(0, +) < 1 { return Self.shares(declared, least: whole) }
        let broken = columns.indices.map { min(minimumShare(of: $0, breakingHyphens: true), 0.25) }
        let brokenSum = broken.reduce(0, +)
        return brokenSum < 1 ? Self.shares(declared, least: broken) : Self.capped(broken)
    }

    /// Needs summing to 1 or more, cut to one cap so that they sum to 1: every need under the cap is
    /// met, every need over it gets the cap.
    private static func capped(_ needs: [Double]) -> [Double] {
        var (room, left) = (1.0, needs.count)
        for need in needs.sorted() {
            let even = room / Double(left)
            if need > even { return needs.map { min($0, even) } }
            (room, left) = (room - need, left - 1)
        }
        return needs
    }

    /// The declared shares with each column held at its least where it would be narrower: held columns
    /// leave the rest of the page to the others, shared as declared. `least` sums to less than 1; each
    /// pass holds at least one more column, so this ends within the number of columns.
    private static func shares(_ declared: [Double], least: [Double]) -> [Double] {
        var held = Set<Int>()
        func free() -> Double { 1 - held.reduce(0) { $0 + least[$1] } }
        func flexible() -> Double { declared.indices.filter { !held.contains($0) }.reduce(0) { $0 + declared[$1] } }
        for _ in declared.indices {
            let (free, flexible) = (free(), flexible())
            let narrow = declared.indices.filter { !held.contains($0) && declared[$0] / flexible * free < least[$0] }
            if narrow.isEmpty { break }
            held.formUnion(narrow)
        }
        let (room, flexibleSum) = (free(), flexible())
        return declared.indices.map { held.contains($0) ? least[$0] : (flexibleSum > 0 ? declared[$0] / flexibleSum * room : 0) }
    }

    /// The share a column needs for its longest unbreakable word at the tables' 12 pt, with the cell's
    /// padding: bold titles, and each cell as printed (numbers never wrap).
    private func minimumShare(of column: Int, breakingHyphens: Bool) -> Double {
        var widest = TextMeasure.longestWord(columns[column].title, bold: true, breakingHyphens: breakingHyphens)
        for row in [rows, total.map { [$0] } ?? []].joined() where column < row.count {
            let cell = row[column]
            widest = max(widest, cell.isNumeric ? TextMeasure.width(cell.printed[...], bold: false)
                                                : TextMeasure.longestWord(cell.printed, bold: false, breakingHyphens: breakingHyphens))
        }
        return Self.share(ofEms: widest)
    }

    /// The share of the text width a cell needs for `ems` of 12 pt type: 4 pt padding and a border each
    /// side, and room for the estimate's error.
    static func share(ofEms ems: Double) -> Double {
        let points = ems * 12 * 1.05 + 12
        return points / 72 * 2.54 / OpenDocumentStyles.textWidthCM
    }

    /// A row cut or padded to the number of columns: a row from elsewhere may be short or long.
    func fitted(_ row: [Cell]) -> [Cell] {
        let kept = Array(row.prefix(columns.count))
        return kept + Array(repeating: .empty, count: columns.count - kept.count)
    }
}

/// Widths of text in Times New Roman's metrics (which Liberation Serif and Tinos share), in ems: close
/// enough to size a table's columns without a font file at hand, erring wide.
enum TextMeasure {
    /// The widest word of `text`, words split at white space; `breakingHyphens`, also after a hyphen
    /// (`VN-TD-` `AUTH-001`, `000001-` `20251104T080000Z`) or a slash before a letter (`12/` `QĐ-`), where
    /// Chromium and LibreOffice break a line. A date (`03/11/2025`) is kept whole: broken, it misreads.
    static func longestWord(_ text: String, bold: Bool, breakingHyphens: Bool) -> Double {
        var widest = 0.0
        for word in text.split(whereSeparator: \.isWhitespace) {
            guard breakingHyphens else { widest = max(widest, width(word, bold: bold)); continue }
            var start = word.startIndex
            var index = word.startIndex
            while index < word.endIndex {
                let next = word.index(after: index)
                if next < word.endIndex, word[index] == "-" || (word[index] == "/" && word[next].isLetter) {
                    widest = max(widest, width(word[start..<next], bold: bold))
                    start = next
                }
                index = next
            }
            widest = max(widest, width(word[start...], bold: bold))
        }
        return widest
    }

    static func width(_ text: Substring, bold: Bool) -> Double {
        var ems = 0.0
        for character in text {
            // Vietnamese letters measure as their base letter: the marks sit above or below it.
            let base = character.unicodeScalars.first.map(Character.init) ?? character
            switch base {
            case "0"..."9": ems += 0.5
            case "m", "M", "W", "w", "Đ", "D", "N", "H", "U", "O", "Ơ", "Ư", "Q", "G", "C", "A", "V", "X", "Y", "K": ems += 0.75
            case "i", "j", "l", "t", "f", "r", ".", ",", ":", ";", "/", "'", "(", ")", "-", "|": ems += 0.3
            case _ where base.isUppercase: ems += 0.67
            default: ems += 0.5
            }
        }
        return ems * (bold ? 1.08 : 1)
    }
}
