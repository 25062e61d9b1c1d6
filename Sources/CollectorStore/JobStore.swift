public import CollectorAPI
public import Foundation

/// Fixes an officer approved at the collector for one host (Điều 13: the supervising office directs
/// remediation). A job names the officer, expires, and is finished at most once.
public protocol JobStore: Sendable {
    /// Kept with an audit entry in the same transaction (the officer is named in both).
    func approveJob(host: String, controls: [String], officer: ActingOfficer, expiresAt: Date, now: Date) throws -> Job
    /// The host's approved jobs that have not expired, oldest first; marks them fetched.
    func pendingJobs(host: String, now: Date) throws -> [Job]
    /// Records the agent's result; a job already finished keeps its first result.
    func finishJob(id: UUID, host: String, result: JobResult, now: Date) throws -> JobFinish
    /// Jobs of one host (or all), newest first, with expiry applied.
    func jobs(host: String?, now: Date) throws -> [Job]
}

public struct Job: Sendable, Hashable, Codable {
    public typealias State = JobState

    public var id: UUID
    public var host: String
    public var controls: [String]
    public var approvedBy: String
    public var approvedAt: String
    public var expiresAt: String
    public var state: State
    public var transaction: String?
    public var message: String?
    /// A fix, or an isolation or release ordered for an incident (Điều 11 khoản 2 điểm a, Bước 1).
    public var kind: JobKind
    public var incident: UUID?

    public init(id: UUID, host: String, controls: [String], approvedBy: String, approvedAt: String, expiresAt: String,
                state: State, transaction: String? = nil, message: String? = nil, kind: JobKind = .fix, incident: UUID? = nil) {
        self.id = id
        self.host = host
        self.controls = controls
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.expiresAt = expiresAt
        self.state = state
        self.transaction = transaction
        self.message = message
        self.kind = kind
        self.incident = incident
    }
}

public enum JobFinish: String, Sendable, Hashable, Codable {
    case recorded
    case alreadyFinished = "already-finished"
    case notFound = "not-found"
}

extension Job {
    /// A job as a store keeps it (controls joined by commas, times as text): an approved job past
    /// its expiry is shown expired, and a state or kind a later version wrote reads as failed / fix.
    package init(stored id: String, host: String, controls: String, approvedBy: String, approvedAt: String, expiresAt: String,
                 state: String, transaction: String?, message: String?, kind: String?, incident: String?, now: String) {
        var shown = State(rawValue: state) ?? .failed
        if shown == .approved, expiresAt <= now { shown = .expired }
        self.init(id: UUID(uuidString: id) ?? UUID(), host: host, controls: controls.split(separator: ",").map(String.init),
                  approvedBy: approvedBy, approvedAt: approvedAt, expiresAt: expiresAt, state: shown, transaction: transaction,
                  message: message, kind: JobKind(rawValue: kind ?? "fix") ?? .fix, incident: incident.flatMap(UUID.init(uuidString:)))
    }
}
