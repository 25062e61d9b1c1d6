import HardeningCore
import YAMLParsing

/// Reads the condition language of `Policies/controls/*.yaml`.
///
/// ```yaml
/// all:
///   - fact: authentication.passwordChange.pwquality.minlen
///     op: ge
///     param: minlen
///   - every: accounts.users
///     where: {fact: interactive, op: isTrue}
///     require: {fact: passwordState, op: ne, value: empty}
///     when: {profile: recommended}
/// ```
struct ConditionParser {
    let reader: YAMLReader
    /// Parameters the control may name: its own and the policy's.
    let parameters: Set<String>
    let catalogs: Set<String>
    /// Where each fact path was written, so a path the schema refuses is reported at its line.
    let lines = PathLines()

    static let comparisonKeys: Set<String> = ["fact", "op", "value", "param", "catalog", "ref", "var", "label", "when"]
    static let quantifierKeys: Set<String> = ["every", "none", "some", "as", "name_by", "where", "require", "label", "when"]

    func parse(_ node: YAMLNode, _ context: String) throws -> Condition {
        guard case .mapping(let mapping) = node else {
            throw reader.fail(node, "\(context): a condition must be a mapping such as {fact: …, op: …, value: …} or {all: […]}")
        }
        let keys = Set(mapping.compactMap(\.key.string))
        var guardClause: Guard? = nil
        if let when = mapping["when"] { guardClause = try parseGuard(when, context) }
        let condition: Condition
        if let head = ["all", "any"].first(where: keys.contains) {
            _ = try reader.mapping(node, allowed: [head, "when"], context: context)
            guard case .sequence(let parts)? = mapping[head], !parts.isEmpty else {
                throw reader.fail(mapping[head], "\(context).\(head) must be a non-empty list of conditions")
            }
            let parsed = try parts.enumerated().map { try parse($0.element, "\(context).\(head)[\($0.offset)]") }
            condition = head == "all" ? .all(parsed) : .any(parsed)
        } else if keys.contains("not") {
            _ = try reader.mapping(node, allowed: ["not", "when"], context: context)
            condition = .not(try parse(mapping["not"]!, "\(context).not"))
        } else if let head = ["every", "none", "some"].first(where: keys.contains) {
            condition = try parseQuantifier(node, head: head, context)
        } else if keys.contains("fact") {
            condition = .compare(try parseComparison(node, context))
        } else {
            throw reader.fail(node, "\(context): not a condition", hint: "use one of all, any, not, every, none, some, or fact with op")
        }
        if let guardClause { return .guarded(guardClause, condition) }
        return condition
    }

    func parseGuard(_ node: YAMLNode, _ context: String) throws -> Guard {
        var result = Guard(profiles: nil, roles: nil)
        for m in try reader.mapping(node, allowed: ["profile", "role"], context: "\(context).when") {
            let names: [String]
            if case .sequence = m.node { names = try reader.strings(m.node, "\(context).when.\(m.key)") } else { names = [try reader.string(m.node, "\(context).when.\(m.key)")] }
            if m.key == "profile" {
                result.profiles = try names.map { name in
                    guard let p = Profile(rawValue: name) else { throw reader.fail(m.node, "unknown profile '\(name)'", hint: "use regulation or recommended") }
                    return p
                }
            } else {
                result.roles = try names.map { name in
                    guard let r = Role(rawValue: name) else { throw reader.fail(m.node, "unknown role '\(name)'", hint: "use workstation, server or secret") }
                    return r
                }
            }
        }
        return result
    }

    func parseComparison(_ node: YAMLNode, _ context: String) throws -> Comparison {
        var fact = "", opName = "", label: LocalizedText? = nil, operand: Operand? = nil
        var opNode: YAMLNode? = nil
        for m in try reader.mapping(node, allowed: Self.comparisonKeys, required: ["fact", "op"], context: context) {
            switch m.key {
            case "fact": fact = try path(m.node, context)
            case "op": opName = try reader.string(m.node, "\(context).op"); opNode = m.node
            case "label": label = try self.label(m.node, context)
            case "when": break
            default:
                if operand != nil { throw reader.fail(m.keyNode, "\(context): give only one of value, param, catalog, ref, var") }
                operand = try parseOperand(key: m.key, m.node, context)
            }
        }
        guard let op = Operator(rawValue: opName) else {
            throw reader.fail(opNode, "\(context): unknown op '\(opName)'", hint: "use one of \(Operator.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        if op.isUnary && operand != nil { throw reader.fail(node, "\(context): op '\(opName)' takes no value") }
        if !op.isUnary && operand == nil { throw reader.fail(node, "\(context): op '\(opName)' needs one of value, param, catalog, ref or var") }
        return Comparison(fact: fact, op: op, operand: operand, label: label)
    }

    func parseOperand(key: String, _ node: YAMLNode, _ context: String) throws -> Operand {
        switch key {
        case "value": return .literal(try reader.value(node))
        case "param":
            let name = try reader.string(node, "\(context).param")
            guard parameters.contains(name) else {
                throw reader.fail(node, "\(context): unknown parameter '\(name)'", hint: "declare it under the control's parameters or the policy's")
            }
            return .parameter(name)
        case "catalog":
            let name = try reader.string(node, "\(context).catalog")
            guard catalogs.contains(name) else {
                throw reader.fail(node, "\(context): unknown catalogue '\(name)'", hint: "known: \(catalogs.sorted().joined(separator: ", "))")
            }
            return .catalog(name)
        case "ref": return .fact(try path(node, context))
        default: return .variable(try path(node, context))
        }
    }

    func parseQuantifier(_ node: YAMLNode, head: String, _ context: String) throws -> Condition {
        var q = Quantifier(over: .literal(.null), binding: nil, itemLabel: nil, filter: nil, requirement: nil, label: nil)
        for m in try reader.mapping(node, allowed: Self.quantifierKeys, context: context) {
            switch m.key {
            case "every", "none", "some":
                guard m.key == head else { throw reader.fail(m.keyNode, "\(context): use only one of every, none, some") }
                if case .mapping = m.node {
                    let inner = try reader.mapping(m.node, allowed: ["catalog", "ref"], context: "\(context).\(head)")
                    guard let first = inner.first else { throw reader.fail(m.node, "\(context).\(head) is empty") }
                    q.over = try parseOperand(key: first.key, first.node, context)
                } else {
                    q.over = .fact(try path(m.node, context))
                }
            case "as": q.binding = try reader.string(m.node, "\(context).as")
            case "name_by": q.itemLabel = try reader.string(m.node, "\(context).name_by")
            case "where": q.filter = try parse(m.node, "\(context).where")
            case "require": q.requirement = try parse(m.node, "\(context).require")
            case "label": q.label = try label(m.node, context)
            default: break
            }
        }
        switch head {
        case "every":
            guard q.requirement != nil else { throw reader.fail(node, "\(context): every needs require") }
            return .every(q)
        case "none":
            guard q.filter != nil, q.requirement == nil else { throw reader.fail(node, "\(context): none takes where (the items that must not exist) and no require") }
            return .none(q)
        default:
            guard q.requirement == nil else { throw reader.fail(node, "\(context): some takes where, not require") }
            return .some(q)
        }
    }

    /// `label: minlen` (a technical name, the same in both languages) or `label: {vi: …, en: …}`.
    func label(_ node: YAMLNode, _ context: String) throws -> LocalizedText {
        if case .mapping = node { return try reader.localized(node, "\(context).label") }
        let text = try reader.string(node, "\(context).label")
        return LocalizedText(vi: text, en: text)
    }

    func path(_ node: YAMLNode, _ context: String) throws -> String {
        let text = try reader.string(node, context)
        let valid = !text.isEmpty && text.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { part in
            !part.isEmpty && part.allSatisfy { $0.isLetter || $0.isNumber || $0 == "_" || $0 == "$" }
        }
        guard valid else { throw reader.fail(node, "\(context): '\(text)' is not a fact path", hint: "write names separated by dots, like accounts.users") }
        if lines.first[text] == nil { lines.first[text] = node.mark.line }
        return text
    }
}

/// The first line each fact path of a control appears on.
final class PathLines {
    var first: [String: Int] = [:]
}
