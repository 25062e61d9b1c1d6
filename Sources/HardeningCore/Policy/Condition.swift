/// A condition over facts, as written in a policy file.
///
/// Paths are dotted (`authentication.passwordChange.pwquality.minlen`); inside a quantifier they
/// are relative to the current item. Every leaf comparison leaves a piece of evidence.
public indirect enum Condition: Sendable, Hashable {
    case all([Condition])
    case any([Condition])
    case not(Condition)
    case compare(Comparison)
    /// Every item of a list (that matches `where`) satisfies `require`.
    case every(Quantifier)
    /// No item of a list matches `where`.
    case none(Quantifier)
    /// At least one item of a list matches `where`.
    case some(Quantifier)
    /// Checked only under a profile or for some roles; elsewhere it holds without evidence.
    case guarded(Guard, Condition)
}

public struct Comparison: Sendable, Hashable {
    public var fact: String
    public var op: Operator
    public var operand: Operand?
    /// The name shown in evidence, in both languages; defaults to the fact path.
    public var label: LocalizedText?

    public init(fact: String, op: Operator, operand: Operand?, label: LocalizedText? = nil) {
        self.fact = fact
        self.op = op
        self.operand = operand
        self.label = label
    }
}

public struct Quantifier: Sendable, Hashable {
    /// The list: a fact path, or a catalogue.
    public var over: Operand
    /// The name the current item is bound to, for `var:` operands in nested conditions.
    public var binding: String?
    /// A field of each item that names it in evidence (`name`).
    public var itemLabel: String?
    public var filter: Condition?
    public var requirement: Condition?
    /// What evidence calls the list, in both languages.
    public var label: LocalizedText?

    public init(over: Operand, binding: String?, itemLabel: String?, filter: Condition?, requirement: Condition?, label: LocalizedText?) {
        self.over = over
        self.binding = binding
        self.itemLabel = itemLabel
        self.filter = filter
        self.requirement = requirement
        self.label = label
    }
}

/// Where a value on the right of a comparison comes from.
public enum Operand: Sendable, Hashable {
    case literal(FactValue)
    /// A tailorable parameter of the control or the policy.
    case parameter(String)
    /// A catalogue list, resolved for the host's role.
    case catalog(String)
    /// Another fact, by absolute path.
    case fact(String)
    /// A field of an item bound by an enclosing quantifier: `item.field`.
    case variable(String)
}

public struct Guard: Sendable, Hashable {
    public var profiles: [Profile]?
    public var roles: [Role]?

    public init(profiles: [Profile]?, roles: [Role]?) {
        self.profiles = profiles
        self.roles = roles
    }
}

public enum Operator: String, Sendable, CaseIterable {
    case eq, ne, lt, le, gt, ge
    /// The value is one of a list (exact match).
    case `in`
    case notIn
    /// The value matches one of a list of shell globs (`libreoffice-*`).
    case matchesAny
    case notMatchesAny
    case exists, absent
    case isTrue, isFalse
    case isEmpty, notEmpty
    /// A list contains the operand.
    case contains
    case notContains
    /// An ISO 8601 time no more than N days before the evaluation time.
    case withinDays
    /// Debian version ordering: the value is at least the operand.
    case versionAtLeast
    /// A path that is the operand or a directory above it: an audit watch on `/etc/sudoers.d`
    /// covers `/etc/sudoers.d/admins`.
    case covers

    /// The operator that holds exactly when this one does not; `nil` when there is none to name.
    public var negation: Operator? {
        switch self {
        case .eq: return .ne
        case .ne: return .eq
        case .lt: return .ge
        case .ge: return .lt
        case .le: return .gt
        case .gt: return .le
        case .in: return .notIn
        case .notIn: return .in
        case .matchesAny: return .notMatchesAny
        case .notMatchesAny: return .matchesAny
        case .exists: return .absent
        case .absent: return .exists
        case .isTrue: return .isFalse
        case .isFalse: return .isTrue
        case .isEmpty: return .notEmpty
        case .notEmpty: return .isEmpty
        case .contains: return .notContains
        case .notContains: return .contains
        case .withinDays, .versionAtLeast, .covers: return nil
        }
    }

    /// Operators that take no operand.
    public var isUnary: Bool {
        switch self {
        case .exists, .absent, .isTrue, .isFalse, .isEmpty, .notEmpty: return true
        default: return false
        }
    }

    /// How the expected value reads in evidence.
    public var symbol: String {
        switch self {
        case .eq: return "="
        case .ne: return "≠"
        case .lt: return "<"
        case .le: return "≤"
        case .gt: return ">"
        case .ge: return "≥"
        case .in: return "∈"
        case .notIn: return "∉"
        case .matchesAny: return "∈"
        case .notMatchesAny: return "∉"
        case .exists: return "exists"
        case .absent: return "absent"
        case .isTrue: return "true"
        case .isFalse: return "false"
        case .isEmpty: return "empty"
        case .notEmpty: return "not empty"
        case .contains: return "∋"
        case .notContains: return "∌"
        case .withinDays: return "within days:"
        case .versionAtLeast: return "≥"
        case .covers: return "⊇"
        }
    }
}
