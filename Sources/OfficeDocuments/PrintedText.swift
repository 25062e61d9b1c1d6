/// How the document prints values: Vietnamese conventions (decimal comma, dot between thousands),
/// the same in every rendered format. The CSV export writes values, not this text.
extension Cell {
    public var printed: String {
        switch self {
        case .text(let text): return text
        case .integer(let n): return Self.grouped(n)
        // A value that is not a number (0/0 from an empty period) prints as missing, not as `nan`.
        case .percent(let value): return value.flatMap { $0.isFinite ? Self.decimal($0) + "%" : nil } ?? "–"
        case .change(let value):
            guard let value, value.isFinite else { return "–" }
            let rounded = (value * 10).rounded() / 10
            return rounded > 0 ? "+" + Self.decimal(rounded) : rounded < 0 ? "−" + Self.decimal(-rounded) : "0"
        case .date(let date): return date.short
        case .time(let time): return "\(time.date.short) \(DocumentDate.twoDigits(time.hour)):\(DocumentDate.twoDigits(time.minute))"
        case .empty: return ""
        }
    }

    /// Numbers and shares align right in a table; words align left.
    public var isNumeric: Bool {
        switch self {
        case .integer, .percent, .change: return true
        default: return false
        }
    }

    /// `12.345`
    static func grouped(_ n: Int) -> String {
        let digits = String(n.magnitude)
        var out = ""
        for (i, c) in digits.enumerated() {
            if i > 0, (digits.count - i) % 3 == 0 { out.append(".") }
            out.append(c)
        }
        return (n < 0 ? "−" : "") + out
    }

    /// One decimal, comma: `87,5`; a whole number without it: `100`.
    static func decimal(_ value: Double) -> String {
        guard value.isFinite else { return "–" }
        let tenths = Int((min(max(value, -1e15), 1e15) * 10).rounded())
        // The sign apart: `-0,5` has no whole part to carry it.
        let whole = Self.grouped(abs(tenths) / 10)
        let text = tenths % 10 == 0 ? whole : whole + "," + String(abs(tenths % 10))
        return tenths < 0 ? "−" + text : text
    }
}
