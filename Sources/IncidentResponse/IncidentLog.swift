public import AgentRuntime
public import CollectorAPI
import DurableFiles
public import FoundationEssentials
import Glibc
public import HostAccess

/// The PC's side of an incident's record (Điều 11 khoản 2 điểm a: "lập biên bản ghi nhận sự cố"):
/// which incident the officer is working on, and every step taken on this PC, kept here and queued for
/// the collector, where the biên bản is written from them.
///
/// Layout under `<root>/var/lib/attt/incidents/`: `current` (the id of the incident steps are filed
/// under when the officer names none) and `<id>/steps.jsonl` (one step a line, appended).
public struct IncidentLog {
    public let host: HostRoot
    public var outbox: IncidentOutbox

    public init(host: HostRoot) {
        self.host = host
        self.outbox = IncidentOutbox(host: host)
    }

    static let path = "/var/lib/attt/incidents"
    static let currentName = "current"
    /// One step is a few hundred bytes; a PC's incident has tens of them.
    static let stepsLimit = 4 << 20

    /// The incident to file a step under: the one the officer named (it becomes this PC's current
    /// one), else this PC's current one, else a new one.
    public func incident(named: UUID?) throws -> UUID {
        let directory = try host.directory(Self.path, create: 0o700)
        if let named {
            try directory.write(Data(named.uuidString.utf8), name: Self.currentName, mode: 0o600)
            return named
        }
        if let current = try currentIncident() { return current }
        let made = UUID()
        try directory.write(Data(made.uuidString.utf8), name: Self.currentName, mode: 0o600)
        return made
    }

    /// The incident open on this PC, if any.
    public func currentIncident() throws -> UUID? {
        guard let data = try host.existingDirectory(Self.path)?.read(Self.currentName, limit: 64) else { return nil }
        return UUID(uuidString: String(decoding: data, as: UTF8.self).filter { !$0.isWhitespace })
    }

    /// Keeps the step on this PC and queues it for the collector.
    public func record(_ step: IncidentStepMessage) throws {
        var step = step
        if let detail = step.detail, detail.count > IncidentStepMessage.maxDetail {
            step.detail = String(detail.prefix(IncidentStepMessage.maxDetail))
        }
        if let incident = step.incident {
            let directory = try host.directory(Self.path + "/" + incident.uuidString, create: 0o700)
            var line = try Self.encoder.encode(step)
            line.append(0x0A)
            try directory.append(line, name: "steps.jsonl", mode: 0o600)
        }
        try outbox.enqueue(.step(step))
    }

    /// The steps recorded on this PC for an incident, oldest first; a damaged line is skipped.
    public func steps(incident: UUID) throws -> [IncidentStepMessage] {
        guard let data = try host.existingDirectory(Self.path + "/" + incident.uuidString)?.read("steps.jsonl", limit: Self.stepsLimit) else { return [] }
        return data.split(separator: 0x0A).compactMap { try? JSONDecoder().decode(IncidentStepMessage.self, from: Data($0)) }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
}
