/// The tables of an ``AdministrativeDocument`` as CSV, one file per table, for whoever sums or charts
/// the figures in a spreadsheet: values, not printed text (`87.5`, not `87,5%`), under a header row of
/// the column keys.
///
/// - UTF-8 with a byte order mark: Excel on the office's Windows PCs reads a CSV without one in the
///   ANSI code page (Windows-1258), and every Vietnamese letter would be garbled.
/// - RFC 4180: fields with a comma, a quote or a line break are quoted, quotes doubled, lines end in CRLF.
/// - The total row is left out: a reader who sums a column would count it twice. The printed document
///   holds it; `tables.csv` says for each file whether the document had one.
/// - Formula injection (OWASP "CSV Injection"): a text cell that begins with `=`, `+`, `-`, `@`, a tab
///   or a carriage return gets a leading `'`, so a spreadsheet shows it as text instead of running it.
///   Host names, package names and officers' notes come from outside; numbers are never touched.
struct CSVTables {
    let document: AdministrativeDocument

    static let byteOrderMark = "\u{FEFF}"
    static let indexName = "tables.csv"

    /// `(file name, content)` for each table, then the index `tables.csv` naming each file with its caption.
    func files() -> [(name: String, text: String)] {
        var names = Set<String>()
        var files: [(name: String, text: String)] = []
        var index = [["file", "caption", "rows", "total_row_in_document"]]
        for (position, table) in document.tables.enumerated() {
            var name = Self.fileName(table.id, position: position + 1)
            if names.contains(name) || name == Self.indexName { name = "table-\(position + 1)-\(name)" }
            names.insert(name)
            // A table without columns has nothing to hold: the file is empty but for the BOM.
            var lines = table.columns.isEmpty ? [] : [table.columns.map(\.key).map(Self.guarded)]
            lines += table.columns.isEmpty ? [] : table.rows.map { table.fitted($0).map(Self.value) }
            files.append((name, Self.csv(lines)))
            index.append([name, Self.guarded(table.caption), String(max(0, lines.count - 1)), table.total == nil ? "no" : "yes"])
        }
        return files + [(Self.indexName, Self.csv(index))]
    }

    static func csv(_ lines: [[String]]) -> String {
        // A lone empty field is written `""`: a bare empty line reads as no row at all.
        byteOrderMark + lines.map { $0 == [""] ? "\"\"\r\n" : $0.map(quoted).joined(separator: ",") + "\r\n" }.joined()
    }

    static func quoted(_ field: String) -> String {
        guard field.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" || $0 == "\r\n" }) else { return field }
        return "\"" + field.split(separator: "\"", omittingEmptySubsequences: false).joined(separator: "\"\"") + "\""
    }

    /// The value a spreadsheet should read: numbers with a point, dates and instants in ISO 8601.
    static func value(_ cell: Cell) -> String {
        switch cell {
        case .text(let text): return guarded(text)
        case .integer(let n): return String(n)
        case .percent(let value), .change(let value):
            guard let value, value.isFinite else { return "" }
            return number(value)
        case .date(let date): return date.iso
        case .time(let time): return time.iso
        case .empty: return ""
        }
    }

    /// `87.5`, `100`, `-2.5`: the shortest text that reads back as the same number.
    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(value)
    }

    static func guarded(_ text: String) -> String {
        guard let first = text.unicodeScalars.first, ["=", "+", "-", "@", "\t", "\r"].contains(first) else { return text }
        return "'" + text
    }

    /// The table's id as a file name: letters, digits, `-` and `_` only, so no id can name a path
    /// outside the archive's top level (`../x`, `/etc/x`) or a hidden file.
    static func fileName(_ id: String, position: Int) -> String {
        let kept = String(id.unicodeScalars.prefix(64).map { scalar -> Character in
            switch scalar {
            case "a"..."z", "A"..."Z", "0"..."9", "-", "_": return Character(scalar)
            default: return "_"
            }
        })
        let trimmed = kept.drop { $0 == "_" || $0 == "-" }
        return (trimmed.isEmpty ? "table-\(position)" : String(trimmed)) + ".csv"
    }
}
