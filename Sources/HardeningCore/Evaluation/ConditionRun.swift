import FoundationEssentials

/// The current item of a quantifier and the names bound around it.
struct Scope {
    var item: FactValue?
    var itemName: String?
    var bindings: [String: FactValue] = [:]
}

struct Outcome {
    var passed: Bool
    var evidence: [Evidence]
}

/// A value found at a path, with the source that set it.
struct Located {
    var value: FactValue?
    var source: String?
}

/// One control's evaluation: walks its condition over the fact tree.
struct Run {
    let evaluator: Evaluator
    let control: Control
    let facts: FactValue
    /// Pattern sets and catalogue lists, built once per evaluation of a control.
    var patternCache: [String: PatternSet] = [:]
    var catalogCache: [String: FactValue] = [:]
    /// Fact paths split once: the same path is followed for every item of a list.
    var pathCache: [String: [String]] = [:]

    init(evaluator: Evaluator, control: Control, facts: FactValue) {
        self.evaluator = evaluator
        self.control = control
        self.facts = facts
    }

    mutating func evaluate(_ condition: Condition, _ scope: Scope) throws -> Outcome {
        switch condition {
        case .all(let parts):
            var passed = true
            var passing: [Evidence] = []
            var failing: [Evidence] = []
            for part in parts {
                let outcome = try evaluate(part, scope)
                if outcome.passed { passing += outcome.evidence } else {
                    passed = false
                    failing += outcome.evidence
                }
            }
            return Outcome(passed: passed, evidence: passed ? passing : failing + passing)
        case .any(let parts):
            var all: [Evidence] = []
            for part in parts {
                let outcome = try evaluate(part, scope)
                if outcome.passed { return outcome }
                all += outcome.evidence
            }
            return Outcome(passed: parts.isEmpty, evidence: all)
        case .not(let inner):
            let outcome = try evaluate(inner, scope)
            return Outcome(passed: !outcome.passed, evidence: outcome.evidence.map { $0.negated() })
        case .guarded(let guardCondition, let inner):
            if let profiles = guardCondition.profiles, !profiles.contains(evaluator.context.profile) {
                return Outcome(passed: true, evidence: [])
            }
            if let roles = guardCondition.roles, !roles.contains(evaluator.context.role) {
                return Outcome(passed: true, evidence: [])
            }
            return try evaluate(inner, scope)
        case .compare(let comparison):
            return try compare(comparison, scope)
        case .every(let q):
            return try every(q, scope)
        case .none(let q):
            return try none(q, scope)
        case .some(let q):
            return try some(q, scope)
        }
    }

    // MARK: Paths

    /// Follows a dotted path; stops at a collected-facts error marker by throwing.
    mutating func resolve(_ path: String, from base: FactValue) throws -> Located {
        let keys: [String]
        if let cached = pathCache[path] {
            keys = cached
        } else {
            keys = path.split(separator: ".").map(String.init)
            pathCache[path] = keys
        }
        var current: FactValue? = base
        var source: String? = nil
        for key in keys {
            guard let node = current else { return Located(value: nil, source: source) }
            try check(node)
            if case .object(let members) = node, let s = members["source"]?.stringValue { source = s }
            current = node[key]
        }
        guard let value = current else { return Located(value: nil, source: source) }
        try check(value)
        if case .object(let members) = value, let inner = members["value"], let s = members["source"]?.stringValue {
            return Located(value: inner, source: s)
        }
        if case .object(let members) = value, let s = members["source"]?.stringValue { source = s }
        return Located(value: value.isNull ? nil : value, source: source)
    }

    func check(_ node: FactValue) throws {
        guard case .object(let members) = node else { return }
        if let reason = members["$error"]?.stringValue {
            throw FactProblem(reason: LocalizedText(vi: "Không thu thập được dữ liệu: \(reason)", en: "Could not collect the facts: \(reason)"))
        }
        if let reason = members["$unavailable"]?.stringValue {
            throw FactProblem(reason: LocalizedText(vi: "Không có dữ liệu: \(reason)", en: "Not available: \(reason)"))
        }
    }

    mutating func locate(_ path: String, _ scope: Scope) throws -> Located {
        try resolve(path, from: scope.item ?? facts)
    }

    mutating func operandValue(_ operand: Operand, _ scope: Scope) throws -> (FactValue?, String) {
        switch operand {
        case .literal(let v):
            return (v, v.display)
        case .parameter(let name):
            guard let v = evaluator.parameterValue(name, control: control) else {
                throw FactProblem(reason: LocalizedText(vi: "Thiếu tham số \(name)", en: "Unknown parameter \(name)"))
            }
            return (v, v.evidenceText)
        case .catalog(let name):
            if let cached = catalogCache[name] { return (cached, name) }
            guard let list = evaluator.catalogList(name) else {
                throw FactProblem(reason: LocalizedText(vi: "Thiếu danh mục \(name)", en: "Unknown catalogue \(name)"))
            }
            catalogCache[name] = .array(list)
            return (.array(list), name)
        case .fact(let path):
            let v = try resolve(path, from: facts).value
            return (v, v?.evidenceText ?? path)
        case .variable(let path):
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard let bound = scope.bindings[parts[0]] else {
                throw FactProblem(reason: LocalizedText(vi: "Biến chưa gán: \(parts[0])", en: "Unbound variable \(parts[0])"))
            }
            let v = parts.count > 1 ? try resolve(parts[1], from: bound).value : bound
            return (v, v?.display ?? path)
        }
    }

    // MARK: Comparisons

    mutating func compare(_ c: Comparison, _ scope: Scope) throws -> Outcome {
        let found = try locate(c.fact, scope)
        var expected = c.op.symbol
        var negated = c.op.negation?.symbol ?? "not " + c.op.symbol
        var operand: FactValue? = nil
        if let o = c.operand {
            let (value, shown) = try operandValue(o, scope)
            operand = value
            expected += " " + shown
            negated += " " + shown
        }
        let passed = test(c.op, found.value, operand, cacheKey: c.operand)
        let name = c.label ?? LocalizedText(vi: c.fact, en: c.fact)
        return Outcome(passed: passed, evidence: [
            Evidence(source: found.source, subject: scope.itemName, label: name, actual: found.value?.evidenceText, expected: expected, ok: passed, expectedIfNegated: negated)
        ])
    }

    mutating func test(_ op: Operator, _ value: FactValue?, _ operand: FactValue?, cacheKey: Operand?) -> Bool {
        switch op {
        case .exists: return value != nil
        case .absent: return value == nil
        case .isTrue: return value?.boolValue == true
        case .isFalse: return value?.boolValue == false
        case .isEmpty: return Run.count(value) == 0
        case .notEmpty: return Run.count(value) > 0
        default: break
        }
        guard let value, let operand else { return op == .ne || op == .notIn || op == .notMatchesAny || op == .notContains }
        switch op {
        case .eq: return Run.equal(value, operand)
        case .ne: return !Run.equal(value, operand)
        case .lt, .le, .gt, .ge:
            guard let a = value.numberValue, let b = operand.numberValue else { return false }
            switch op {
            case .lt: return a < b
            case .le: return a <= b
            case .gt: return a > b
            default: return a >= b
            }
        case .in, .notIn:
            guard case .array(let items) = operand else { return false }
            let found = items.contains { Run.equal(value, $0) }
            return op == .in ? found : !found
        case .matchesAny, .notMatchesAny:
            guard let text = value.stringValue else { return op == .notMatchesAny }
            let found = patterns(operand, key: cacheKey).match(text) != nil
            return op == .matchesAny ? found : !found
        case .contains, .notContains:
            guard case .array(let items) = value else { return op == .notContains }
            let found = items.contains { Run.equal($0, operand) }
            return op == .contains ? found : !found
        case .withinDays:
            guard let text = value.stringValue, let date = Timestamp.parse(text), let days = operand.numberValue else { return false }
            return evaluator.context.now.timeIntervalSince(date) <= days * 86_400
        case .versionAtLeast:
            guard let have = value.stringValue, let need = operand.stringValue ?? (operand.numberValue != nil ? operand.display : nil) else { return false }
            return DebianVersion(have) >= DebianVersion(need)
        case .covers:
            guard let directory = value.stringValue, let path = operand.stringValue else { return false }
            return path == directory || directory == "/" || path.hasPrefix(directory.hasSuffix("/") ? directory : directory + "/")
        default:
            return false
        }
    }

    mutating func patterns(_ operand: FactValue, key: Operand?) -> PatternSet {
        let cacheKey: String
        switch key {
        case .catalog(let name)?: cacheKey = "catalog:" + name
        case .parameter(let name)?: cacheKey = "param:" + name
        default: cacheKey = operand.display
        }
        if let cached = patternCache[cacheKey] { return cached }
        var texts: [String] = []
        if case .array(let items) = operand {
            for item in items {
                if let s = item.stringValue { texts.append(s) } else if let s = item["package"]?.stringValue ?? item["name"]?.stringValue { texts.append(s) }
            }
        }
        let set = PatternSet(texts)
        patternCache[cacheKey] = set
        return set
    }

    static func equal(_ a: FactValue, _ b: FactValue) -> Bool {
        if let x = a.numberValue, let y = b.numberValue, !(a.stringValue != nil && b.stringValue != nil) { return x == y }
        if case .bool = a, let y = b.boolValue { return a.boolValue == y }
        if case .bool = b, let x = a.boolValue { return b.boolValue == x }
        if let x = a.stringValue, let y = b.stringValue { return x.lowercased() == y.lowercased() }
        return a == b
    }

    static func count(_ value: FactValue?) -> Int {
        switch value {
        case .none, .null?: return 0
        case .array(let a)?: return a.count
        case .object(let o)?: return o.count
        case .string(let s)?: return s.isEmpty ? 0 : 1
        default: return 1
        }
    }

    // MARK: Quantifiers

    mutating func items(_ q: Quantifier, _ scope: Scope) throws -> (label: LocalizedText, items: [FactValue]) {
        let (shown, list) = try list(q, scope)
        return (q.label ?? LocalizedText(vi: shown, en: shown), list)
    }

    mutating func list(_ q: Quantifier, _ scope: Scope) throws -> (String, [FactValue]) {
        switch q.over {
        case .fact(let path):
            // A list path is read from the current item; when the item has no such field, from the
            // whole fact tree (a quantifier over a catalogue can then look into packages.installed).
            var found = try locate(path, scope)
            if found.value == nil, scope.item != nil { found = try resolve(path, from: facts) }
            if case .array(let list)? = found.value { return (path, list) }
            return (path, [])
        default:
            let (value, shown) = try operandValue(q.over, scope)
            if case .array(let list)? = value { return (shown, list) }
            return (shown, [])
        }
    }

    func itemScope(_ q: Quantifier, _ item: FactValue, _ outer: Scope) -> Scope {
        var scope = Scope(item: item, itemName: nil, bindings: outer.bindings)
        if let binding = q.binding { scope.bindings[binding] = item }
        let labelKey = q.itemLabel ?? "name"
        let own = item[labelKey]?.display ?? item["package"]?.display ?? item.stringValue
        scope.itemName = [outer.itemName, own].compactMap { $0 }.joined(separator: " · ")
        if scope.itemName?.isEmpty == true { scope.itemName = nil }
        return scope
    }

    mutating func matches(_ filter: Condition?, _ scope: Scope) throws -> Outcome {
        guard let filter else { return Outcome(passed: true, evidence: []) }
        return try evaluate(filter, scope)
    }

    mutating func every(_ q: Quantifier, _ scope: Scope) throws -> Outcome {
        let (label, list) = try items(q, scope)
        var checked = 0
        var passing: [Evidence] = []
        var failing: [Evidence] = []
        for item in list {
            let inner = itemScope(q, item, scope)
            guard try matches(q.filter, inner).passed else { continue }
            checked += 1
            guard let requirement = q.requirement else { continue }
            let outcome = try evaluate(requirement, inner)
            if outcome.passed {
                if passing.count < Evaluator.evidenceLimit { passing += outcome.evidence }
            } else {
                failing += outcome.evidence
            }
        }
        if failing.isEmpty {
            let summary = Evidence(source: nil, subject: scope.itemName, label: label, actual: "\(checked)", expected: "all")
            return Outcome(passed: true, evidence: [summary] + passing)
        }
        return Outcome(passed: false, evidence: failing)
    }

    mutating func none(_ q: Quantifier, _ scope: Scope) throws -> Outcome {
        let (label, list) = try items(q, scope)
        var offending: [Evidence] = []
        for item in list {
            let inner = itemScope(q, item, scope)
            let outcome = try matches(q.filter, inner)
            // What made an item match is what makes the control fail: the evidence reads negated.
            if outcome.passed { offending += outcome.evidence.isEmpty ? [Evidence(source: item["source"]?.stringValue, subject: inner.itemName, label: label, actual: item.display, expected: nil, ok: false)] : outcome.evidence.map { $0.negated() } }
        }
        if offending.isEmpty {
            return Outcome(passed: true, evidence: [Evidence(source: nil, subject: scope.itemName, label: label, actual: "0 / \(list.count)", expected: "0")])
        }
        return Outcome(passed: false, evidence: offending)
    }

    mutating func some(_ q: Quantifier, _ scope: Scope) throws -> Outcome {
        let (label, list) = try items(q, scope)
        for item in list {
            let inner = itemScope(q, item, scope)
            let outcome = try matches(q.filter, inner)
            if outcome.passed {
                let named = Evidence(source: item["source"]?.stringValue, subject: inner.itemName, label: label, actual: "found", expected: "≥ 1")
                return Outcome(passed: true, evidence: outcome.evidence.isEmpty ? [named] : outcome.evidence)
            }
        }
        return Outcome(passed: false, evidence: [Evidence(source: nil, subject: scope.itemName, label: label, actual: "0 / \(list.count)", expected: "≥ 1", ok: false)])
    }
}
