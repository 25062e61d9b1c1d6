/// Integers as C's `strtol(text, &end, 0)` reads them, which is how shadow's getdef and the
/// kernel's sysctl handlers take numbers: `0x10` is 16 and `010` is **8**, not ten.
enum CInteger {
    /// `strtol(text, &end, 0)` with `*end == '\0'` required: sign, then `0x` hex, `0` octal or decimal.
    static func strtol(_ text: String) -> Int? {
        var digits = Substring(text).drop { $0.isWhitespace }
        var negative = false
        if let sign = digits.first, sign == "+" || sign == "-" {
            negative = sign == "-"
            digits = digits.dropFirst()
        }
        var radix = 10
        if digits.count > 2, digits.hasPrefix("0x") || digits.hasPrefix("0X") {
            radix = 16
            digits = digits.dropFirst(2)
        } else if digits.count > 1, digits.hasPrefix("0") {
            radix = 8
            digits = digits.dropFirst()
        }
        guard !digits.isEmpty, digits.allSatisfy({ $0.isASCII && ($0.hexDigitValue ?? radix) < radix }),
              let magnitude = Int(digits, radix: radix) else { return nil }
        return negative ? -magnitude : magnitude
    }
}
