public import Foundation

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
    public var item: String
    /// `nil` when the value is absent.
    public var actual: String?
    public var expected: String?

    public init(source: String?, item: String, actual: String?, expected: String?) {
        self.source = source
        self.item = item
        self.actual = actual
        self.expected = expected
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

        public init(hostname: String?, machineId: String?, os: OperatingSystem, root: String) {
            self.hostname = hostname
            self.machineId = machineId
            self.os = os
            self.root = root
        }
    }

    public struct PolicyInfo: Sendable, Hashable, Codable {
        public var id: String
        public var version: String
        public var profile: Profile
        public var role: Role
        /// The tailoring file applied, if any.
        public var tailoring: String?

        public init(id: String, version: String, profile: Profile, role: Role, tailoring: String?) {
            self.id = id
            self.version = version
            self.profile = profile
            self.role = role
            self.tailoring = tailoring
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

    /// `attt check`'s exit status: 1 when an applicable control fails, else 0.
    public var hasFailures: Bool { summary.fail > 0 }
}
