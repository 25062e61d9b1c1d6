/// A set of controls with their parameters and catalogues, as loaded from `Policies/`.
public struct Policy: Sendable, Hashable {
    public var id: String
    public var version: String
    public var title: LocalizedText
    /// Parameters shared by several controls (the IT accounts, for example).
    public var parameters: [Parameter]
    public var controls: [Control]
    /// Named lists: software allowed, denied and mandatory; antivirus engines. Keys are
    /// `catalogue.list` (`software.allowed`); a value may be keyed by role, with `all` for every role.
    public var catalogs: [String: FactValue]

    public init(id: String, version: String, title: LocalizedText, parameters: [Parameter], controls: [Control], catalogs: [String: FactValue]) {
        self.id = id
        self.version = version
        self.title = title
        self.parameters = parameters
        self.controls = controls
        self.catalogs = catalogs
    }

    public func control(_ id: String) -> Control? { controls.first { $0.id == id } }
}

/// Vietnamese first, English second.
public struct LocalizedText: Sendable, Hashable, Codable {
    public var vi: String
    public var en: String

    public init(vi: String, en: String) {
        self.vi = vi
        self.en = en
    }

    public func text(_ language: Language) -> String { language == .vi ? vi : en }
}

extension LocalizedText: ExpressibleByStringLiteral {
    /// A technical name that reads the same in both languages (`minlen`, `PASS_MAX_DAYS`).
    public init(stringLiteral value: String) {
        self.init(vi: value, en: value)
    }
}

public enum Language: String, Sendable, CaseIterable, Codable {
    case vi, en
}

/// What a machine is used for; some controls apply to some roles only.
public enum Role: String, Sendable, CaseIterable, Codable {
    case workstation, server
    /// A PC used to draft state-secret documents (Điều 8).
    case secret
}

/// Which thresholds apply: the regulation's floor, or the stricter recommended values.
public enum Profile: String, Sendable, CaseIterable, Codable {
    case regulation, recommended
}

public enum Severity: String, Sendable, CaseIterable, Codable, Comparable {
    case low, medium, high, critical

    private var rank: Int { Severity.allCases.firstIndex(of: self)! }
    public static func < (a: Severity, b: Severity) -> Bool { a.rank < b.rank }
}

/// One measure of the regulation, turned into a condition over facts.
public struct Control: Sendable, Hashable {
    /// Stable id, never renumbered: `VN-TD-PW-001`.
    public var id: String
    /// Clauses as the regulation writes them: `Điều 9 khoản 6`.
    public var references: [String]
    public var title: LocalizedText
    /// What the measure asks, shown with a failure.
    public var rationale: LocalizedText?
    public var severity: Severity
    public var roles: [Role]
    public var area: String
    public var parameters: [Parameter]
    /// When present and false, the result is `not_applicable` with ``notApplicableReason``.
    public var applicability: Condition?
    public var notApplicableReason: LocalizedText?
    /// `nil` for organisational measures, which are `manual`.
    public var condition: Condition?
    /// What an officer must attest, for `manual` controls.
    public var attestation: LocalizedText?
    public var fix: FixSpec?

    public init(id: String, references: [String], title: LocalizedText, rationale: LocalizedText?, severity: Severity, roles: [Role], area: String, parameters: [Parameter], applicability: Condition?, notApplicableReason: LocalizedText?, condition: Condition?, attestation: LocalizedText?, fix: FixSpec?) {
        self.id = id
        self.references = references
        self.title = title
        self.rationale = rationale
        self.severity = severity
        self.roles = roles
        self.area = area
        self.parameters = parameters
        self.applicability = applicability
        self.notApplicableReason = notApplicableReason
        self.condition = condition
        self.attestation = attestation
        self.fix = fix
    }
}

/// The fixer that remediates a control, named in the policy so later controls add fixers
/// without touching the transaction machinery.
public struct FixSpec: Sendable, Hashable {
    public var fixer: String
    public var description: LocalizedText

    public init(fixer: String, description: LocalizedText) {
        self.fixer = fixer
        self.description = description
    }
}

/// A threshold the unit may tailor, with the regulation's floor and the recommended value.
public struct Parameter: Sendable, Hashable {
    public enum Strictness: String, Sendable, CaseIterable {
        /// A larger number (or `true`) is stricter: a minimum length.
        case higher
        /// A smaller number is stricter: a maximum age.
        case lower
        /// Any value is allowed (a list of accounts).
        case any
    }

    public var name: String
    public var description: LocalizedText?
    public var stricter: Strictness
    public var regulation: FactValue
    public var recommended: FactValue

    public init(name: String, description: LocalizedText?, stricter: Strictness, regulation: FactValue, recommended: FactValue) {
        self.name = name
        self.description = description
        self.stricter = stricter
        self.regulation = regulation
        self.recommended = recommended
    }

    public func value(for profile: Profile) -> FactValue {
        profile == .regulation ? regulation : recommended
    }

    /// Whether `candidate` is at least as strict as the regulation's floor (any value is, for `any`).
    public func meetsFloor(_ candidate: FactValue) -> Bool {
        stricter == .any || isAtLeastAsStrict(candidate, as: regulation)
    }
}
