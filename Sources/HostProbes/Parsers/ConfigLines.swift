import HardeningCore

/// A line of a configuration file with its 1-based number, comments and blank lines removed.
struct ConfigLine {
    var number: Int
    var text: String
}

enum ConfigLines {
    /// Splits text into meaningful lines. `#` starts a comment only at the start of a line
    /// (after blanks), which is how pwquality.conf and faillock.conf read them.
    static func meaningful(_ text: String, comment: Set<Character> = ["#"], continuation: Bool = false) -> [ConfigLine] {
        var result: [ConfigLine] = []
        var pending: (Int, String)? = nil
        for (index, raw) in text.lines.enumerated() {
            var line = String(raw)
            if continuation {
                if let p = pending {
                    line = p.1 + line
                }
                if line.hasSuffix("\\") {
                    pending = (pending?.0 ?? index + 1, String(line.dropLast()))
                    continue
                }
            }
            let number = pending?.0 ?? index + 1
            pending = nil
            let trimmed = line.trimmed
            if trimmed.isEmpty || comment.contains(trimmed.first!) { continue }
            result.append(ConfigLine(number: number, text: trimmed))
        }
        if let p = pending, !p.1.trimmed.isEmpty, !comment.contains(p.1.trimmed.first!) {
            result.append(ConfigLine(number: p.0, text: p.1.trimmed))
        }
        return result
    }

    /// `key = value` and bare `flag` lines (pwquality.conf, faillock.conf, vsftpd.conf with `=`).
    static func assignments(_ text: String, path: String) -> [(key: String, value: String?, source: SourceLocation)] {
        meaningful(text).map { line in
            if let eq = line.text.firstIndex(of: "=") {
                let key = String(line.text[..<eq]).trimmed
                let value = String(line.text[line.text.index(after: eq)...]).trimmed.unquoted
                return (key, value, SourceLocation(path: path, line: line.number))
            }
            return (line.text, nil, SourceLocation(path: path, line: line.number))
        }
    }
}

extension String {
    /// Removes one pair of surrounding double or single quotes.
    var unquoted: String {
        if count >= 2, let f = first, let l = last, f == l, f == "\"" || f == "'" { return String(dropFirst().dropLast()) }
        return self
    }

    /// Splits on runs of blanks.
    var fields: [String] { split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init) }
}
