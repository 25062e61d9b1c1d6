public import Foundation

/// An incident as it stood at one instant (`asOf`): what the biên bản, the báo cáo sự cố and section VI
/// of the periodic report print (Điều 11 khoản 2 điểm a–b, Điều 12 khoản 5, Điều 13 khoản 9–10).
///
/// Plain values, filled by whoever reads the incident register (the collector's store maps its rows
/// onto it), so the documents are pure: the dossier in, the document out. Text that came from a PC
/// (steps' details, user reports, hostnames, the PC's clock) is hostile and printed through
/// `DisplaySafety`; the collector's own times are the ones a document relies on.
public struct IncidentDossier: Sendable, Hashable, Codable {
    public var id: UUID
    public var unit: String
    /// A short name the officer gave it: `Máy kế toán bị mã hóa dữ liệu`.
    public var title: String
    public var detectedAt: Date
    /// Who noticed it: a user's name, an officer, `attt` on a PC.
    public var detectedBy: String
    public var detection: Detection
    /// The signs of Điều 11 khoản 2 điểm a that were seen.
    public var signs: [Sign]
    /// What else was seen, in the officer's words (the sign `other`).
    public var otherSigns: String?
    public var severity: Severity
    /// The system or service affected (`Phần mềm kế toán`, `Cổng thông tin xã`), when one is named.
    public var affectedSystem: String?
    public var hosts: [Host]
    /// Every step, in the order the collector received them.
    public var steps: [Step]
    public var manifests: [Manifest]
    public var cause: String?
    public var result: String?
    public var state: State
    /// When the unit found the incident beyond what it can resolve (Điều 11 khoản 2 điểm b): the
    /// report to the superior body is due from then.
    public var beyondCapacityAt: Date?
    /// Báo cáo Thủ trưởng (Điều 11 khoản 2 điểm a, last sentence).
    public var reportedToHead: HeadReport?
    public var escalations: [Escalation]
    public var userReports: [UserReport]
    /// The officer who recorded it at the collector: the biên bản's NGƯỜI LẬP BIÊN BẢN.
    public var recordedBy: String
    /// The instant this dossier describes: a period's end, or the moment a document is issued.
    public var asOf: Date

    public init(
        id: UUID, unit: String, title: String, detectedAt: Date, detectedBy: String, detection: Detection, signs: [Sign], otherSigns: String? = nil,
        severity: Severity, affectedSystem: String? = nil, hosts: [Host], steps: [Step] = [], manifests: [Manifest] = [], cause: String? = nil,
        result: String? = nil, state: State, beyondCapacityAt: Date? = nil, reportedToHead: HeadReport? = nil, escalations: [Escalation] = [],
        userReports: [UserReport] = [], recordedBy: String, asOf: Date
    ) {
        self.id = id
        self.unit = unit
        self.title = title
        self.detectedAt = detectedAt
        self.detectedBy = detectedBy
        self.detection = detection
        self.signs = signs
        self.otherSigns = otherSigns
        self.severity = severity
        self.affectedSystem = affectedSystem
        self.hosts = hosts
        self.steps = steps
        self.manifests = manifests
        self.cause = cause
        self.result = result
        self.state = state
        self.beyondCapacityAt = beyondCapacityAt
        self.reportedToHead = reportedToHead
        self.escalations = escalations
        self.userReports = userReports
        self.recordedBy = recordedBy
        self.asOf = asOf
    }

    /// How it came to be known (the store's `detection`).
    public enum Detection: String, Sendable, Hashable, Codable, CaseIterable {
        case userReport = "user-report", officer, agent, external
    }

    /// Điều 11 khoản 2 điểm a: "luồng tin (traffic) tăng lên bất ngờ, nội dung bị thay đổi, hệ thống hoạt
    /// động chậm bất thường", and anything else.
    public enum Sign: String, Sendable, Hashable, Codable, CaseIterable {
        case trafficSpike = "traffic-spike", contentChanged = "content-changed", abnormalSlowness = "abnormal-slowness", other
    }

    /// Labels are the document's; the store keeps these keys.
    public enum Severity: String, Sendable, Hashable, Codable, CaseIterable {
        case low = "thap", medium = "trung-binh", high = "cao", critical = "nghiem-trong"
    }

    public enum State: String, Sendable, Hashable, Codable, CaseIterable {
        /// Recorded, not yet contained.
        case open
        /// Isolated or otherwise stopped from spreading (Bước 1).
        case contained
        /// Back in service from the backup (Bước 3).
        case recovered
        case closed
    }

    public struct Host: Sendable, Hashable, Codable {
        /// The collector's host id.
        public var id: String
        public var hostname: String?

        public init(id: String, hostname: String?) {
            self.id = id
            self.hostname = hostname
        }
    }

    /// One step of the response on a PC, or an order given at the collector.
    public struct Step: Sendable, Hashable, Codable {
        public enum Kind: String, Sendable, Hashable, Codable, CaseIterable {
            /// Bước 1.
            case isolate
            case release
            /// Someone flushed the firewall while the PC was isolated; attt loaded the table again.
            case isolationLost = "isolation-lost"
            /// Bước 2.
            case collect
            /// Bước 3.
            case restore
            case note
            /// Orders an officer gave at the collector, carried to the PC as jobs.
            case isolationOrdered = "isolation-ordered", releaseOrdered = "release-ordered"
        }

        public enum Outcome: String, Sendable, Hashable, Codable {
            case done, failed
            /// Applied, then undone by the safety net because the collector stopped answering.
            case rolledBack = "rolled-back"
        }

        public var id: UUID
        /// The host id; nil for an order not tied to one PC.
        public var host: String?
        public var hostname: String?
        public var kind: Kind
        /// When, as the PC's clock said it (RFC 3339): printed beside the collector's time, never instead of it.
        public var atHost: String?
        /// When the collector received it: the time a document relies on.
        public var receivedAt: Date
        public var actor: String
        public var transaction: String?
        public var outcome: Outcome
        public var detail: String?

        public init(
            id: UUID, host: String?, hostname: String?, kind: Kind, atHost: String?, receivedAt: Date, actor: String, transaction: String? = nil,
            outcome: Outcome, detail: String? = nil
        ) {
            self.id = id
            self.host = host
            self.hostname = hostname
            self.kind = kind
            self.atHost = atHost
            self.receivedAt = receivedAt
            self.actor = actor
            self.transaction = transaction
            self.outcome = outcome
            self.detail = detail
        }
    }

    /// The signed manifest of one evidence collection (Bước 2), as the collector checked it.
    public struct Manifest: Sendable, Hashable, Codable {
        public enum SignatureCheck: String, Sendable, Hashable, Codable {
            case valid, invalid
            /// The PC was not enrolled: no key the collector knows signed it.
            case absent
        }

        public var id: UUID
        public var host: String
        public var hostname: String?
        public var receivedAt: Date
        public var files: Int
        public var bytes: Int64
        /// SHA-256 of `SHA256SUMS`, which names every copied file's digest.
        public var sumsSHA256: String
        public var signature: SignatureCheck

        public init(id: UUID, host: String, hostname: String?, receivedAt: Date, files: Int, bytes: Int64, sumsSHA256: String, signature: SignatureCheck) {
            self.id = id
            self.host = host
            self.hostname = hostname
            self.receivedAt = receivedAt
            self.files = files
            self.bytes = bytes
            self.sumsSHA256 = sumsSHA256
            self.signature = signature
        }
    }

    public struct HeadReport: Sendable, Hashable, Codable {
        public var at: Date
        /// The head of the unit the officer reported to.
        public var name: String

        public init(at: Date, name: String) {
            self.at = at
            self.name = name
        }
    }

    /// A report sent beyond the unit (Điều 11 khoản 2 điểm b): the superior body, the Văn phòng thống
    /// kê xã, the commune police.
    public struct Escalation: Sendable, Hashable, Codable {
        public var recipient: String
        public var sentAt: Date
        /// `Văn bản`, `Điện thoại`, `Thư điện tử`.
        public var means: String
        /// The document's number or the call's note: `Số 12/BC-TYT`.
        public var reference: String?

        public init(recipient: String, sentAt: Date, means: String, reference: String? = nil) {
            self.recipient = recipient
            self.sentAt = sentAt
            self.means = means
            self.reference = reference
        }
    }

    /// What a user reported from their PC (Điều 11 khoản 1 điểm a).
    public struct UserReport: Sendable, Hashable, Codable {
        public var id: UUID
        public var host: String
        public var hostname: String?
        /// The host's unit, so a period's report keeps its own; nil counts in any scope it is given to.
        public var unit: String?
        public var login: String
        public var receivedAt: Date
        public var text: String
        public var acknowledgedAt: Date?
        public var acknowledgedBy: String?

        public init(
            id: UUID, host: String, hostname: String?, unit: String? = nil, login: String, receivedAt: Date, text: String, acknowledgedAt: Date? = nil,
            acknowledgedBy: String? = nil
        ) {
            self.id = id
            self.host = host
            self.hostname = hostname
            self.unit = unit
            self.login = login
            self.receivedAt = receivedAt
            self.text = text
            self.acknowledgedAt = acknowledgedAt
            self.acknowledgedBy = acknowledgedBy
        }
    }
}
