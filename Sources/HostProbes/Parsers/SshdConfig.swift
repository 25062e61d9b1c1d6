import HardeningCore
import HostAccess

/// `sshd_config` read the way sshd (OpenSSH 9.2, Debian 12) reads it, so the evidence shows the value
/// that is really in force and the line it came from:
///
/// - keywords are case-insensitive, and `Keyword value`, `Keyword=value` and `Keyword = value` are the same;
/// - for most keywords the **first** value read wins (Debian's `Include /etc/ssh/sshd_config.d/*.conf`
///   sits at the top, so a drop-in overrides the main file); list keywords (`AllowGroups`, `Port`, …)
///   add up instead;
/// - `Include` takes globs, relative to `/etc/ssh`, expanded in sorted order, in place, up to 16 deep;
/// - a `Match` block runs to the next `Match` or to the end of the file it is in: an included file's
///   `Match` ends with that file, and the lines after the `Include` belong to what held before it;
/// - an unknown keyword, one a `Match` block may not set, or a value sshd does not take makes sshd
///   refuse to start: such a line is a problem (``SshdKeywords``, `SshdConfig+Values.swift`).
///
/// `sshd -T` would print the effective values, but only on the live host and only for one connection;
/// this works under any root and keeps every `Match` block for the evidence.
struct SshdConfig {
    struct Directive: Sendable {
        /// Lower-case keyword (`permitrootlogin`).
        var keyword: String
        var arguments: [String]
        var source: SourceLocation
        var value: String { arguments.joined(separator: " ") }
    }

    struct MatchBlock: Sendable {
        /// The criteria as written (`User admin Address 10.0.0.0/8`).
        var criteria: String
        var source: SourceLocation
        var directives: [Directive]
    }

    /// Outside any `Match`, in the order sshd reads them.
    var global: [Directive] = []
    var matches: [MatchBlock] = []
    /// Lines sshd would refuse to start with, and includes that could not be read.
    var problems: [String] = []

    static let accumulating: Set<String> = [
        "allowusers", "allowgroups", "denyusers", "denygroups", "acceptenv", "listenaddress", "port",
        "hostkey", "hostcertificate", "subsystem", "setenv",
    ]

    /// The value in force outside `Match` blocks: the first one read (all of them, for list keywords).
    func effective(_ keyword: String) -> Directive? {
        let found = global.filter { $0.keyword == keyword }
        guard let first = found.first else { return nil }
        guard Self.accumulating.contains(keyword), found.count > 1 else { return first }
        return Directive(keyword: keyword, arguments: found.flatMap(\.arguments), source: first.source)
    }

    typealias ReadFile = (String) throws(ProbeError) -> String?
    typealias ListDirectory = (String) throws(ProbeError) -> [String]

    /// nil when the main file does not exist (no SSH server configured).
    static func load(path: String = "/etc/ssh/sshd_config", readFile: @escaping ReadFile, list: @escaping ListDirectory) throws(ProbeError) -> SshdConfig? {
        guard let text = try readFile(path) else { return nil }
        var config = SshdConfig()
        var reader = Reader(readFile: readFile, list: list)
        reader.read(text, path: path, depth: 0, into: &config, match: nil)
        return config
    }

    struct Reader {
        let readFile: ReadFile
        let list: ListDirectory
        /// Files read so far: a file that includes itself twice would otherwise double at every level.
        var filesRead = 0
        static let maxFiles = 256

        /// Reads one file. `match` is the index of the `Match` block the `Include` stood in, if any;
        /// what this file's own `Match` lines open ends with it.
        mutating func read(_ text: String, path: String, depth: Int, into config: inout SshdConfig, match enclosing: Int?) {
            var current = enclosing
            var number = 0
            for rawLine in text.lines {
                number += 1
                let source = SourceLocation(path: path, line: number)
                let words: [String]
                switch SshdConfig.words(rawLine) {
                case .success(let w): words = w
                case .failure(let problem):
                    config.problems.append("\(source): \(problem)")
                    continue
                }
                guard let first = words.first else { continue }
                var keyword = first
                var arguments = Array(words.dropFirst())
                // `Keyword=value` arrives as one word; `Keyword = value` as three.
                if let eq = keyword.firstIndex(of: "=") {
                    let rest = String(keyword[keyword.index(after: eq)...])
                    keyword = String(keyword[..<eq])
                    if !rest.isEmpty { arguments.insert(rest, at: 0) }
                } else if arguments.first == "=" {
                    arguments.removeFirst()
                }
                keyword = keyword.lowercased()
                switch keyword {
                case "match":
                    guard !arguments.isEmpty else {
                        config.problems.append("\(source): Match without criteria")
                        continue
                    }
                    if let refusal = SshdConfig.matchRefusal(arguments) {
                        config.problems.append("\(source): \(refusal)")
                        continue
                    }
                    // `Match all` returns to settings that apply to every connection.
                    if arguments.count == 1 && arguments[0].lowercased() == "all" {
                        current = enclosing
                        continue
                    }
                    config.matches.append(MatchBlock(criteria: arguments.joined(separator: " "), source: source, directives: []))
                    current = config.matches.count - 1
                case "include":
                    guard depth < 16 else {
                        config.problems.append("\(source): Include nested deeper than 16 files")
                        continue
                    }
                    for pattern in arguments {
                        let files = IncludePattern.expand(pattern, relativeTo: "/etc/ssh", list: list) { config.problems.append("\(source): Include \(pattern): \($0.reason)") }
                        for file in files {
                            filesRead += 1
                            guard filesRead <= Self.maxFiles else {
                                config.problems.append("\(source): more than \(Self.maxFiles) included files")
                                return
                            }
                            do {
                                guard let included = try readFile(file) else { continue }
                                read(included, path: file, depth: depth + 1, into: &config, match: current)
                            } catch {
                                config.problems.append("\(source): Include \(file): \(error.reason)")
                            }
                        }
                    }
                default:
                    let written = String(first.prefix { $0 != "=" })
                    guard SshdKeywords.known.contains(keyword) else {
                        config.problems.append("\(source): Bad configuration option: \(written)")
                        continue
                    }
                    if current != nil, !SshdKeywords.allowedInMatch.contains(keyword) {
                        config.problems.append("\(source): Directive '\(written)' is not allowed within a Match block")
                        continue
                    }
                    let directive = Directive(keyword: keyword, arguments: arguments, source: source)
                    if let refusal = SshdConfig.refusal(directive, written: written) {
                        config.problems.append("\(source): \(refusal)")
                        continue
                    }
                    if let current { config.matches[current].directives.append(directive) } else { config.global.append(directive) }
                }
            }
        }
    }

    enum Words { case success([String]), failure(String) }

    /// Splits a line as sshd's `argv_split` does: blanks separate words, double or single quotes group
    /// them, a backslash escapes a quote or backslash inside quotes, and a `#` that starts a word
    /// starts a comment.
    static func words(_ line: Substring) -> Words {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character? = nil
        var i = line.startIndex
        while i < line.endIndex {
            let c = line[i]
            if let q = quote {
                if c == "\\", line.index(after: i) < line.endIndex, [q, "\\"].contains(line[line.index(after: i)]) {
                    current.append(line[line.index(after: i)])
                    i = line.index(i, offsetBy: 2)
                    continue
                }
                if c == q { quote = nil } else { current.append(c) }
            } else if c == " " || c == "\t" || c == "\r" {
                if inWord { words.append(current); current = ""; inWord = false }
            } else if c == "#" && !inWord {
                break
            } else if c == "\"" || c == "'" {
                quote = c
                inWord = true
            } else {
                current.append(c)
                inWord = true
            }
            i = line.index(after: i)
        }
        if quote != nil { return .failure("unterminated quote") }
        if inWord { words.append(current) }
        return .success(words)
    }
}
