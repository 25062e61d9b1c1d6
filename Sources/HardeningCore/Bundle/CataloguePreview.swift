public import FoundationEssentials

/// Before an office publishes a change of its software lists (issue 16 point 1): which PCs would newly
/// pass or fail, from what their latest reports contain. Known exactly for the controls that read the
/// unit's lists (VN-TD-SW-001, SW-002), which read only the installed packages the report carries; a
/// change of any other parameter shows at the PC's next run.
public enum CataloguePreview {
    /// What one PC's control would become.
    public struct Change: Sendable, Hashable, Codable {
        public var control: String
        public var before: ResultStatus
        public var after: ResultStatus
        /// The evidence that decides it under the new lists (what fails, or what no longer fails).
        public var evidence: [String]

        public init(control: String, before: ResultStatus, after: ResultStatus, evidence: [String]) {
            self.control = control
            self.before = before
            self.after = after
            self.evidence = evidence
        }
    }

    /// The controls whose conditions read one of the unit's lists.
    public static func controls(_ policy: Policy) -> [String] {
        policy.controls.filter { !($0.condition?.catalogues ?? []).isDisjoint(with: Policy.unitCatalogues) }.map(\.id)
    }

    /// The controls of `report`'s PC that `proposed` would change from what `current` gives (nil: the
    /// shipped lists), both evaluated on the same facts, the PC's reported packages; nil when the
    /// report carries no inventory (a PC on an older agent, or only a summary kept).
    public static func changes(policy: Policy, current: CatalogueBundle?, proposed: CatalogueBundle, report: Report, now: Date) -> [Change]? {
        guard let inventory = report.inventory else { return nil }
        let facts = inventory.facts
        let only = controls(policy)
        func evaluate(_ bundle: CatalogueBundle?) -> [String: ControlResult] {
            let applied = bundle.map(policy.applying) ?? policy
            let tailoring = BundleLayering.tailoring(policy: policy, bundle: bundle?.parameters ?? [:], local: [:]).values
            let context = EvaluationContext(profile: report.policy.profile, role: report.policy.role, now: now, tailoring: tailoring)
            return Dictionary(Evaluator(policy: applied, context: context).evaluate(facts, only: only).map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let (before, after) = (evaluate(current), evaluate(proposed))
        return only.compactMap { id in
            guard let was = before[id], let now = after[id], was.status != now.status else { return nil }
            let deciding = (now.status == .fail ? now : was).evidence.filter { !$0.ok }.map { [$0.subject, $0.item, $0.actual].compactMap { $0 }.first ?? "" }
            return Change(control: id, before: was.status, after: now.status, evidence: Array(Set(deciding)).sorted())
        }
    }
}

extension Condition {
    /// Every catalogue this condition reads.
    public var catalogues: Set<String> {
        func operand(_ operand: Operand?) -> Set<String> {
            if case .catalog(let name)? = operand { return [name] }
            return []
        }
        switch self {
        case .all(let conditions), .any(let conditions): return conditions.reduce(into: []) { $0.formUnion($1.catalogues) }
        case .not(let condition), .guarded(_, let condition): return condition.catalogues
        case .compare(let comparison): return operand(comparison.operand)
        case .every(let q), .none(let q), .some(let q):
            return operand(q.over).union(q.filter?.catalogues ?? []).union(q.requirement?.catalogues ?? [])
        }
    }
}
