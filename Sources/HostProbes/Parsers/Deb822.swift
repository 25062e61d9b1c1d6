/// RFC 822-style stanzas as dpkg and apt write them: `Field: value`, continuation lines start with a blank.
///
/// Works on UTF-8 bytes: the dpkg database of a desktop is several megabytes, read on every check.
enum Deb822 {
    struct Stanza {
        var fields: [String: String] = [:]
        var line: Int
        subscript(_ name: String) -> String? { fields[name.lowercased()] }
    }

    static let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " "), tab = UInt8(ascii: "\t")
    static let colon = UInt8(ascii: ":"), hash = UInt8(ascii: "#"), carriageReturn = UInt8(ascii: "\r")

    /// Field names are case-insensitive; a line that is neither a field nor a continuation is skipped.
    /// Continuations are kept for the fields read as a whole, not for descriptions and conffiles.
    /// `only`: the lower-case names of the fields to keep (all when `nil`); the others are skipped
    /// without being copied, which keeps a large dpkg database cheap.
    static func parse(_ text: String, only: Set<String>? = nil) -> [Stanza] {
        var stanzas: [Stanza] = []
        var current: Stanza? = nil
        var lastField: String? = nil
        var lineNumber = 0
        for raw in text.utf8.split(separator: newline, omittingEmptySubsequences: false) {
            lineNumber += 1
            var line = raw[...]
            if line.last == carriageReturn { line = line.dropLast() }
            guard let first = line.first(where: { $0 != space && $0 != tab }) else {
                if let c = current { stanzas.append(c) }
                current = nil
                lastField = nil
                continue
            }
            if line.first == space || line.first == tab {
                if let f = lastField, current != nil, f != "description", f != "conffiles" {
                    let rest = line.drop { $0 == space || $0 == tab }
                    current!.fields[f, default: ""] += "\n" + String(decoding: rest, as: UTF8.self)
                }
                continue
            }
            if first == hash { continue }
            guard let colonIndex = line.firstIndex(of: colon) else { continue }
            let name = String(decoding: line[..<colonIndex], as: UTF8.self).lowercased()
            if current == nil { current = Stanza(line: lineNumber) }
            if let only, !only.contains(name) {
                lastField = nil
                continue
            }
            var value = line[line.index(after: colonIndex)...].drop { $0 == space || $0 == tab }
            while let last = value.last, last == space || last == tab { value = value.dropLast() }
            current!.fields[name] = String(decoding: value, as: UTF8.self)
            lastField = name
        }
        if let c = current { stanzas.append(c) }
        return stanzas
    }
}
