@testable import OfficeDocuments
import Testing

/// Columns share the page as declared, but none is narrower than its longest word: a date or a
/// transaction id is not cut mid-word while another column has room to give.
@Suite struct ColumnWidthTests {
    static let date = Cell.date(DocumentDate(year: 2025, month: 11, day: 3))

    func table(_ columns: [Column], _ rows: [[Cell]]) -> Table { Table(id: "t", caption: "Bảng", columns: columns, rows: rows) }

    @Test func shortWordsKeepTheDeclaredShares() {
        let shares = table([Column("A", key: "a", width: 3), Column("B", key: "b")], [[.text("một hai"), .integer(5)]]).columnShares
        #expect(abs(shares[0] - 0.75) < 1e-9 && abs(shares[1] - 0.25) < 1e-9)
    }

    @Test func aDateGetsRoomFromTheWiderColumns() {
        let columns = [Column("Lý do", key: "why", width: 10), Column("Ngày", key: "on", width: 0.5)]
        let shares = table(columns, [[.text("Máy cũ, chờ thay thế theo kế hoạch"), Self.date]]).columnShares
        let needed = Table.share(ofEms: TextMeasure.width("03/11/2025"[...], bold: false))
        #expect(shares[1] >= needed && shares[1] > 0.5 / 10.5, "\(shares)")
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9)
    }

    @Test func wordsBreakAfterHyphensAndBeforeLettersAfterSlashes() {
        #expect(TextMeasure.longestWord("VN-TD-AUTH-001", bold: false, breakingHyphens: true) == TextMeasure.width("AUTH-"[...], bold: false))
        #expect(TextMeasure.longestWord("12/QĐ-UBND", bold: false, breakingHyphens: true) == TextMeasure.width("UBND"[...], bold: false))
        #expect(TextMeasure.longestWord("ngày 03/11/2025", bold: false, breakingHyphens: true) == TextMeasure.width("03/11/2025"[...], bold: false))
        #expect(TextMeasure.longestWord("máy VN-TD-AUTH-001", bold: false, breakingHyphens: false) == TextMeasure.width("VN-TD-AUTH-001"[...], bold: false))
    }

    @Test func hyphenatedWordsStayWholeWhereThePageHoldsThem() {
        let columns = [Column("Máy tính", key: "host"), Column("Ghi chú", key: "note", width: 6)]
        let shares = table(columns, [[.text("PC-TUDAN-299"), .text("ổn định")]]).columnShares
        let whole = Table.share(ofEms: TextMeasure.width("PC-TUDAN-299"[...], bold: false))
        #expect(abs(shares[0] - whole) < 1e-9, "\(shares)")
    }

    @Test func aVeryLongWordTakesAtMostAQuarter() {
        let id = String(repeating: "a1b2c3d4", count: 8)
        let shares = table([Column("Mã", key: "id"), Column("Tên", key: "name", width: 3)], [[.text(id), .text("pc-01")]]).columnShares
        #expect(abs(shares[0] - 0.25) < 1e-9 && abs(shares[1] - 0.75) < 1e-9, "\(shares)")
    }

    /// Four unbreakable words, each as wide as a quarter of the page, beside short ones (section VI with
    /// hostile text): the short words stay whole, the long ones share what is left evenly and break.
    @Test func whenWordsCannotAllFitTheLongestBreakFirst() {
        let long = String(repeating: "A", count: 120)
        let columns = [Column("STT", key: "n"), Column("Mức độ", key: "s")] + (0..<4).map { Column("C\($0)", key: "c\($0)") }
        let rows: [[Cell]] = [[.integer(1), .text("Thấp")] + (0..<4).map { .text(long + String(repeating: "B", count: $0)) }]
        let shares = table(columns, rows).columnShares
        let needed = Table.share(ofEms: max(TextMeasure.longestWord("Mức độ", bold: true, breakingHyphens: true), TextMeasure.longestWord("Thấp", bold: false, breakingHyphens: true)))
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9, "\(shares)")
        #expect(Set(shares[2...]).count == 1 && shares[1] < shares[2] && shares[0] < shares[2], "\(shares)")
        #expect(abs(shares[1] - needed) < 1e-9, "Thấp is not cut: \(shares[1]) for \(needed)")
    }

    @Test func tooManyWideColumnsShareThePageByTheirWords() {
        let columns = (0..<12).map { Column("C\($0)", key: "c\($0)") }
        let shares = table(columns, [Array(repeating: Self.date, count: 12)]).columnShares
        #expect(abs(shares.reduce(0, +) - 1) < 1e-9 && shares.allSatisfy { abs($0 - 1.0 / 12) < 1e-9 })
    }
}
