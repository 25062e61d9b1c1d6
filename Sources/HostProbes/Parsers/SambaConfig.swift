import HardeningCore

/// smb.conf as Samba reads it: `[section]`, `name = value`, `#`/`;` comments, `\` continuations,
/// `include =` files inserted in place. Parameter names ignore case and blanks (`guest ok` = `guestok`),
/// and synonyms are folded (`public` = `guest ok`, `writable` = not `read only`).
struct SambaConfig {
    struct Value { var text: String; var source: SourceLocation }
    struct Section { var name: String; var source: SourceLocation; var values: [String: Value] = [:] }

    var globals = Section(name: "global", source: SourceLocation(path: "/etc/samba/smb.conf"))
    var shares: [Section] = []
    var problems: [String] = []

    static func key(_ name: String) -> String {
        name.lowercased().filter { $0 != " " && $0 != "\t" }
    }

    /// Folds synonyms into one name; `writable = yes` becomes `read only = no`.
    static func canonical(_ key: String, _ value: String) -> (String, String) {
        switch key {
        case "public": return ("guestok", value)
        case "writeable", "writable", "writeok":
            let b = FactValue.string(value).boolValue
            return ("readonly", b.map { $0 ? "no" : "yes" } ?? value)
        case "directory": return ("path", value)
        case "browsable": return ("browseable", value)
        default: return (key, value)
        }
    }

    /// Reads `path`, following includes through `readFile` (at most 8 deep; paths with `%` macros are skipped).
    static func load(path: String, readFile: (String) throws -> String?) rethrows -> SambaConfig? {
        var config = SambaConfig()
        var current: Int? = nil  // index in shares; nil = [global]
        var visited: Set<String> = []
        func read(_ file: String, depth: Int) throws -> Bool {
            guard depth < 8, visited.insert(file).inserted, let text = try readFile(file) else { return false }
            for line in ConfigLines.meaningful(text, comment: ["#", ";"], continuation: true) {
                let source = SourceLocation(path: file, line: line.number)
                if line.text.hasPrefix("[") {
                    let name = String(line.text.dropFirst().prefix { $0 != "]" }).trimmed
                    if name.lowercased() == "global" {
                        current = nil
                    } else if let existing = config.shares.firstIndex(where: { $0.name.lowercased() == name.lowercased() }) {
                        current = existing
                    } else {
                        config.shares.append(Section(name: name, source: source))
                        current = config.shares.count - 1
                    }
                    continue
                }
                guard let eq = line.text.firstIndex(of: "=") else {
                    config.problems.append("\(source): not a parameter")
                    continue
                }
                let rawKey = key(String(line.text[..<eq]))
                let rawValue = String(line.text[line.text.index(after: eq)...]).trimmed
                if rawKey == "include" {
                    if rawValue.contains("%") || rawValue == "registry" {
                        config.problems.append("\(source): include \(rawValue) cannot be resolved offline")
                    } else if try !read(rawValue, depth: depth + 1) {
                        config.problems.append("\(source): included file \(rawValue) not found")
                    }
                    continue
                }
                let (k, v) = canonical(rawKey, rawValue)
                let value = Value(text: v, source: source)
                if let index = current { config.shares[index].values[k] = value } else { config.globals.values[k] = value }
            }
            return true
        }
        guard try read(path, depth: 0) else { return nil }
        return config
    }

    /// A share's parameter, falling back to the value set in [global], then Samba's default.
    func value(_ key: String, in share: Section?) -> Value? {
        share?.values[key] ?? globals.values[key]
    }
}

/// A file-manager share in the usershares directory (`net usershare add`): `key=value` lines.
enum UsershareFile {
    static func parse(_ text: String) -> [String: (String, Int)] {
        var values: [String: (String, Int)] = [:]
        for line in ConfigLines.meaningful(text) {
            guard let eq = line.text.firstIndex(of: "=") else { continue }
            values[String(line.text[..<eq]).trimmed.lowercased()] = (String(line.text[line.text.index(after: eq)...]).trimmed, line.number)
        }
        return values
    }
}

/// `/etc/exports`: `path [-defaults] client(options) …`; a path with no client is open to every host.
enum ExportsParser {
    struct Export { var path: String; var clients: [NfsClient]; var line: Int }

    static func parse(_ text: String) -> [Export] {
        var exports: [Export] = []
        for line in ConfigLines.meaningful(text, continuation: true) {
            var rest = Substring(line.text)
            let path: String
            if rest.first == "\"" {
                let body = rest.dropFirst()
                guard let close = body.firstIndex(of: "\"") else { continue }
                path = String(body[..<close])
                rest = body[body.index(after: close)...]
            } else {
                path = String(rest.prefix { $0 != " " && $0 != "\t" })
                rest = rest.dropFirst(path.count)
            }
            guard path.hasPrefix("/") else { continue }
            var defaults: [String] = []
            var clients: [NfsClient] = []
            for token in String(rest).fields {
                if token.hasPrefix("-") {
                    defaults += token.dropFirst().split(separator: ",").map(String.init)
                    continue
                }
                if let open = token.firstIndex(of: "(") {
                    let host = String(token[..<open])
                    let options = token[token.index(after: open)...].prefix { $0 != ")" }.split(separator: ",").map(String.init)
                    clients.append(NfsClient(host: host.isEmpty ? "*" : host, options: defaults + options))
                } else {
                    clients.append(NfsClient(host: token, options: defaults))
                }
            }
            if clients.isEmpty { clients = [NfsClient(host: "*", options: defaults)] }
            exports.append(Export(path: path, clients: clients, line: line.number))
        }
        return exports
    }
}
