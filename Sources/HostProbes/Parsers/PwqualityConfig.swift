import HardeningCore
import HostAccess

/// `pwquality.conf` and its drop-ins as libpwquality 1.4.5 (Debian 12) reads them:
///
/// - `pwquality.conf.d/*.conf` first, in name order (hidden names too), then `pwquality.conf`, so
///   the main file wins; within them the last setting wins;
/// - `#` starts a comment anywhere on a line; a name is case-insensitive and ends at a blank or
///   `=`; one `=` may stand between it and the value (`minlen 12`, `minlen=12` and `MINLEN = 12` are
///   the same); flags (`enforce_for_root`) are set by their name whatever follows;
/// - a number is decimal (`010` is ten, `0x10` and `"12"` are refused) and must fit an `int`;
/// - the first line it cannot use (an unknown name, a bad number) **ends the reading**: later
///   lines and files are not applied. pam_pwquality logs that and goes on with what it read, then
///   its own arguments, so the settings in force are the ones before that line.
///
/// `PwqualityAgreementTests` hold this against libpwquality itself (python3-pwquality).
struct PwqualityConfig {
    struct Setting {
        /// Lower case.
        var name: String
        var value: String
        var source: SourceLocation
    }

    static let main = "/etc/security/pwquality.conf"
    static let dropins = "/etc/security/pwquality.conf.d"

    static let integers: Set<String> = [
        "difok", "minlen", "dcredit", "ucredit", "lcredit", "ocredit", "minclass", "maxrepeat", "maxsequence",
        "maxclassrepeat", "gecoscheck", "dictcheck", "usercheck", "usersubstr", "enforcing", "retry",
    ]
    static let flags: Set<String> = ["enforce_for_root", "local_users_only"]
    static let texts: Set<String> = ["badwords", "dictpath"]

    /// The settings applied, in order.
    var settings: [Setting] = []
    /// Where libpwquality stopped reading, and why.
    var stoppedAt: String?

    static func load(readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String]) throws(ProbeError) -> PwqualityConfig {
        var files = try list(dropins).filter { $0.hasSuffix(".conf") }.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }.map { "\(dropins)/\($0)" }
        files.append(main)
        var config = PwqualityConfig()
        for path in files {
            guard let text = try readFile(path) else { continue }
            guard config.read(text, path: path) else { break }
        }
        return config
    }

    /// Reads one file; `false` when a line stopped the reading.
    mutating func read(_ text: String, path: String) -> Bool {
        for (index, raw) in text.lines.enumerated() {
            let source = SourceLocation(path: path, line: index + 1)
            let line = raw.prefix { $0 != "#" }.trimmed
            guard !line.isEmpty else { continue }
            let name = line.prefix { $0 != " " && $0 != "\t" && $0 != "=" }.lowercased()
            var rest = line.dropFirst(name.count).drop { $0 == " " || $0 == "\t" }
            if rest.first == "=" { rest = rest.dropFirst().drop { $0 == " " || $0 == "\t" } }
            let value = String(rest)
            if Self.flags.contains(name) || Self.texts.contains(name) {
                settings.append(Setting(name: name, value: value, source: source))
            } else if Self.integers.contains(name) {
                guard Self.integer(value) != nil else {
                    stoppedAt = "\(source): bad integer value of setting \(name)"
                    return false
                }
                settings.append(Setting(name: name, value: value, source: source))
            } else {
                stoppedAt = "\(source): unknown setting \(name)"
                return false
            }
        }
        return true
    }

    /// strtol base 10 over the whole value, within an `int`.
    static func integer(_ text: String) -> Int? {
        guard !text.isEmpty, !text.contains(where: \.isWhitespace), text.dropFirst(text.first == "-" || text.first == "+" ? 1 : 0).allSatisfy({ $0.isASCII && $0.isNumber }),
              let n = Int(text), n >= Int(Int32.min), n <= Int(Int32.max) else { return nil }
        return n
    }
}
