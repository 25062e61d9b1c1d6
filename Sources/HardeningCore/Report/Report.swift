public import FoundationEssentials

/// The outcome of one control on one host.
public enum ResultStatus: String, Sendable, Codable, CaseIterable {
    case pass
    case fail
    case notApplicable = "not_applicable"
    case error
    case manual
}

/// One observation behind a result: where it was read, what was found, what was expected.
public struct Evidence: Sendable, Hashable, Codable {
    /// `path:line` inside the host root, or `default:PROGRAM` for a compiled-in default.
    public var source: String?
    /// What was looked at, in English: `nguyenvana · max days`.
    public var item: String
    /// The thing it belongs to (an account, a share, a PAM service), when there is one.
    public var subject: String?
    /// The name of what was looked at, in both languages.
    public var label: LocalizedText?
    /// `nil` when the value is absent.
    public var actual: String?
    public var expected: String?
    /// This observation agrees with the control; `false` marks what makes it fail.
    public var ok: Bool
    /// What `expected` reads as when the observation is negated (under `not`, or an offending item of `none`).
    var expectedIfNegated: String?

    enum CodingKeys: String, CodingKey {
        case source, item, subject, label, actual, expected, ok
    }

    public init(source: String?, item: String, actual: String?, expected: String?, ok: Bool = true) {
        self.source = source
        self.item = item
        self.actual = actual
        self.expected = expected
        self.ok = ok
    }

    public init(source: String?, subject: String?, label: LocalizedText, actual: String?, expected: String?, ok: Bool = true, expectedIfNegated: String? = nil) {
        self.source = source
        self.item = [subject, label.en].compactMap { $0 }.joined(separator: " · ")
        self.subject = subject
        self.label = label
        self.actual = actual
        self.expected = expected
        self.ok = ok
        self.expectedIfNegated = expectedIfNegated
    }

    /// Equal when what the report shows is equal.
    public static func == (a: Evidence, b: Evidence) -> Bool {
        a.source == b.source && a.item == b.item && a.subject == b.subject && a.label == b.label
            && a.actual == b.actual && a.expected == b.expected && a.ok == b.ok
    }

    public func hash(into hasher: inout Hasher) {
        hasher.combine(item)
        hasher.combine(actual)
        hasher.combine(expected)
    }

    /// The same observation read the other way round: `= empty` becomes `≠ empty`, ok flips.
    func negated() -> Evidence {
        var copy = self
        copy.ok.toggle()
        if let other = expectedIfNegated {
            copy.expectedIfNegated = expected
            copy.expected = other
        }
        return copy
    }

    /// The item as a person reads it in `language`.
    public func itemText(_ language: Language) -> String {
        guard let label else { return item }
        return [subject, label.text(language)].compactMap { $0 }.joined(separator: " · ")
    }
}

public struct ControlResult: Sendable, Hashable, Codable {
    public var control: String
    public var status: ResultStatus
    public var severity: Severity
    public var area: String
    public var references: [String]
    public var title: LocalizedText
    public var evidence: [Evidence]
    /// Why a control is not applicable, could not be evaluated, or needs an attestation.
    public var reason: LocalizedText?
    /// A fixer exists for this control.
    public var fixable: Bool
    public var fix: LocalizedText?

    public init(control: String, status: ResultStatus, severity: Severity, area: String, references: [String], title: LocalizedText, evidence: [Evidence], reason: LocalizedText?, fixable: Bool, fix: LocalizedText?) {
        self.control = control
        self.status = status
        self.severity = severity
        self.area = area
        self.references = references
        self.title = title
        self.evidence = evidence
        self.reason = reason
        self.fixable = fixable
        self.fix = fix
    }
}

/// One run of `attt check`: the document written with `--format json`, schema `attt.report.v1`.
public struct Report: Sendable, Hashable, Codable {
    public struct Host: Sendable, Hashable, Codable {
        public var hostname: String?
        public var machineId: String?
        public var os: OperatingSystem
        public var root: String
        /// Identity files that exist but could not be read (``SystemFacts/unread``).
        public var unread: [String]?

        public init(hostname: String?, machineId: String?, os: OperatingSystem, root: String, unread: [String]? = nil) {
            self.hostname = hostname
            self.machineId = machineId
            self.os = os
            self.root = root
            self.unread = unread
        }
    }

    public struct PolicyInfo: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        public var profile: Profile
        public var role: Role
        /// The tailoring file applied, if any.
        public var tailoring: String?
        /// The unit's bundle checked against (docs/design/catalogue-bundles.md), if one is in force.
        public var bundle: BundleRef?
        /// Local tailoring keys not applied because they would loosen what the bundle sets.
        public var ignoredTailoring: [String]?
        /// A newer bundle this PC refused (bad signature, below the regulation's floor…): the officer
        /// must see why the unit's catalogues did not take effect.
        public var bundleRefused: BundleRefusal?

        public init(id: String, version: String, profile: Profile, role: Role, tailoring: String?, bundle: BundleRef? = nil, ignoredTailoring: [String]? = nil,
                    bundleRefused: BundleRefusal? = nil) {
            self.id = id
            self.version = version
            self.profile = profile
            self.role = role
            self.tailoring = tailoring
            self.bundle = bundle
            self.ignoredTailoring = ignoredTailoring
            self.bundleRefused = bundleRefused
        }
    }

    /// Which bundle: its unit, version and the SHA-256 of its signed bytes.
    public struct BundleRef: Sendable, Hashable, Codable {
        public var unit: String
        public var version: Int
        public var sha256: String

        public init(unit: String, version: Int, sha256: String) {
            self.unit = unit
            self.version = version
            self.sha256 = sha256
        }
    }

    /// A bundle refused whole: its version when it could be read, each reason, and when.
    public struct BundleRefusal: Sendable, Hashable, Codable {
        public var version: Int?
        public var reasons: [String]
        public var at: String

        public init(version: Int?, reasons: [String], at: String) {
            self.version = version
            self.reasons = reasons
            self.at = at
        }
    }

    public struct Summary: Sendable, Hashable, Codable {
        public var pass = 0
        public var fail = 0
        public var notApplicable = 0
        public var error = 0
        public var manual = 0
        public var total = 0

        enum CodingKeys: String, CodingKey {
            case pass, fail, error, manual, total
            case notApplicable = "not_applicable"
        }

        public init(_ results: [ControlResult]) {
            for result in results {
                switch result.status {
                case .pass: pass += 1
                case .fail: fail += 1
                case .notApplicable: notApplicable += 1
                case .error: error += 1
                case .manual: manual += 1
                }
            }
            total = results.count
        }
    }

    public var schema = "attt.report.v1"
    public var reportId: UUID
    public var agent: String
    public var host: Host
    public var policy: PolicyInfo
    public var startedAt: Timestamp
    public var durationMs: Int
    public var results: [ControlResult]
    public var summary: Summary
    /// What is installed, in the reports `attt run` sends: the collector shows from it which PCs a
    /// change of the unit's software lists would newly pass or fail, before it is published.
    public var inventory: Inventory?

    public init(reportId: UUID, agent: String, host: Host, policy: PolicyInfo, startedAt: Timestamp, durationMs: Int, results: [ControlResult]) {
        self.reportId = reportId
        self.agent = agent
        self.host = host
        self.policy = policy
        self.startedAt = startedAt
        self.durationMs = durationMs
        self.results = results
        self.summary = Summary(results)
    }

    public struct Inventory: Sendable, Hashable, Codable {
        public var packages: [Package]

        public init(packages: [Package]) { self.packages = packages }

        /// What the software controls read of an installed package.
        public struct Package: Sendable, Hashable, Codable {
            public var name: String
            public var version: String
            public var manual: Bool
            public var required: Bool
            public var priority: String?

            public init(name: String, version: String, manual: Bool, required: Bool, priority: String?) {
                self.name = name
                self.version = version
                self.manual = manual
                self.required = required
                self.priority = priority
            }
        }

        public init(_ installed: [InstalledPackage]) {
            packages = installed.map { Package(name: $0.name, version: $0.version, manual: $0.manual, required: $0.required, priority: $0.priority) }
        }

        /// The facts the software controls read, as the PC's probe had them (apt's install history
        /// is not sent: the controls' clause on it reads the unit's accounts, not its lists).
        public var facts: FactValue {
            let installed = packages.map { InstalledPackage(name: $0.name, version: $0.version, architecture: nil, priority: $0.priority, section: nil,
                                                            manual: $0.manual, required: $0.required, source: SourceLocation(path: "/var/lib/dpkg/status")) }
            return (try? FactEncoder.encode(["packages": PackageFacts(manager: "dpkg", installed: installed, installRequests: [])])) ?? .object([:])
        }
    }

    /// `attt check` exits 1 when an applicable control fails (before any `error`, which exits 4).
    public var hasFailures: Bool { summary.fail > 0 }
}
