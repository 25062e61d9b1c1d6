import CollectorStore

/// Text that came from a host, made safe to print on the officer's terminal. A compromised agent
/// chooses its hostname and its job messages; with an escape sequence in them it could clear the
/// screen, rewrite earlier lines (a failing host shown as passing) or set the terminal's title.
/// What `DisplaySafety` calls unsafe (control characters, bidirectional overrides and marks, line
/// separators) is shown as `?`; everything printable, Vietnamese included, stays.
enum TerminalText {
    static func safe(_ text: String) -> String {
        DisplaySafety.printable(text)
    }

    static func safe(_ text: String?) -> String? { text.map(safe) }
}
