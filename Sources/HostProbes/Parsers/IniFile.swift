import HardeningCore

/// `[section]` and `key=value` files (GDM, LightDM, SDDM, systemd units): the last value wins.
struct IniFile {
    struct Entry {
        var section: String
        var key: String
        var value: String
        var source: SourceLocation
    }
    var entries: [Entry] = []

    static func parse(_ text: String, path: String) -> IniFile {
        var file = IniFile()
        var section = ""
        for line in ConfigLines.meaningful(text, comment: ["#", ";"]) {
            if line.text.hasPrefix("[") {
                section = String(line.text.dropFirst().prefix { $0 != "]" })
                continue
            }
            guard let eq = line.text.firstIndex(of: "=") else { continue }
            file.entries.append(Entry(
                section: section,
                key: String(line.text[..<eq]).trimmed,
                value: String(line.text[line.text.index(after: eq)...]).trimmed,
                source: SourceLocation(path: path, line: line.number)
            ))
        }
        return file
    }

    func value(_ section: String, _ key: String) -> Sourced<String>? {
        entries.last { $0.section == section && $0.key == key }.map { Sourced($0.value, $0.source) }
    }

    func values(_ section: String, _ key: String) -> [Sourced<String>] {
        entries.filter { $0.section == section && $0.key == key }.map { Sourced($0.value, $0.source) }
    }
}
