import HardeningCore

/// One line of a `pam.d` file, before includes are followed.
struct PamLine: Hashable {
    enum Kind: Hashable {
        case rule(type: String, control: PamControl, module: String, arguments: [String], optionalModule: Bool)
        /// `type include FILE` or `type substack FILE`.
        case include(type: String, file: String, substack: Bool)
        /// `@include FILE`: every line of the file, whatever its type.
        case includeAll(file: String)
    }
    var kind: Kind
    var controlText: String
    var line: Int
}

/// What a PAM control does with each module return value (Linux-PAM's `[value=action …]`).
struct PamControl: Hashable {
    enum Action: Hashable {
        case ignore, bad, die, ok, done, reset
        case jump(Int)
    }
    var actions: [String: Action]

    func action(for returnValue: String) -> Action {
        actions[returnValue] ?? actions["default"] ?? .bad
    }

    /// The four keywords expand as pam.conf(5) says.
    static func keyword(_ word: String) -> PamControl? {
        switch word.lowercased() {
        case "required": return PamControl(actions: ["success": .ok, "new_authtok_reqd": .ok, "ignore": .ignore, "default": .bad])
        case "requisite": return PamControl(actions: ["success": .ok, "new_authtok_reqd": .ok, "ignore": .ignore, "default": .die])
        case "sufficient": return PamControl(actions: ["success": .done, "new_authtok_reqd": .done, "default": .ignore])
        case "optional": return PamControl(actions: ["success": .ok, "new_authtok_reqd": .ok, "default": .ignore])
        case "definitive": return PamControl(actions: ["success": .done, "new_authtok_reqd": .done, "ignore": .ignore, "default": .die])
        default: return nil
        }
    }

    /// `[success=1 default=ignore]`; `nil` when malformed.
    static func bracketed(_ text: String) -> PamControl? {
        var actions: [String: Action] = [:]
        for pair in text.fields {
            let parts = pair.split(separator: "=", maxSplits: 1).map { String($0).lowercased() }
            guard parts.count == 2, !parts[0].isEmpty else { return nil }
            let action: Action
            switch parts[1] {
            case "ignore": action = .ignore
            case "bad": action = .bad
            case "die": action = .die
            case "ok": action = .ok
            case "done": action = .done
            case "reset": action = .reset
            default:
                guard let n = Int(parts[1]), n > 0 else { return nil }
                action = .jump(n)
            }
            actions[parts[0]] = action
        }
        return actions.isEmpty ? nil : PamControl(actions: actions)
    }
}

/// Parses `pam.d` files as Linux-PAM does: `#` comments, `\` continuations, bracketed controls and
/// arguments that may hold blanks, a leading `-` on the type for modules that may be missing.
enum PamConfigParser {
    static let types: Set<String> = ["auth", "account", "password", "session"]

    /// The lines, and the ones that could not be understood (which PAM would reject too).
    static func parse(_ text: String) -> (lines: [PamLine], problems: [(line: Int, message: String)]) {
        var lines: [PamLine] = []
        var problems: [(Int, String)] = []
        for raw in ConfigLines.meaningful(stripComments(text), continuation: true) {
            let tokens = tokenize(raw.text)
            guard let first = tokens.first else { continue }
            if first == "@include" {
                if tokens.count >= 2 { lines.append(PamLine(kind: .includeAll(file: tokens[1]), controlText: "@include", line: raw.number)) } else { problems.append((raw.number, "@include without a file")) }
                continue
            }
            var type = first.lowercased()
            let optionalModule = type.hasPrefix("-")
            if optionalModule { type.removeFirst() }
            guard types.contains(type) else { problems.append((raw.number, "unknown type '\(first)'")); continue }
            guard tokens.count >= 3 else { problems.append((raw.number, "needs a control and a module")); continue }
            let controlText = tokens[1]
            let lowered = controlText.lowercased()
            if lowered == "include" || lowered == "substack" {
                lines.append(PamLine(kind: .include(type: type, file: tokens[2], substack: lowered == "substack"), controlText: lowered, line: raw.number))
                continue
            }
            let control: PamControl?
            if controlText.hasPrefix("[") {
                control = PamControl.bracketed(String(controlText.dropFirst().dropLast()))
            } else {
                control = PamControl.keyword(controlText)
            }
            guard let control else { problems.append((raw.number, "unknown control '\(controlText)'")); continue }
            lines.append(PamLine(kind: .rule(type: type, control: control, module: tokens[2], arguments: Array(tokens.dropFirst(3)), optionalModule: optionalModule), controlText: controlText, line: raw.number))
        }
        return (lines, problems)
    }

    /// Linux-PAM drops everything from `#` to the end of the line.
    static func stripComments(_ text: String) -> String {
        text.lines.map { line in
            if let hash = line.firstIndex(of: "#") { return String(line[..<hash]) }
            return String(line)
        }.joined(separator: "\n")
    }

    /// Splits on blanks, keeping `[ … ]` groups whole (`\]` escapes a bracket inside).
    static func tokenize(_ line: String) -> [String] {
        var tokens: [String] = []
        var current = ""
        var depth = 0
        var escaped = false
        for c in line {
            if escaped { current.append(c); escaped = false; continue }
            if c == "\\" && depth > 0 { escaped = true; continue }
            if c == "[" { depth += 1 }
            if c == "]" && depth > 0 { depth -= 1 }
            if (c == " " || c == "\t") && depth == 0 {
                if !current.isEmpty { tokens.append(current); current = "" }
            } else {
                current.append(c)
            }
        }
        if !current.isEmpty { tokens.append(current) }
        // Arguments written as [a b c] lose their brackets, as PAM passes them to the module.
        return tokens.enumerated().map { index, token in
            index >= 3 && token.hasPrefix("[") && token.hasSuffix("]") && token.count >= 2 ? String(token.dropFirst().dropLast()) : token
        }
    }
}
