import HardeningCore
import HostAccess

/// logrotate's configuration as logrotate 3.21 reads it (logrotate(8)): global directives in
/// `/etc/logrotate.conf`, `include` of a file or a directory (its files in name order, skipping
/// backups such as `*.dpkg-old`), and stanzas `PATH… { directives }` that start from the global
/// values in force where the stanza begins. Only what decides retention is kept: the period
/// (`daily`, `weekly`, `monthly`, `yearly`; none means every run, daily on Debian) and `rotate N`.
struct LogrotateConfig {
    struct Settings {
        var period: Sourced<String>? = nil
        var rotate: Sourced<Int>? = nil
    }

    struct Stanza {
        var logs: [String]
        var settings: Settings
        var source: SourceLocation
    }

    var stanzas: [Stanza] = []
    var problems: [String] = []

    /// Hours between rotations.
    static let periods: [String: Int] = ["hourly": 1, "daily": 24, "weekly": 168, "monthly": 720, "yearly": 8760]
    /// Extensions logrotate's default `tabooext` skips in an included directory.
    static let taboo = [".rpmsave", ".rpmorig", "~", ".disabled", ".dpkg-old", ".dpkg-dist", ".dpkg-new", ".cfsaved", ".ucf-old", ".ucf-dist", ".ucf-new", ".rpmnew", ".swp"]

    static func load(_ main: String, readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String], isDirectory: (String) -> Bool) throws(ProbeError) -> LogrotateConfig {
        var config = LogrotateConfig()
        var globals = Settings()
        guard let text = try readFile(main) else { return config }
        try config.read(text, path: main, globals: &globals, readFile: readFile, list: list, isDirectory: isDirectory, depth: 0)
        return config
    }

    mutating func read(
        _ text: String, path: String, globals: inout Settings,
        readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String], isDirectory: (String) -> Bool, depth: Int
    ) throws(ProbeError) {
        var pendingLogs: [String] = []
        var pendingStart: Int? = nil
        var current: Settings? = nil
        var currentLogs: [String] = []
        var currentStart = SourceLocation(path: path)
        var inScript = false
        for line in ConfigLines.meaningful(text) {
            var words = line.text.fields
            let source = SourceLocation(path: path, line: line.number)
            if inScript {
                if words.first == "endscript" { inScript = false }
                continue
            }
            if current == nil {
                // Log names may share the line with `{`, or put `{` on a line of its own.
                var opens = false
                if words.last == "{" { words.removeLast(); opens = true } else if let last = words.last, last.hasSuffix("{") { words[words.count - 1] = String(last.dropLast()); opens = true }
                let names = words.filter { $0.hasPrefix("/") || $0.hasPrefix("\"/") || $0.hasPrefix("~") }
                if opens || (!names.isEmpty && names.count == words.count) {
                    pendingLogs += names.map { $0.unquoted }
                    if pendingStart == nil { pendingStart = line.number }
                    if opens {
                        current = globals
                        currentLogs = pendingLogs
                        currentStart = SourceLocation(path: path, line: pendingStart ?? line.number)
                        pendingLogs = []
                        pendingStart = nil
                    }
                    continue
                }
                if words.first == "include", words.count >= 2, depth < 8 {
                    let target = words[1].unquoted
                    if isDirectory(target) {
                        for name in try list(target).sorted() where !Self.taboo.contains(where: { name.hasSuffix($0) }) {
                            if let included = try readFile("\(target)/\(name)") {
                                try read(included, path: "\(target)/\(name)", globals: &globals, readFile: readFile, list: list, isDirectory: isDirectory, depth: depth + 1)
                            }
                        }
                    } else if let included = try readFile(target) {
                        try read(included, path: target, globals: &globals, readFile: readFile, list: list, isDirectory: isDirectory, depth: depth + 1)
                    }
                    continue
                }
                apply(words, source, to: &globals)
                continue
            }
            if words.first == "}" {
                stanzas.append(Stanza(logs: currentLogs, settings: current!, source: currentStart))
                current = nil
                continue
            }
            if ["postrotate", "prerotate", "firstaction", "lastaction", "preremove"].contains(words.first ?? "") {
                inScript = true
                continue
            }
            apply(words, source, to: &current!)
        }
        if current != nil { problems.append("\(currentStart): a stanza is not closed with }") }
    }

    mutating func apply(_ words: [String], _ source: SourceLocation, to settings: inout Settings) {
        guard let directive = words.first else { return }
        if Self.periods[directive] != nil {
            settings.period = Sourced(directive, source)
        } else if directive == "rotate" {
            guard words.count >= 2, let count = Int(words[1]) else {
                problems.append("\(source): rotate takes a number")
                return
            }
            settings.rotate = Sourced(count, source)
        }
    }

    /// The stanza that rotates `log` (logrotate refuses a log named twice, so the first is the one).
    func stanza(for log: String) -> Stanza? {
        stanzas.first { $0.logs.contains(log) || $0.logs.contains { Glob($0).matches(log) } }
    }

    /// `weekly` × `rotate 4` → 28 days kept. logrotate's defaults: every run (daily), rotate 0.
    static func rotation(_ stanza: Stanza, log: String) -> LogRotation {
        let period = stanza.settings.period ?? Sourced("daily", SourceLocation.builtin("logrotate"))
        let rotate = stanza.settings.rotate ?? Sourced(0, SourceLocation.builtin("logrotate"))
        return LogRotation(log: log, period: period, rotate: rotate, days: (periods[period.value] ?? 24) * max(0, rotate.value) / 24, stanza: stanza.source)
    }
}
