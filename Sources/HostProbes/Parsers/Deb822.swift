/// RFC 822-style stanzas as dpkg and apt write them: `Field: value`, continuation lines start with a blank.
enum Deb822 {
    struct Stanza {
        var fields: [String: String] = [:]
        var line: Int
        subscript(_ name: String) -> String? { fields[name.lowercased()] }
    }

    /// Field names are case-insensitive; a line that is neither a field nor a continuation is skipped.
    static func parse(_ text: String) -> [Stanza] {
        var stanzas: [Stanza] = []
        var current: Stanza? = nil
        var lastField: String? = nil
        var lineNumber = 0
        for raw in text.split(separator: "\n", omittingEmptySubsequences: false) {
            lineNumber += 1
            let line = raw.hasSuffix("\r") ? raw.dropLast() : raw
            if line.allSatisfy({ $0 == " " || $0 == "\t" }) {
                if let c = current { stanzas.append(c) }
                current = nil
                lastField = nil
                continue
            }
            if line.first == " " || line.first == "\t" {
                // Continuations only matter for the fields we read as a whole; keep them short.
                if let f = lastField, current != nil, f != "description", f != "conffiles" {
                    current!.fields[f, default: ""] += "\n" + line.drop { $0 == " " || $0 == "\t" }
                }
                continue
            }
            if line.first == "#" { continue }
            guard let colon = line.firstIndex(of: ":") else { continue }
            let name = line[..<colon].lowercased()
            let value = String(line[line.index(after: colon)...]).trimmed
            if current == nil { current = Stanza(line: lineNumber) }
            current!.fields[name] = value
            lastField = name
        }
        if let c = current { stanzas.append(c) }
        return stanzas
    }
}
