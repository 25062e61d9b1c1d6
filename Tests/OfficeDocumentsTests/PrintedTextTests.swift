import OfficeDocuments
import Testing

/// Vietnamese printing of values: decimal comma, dot between thousands, a true minus sign.
@Suite struct PrintedTextTests {
    @Test(arguments: [
        (Cell.integer(1_234_567), "1.234.567"), (.integer(-1234), "−1.234"), (.integer(0), "0"),
        (.percent(87.5), "87,5%"), (.percent(100), "100%"), (.percent(-0.5), "−0,5%"), (.percent(nil), "–"), (.percent(.nan), "–"),
        (.change(2.46), "+2,5"), (.change(-2.46), "−2,5"), (.change(0.04), "0"), (.change(nil), "–"), (.change(.infinity), "–"),
        (.date(DocumentDate(year: 2027, month: 1, day: 5)), "05/01/2027"), (.empty, ""),
    ])
    func printsAsTheOfficeWritesIt(cell: Cell, text: String) {
        #expect(cell.printed == text)
    }
}
