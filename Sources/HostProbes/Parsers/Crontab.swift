import HardeningCore

/// crontab(5) files as Debian's cron reads them: `/etc/crontab` and `/etc/cron.d/*` have a user field
/// after the schedule, users' crontabs (`/var/spool/cron/crontabs/<user>`) do not.
///
/// A line is blank, a comment (`#` first), an environment setting (`MAILTO=root`, `PATH = /bin`),
/// or a job: five time fields (`0 2 * * 1-5`) or one `@` keyword (`@daily`, `@reboot`), then the
/// user in system files, then the command up to the first unescaped `%` (the rest is its stdin).
/// cron has no line continuation. A line that is none of these is skipped — cron logs it and goes
/// on with the file — and reported in ``problems``.
struct Crontab {
    struct Job: Hashable {
        /// `0 2 * * *` or `@daily`.
        var schedule: String
        var user: String?
        var command: String
        var source: SourceLocation
    }

    var jobs: [Job] = []
    var problems: [String] = []

    static let keywords: Set<String> = ["@reboot", "@yearly", "@annually", "@monthly", "@weekly", "@daily", "@midnight", "@hourly"]

    static func parse(_ text: String, path: String, system: Bool) -> Crontab {
        var crontab = Crontab()
        for (index, raw) in text.lines.enumerated() {
            let line = String(raw).trimmed
            let source = SourceLocation(path: path, line: index + 1)
            if line.isEmpty || line.hasPrefix("#") || isEnvironment(line) { continue }
            var rest = Substring(line)
            var schedule: [Substring] = []
            let count = line.hasPrefix("@") ? 1 : 5
            for _ in 0..<count {
                guard let field = next(&rest) else { break }
                schedule.append(field)
            }
            guard schedule.count == count, count == 5 ? schedule.allSatisfy(isTimeField) : keywords.contains(schedule[0].lowercased()) else {
                crontab.problems.append("\(source): not a crontab line (expected five time fields or @daily…)")
                continue
            }
            var user: String? = nil
            if system {
                guard let name = next(&rest) else {
                    crontab.problems.append("\(source): no user before the command")
                    continue
                }
                user = String(name)
            }
            let command = Self.command(rest.trimmed)
            guard !command.isEmpty else {
                crontab.problems.append("\(source): no command")
                continue
            }
            crontab.jobs.append(Job(schedule: schedule.joined(separator: " "), user: user, command: command, source: source))
        }
        return crontab
    }

    /// `NAME=value` or `NAME = value` (the name may be quoted): cron's environment lines.
    static func isEnvironment(_ line: String) -> Bool {
        guard let eq = line.firstIndex(of: "=") else { return false }
        let name = String(line[..<eq]).trimmed.unquoted
        guard let first = name.first, first.isLetter || first == "_" else { return false }
        return name.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" }
    }

    /// A time field: digits, `*`, ranges, steps, lists and month/day names (`jan`, `mon-fri`).
    static func isTimeField(_ field: Substring) -> Bool {
        field.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "*/,-".contains($0)) }
    }

    /// The command before the first `%` not escaped by a backslash; `\%` reads as `%`.
    static func command(_ text: String) -> String {
        var result = ""
        var escaped = false
        for c in text {
            if escaped {
                if c != "%" { result.append("\\") }
                result.append(c)
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else if c == "%" {
                break
            } else {
                result.append(c)
            }
        }
        if escaped { result.append("\\") }
        return result.trimmed
    }

    /// The next blank-separated field, removed from `rest`.
    static func next(_ rest: inout Substring) -> Substring? {
        rest = rest.drop { $0 == " " || $0 == "\t" }
        guard !rest.isEmpty else { return nil }
        let field = rest.prefix { $0 != " " && $0 != "\t" }
        rest = rest[field.endIndex...]
        return field
    }
}
