import HardeningCore
import YAMLParsing

/// Reads YAML nodes with their positions, so every complaint names the file and line.
struct YAMLReader {
    let file: String

    func parse(_ text: String) throws -> YAMLNode {
        let node: YAMLNode?
        do {
            node = try YAMLParser.compose(text)
        } catch {
            throw PolicyError(file: file, line: error.line, message: "not valid YAML: \(error.problem)", hint: "fix the YAML syntax at that line")
        }
        guard let node else { throw PolicyError(file: file, line: nil, message: "the file is empty") }
        return node
    }

    func fail(_ node: YAMLNode?, _ message: String, hint: String? = nil) -> PolicyError {
        PolicyError(file: file, line: node?.mark.line, message: message, hint: hint)
    }

    /// A mapping with string keys; unknown keys are refused so that typos never pass silently.
    func mapping(_ node: YAMLNode, allowed: Set<String>, required: Set<String> = [], context: String) throws -> [(key: String, node: YAMLNode, keyNode: YAMLNode)] {
        guard case .mapping(let mapping) = node else {
            throw fail(node, "\(context) must be a mapping (key: value)")
        }
        var seen = Set<String>()
        var members: [(key: String, node: YAMLNode, keyNode: YAMLNode)] = []
        for (keyNode, value) in mapping {
            guard let key = keyNode.string else { throw fail(keyNode, "\(context): keys must be text") }
            guard allowed.contains(key) else {
                throw fail(keyNode, "\(context): unknown key '\(key)'", hint: "allowed keys are \(allowed.sorted().joined(separator: ", "))")
            }
            guard seen.insert(key).inserted else { throw fail(keyNode, "\(context): key '\(key)' appears twice") }
            members.append((key, value, keyNode))
        }
        for key in required.sorted() where !seen.contains(key) {
            throw fail(node, "\(context): missing required key '\(key)'")
        }
        return members
    }

    func string(_ node: YAMLNode, _ context: String) throws -> String {
        guard case .scalar(let scalar) = node else { throw fail(node, "\(context) must be text") }
        return scalar.string
    }

    func strings(_ node: YAMLNode, _ context: String) throws -> [String] {
        guard case .sequence(let seq) = node else { throw fail(node, "\(context) must be a list") }
        return try seq.map { try string($0, context) }
    }

    func localized(_ node: YAMLNode, _ context: String) throws -> LocalizedText {
        let members = try mapping(node, allowed: ["vi", "en"], required: ["vi", "en"], context: context)
        var vi = "", en = ""
        for m in members {
            let text = try string(m.node, "\(context).\(m.key)")
            if text.trimmed.isEmpty { throw fail(m.node, "\(context).\(m.key) is empty") }
            if m.key == "vi" { vi = text } else { en = text }
        }
        return LocalizedText(vi: vi, en: en)
    }

    /// Any YAML value as a fact value: plain scalars are typed (numbers, booleans, null), quoted ones are text.
    func value(_ node: YAMLNode) throws -> FactValue {
        switch node {
        case .scalar(let scalar):
            if scalar.style == .plain {
                if let i = node.int { return .int(i) }
                if let d = node.float, scalar.string.contains(".") { return .double(d) }
                switch scalar.string {
                case "true", "yes": return .bool(true)
                case "false", "no": return .bool(false)
                case "null", "~": return .null
                default: break
                }
            }
            return .string(scalar.string)
        case .sequence(let seq):
            return .array(try seq.map { try value($0) })
        case .mapping(let mapping):
            var object: [String: FactValue] = [:]
            for (k, v) in mapping {
                guard let key = k.string else { throw fail(k, "keys must be text") }
                object[key] = try value(v)
            }
            return .object(object)
        case .alias:
            throw fail(node, "YAML aliases are not supported in policy files")
        }
    }
}

import FoundationEssentials
