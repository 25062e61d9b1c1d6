import HardeningCore

/// sudoers(5), as far as rights go: user specifications, aliases and include directives.
enum SudoersParser {
    struct Parsed {
        var rules: [SudoRule] = []
        var userAliases: [String: [String]] = [:]
        var includes: [(path: String, directory: Bool)] = []
    }

    static func parse(_ text: String, path: String) -> Parsed {
        var parsed = Parsed()
        for line in ConfigLines.meaningful(text, comment: [], continuation: true) {
            var t = line.text
            // `#include` and `#includedir` are directives, not comments; any other `#` line is a comment.
            for (directive, dir) in [("@includedir", true), ("#includedir", true), ("@include", false), ("#include", false)] where t.hasPrefix(directive + " ") {
                parsed.includes.append((String(t.dropFirst(directive.count)).trimmed.unquoted, dir))
                t = ""
                break
            }
            if t.isEmpty || t.hasPrefix("#") { continue }
            if let hash = t.firstIndex(of: "#") { t = String(t[..<hash]).trimmed }
            let head = t.fields.first ?? ""
            if head.hasPrefix("Defaults") { continue }
            if head == "User_Alias" {
                for definition in t.dropFirst(head.count).split(separator: ":") {
                    let parts = definition.split(separator: "=", maxSplits: 1).map(String.init)
                    guard parts.count == 2 else { continue }
                    parsed.userAliases[parts[0].trimmed] = parts[1].split(separator: ",").map { String($0).trimmed }
                }
                continue
            }
            if ["Runas_Alias", "Host_Alias", "Cmnd_Alias", "Cmd_Alias"].contains(head) { continue }
            // who host = (runas) TAGS: commands [: host = commands …]
            guard let eq = t.firstIndex(of: "=") else { continue }
            let left = String(t[..<eq]).fields
            guard left.count >= 2 else { continue }
            let who = left.dropLast().joined(separator: " ")
            var commands = String(t[t.index(after: eq)...]).trimmed
            if commands.hasPrefix("("), let close = commands.firstIndex(of: ")") {
                commands = String(commands[commands.index(after: close)...]).trimmed
            }
            var noPassword = false
            let tags = ["NOPASSWD:", "PASSWD:", "NOEXEC:", "EXEC:", "SETENV:", "NOSETENV:", "LOG_INPUT:", "NOLOG_INPUT:", "LOG_OUTPUT:", "NOLOG_OUTPUT:", "MAIL:", "NOMAIL:", "FOLLOW:", "NOFOLLOW:"]
            var stripped = true
            while stripped {
                stripped = false
                for tag in tags where commands.hasPrefix(tag) {
                    if tag == "NOPASSWD:" { noPassword = true }
                    if tag == "PASSWD:" { noPassword = false }
                    commands = String(commands.dropFirst(tag.count)).trimmed
                    stripped = true
                }
            }
            let all = commands.split(separator: ",").contains { String($0).trimmed == "ALL" }
            parsed.rules.append(SudoRule(who: who, commands: commands, noPassword: noPassword, allCommands: all, source: SourceLocation(path: path, line: line.number)))
        }
        return parsed
    }

    /// sudo skips files in an included directory whose names end in `~` or contain a `.`.
    static func includedFileNames(_ names: [String]) -> [String] {
        names.filter { !$0.hasSuffix("~") && !$0.contains(".") }
    }
}
