/// Checks the fact paths of a control against a schema, with the scoping the evaluator uses.
///
/// One walk serves both the loader (a typo is refused at load with file and line) and the
/// evaluator (a policy built in code or a schema that moved on gives `error`, never a pass).
extension FactSchema {
    /// Every path of the control's applicability and condition that names nothing, in order.
    public func unknownFacts(in control: Control) -> [UnknownFact] {
        var found: [UnknownFact] = []
        for condition in [control.applicability, control.condition].compactMap({ $0 }) {
            walk(condition, item: nil, bindings: [:], into: &found)
        }
        return found
    }

    /// - Parameters:
    ///   - item: the current item of a quantifier (paths are relative to it), `nil` at the top.
    ///   - bindings: items named by `as:`, for `var:` operands.
    func walk(_ condition: Condition, item: FactSchema?, bindings: [String: FactSchema], into found: inout [UnknownFact]) {
        switch condition {
        case .all(let parts), .any(let parts):
            for part in parts { walk(part, item: item, bindings: bindings, into: &found) }
        case .not(let inner), .guarded(_, let inner):
            walk(inner, item: item, bindings: bindings, into: &found)
        case .compare(let comparison):
            if case .failure(let unknown) = (item ?? self).resolve(comparison.fact) { found.append(unknown) }
            if let operand = comparison.operand { check(operand, bindings: bindings, into: &found) }
        case .every(let q), .none(let q), .some(let q):
            let element = items(of: q.over, item: item, into: &found)
            var inner = bindings
            if let name = q.binding { inner[name] = element }
            if let filter = q.filter { walk(filter, item: element, bindings: inner, into: &found) }
            if let requirement = q.requirement { walk(requirement, item: element, bindings: inner, into: &found) }
        }
    }

    func check(_ operand: Operand, bindings: [String: FactSchema], into found: inout [UnknownFact]) {
        switch operand {
        case .fact(let path):
            if case .failure(let unknown) = resolve(path) { found.append(unknown) }
        case .variable(let path):
            let parts = path.split(separator: ".", maxSplits: 1).map(String.init)
            guard let bound = bindings[parts[0]] else {
                found.append(UnknownFact(path: path, missing: parts[0], parent: "", known: bindings.keys.sorted()))
                return
            }
            if parts.count > 1, case .failure(var unknown) = bound.resolve(parts[1]) {
                unknown.path = path
                unknown.parent = unknown.parent.isEmpty ? parts[0] : parts[0] + "." + unknown.parent
                found.append(unknown)
            }
        case .literal, .parameter, .catalog:
            break
        }
    }

    /// The shape of the items a quantifier walks. A list path is looked up in the current item,
    /// then in the whole tree, as the evaluator does; catalogue entries are free-form (the
    /// collector may replace a catalogue), so anything may be read from them.
    func items(of over: Operand, item: FactSchema?, into found: inout [UnknownFact]) -> FactSchema {
        guard case .fact(let path) = over else { return .anything }
        var located = (item ?? self).resolve(path)
        if case .failure = located, item != nil, case .success(let top) = resolve(path) { located = .success(top) }
        switch located {
        case .failure(let unknown):
            found.append(unknown)
            return .anything
        case .success(let schema):
            guard let element = schema.element else {
                found.append(UnknownFact(path: path, missing: "", parent: path, known: [], notAList: true))
                return .anything
            }
            return element
        }
    }
}
