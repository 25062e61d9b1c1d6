import FoundationEssentials

/// Turns facts and a policy into results. Pure: the same facts, policy and context give the same results.
public struct Evaluator: Sendable {
    public let policy: Policy
    public let context: EvaluationContext
    /// The paths facts can have; a control naming another is an `error`, not an empty value that
    /// lets `none:` and `every:` pass. `nil` only for hand-made fact trees in tests.
    public let schema: FactSchema?

    /// How many evidence entries a result keeps before summarising the rest.
    static let evidenceLimit = 60

    public init(policy: Policy, context: EvaluationContext, schema: FactSchema? = .hostFacts) {
        self.policy = policy
        self.context = context
        self.schema = schema
    }

    /// The generic tree the conditions walk, from typed facts.
    public static func factTree(_ facts: HostFacts) throws -> FactValue {
        try FactEncoder.encode(facts)
    }

    /// Evaluates the selected controls (all when `only` is empty), in policy order.
    public func evaluate(_ facts: FactValue, only: [String] = []) -> [ControlResult] {
        policy.controls
            .filter { only.isEmpty || only.contains($0.id) }
            .map { evaluate($0, facts) }
    }

    public func evaluate(_ control: Control, _ facts: FactValue) -> ControlResult {
        var result = ControlResult(
            control: control.id, status: .pass, severity: control.severity, area: control.area,
            references: control.references, title: control.title, evidence: [], reason: nil,
            fixable: control.fix != nil, fix: control.fix?.description
        )
        guard control.roles.contains(context.role) else {
            result.status = .notApplicable
            result.reason = LocalizedText(
                vi: "Không áp dụng cho máy có vai trò \(context.role.vietnameseName).",
                en: "Does not apply to the \(context.role.rawValue) role."
            )
            return result
        }
        if let schema, let unknown = schema.unknownFacts(in: control).first {
            result.status = .error
            result.reason = LocalizedText(
                vi: "Lỗi chính sách: '\(unknown.path)' không phải dữ kiện attt thu thập — \(unknown.hint)",
                en: "Policy error: \(unknown) — \(unknown.hint)"
            )
            return result
        }
        var run = Run(evaluator: self, control: control, facts: facts)
        do {
            if let applicability = control.applicability {
                let outcome = try run.evaluate(applicability, Scope())
                if !outcome.passed {
                    result.status = .notApplicable
                    result.evidence = Evaluator.capped(outcome.evidence)
                    result.reason = control.notApplicableReason ?? LocalizedText(
                        vi: "Điều kiện áp dụng không thỏa mãn.", en: "The applicability condition does not hold."
                    )
                    return result
                }
            }
            guard let condition = control.condition else {
                result.status = .manual
                result.reason = control.attestation
                return result
            }
            let outcome = try run.evaluate(condition, Scope())
            result.status = outcome.passed ? .pass : .fail
            result.evidence = Evaluator.capped(outcome.evidence)
        } catch let problem as FactProblem {
            result.status = .error
            result.evidence = []
            result.reason = problem.reason
        } catch {
            result.status = .error
            result.reason = LocalizedText(vi: "Lỗi khi đánh giá: \(error)", en: "Evaluation error: \(error)")
        }
        return result
    }

    static func capped(_ evidence: [Evidence]) -> [Evidence] {
        guard evidence.count > evidenceLimit else { return evidence }
        var kept = Array(evidence.prefix(evidenceLimit))
        kept.append(Evidence(source: nil, item: "…", actual: "+\(evidence.count - evidenceLimit)", expected: nil))
        return kept
    }

    /// Every parameter a control can use, with this evaluation's values (for its fixer).
    public func parameters(for control: Control) -> [String: FactValue] {
        var values: [String: FactValue] = [:]
        for p in policy.parameters { values[p.name] = parameterValue(p.name, control: control) }
        for p in control.parameters { values[p.name] = parameterValue(p.name, control: control) }
        return values
    }

    /// The value of a parameter for this evaluation: tailored, else the profile's.
    func parameterValue(_ name: String, control: Control) -> FactValue? {
        if let tailored = context.tailoring["\(control.id).\(name)"] { return tailored }
        if control.parameters.contains(where: { $0.name == name }) {
            return control.parameters.first { $0.name == name }!.value(for: context.profile)
        }
        if let tailored = context.tailoring[name] { return tailored }
        return policy.parameters.first { $0.name == name }?.value(for: context.profile)
    }

    /// A catalogue list for this role: `all` plus the role's own entries.
    public func catalogList(_ name: String) -> [FactValue]? {
        guard let entry = policy.catalogs[name] else { return nil }
        switch entry {
        case .array(let items):
            return items
        case .object(let byRole):
            var items: [FactValue] = []
            if case .array(let common)? = byRole["all"] { items += common }
            if case .array(let own)? = byRole[context.role.rawValue] { items += own }
            return items
        default:
            return [entry]
        }
    }
}

extension Role {
    public var vietnameseName: String {
        switch self {
        case .workstation: return "máy trạm"
        case .server: return "máy chủ"
        case .secret: return "máy soạn thảo tài liệu mật"
        }
    }
}

/// A fact the condition needs could not be collected: the result is `error`, with this reason.
struct FactProblem: Error {
    var reason: LocalizedText
}
