public import Foundation
public import HardeningCore

/// Nhật ký thao tác: every change an officer makes at the collector, with who and when (issue 13
/// point 6; Điều 13: the supervising office answers for what is done in its name), and each reading of
/// an evidence manifest (personal data). Append-only: the stores write an entry in the same transaction
/// as the change, and nothing updates or deletes one.
public protocol AuditLog: Sendable {
    /// Newest first, at most `limit`, those before `before` (the id of the last entry of the previous
    /// page) when given; one unit's when `unit` is given.
    func auditEntries(unit: String?, before: Int64?, limit: Int) throws -> [AuditEntry]
}

public struct AuditEntry: Sendable, Hashable, Codable {
    /// What was done; a string on the wire and in the table, so an entry a later version writes
    /// still reads.
    public struct Action: RawRepresentable, Sendable, Hashable, Codable {
        public var rawValue: String
        public init(rawValue: String) { self.rawValue = rawValue }

        public static let jobApproved = Action(rawValue: "job-approved")
        public static let hostRevoked = Action(rawValue: "host-revoked")
        public static let waiverRecorded = Action(rawValue: "waiver-recorded")
        public static let waiverEnded = Action(rawValue: "waiver-ended")
        public static let attestationRecorded = Action(rawValue: "attestation-recorded")
    }

    public var id: Int64
    public var at: Timestamp
    public var officer: String
    public var role: String
    public var action: Action
    public var unit: String?
    public var host: String?
    /// The control or the job the change is about.
    public var subject: String?
    /// What was recorded, as short strings (bounded: see `AuditEntry.maxDetailBytes`).
    public var detail: [String: String]

    public init(id: Int64, at: Timestamp, officer: String, role: String, action: Action, unit: String?, host: String?, subject: String?, detail: [String: String]) {
        self.id = id
        self.at = at
        self.officer = officer
        self.role = role
        self.action = action
        self.unit = unit
        self.host = host
        self.subject = subject
        self.detail = detail
    }

    /// The detail is what the change itself recorded, already bounded; this bounds the row again so
    /// that no caller can make the log grow by more than this per change.
    public static let maxDetailBytes = 8 << 10
    /// The most entries one page returns.
    public static let maxPage = 500
}

extension AuditEntry {
    /// The detail as every store keeps it: JSON with sorted keys, each value cut to its share of
    /// ``maxDetailBytes``, so a long list of controls cannot grow the log.
    package static func storedDetail(_ detail: [String: String]) throws -> String {
        let share = maxDetailBytes / max(1, detail.count + 1)
        let bounded = detail.mapValues { value in value.utf8.count <= share ? value : String(decoding: value.utf8.prefix(share), as: UTF8.self) + "…" }
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return String(decoding: try encoder.encode(bounded), as: UTF8.self)
    }

    /// A stored detail read back; an entry a later version wrote in another shape reads as empty.
    package static func readDetail(_ json: String) -> [String: String] {
        (try? JSONDecoder().decode([String: String].self, from: Data(json.utf8))) ?? [:]
    }
}

extension AuditEntry {
    /// Writes an entry in the transaction of the change it records, on either store.
    package static func record(_ action: Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?,
                               detail: [String: String], at: Date, in session: any SQLSession) throws {
        try session.execute("""
            INSERT INTO audit (at, officer, role, action, unit, host_id, subject, detail) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
            """, [.text(Timestamp(at).description), .text(officer.name), .text(officer.role), .text(action.rawValue),
                  SQLValue(unit), SQLValue(host), SQLValue(subject), .text(try storedDetail(detail))])
    }
}
