import HardeningCore
import HostAccess

/// APT's configuration as apt reads it (apt.conf(5), apt 2.6): the files of `/etc/apt/apt.conf.d` in
/// name order, then `/etc/apt/apt.conf`; a later value wins; keys are case-insensitive.
///
/// Syntax: `A::B "value";`, or scopes `A { B "value"; };`; inside braces a bare `"item";` adds to the
/// list named by the scope (`Unattended-Upgrade::Origins-Pattern { "…"; "…"; };`), and lists from
/// several files add up; `#clear A::B` empties a key. Comments are `//`, `/* … */` and `#` lines; a `//`
/// inside quotes is text.
struct AptConfig {
    struct Value: Sendable {
        var text: String
        var source: SourceLocation
    }

    /// Scalar values by lower-case key (`apt::periodic::unattended-upgrade`).
    var values: [String: Value] = [:]
    /// List items by lower-case key.
    var lists: [String: [Value]] = [:]
    var problems: [String] = []

    func value(_ key: String) -> Value? { values[key.lowercased()] }
    func list(_ key: String) -> [Value] { lists[key.lowercased()] ?? [] }

    /// Names apt skips in a `.d` directory (Dir::Ignore-Files-Silently, and anything but `[A-Za-z0-9_.-]`).
    static func isRead(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.allSatisfy({ b in
            (b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5A) || (b >= 0x61 && b <= 0x7A) || b == 0x5F || b == 0x2E || b == 0x2D
        }) else { return false }
        for suffix in [".disabled", ".bak", ".save", ".orig", ".distUpgrade"] where name.hasSuffix(suffix) { return false }
        if name.hasSuffix("~") { return false }
        for marker in [".dpkg-", ".ucf-"] where name.contains(marker) { return false }
        return true
    }

    static func load(readFile: (String) throws(ProbeError) -> String?, list: (String) throws(ProbeError) -> [String]) throws(ProbeError) -> AptConfig {
        var config = AptConfig()
        let parts = try list("/etc/apt/apt.conf.d").filter(isRead).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        for path in parts.map({ "/etc/apt/apt.conf.d/\($0)" }) + ["/etc/apt/apt.conf"] {
            if let text = try readFile(path) { config.read(text, path: path) }
        }
        return config
    }

    enum Token: Equatable {
        case word(String), quoted(String), open, close, semicolon, clear(String)

        var text: String? {
            switch self {
            case .word(let t), .quoted(let t): t
            default: nil
            }
        }
    }

    mutating func read(_ text: String, path: String) {
        var scopes: [String] = []
        var pending: [(Token, Int)] = []
        for (token, line) in Self.tokens(text, path: path, problems: &problems) {
            let source = SourceLocation(path: path, line: line)
            switch token {
            case .clear(let key):
                let full = (scopes + [key]).joined(separator: "::").lowercased()
                values[full] = nil
                lists[full] = nil
                lists = lists.filter { !$0.key.hasPrefix(full + "::") }
                values = values.filter { !$0.key.hasPrefix(full + "::") }
            case .open:
                guard case .word(let key)? = pending.first?.0 else {
                    problems.append("\(source): `{` without a name before it")
                    pending = []
                    continue
                }
                scopes.append(key.hasSuffix("::") ? String(key.dropLast(2)) : key)
                pending = []
            case .close:
                if scopes.popLast() == nil { problems.append("\(source): `}` without `{`") }
                pending = []
            case .semicolon:
                let scope = scopes.joined(separator: "::")
                let at = SourceLocation(path: path, line: pending.first?.1 ?? line)
                switch pending.count {
                case 0:
                    break
                case 1 where !scopes.isEmpty && pending[0].0.text != nil:
                    // A bare item inside braces is an entry of the list the scope names.
                    lists[scope.lowercased(), default: []].append(Value(text: pending[0].0.text!, source: at))
                case 2:
                    guard case .word(let key) = pending[0].0, let value = pending[1].0.text else {
                        problems.append("\(source): expected `Key \"value\";`")
                        break
                    }
                    let full = (scope.isEmpty ? "" : scope + "::") + key
                    if full.hasSuffix("::") {
                        // `A::B:: "x";` adds to the list A::B.
                        lists[String(full.dropLast(2)).lowercased(), default: []].append(Value(text: value, source: at))
                    } else {
                        values[full.lowercased()] = Value(text: value, source: at)
                    }
                default:
                    problems.append("\(source): expected `Key \"value\";`")
                }
                pending = []
            case .word, .quoted:
                pending.append((token, line))
            }
        }
        if !scopes.isEmpty { problems.append("\(path): `{` not closed at the end of the file") }
    }

    static func tokens(_ text: String, path: String, problems: inout [String]) -> [(Token, Int)] {
        var result: [(Token, Int)] = []
        // Unicode scalars, not Characters: "\r\n" is one Character and would match neither "\r" nor "\n".
        let chars = Array(text.unicodeScalars)
        var i = 0
        var line = 1
        var atLineStart = true
        while i < chars.count {
            let c = chars[i]
            if c == "\n" { line += 1; atLineStart = true; i += 1; continue }
            if c == " " || c == "\t" || c == "\r" { i += 1; continue }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "/" {
                while i < chars.count && chars[i] != "\n" { i += 1 }
                continue
            }
            if c == "/" && i + 1 < chars.count && chars[i + 1] == "*" {
                i += 2
                while i < chars.count && !(chars[i] == "*" && i + 1 < chars.count && chars[i + 1] == "/") {
                    if chars[i] == "\n" { line += 1 }
                    i += 1
                }
                i += 2
                continue
            }
            if c == "#" && atLineStart {
                var end = i
                while end < chars.count && chars[end] != "\n" { end += 1 }
                let directive = String(String.UnicodeScalarView(chars[i..<end])).split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == ";" })
                if directive.first == "#clear", directive.count >= 2 { result.append((.clear(String(directive[1])), line)) }
                i = end
                continue
            }
            atLineStart = false
            switch c {
            case "{": result.append((.open, line)); i += 1
            case "}": result.append((.close, line)); i += 1
            case ";": result.append((.semicolon, line)); i += 1
            case "\"":
                var j = i + 1
                var value = String.UnicodeScalarView()
                while j < chars.count && chars[j] != "\"" {
                    if chars[j] == "\n" { line += 1 }
                    value.append(chars[j])
                    j += 1
                }
                if j >= chars.count { problems.append("\(path):\(line): unterminated quote") }
                result.append((.quoted(String(value)), line))
                i = j + 1
            default:
                var j = i + 1
                while j < chars.count, !" \t\r\n{};\"".unicodeScalars.contains(chars[j]) {
                    if chars[j] == "/" && j + 1 < chars.count && (chars[j + 1] == "/" || chars[j + 1] == "*") { break }
                    j += 1
                }
                result.append((.word(String(String.UnicodeScalarView(chars[i..<j]))), line))
                i = j
            }
        }
        return result
    }
}
