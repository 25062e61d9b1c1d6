/// Small edits of `KEY value` and `key = value` files that keep everything else as it was:
/// comments, order, blank lines, the separator the file already uses.
public enum ConfigEdit {
    public enum Style: Sendable {
        /// login.defs: `KEY<tab>value`; keys are case-sensitive.
        case whitespace
        /// gdm, pwquality, faillock, smb.conf: `key = value`.
        case equals
        /// Files a shell sources (`/etc/default/ufw`, `ufw.conf`): `KEY=value`, no blanks around `=`.
        case shell
    }

    /// Sets `key` to `value`: the last uncommented setting is changed in place (earlier duplicates are
    /// commented out, since for most of these files the last one wins); a missing key is appended
    /// after `comment`. Returns the text unchanged when it already says so.
    public static func set(_ key: String, to value: String, in text: String, style: Style, comment: String? = nil, section: String? = nil) -> String {
        // A file saved with Windows line ends keeps them: lines are edited without their "\r\n".
        let lineEnd = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.lines.map(String.init)
        let hadFinalNewline = text.unicodeScalars.last == "\n"
        if hadFinalNewline { lines.removeLast() }
        var matches: [Int] = []
        var current: String? = nil
        for (index, line) in lines.enumerated() {
            let trimmed = line.drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") {
                current = String(trimmed.dropFirst().prefix { $0 != "]" })
                continue
            }
            guard section == nil || current == section else { continue }
            if keyOf(String(trimmed), style: style) == key { matches.append(index) }
        }
        let rendered: String
        switch style {
        case .whitespace: rendered = "\(key)\t\(value)"
        case .equals: rendered = "\(key) = \(value)"
        case .shell: rendered = "\(key)=\(value)"
        }
        if let last = matches.last {
            if lines[last].drop(while: { $0 == " " || $0 == "\t" }) == Substring(rendered), matches.count == 1 { return text }
            let indent = String(lines[last].prefix { $0 == " " || $0 == "\t" })
            lines[last] = indent + rendered
            for earlier in matches.dropLast() { lines[earlier] = "# " + lines[earlier] }
        } else {
            var block: [String] = []
            if let comment { block.append("# \(comment)") }
            block.append(rendered)
            if let section {
                if let header = lines.firstIndex(where: { $0.trimmingPrefixBlanks.hasPrefix("[\(section)]") }) {
                    // At the end of that section: before the next header, or at the end of the file.
                    let end = lines[(header + 1)...].firstIndex { $0.trimmingPrefixBlanks.hasPrefix("[") } ?? lines.count
                    lines.insert(contentsOf: block, at: end)
                } else {
                    lines += ["", "[\(section)]"] + block
                }
            } else {
                if let last = lines.last, !last.isEmpty { lines.append("") }
                lines += block
            }
        }
        return lines.joined(separator: lineEnd) + (hadFinalNewline || matches.isEmpty ? lineEnd : "")
    }

    /// Comments out the given lines (1-based), each after a note saying why; the rest is untouched.
    /// For files where the FIRST value wins (sshd_config), where setting a key later cannot undo it.
    public static func commentOut(lines numbers: Set<Int>, in text: String, note: String) -> String {
        let lineEnd = text.contains("\r\n") ? "\r\n" : "\n"
        var lines = text.lines.map(String.init)
        let hadFinalNewline = text.unicodeScalars.last == "\n"
        if hadFinalNewline { lines.removeLast() }
        for index in numbers.map({ $0 - 1 }).sorted(by: >) where lines.indices.contains(index) && !lines[index].trimmingPrefixBlanks.hasPrefix("#") {
            let indent = String(lines[index].prefix { $0 == " " || $0 == "\t" })
            lines[index] = indent + "# " + lines[index].trimmingPrefixBlanks
            lines.insert(indent + "# " + note, at: index)
        }
        return lines.joined(separator: lineEnd) + (hadFinalNewline ? lineEnd : "")
    }

    /// The key an uncommented line sets, or nil.
    static func keyOf(_ line: String, style: Style) -> String? {
        guard let first = line.first, first != "#", first != ";" else { return nil }
        switch style {
        case .whitespace:
            return String(line.prefix { $0 != " " && $0 != "\t" })
        case .equals, .shell:
            guard let eq = line.firstIndex(of: "=") else { return String(line.prefix { $0 != " " && $0 != "\t" }) }
            return String(line[..<eq]).trimmingPrefixBlanks.trimmingSuffixBlanks
        }
    }
}

extension String {
    var trimmingPrefixBlanks: String { String(drop { $0 == " " || $0 == "\t" }) }
    var trimmingSuffixBlanks: String {
        var s = Substring(self)
        while let l = s.last, l == " " || l == "\t" { s = s.dropLast() }
        return String(s)
    }
}
