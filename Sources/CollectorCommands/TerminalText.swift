/// Text that came from a host, made safe to print on the officer's terminal. A compromised agent
/// chooses its hostname and its job messages; with an escape sequence in them it could clear the
/// screen, rewrite earlier lines (a failing host shown as passing) or set the terminal's title.
/// Control characters (C0, DEL, C1) and the bidirectional overrides (which reorder what follows,
/// so `h-1 fail` can read as something else) are shown as `?`; everything printable, Vietnamese
/// included, stays.
enum TerminalText {
    static func safe(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            let v = scalar.value
            return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v) ? "?" : scalar
        }))
    }

    static func safe(_ text: String?) -> String? { text.map(safe) }
}
