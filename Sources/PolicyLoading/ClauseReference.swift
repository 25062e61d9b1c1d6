/// Clause codes in policy data (`D9.K6`, `D6B.K3`, `D6A.K5.dd`) and the Vietnamese the report shows.
///
/// The regulation has two articles numbered 6 (CONTROLS.md): 6A "Điều kiện đảm bảo thực hiện nhiệm vụ
/// an toàn, an ninh thông tin" and 6B "Trang thiết bị và hạ tầng công nghệ thông tin". Codes keep them
/// apart; the text names the article's title so an officer can find it. Codes are data, so a re-issued
/// regulation changes only the mapping, never a control id.
enum ClauseReference {
    static let articleSix: [String: String] = [
        "6A": "Điều 6 (Điều kiện đảm bảo thực hiện nhiệm vụ an toàn, an ninh thông tin)",
        "6B": "Điều 6 (Trang thiết bị và hạ tầng công nghệ thông tin)",
    ]

    /// `D9.K6` → `Điều 9 khoản 6`; `nil` for a malformed code.
    static func vietnamese(_ code: String) -> String? {
        let parts = code.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let first = parts.first, first.hasPrefix("D"), parts.count <= 3 else { return nil }
        let article = String(first.dropFirst())
        var text: String
        if let six = articleSix[article] {
            text = six
        } else if let n = Int(article), n > 0, n < 100, n != 6, String(n) == article {
            // Plain "D6" is refused: which of the two articles numbered 6 is meant must be said.
            text = "Điều \(n)"
        } else {
            return nil
        }
        if parts.count >= 2 {
            guard parts[1].hasPrefix("K"), let k = Int(parts[1].dropFirst()), k > 0 else { return nil }
            text += " khoản \(k)"
        }
        if parts.count == 3 {
            let point = parts[2] == "dd" ? "đ" : parts[2]
            guard point.count == 1, let c = point.first, c.isLetter, c.isLowercase else { return nil }
            text += " điểm \(point)"
        }
        return text
    }
}
