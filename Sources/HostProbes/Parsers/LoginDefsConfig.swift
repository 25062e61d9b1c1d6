import HardeningCore

/// `/etc/login.defs` read as the shadow suite's `getdef` reads it (shadow 4.13, Debian 12), so a
/// value is the one `useradd`, `passwd` and `chage` apply:
///
/// - a line is `NAME value`: blanks before the name, then blanks or double quotes before the value;
///   the value runs to the next double quote or the end of the line (trailing blanks and `\r` cut);
///   `#` starts a comment only at the start of a line; a name with no value is skipped;
/// - names are case-sensitive and the **last** occurrence wins; `NAME=value` is an unknown name;
/// - a number is read with `strtol(…, 0)`: `0x10` is 16 and `010` is **8**; the whole value must be
///   a number that fits an `int`, else the tool says "cannot parse" and uses its own default;
/// - a name the file does not set takes the tool's default, not a value attt would like: for
///   `PASS_MAX_DAYS`, `PASS_MIN_DAYS` and `PASS_WARN_AGE` that is -1, an empty field in
///   `/etc/shadow` (no limit, no minimum, no warning), which is what `useradd` gives new accounts.
///
/// `LoginDefsAgreementTests` hold this against the real `useradd --prefix`.
struct LoginDefsConfig {
    var values: [String: Sourced<String>] = [:]

    static func parse(_ text: String, path: String) -> LoginDefsConfig {
        var config = LoginDefsConfig()
        for (index, raw) in text.lines.enumerated() {
            var line = Substring(raw)
            while let last = line.last, last.isWhitespace { line = line.dropLast() }
            let name = line.drop { $0 == " " || $0 == "\t" }
            guard let first = name.first, first != "#" else { continue }
            let key = name.prefix { $0 != " " && $0 != "\t" }
            let rest = name.dropFirst(key.count)
            guard !rest.isEmpty else { continue }
            let value = rest.dropFirst().drop { $0 == " " || $0 == "\t" || $0 == "\"" }.prefix { $0 != "\"" }
            config.values[String(key)] = Sourced(String(value), SourceLocation(path: path, line: index + 1))
        }
        return config
    }

    /// getdef_num: the value as the tools read it, or their default when it is missing or unreadable.
    /// An unreadable value keeps its line as the source, so the evidence points at it.
    func number(_ key: String, default fallback: Int) -> Sourced<Int> {
        guard let entry = values[key] else { return Sourced(fallback, .builtin("shadow")) }
        guard let n = CInteger.strtol(entry.value), n >= Int(Int32.min), n <= Int(Int32.max) else { return Sourced(fallback, entry.source) }
        return Sourced(n, entry.source)
    }
}
