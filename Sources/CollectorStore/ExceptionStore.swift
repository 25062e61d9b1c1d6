public import Foundation
public import HardeningCore

/// Exceptions an office records at the collector (issue 13 points 4 and 5): waivers of a control
/// that fails, and the unit's attestations of the organisational measures the agents cannot check.
/// Every change is written to the audit log in the same transaction.
public protocol ExceptionStore: Sendable {
    /// Records a waiver after checking it (`ExceptionRefusal` says what is wrong).
    func recordWaiver(_ request: WaiverRequest, by officer: ActingOfficer, now: Date) throws -> Waiver
    /// Ends a waiver early; ending one already ended or expired is refused.
    func endWaiver(id: UUID, by officer: ActingOfficer, now: Date) throws -> Waiver
    func waiver(id: UUID) throws -> Waiver?
    /// A unit's waivers, newest first: those in force at `at`, or with `all` also the expired and ended.
    func waivers(unit: String, at: Date, all: Bool) throws -> [Waiver]
    /// The waiver in force for a control on a host at `at`: the host's own before the unit's.
    func waiver(for control: String, host: String, unit: String, at: Date) throws -> Waiver?

    func recordAttestation(_ request: AttestationRequest, by officer: ActingOfficer, now: Date) throws -> Attestation
    /// Every attestation of a unit, newest first (none is ever deleted).
    func attestations(unit: String) throws -> [Attestation]
    /// The state of each organisational control of a unit at `at`, in control order.
    func attestationStates(unit: String, at: Date) throws -> [AttestationState]
    /// The attestation with its attached file, if it has one.
    func attestationFile(id: UUID) throws -> (Attestation, Data)?
}

/// Who made a change, as the audit log names them.
public struct ActingOfficer: Sendable, Hashable, Codable {
    public var name: String
    /// `OfficerAccess.roleName`, or `local-admin` for a command run on the collector host.
    public var role: String

    public init(name: String, role: String) {
        self.name = name
        self.role = role
    }

    public init(name: String, access: OfficerAccess) {
        self.init(name: name, role: access.roleName)
    }

    /// Someone at the collector host's keyboard (`attt-collector …`): root there can do anything.
    public static func local(_ name: String) -> ActingOfficer { ActingOfficer(name: name, role: "local-admin") }
}

/// What an officer asks to record as a waiver (miễn trừ).
public struct WaiverRequest: Sendable, Hashable, Codable {
    public var unit: String
    /// One host of the unit, or nil for every host of it.
    public var host: String?
    public var control: String
    public var justification: String
    /// Who approved the exception, such as "Chủ tịch UBND xã".
    public var approvedBy: String
    public var expiresAt: Timestamp

    public init(unit: String, host: String? = nil, control: String, justification: String, approvedBy: String, expiresAt: Timestamp) {
        self.unit = unit
        self.host = host
        self.control = control
        self.justification = justification
        self.approvedBy = approvedBy
        self.expiresAt = expiresAt
    }
}

public struct Waiver: Sendable, Hashable, Codable {
    public var id: UUID
    public var unit: String
    public var host: String?
    public var control: String
    public var justification: String
    public var approvedBy: String
    public var recordedBy: String
    public var recordedAt: Timestamp
    public var expiresAt: Timestamp
    public var endedAt: Timestamp?
    public var endedBy: String?

    public init(id: UUID, unit: String, host: String?, control: String, justification: String, approvedBy: String, recordedBy: String,
                recordedAt: Timestamp, expiresAt: Timestamp, endedAt: Timestamp? = nil, endedBy: String? = nil) {
        self.id = id
        self.unit = unit
        self.host = host
        self.control = control
        self.justification = justification
        self.approvedBy = approvedBy
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.expiresAt = expiresAt
        self.endedAt = endedAt
        self.endedBy = endedBy
    }

    /// At expiry (or once ended) the result is what the report says again.
    public func inForce(at time: Date) -> Bool {
        recordedAt.date <= time && time < expiresAt.date && (endedAt.map { time < $0.date } ?? true)
    }
}

/// A file attached to an attestation: the signed decision or minutes, as the officer uploads it.
public struct AttachedFile: Sendable, Hashable {
    public var name: String
    public var mediaType: String
    public var data: Data

    public init(name: String, mediaType: String, data: Data) {
        self.name = name
        self.mediaType = mediaType
        self.data = data
    }
}

/// What an officer asks to record as an attestation (xác nhận biện pháp tổ chức).
public struct AttestationRequest: Sendable, Hashable {
    public var unit: String
    public var control: String
    /// The day the measure was attested, `YYYY-MM-DD`.
    public var attestedOn: String
    /// The document's number, such as "12/QĐ-UBND".
    public var reference: String?
    public var note: String?
    /// Who attests, such as the head of the unit.
    public var attestedBy: String
    public var validUntil: Timestamp
    public var file: AttachedFile?

    public init(unit: String, control: String, attestedOn: String, reference: String? = nil, note: String? = nil, attestedBy: String,
                validUntil: Timestamp, file: AttachedFile? = nil) {
        self.unit = unit
        self.control = control
        self.attestedOn = attestedOn
        self.reference = reference
        self.note = note
        self.attestedBy = attestedBy
        self.validUntil = validUntil
        self.file = file
    }
}

public struct Attestation: Sendable, Hashable, Codable {
    /// The attached file as the collector received it; the hash is the collector's own.
    public struct File: Sendable, Hashable, Codable {
        public var name: String
        public var mediaType: String
        public var size: Int
        public var sha256: String

        public init(name: String, mediaType: String, size: Int, sha256: String) {
            self.name = name
            self.mediaType = mediaType
            self.size = size
            self.sha256 = sha256
        }
    }

    public var id: UUID
    public var unit: String
    public var control: String
    public var attestedOn: String
    public var reference: String?
    public var note: String?
    public var attestedBy: String
    public var recordedBy: String
    public var recordedAt: Timestamp
    public var validUntil: Timestamp
    public var file: File?

    public init(id: UUID, unit: String, control: String, attestedOn: String, reference: String?, note: String?, attestedBy: String,
                recordedBy: String, recordedAt: Timestamp, validUntil: Timestamp, file: File?) {
        self.id = id
        self.unit = unit
        self.control = control
        self.attestedOn = attestedOn
        self.reference = reference
        self.note = note
        self.attestedBy = attestedBy
        self.recordedBy = recordedBy
        self.recordedAt = recordedAt
        self.validUntil = validUntil
        self.file = file
    }

    public func inForce(at time: Date) -> Bool { recordedAt.date <= time && time < validUntil.date }
}

/// Where an organisational control of a unit stands at a time.
public struct AttestationState: Sendable, Hashable, Codable {
    public enum Standing: String, Sendable, Hashable, Codable {
        /// An attestation is in force.
        case attested
        /// Due: the last attestation has lapsed.
        case lapsed
        /// Due: never attested.
        case missing
    }

    public var control: String
    public var standing: Standing
    /// The attestation in force (attested), or the last one that lapsed.
    public var attestation: Attestation?

    public init(control: String, standing: Standing, attestation: Attestation?) {
        self.control = control
        self.standing = standing
        self.attestation = attestation
    }

    public var isDue: Bool { standing != .attested }

    /// The state from a unit's attestations of one control (any order): the newest in force, else the
    /// newest recorded by `at`, lapsed.
    public init(control: String, attestations: [Attestation], at time: Date) {
        let known = attestations.filter { $0.control == control && $0.recordedAt.date <= time }
            .sorted { ($0.attestedOn, $0.recordedAt) > ($1.attestedOn, $1.recordedAt) }
        if let current = known.first(where: { $0.inForce(at: time) }) {
            self.init(control: control, standing: .attested, attestation: current)
        } else if let last = known.first {
            self.init(control: control, standing: .lapsed, attestation: last)
        } else {
            self.init(control: control, standing: .missing, attestation: nil)
        }
    }
}

/// The organisational measures (VN-TD-ATT-001…015): a unit attests them at the collector, once for
/// all its PCs; agents report them as `manual`.
public enum OrganisationalControl {
    public static let all: [String] = (1...15).map { "VN-TD-ATT-" + ($0 < 10 ? "00\($0)" : "0\($0)") }

    public static func contains(_ control: String) -> Bool { all.contains(control) }
}

/// Why an exception or a query was refused; the officer sees the message as is.
public enum ExceptionRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// Missing, malformed or out of bounds (HTTP 400, exit 2).
    case invalid(String)
    /// No such waiver, attestation or host of the unit (HTTP 404).
    case notFound(String)
    /// Cannot be done in the record's present state, such as ending a waiver already ended (HTTP 409).
    case conflict(String)

    public var description: String {
        switch self {
        case .invalid(let message), .notFound(let message), .conflict(let message): return message
        }
    }
}

/// The refusals every store gives, in the same words.
extension ExceptionRefusal {
    package static func unknownUnit(_ unit: String) -> Self {
        .notFound("không có đơn vị \(unit) — no unit \(unit) at this collector (see attt-collector hosts list)")
    }

    package static func foreignHost(_ host: String, unit: String) -> Self {
        .notFound("máy \(host) không thuộc \(unit) — host \(host) is not a host of \(unit) (see attt-collector hosts list)")
    }

    package static func unknownWaiver(_ id: UUID) -> Self { .notFound("không có miễn trừ \(id) — no waiver \(id)") }

    package static func waiverOver(_ id: UUID) -> Self {
        .conflict("miễn trừ \(id) đã hết hiệu lực — waiver \(id) has already ended or expired")
    }

    package static func full(_ table: String, unit: String, count: Int) -> Self {
        .conflict("đơn vị đã lưu \(count) bản ghi loại này, mức tối đa; hãy kết thúc bớt bản ghi cũ — \(unit) already keeps \(count) records of this kind (\(table)), the most a unit may; this looks like a script, not an office")
    }

    package static func filesFull(unit: String, kept: Int) -> Self {
        .conflict("đơn vị đã lưu \(kept >> 20) MiB tệp đính kèm — \(unit) already keeps \(kept >> 20) MiB of attached files (at most \(ExceptionLimits.fileBytesPerUnit >> 20) MiB); record this attestation with a note and keep the document on paper")
    }
}
