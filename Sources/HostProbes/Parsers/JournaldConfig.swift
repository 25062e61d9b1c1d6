import HardeningCore
import HostAccess

/// systemd-journald's `[Journal]` settings as systemd 252 (Debian 12) reads them (journald.conf(5),
/// systemd.syntax(7)): `/etc/systemd/journald.conf` first, then the `*.conf` drop-ins of
/// `journald.conf.d` in `/etc/systemd`, `/run/systemd`, `/usr/local/lib/systemd` and `/usr/lib/systemd`,
/// all sorted by file name whatever their directory; a later assignment wins, and a drop-in in an
/// earlier directory hides one of the same name in a later one (so `/etc` masks a package's file).
struct JournaldConfig {
    static let mainFile = "/etc/systemd/journald.conf"
    static let directories = ["/etc/systemd/journald.conf.d", "/run/systemd/journald.conf.d", "/usr/local/lib/systemd/journald.conf.d", "/usr/lib/systemd/journald.conf.d", "/lib/systemd/journald.conf.d"]

    var values: [String: Sourced<String>] = [:]
    var files: [String] = []

    static func load(readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String]) throws(ProbeError) -> JournaldConfig {
        var config = JournaldConfig()
        if let text = try readFile(mainFile) { config.read(text, path: mainFile) }
        var chosen: [String: String] = [:]
        for directory in directories {
            for name in try list(directory) where name.hasSuffix(".conf") && chosen[name] == nil {
                chosen[name] = "\(directory)/\(name)"
            }
        }
        for name in chosen.keys.sorted(by: { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }) {
            let path = chosen[name]!
            // An empty file or a link to /dev/null masks the name: readFile gives "" for both.
            guard let text = try readFile(path) else { continue }
            config.read(text, path: path)
        }
        return config
    }

    mutating func read(_ text: String, path: String) {
        files.append(path)
        for entry in IniFile.parse(text, path: path).entries where entry.section == "Journal" {
            values[entry.key] = Sourced(entry.value, entry.source)
        }
    }

    /// A systemd time span (`1month`, `5d 12h`, `3600`, `2 weeks`) in days; nil when it is not one.
    static func days(_ span: String) -> Double? {
        let units: [(names: [String], seconds: Double)] = [
            (["usec", "us", "µs"], 1e-6), (["msec", "ms"], 1e-3),
            (["seconds", "second", "sec", "s"], 1), (["minutes", "minute", "min", "m"], 60),
            (["hours", "hour", "hr", "h"], 3600), (["days", "day", "d"], 86_400),
            (["weeks", "week", "w"], 604_800), (["months", "month", "M"], 2_629_800), (["years", "year", "y"], 31_557_600),
        ]
        var rest = Substring(span.trimmed)
        guard !rest.isEmpty else { return nil }
        var total = 0.0
        while !rest.isEmpty {
            rest = rest.drop { $0 == " " }
            let number = rest.prefix { $0.isASCII && ($0.isNumber || $0 == ".") }
            guard !number.isEmpty, let value = Double(number) else { return nil }
            rest = rest.dropFirst(number.count).drop { $0 == " " }
            let word = rest.prefix { $0.isLetter || $0 == "µ" }
            if word.isEmpty {
                total += value
            } else {
                guard let unit = units.first(where: { $0.names.contains(String(word)) }) else { return nil }
                total += value * unit.seconds
            }
            rest = rest.dropFirst(word.count)
        }
        return total / 86_400
    }
}
