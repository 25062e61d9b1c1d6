import HardeningCore
import HostAccess

/// The base chains an nftables ruleset file declares, as `nft -f` would load it: `table FAMILY NAME {
/// chain NAME { type filter hook input priority 0; policy drop; … } }`, the `add chain FAMILY TABLE
/// NAME { … }` form, `include "…"` (globs, sorted) up to 16 deep, `#` comments, statements ended by
/// `;` or a line end. Only what decides the default for incoming packets is kept: the hook and the
/// policy of each base chain (a chain without a policy accepts).
struct NftablesConfig {
    struct BaseChain: Sendable {
        /// `inet`, `ip`, `ip6`, … (a table without a family is `ip`).
        var family: String
        var table: String
        var chain: String
        var hook: String
        /// `accept` when the chain does not say.
        var policy: String
        var source: SourceLocation
    }

    var chains: [BaseChain] = []
    var problems: [String] = []

    /// The default for incoming packets of one IP version: `drop` if any input base chain that sees
    /// them drops by default (every base chain on the hook sees the packet), `accept` if there are
    /// input chains and none drops, nil if none.
    func inputPolicy(ipv6: Bool) -> BaseChain? {
        let families: Set<String> = ipv6 ? ["inet", "ip6"] : ["inet", "ip"]
        let input = chains.filter { $0.hook == "input" && families.contains($0.family) }
        return input.first { $0.policy == "drop" } ?? input.first
    }

    typealias ReadFile = (String) throws(ProbeError) -> String?
    typealias ListDirectory = (String) throws(ProbeError) -> [String]

    static func load(path: String, readFile: ReadFile, list: ListDirectory) throws(ProbeError) -> NftablesConfig? {
        guard let text = try readFile(path) else { return nil }
        var config = NftablesConfig()
        config.read(text, path: path, depth: 0, readFile: readFile, list: list)
        return config
    }

    enum Token: Equatable { case word(String), open, close, end }

    mutating func read(_ text: String, path: String, depth: Int, readFile: ReadFile, list: ListDirectory) {
        // Scopes: ("table", family, name) or ("chain", name), or an anonymous block (sets, maps).
        enum Scope { case table(family: String, name: String), chain(family: String, table: String, name: String, start: Int), other }
        var scopes: [Scope] = []
        var statement: [String] = []
        var statementLine = 1
        var chainInfo: (hook: String?, policy: String?) = (nil, nil)

        func finishStatement() {
            defer { statement = [] }
            guard let first = statement.first else { return }
            if first == "include", statement.count >= 2 {
                guard depth < 16 else {
                    problems.append("\(path):\(statementLine): include nested deeper than 16 files")
                    return
                }
                let at = "\(path):\(statementLine)"
                let files = IncludePattern.expand(statement[1], relativeTo: "/etc", list: list) { problems.append("\(at): include \(statement[1]): \($0.reason)") }
                for file in files {
                    do {
                        if let included = try readFile(file) { read(included, path: file, depth: depth + 1, readFile: readFile, list: list) }
                    } catch {
                        problems.append("\(path):\(statementLine): include \(file): \(error.reason)")
                    }
                }
                return
            }
            guard case .chain? = scopes.last else { return }
            if first == "type", let hook = statement.firstIndex(of: "hook"), hook + 1 < statement.count {
                chainInfo.hook = statement[hook + 1]
            } else if first == "policy", statement.count >= 2 {
                chainInfo.policy = statement[1]
            }
        }

        for (token, line) in Self.tokens(text) {
            switch token {
            case .word(let w):
                if statement.isEmpty { statementLine = line }
                statement.append(w)
            case .end:
                finishStatement()
            case .open:
                let words = statement
                statement = []
                // `table inet filter {`, `add table …`, `chain input {`, `add chain inet filter input {`.
                let body = words.first == "add" || words.first == "create" ? Array(words.dropFirst()) : words
                if body.first == "table" {
                    let (family, name) = body.count >= 3 ? (body[1], body[2]) : ("ip", body.count == 2 ? body[1] : "")
                    scopes.append(.table(family: family, name: name))
                } else if body.first == "chain" {
                    var family = "ip", table = "", name = body.count >= 2 ? body[body.count - 1] : ""
                    if body.count >= 4 {
                        (family, table, name) = (body[1], body[2], body[3])
                    } else if body.count == 3 {
                        (table, name) = (body[1], body[2])
                    } else if case .table(let f, let t)? = scopes.last {
                        (family, table) = (f, t)
                    }
                    scopes.append(.chain(family: family, table: table, name: name, start: line))
                    chainInfo = (nil, nil)
                } else {
                    scopes.append(.other)
                }
            case .close:
                finishStatement()
                guard let scope = scopes.popLast() else {
                    problems.append("\(path):\(line): `}` without `{`")
                    continue
                }
                if case .chain(let family, let table, let name, let start) = scope, let hook = chainInfo.hook {
                    chains.append(BaseChain(family: family, table: table, chain: name, hook: hook, policy: chainInfo.policy ?? "accept", source: SourceLocation(path: path, line: start)))
                }
            }
        }
        finishStatement()
        if !scopes.isEmpty { problems.append("\(path): `{` not closed at the end of the file") }
    }

    /// Words (quotes removed), braces, and statement ends (`;` or a line end).
    static func tokens(_ text: String) -> [(Token, Int)] {
        var result: [(Token, Int)] = []
        let chars = Array(text.unicodeScalars)
        var i = 0, line = 1
        while i < chars.count {
            let c = chars[i]
            switch c {
            case "\n":
                result.append((.end, line)); line += 1; i += 1
            case ";":
                result.append((.end, line)); i += 1
            case " ", "\t", "\r":
                i += 1
            case "\\" where i + 1 < chars.count && chars[i + 1] == "\n":
                line += 1; i += 2  // a continued line
            case "#":
                while i < chars.count && chars[i] != "\n" { i += 1 }
            case "{":
                result.append((.open, line)); i += 1
            case "}":
                result.append((.close, line)); i += 1
            case "\"":
                var j = i + 1
                while j < chars.count && chars[j] != "\"" && chars[j] != "\n" { j += 1 }
                result.append((.word(String(String.UnicodeScalarView(chars[(i + 1)..<j]))), line))
                i = min(j + 1, chars.count)
            default:
                var j = i + 1
                while j < chars.count && !" \t\r\n;{}#\"".unicodeScalars.contains(chars[j]) { j += 1 }
                result.append((.word(String(String.UnicodeScalarView(chars[i..<j]))), line))
                i = j
            }
        }
        return result
    }
}
