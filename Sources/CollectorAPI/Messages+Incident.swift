public import FoundationEssentials

// Incident response (Điều 11): what a PC tells the collector about the steps taken on it, the evidence
// it collected, and what its users reported. docs/design/incident-response.md has the whole design.

/// What an approved job does on the host. A job without a kind (an older collector) is a fix.
public enum JobKind: String, Codable, Sendable, Hashable {
    /// `attt fix` of the job's controls.
    case fix
    /// Điều 11 khoản 2 điểm a, Bước 1: cut the PC off the network, except the collector and the unit's
    /// management networks.
    case isolate
    /// Lift an isolation.
    case release
}

/// One step of the response, as it happened on the PC (`POST /v1/incident-steps`).
///
/// The id is made on the PC when the step is recorded, so a step sent twice is stored once.
public struct IncidentStepMessage: Codable, Sendable, Hashable {
    public enum Kind: String, Codable, Sendable, Hashable, CaseIterable {
        case isolate, release
        /// The isolation table was found missing while the file says the PC is isolated (someone
        /// flushed the firewall); the agent loaded it again.
        case isolationLost = "isolation-lost"
        case collect, restore
        case note
    }

    /// Where the step was started: at the PC by a signed-in officer, or by a job approved at the collector.
    public enum Source: String, Codable, Sendable, Hashable {
        case terminal, job
    }

    public enum Outcome: String, Codable, Sendable, Hashable {
        case done, failed
        /// Applied, then undone by the safety net (the collector stopped answering).
        case rolledBack = "rolled-back"
    }

    public var id: UUID
    /// The incident the officer named; nil when the step was taken before one was recorded (the
    /// collector files it under a new incident for the host).
    public var incident: UUID?
    public var kind: Kind
    /// When, by the PC's clock (RFC 3339). The collector keeps its own arrival time beside it: the PC's
    /// clock may be the attacker's.
    public var at: String
    /// The officer's name as the PC knows it (the sign-in, or "<officer> (collector job)").
    public var actor: String
    public var source: Source
    public var outcome: Outcome
    /// The remediation transaction (`attt history`), for isolate, release and restore.
    public var transaction: String?
    public var job: UUID?
    /// The evidence manifest, for collect.
    public var manifest: UUID?
    /// A short account in Vietnamese (what was allowed, how many files, where the kept copies are).
    public var detail: String?

    public init(id: UUID = UUID(), incident: UUID?, kind: Kind, at: String, actor: String, source: Source, outcome: Outcome, transaction: String? = nil, job: UUID? = nil, manifest: UUID? = nil, detail: String? = nil) {
        self.id = id
        self.incident = incident
        self.kind = kind
        self.at = at
        self.actor = actor
        self.source = source
        self.outcome = outcome
        self.transaction = transaction
        self.job = job
        self.manifest = manifest
        self.detail = detail
    }

    /// The longest `detail` the collector stores.
    public static let maxDetail = 4_000
}

/// `POST /v1/evidence-manifests`: the signed manifest of one collection, not the evidence itself
/// (that stays on the officer's disk).
///
/// The manifest travels as the exact bytes the PC signed (base64), so the collector checks the
/// signature over what the PC wrote, not over a re-encoding.
public struct EvidenceManifestUpload: Codable, Sendable, Hashable {
    public var id: UUID
    public var incident: UUID?
    /// base64 of `manifest.json`.
    public var manifest: String
    /// base64 of the DER ECDSA P-256 / SHA-256 signature over `manifest.json`; nil on a PC that is not
    /// enrolled (no key the collector knows).
    public var signature: String?
    /// PEM certificate of the key that signed (the host's enrollment certificate).
    public var certificate: String?
    /// `SHA256SUMS` of the collection when it is small enough to send (≤ ``maxSums`` bytes).
    public var sums: String?

    public init(id: UUID, incident: UUID?, manifest: String, signature: String?, certificate: String?, sums: String?) {
        self.id = id
        self.incident = incident
        self.manifest = manifest
        self.signature = signature
        self.certificate = certificate
        self.sums = sums
    }

    public static let maxSums = 4 << 20
}

/// `manifest.json` of one evidence collection (`attt incident collect`), schema `attt.evidence.v1`.
///
/// It is small on purpose, like Debian's Release over its SHA256SUMS: it commits to every copied file
/// through the SHA-256 of `SHA256SUMS` and of `files.jsonl`, so its signature covers them all.
public struct EvidenceManifest: Codable, Sendable, Hashable {
    public struct Host: Codable, Sendable, Hashable {
        public var id: String?
        public var hostname: String
        public var unit: String?

        public init(id: String?, hostname: String, unit: String?) {
            self.id = id
            self.hostname = hostname
            self.unit = unit
        }
    }

    /// A file of the collection named by its digest: `SHA256SUMS`, `files.jsonl`, a live-state file.
    public struct Digest: Codable, Sendable, Hashable {
        public var name: String
        public var size: Int64
        public var sha256: String

        public init(name: String, size: Int64, sha256: String) {
            self.name = name
            self.size = size
            self.sha256 = sha256
        }
    }

    public struct Category: Codable, Sendable, Hashable {
        public var name: String
        public var files: Int
        public var bytes: Int64

        public init(name: String, files: Int, bytes: Int64) {
            self.name = name
            self.files = files
            self.bytes = bytes
        }
    }

    /// A source left out, with its size and why (the disk was full, a cap, a secret key).
    public struct Left: Codable, Sendable, Hashable {
        public var path: String
        public var size: Int64?
        public var reason: String

        public init(path: String, size: Int64?, reason: String) {
            self.path = path
            self.size = size
            self.reason = reason
        }
    }

    public struct Disk: Codable, Sendable, Hashable {
        public var path: String
        /// `major:minor` of the block device, or nil for a filesystem without one.
        public var device: String?
        public var model: String?
        public var serial: String?
        public var filesystem: String?

        public init(path: String, device: String?, model: String?, serial: String?, filesystem: String?) {
            self.path = path
            self.device = device
            self.model = model
            self.serial = serial
            self.filesystem = filesystem
        }
    }

    public static let schemaName = "attt.evidence.v1"

    public var schema: String
    public var id: UUID
    public var incident: UUID?
    public var host: Host
    public var officer: String
    /// By the PC's clock (RFC 3339).
    public var startedAt: String
    public var finishedAt: String?
    /// False when the collection stopped before every planned source was copied.
    public var complete: Bool
    public var destination: Disk
    public var sourceDisks: [Disk]
    public var categories: [Category]
    public var live: [Digest]
    public var sums: Digest
    public var files: Digest
    public var skipped: [Left]
    public var excluded: [Left]

    public init(id: UUID, incident: UUID?, host: Host, officer: String, startedAt: String, finishedAt: String?, complete: Bool, destination: Disk, sourceDisks: [Disk], categories: [Category], live: [Digest], sums: Digest, files: Digest, skipped: [Left], excluded: [Left]) {
        self.schema = Self.schemaName
        self.id = id
        self.incident = incident
        self.host = host
        self.officer = officer
        self.startedAt = startedAt
        self.finishedAt = finishedAt
        self.complete = complete
        self.destination = destination
        self.sourceDisks = sourceDisks
        self.categories = categories
        self.live = live
        self.sums = sums
        self.files = files
        self.skipped = skipped
        self.excluded = excluded
    }

    /// The most entries `skipped` and `excluded` carry each; the rest are counted in the collection's
    /// own files, never silently dropped there.
    public static let maxListed = 200
    /// The largest `manifest.json` the collector accepts.
    public static let maxBytes = 256 << 10
}

/// `POST /v1/user-reports`: a user of the PC, without rights, reports a suspected incident
/// (Điều 11 khoản 1 điểm a; Điều 15 khoản 2 điểm b).
public struct UserReportMessage: Codable, Sendable, Hashable {
    public var id: UUID
    /// Who, from the kernel (`SO_PEERCRED` on the report socket), never from what the user typed.
    public var uid: Int
    public var login: String
    /// When the user says they noticed it (RFC 3339, the PC's clock).
    public var noticedAt: String
    /// When the agent received the report (RFC 3339, the PC's clock).
    public var submittedAt: String
    /// The user's words, at most ``maxText`` characters, control characters removed.
    public var text: String

    public init(id: UUID = UUID(), uid: Int, login: String, noticedAt: String, submittedAt: String, text: String) {
        self.id = id
        self.uid = uid
        self.login = login
        self.noticedAt = noticedAt
        self.submittedAt = submittedAt
        self.text = text
    }

    public static let maxText = 1_000
}
