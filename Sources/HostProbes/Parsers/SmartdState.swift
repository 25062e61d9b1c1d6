import HardeningCore

/// A smartd state file (`smartd -s /var/lib/smartmontools/smartd.`, Debian's default): `# smartd
/// state file`, then `name = number` lines — `self-test-errors`, `ata-error-count`,
/// `ata-smart-attribute.N.id|val|worst|raw|resvd`, `nvme-err-log-entries`, `mail.N.…`. smartd writes a
/// value only when it is not zero, and ignores lines it does not know; so does this reader.
struct SmartdState {
    struct Attribute {
        var id: Int
        var raw: Sourced<Int>
    }

    var counters: [String: Sourced<Int>] = [:]
    var attributes: [Attribute] = []

    static func parse(_ text: String, path: String) -> SmartdState {
        var state = SmartdState()
        var slots: [Int: (id: Int?, raw: Sourced<Int>?, line: Int)] = [:]
        for line in ConfigLines.meaningful(text) {
            guard let eq = line.text.firstIndex(of: "=") else { continue }
            let key = String(line.text[..<eq]).trimmed
            guard let value = Int(String(line.text[line.text.index(after: eq)...]).trimmed), value >= 0 else { continue }
            let source = SourceLocation(path: path, line: line.number)
            let parts = key.split(separator: ".")
            if parts.count == 3, parts[0] == "ata-smart-attribute", let slot = Int(parts[1]) {
                var entry = slots[slot] ?? (nil, nil, line.number)
                if parts[2] == "id" { entry.id = value; entry.line = line.number }
                if parts[2] == "raw" { entry.raw = Sourced(value, source) }
                slots[slot] = entry
            } else if parts.count == 1 {
                state.counters[key] = Sourced(value, source)
            }
        }
        state.attributes = slots.keys.sorted().compactMap { slot in
            guard let entry = slots[slot], let id = entry.id else { return nil }
            return Attribute(id: id, raw: entry.raw ?? Sourced(0, SourceLocation(path: path, line: entry.line)))
        }
        return state
    }

    /// An attribute's raw value; 0 (at the file) when smartd saved none.
    func raw(_ id: Int, path: String) -> Sourced<Int> {
        attributes.first { $0.id == id }?.raw ?? Sourced(0, SourceLocation(path: path))
    }

    func counter(_ name: String, path: String) -> Sourced<Int> {
        counters[name] ?? Sourced(0, SourceLocation(path: path))
    }

    /// `smartd.Samsung_SSD_870_EVO_500GB-S6PX….ata.state` → (`Samsung_SSD_870_EVO_500GB-S6PX…`, `ata`).
    static func disk(fileName: String) -> (name: String, type: String)? {
        guard fileName.hasPrefix("smartd."), fileName.hasSuffix(".state") else { return nil }
        let middle = fileName.dropFirst("smartd.".count).dropLast(".state".count)
        guard let dot = middle.lastIndex(of: "."), dot > middle.startIndex else { return nil }
        return (String(middle[..<dot]), String(middle[middle.index(after: dot)...]))
    }
}
