import HardeningCore

/// A systemd unit file and its drop-ins (systemd.unit(5), systemd.syntax(7)): `[Section]`,
/// `Key=value`, `#` and `;` comments, a trailing `\` continues the line. A list setting such as
/// `ExecStart=` collects its values in order; an empty assignment clears what came before, which is
/// how a drop-in replaces the vendor's command.
struct SystemdUnit {
    struct Setting {
        var section: String
        var key: String
        var value: String
        var source: SourceLocation
    }

    var settings: [Setting] = []

    /// Folds one file in after the ones already read (the unit first, then its drop-ins in order).
    mutating func read(_ text: String, path: String) {
        var section = ""
        for line in ConfigLines.meaningful(text, comment: ["#", ";"], continuation: true) {
            if line.text.hasPrefix("[") {
                section = String(line.text.dropFirst().prefix { $0 != "]" })
                continue
            }
            guard let eq = line.text.firstIndex(of: "=") else { continue }
            let key = String(line.text[..<eq]).trimmed
            let value = String(line.text[line.text.index(after: eq)...]).trimmed
            if value.isEmpty {
                settings.removeAll { $0.section == section && $0.key == key }
                continue
            }
            settings.append(Setting(section: section, key: key, value: value, source: SourceLocation(path: path, line: line.number)))
        }
    }

    static func parse(_ text: String, path: String) -> SystemdUnit {
        var unit = SystemdUnit()
        unit.read(text, path: path)
        return unit
    }

    func values(_ section: String, _ key: String) -> [Sourced<String>] {
        settings.filter { $0.section == section && $0.key == key }.map { Sourced($0.value, $0.source) }
    }

    func value(_ section: String, _ key: String) -> Sourced<String>? { values(section, key).last }

    /// `ExecStart=` lines without their prefixes (`-` ignore failure, `@`, `+`, `!`, `!!`, `:`).
    func commands(_ key: String = "ExecStart") -> [Sourced<String>] {
        values("Service", key).map { Sourced(String($0.value.drop { "-@+!:".contains($0) }), $0.source) }
    }

    /// Where systemd looks for units, most local first: a name found earlier hides the same name later.
    static let directories = ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"]
}
