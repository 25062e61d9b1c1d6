/// Characters that change how the text around them is shown: control characters (C0, DEL, C1), the
/// bidirectional overrides, isolates and marks (they reorder what follows, so `h-1 fail` can read
/// as something else) and the line and paragraph separators (a line break by another name). What an
/// officer records is refused with them; what a host sends is printed with them replaced.
public enum DisplaySafety {
    public static func isUnsafe(_ scalar: Unicode.Scalar) -> Bool {
        let v = scalar.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
            || v == 0x200E || v == 0x200F || v == 0x061C || v == 0x2028 || v == 0x2029
    }

    /// Text a host sent, fit to print: each unsafe character replaced by `?`, and cut to `limit`
    /// characters with an ellipsis (a hostname cannot fill a page).
    public static func printable(_ text: String, limit: Int = .max) -> String {
        let safe = String(String.UnicodeScalarView(text.unicodeScalars.map { isUnsafe($0) ? "?" : $0 }))
        return safe.count > limit ? String(safe.prefix(max(0, limit - 1))) + "…" : safe
    }
}
