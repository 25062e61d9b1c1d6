public import FoundationEssentials

// The messages agents and the collector exchange, as `openapi/collector.yaml` describes them.
// Both sides use these types, so the agent and the server cannot drift apart; the OpenAPI test holds
// the running server to the document.

/// `POST /v1/enroll`: a one-time token and a certificate request made on the PC.
public struct EnrollRequest: Codable, Sendable, Hashable {
    public var token: String
    /// PEM `CERTIFICATE REQUEST`; its key never leaves the PC.
    public var csr: String

    public init(token: String, csr: String) {
        self.token = token
        self.csr = csr
    }
}

/// `POST /v1/certificate`: a renewal of the certificate the PC presents, for the same key (issue 17
/// point 4). The key never changes without enrolling again.
public struct RenewRequest: Codable, Sendable, Hashable {
    /// PEM `CERTIFICATE REQUEST`, made with the key of the certificate presented.
    public var csr: String

    public init(csr: String) {
        self.csr = csr
    }
}

public struct RenewResponse: Codable, Sendable, Hashable {
    /// PEM, signed by the collector's CA, for the same host id and unit.
    public var certificate: String
    public var notAfter: String

    public init(certificate: String, notAfter: String) {
        self.certificate = certificate
        self.notAfter = notAfter
    }
}

public struct EnrollResponse: Codable, Sendable, Hashable {
    /// The id the collector gave the host: the subject of its certificate.
    public var hostId: String
    public var unit: String
    /// PEM certificate for mutual TLS.
    public var certificate: String
    public var caCertificate: String
    /// The raw Ed25519 public keys the unit's catalogue bundles are signed with (base64 in JSON); absent
    /// from a collector older than bundles (docs/design/catalogue-bundles.md §4).
    public var bundleKeys: [Data]?

    public init(hostId: String, unit: String, certificate: String, caCertificate: String, bundleKeys: [Data]? = nil) {
        self.hostId = hostId
        self.unit = unit
        self.certificate = certificate
        self.caCertificate = caCertificate
        self.bundleKeys = bundleKeys
    }
}

/// The answer to every upload: stored now, or stored before (a retry after a lost acknowledgement).
/// `GET /v1/health`: `ok` and 200 while the database answers; `unavailable` and 503, with the
/// database's error, when it does not.
public struct Health: Codable, Sendable, Hashable {
    public var status: String
    public var database: String

    public init(status: String, database: String) {
        self.status = status
        self.database = database
    }
}

public struct IngestResponse: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable, Hashable { case stored, duplicate }
    public var outcome: Outcome

    public init(outcome: Outcome) {
        self.outcome = outcome
    }
}

/// A fix, an isolation or a release an officer approved for this host.
public struct ApprovedJob: Codable, Sendable, Hashable {
    public var id: UUID
    /// For a fix, the controls to fix. Isolate and release jobs name `VN-TD-INC-001`, so an agent that
    /// predates job kinds fails them as an unknown control instead of fixing something else.
    public var controls: [String]
    public var approvedBy: String
    public var approvedAt: String
    public var expiresAt: String
    /// nil from a collector that predates job kinds: a fix.
    public var kind: JobKind?
    /// The incident an isolate or release job belongs to.
    public var incident: UUID?

    public init(id: UUID, controls: [String], approvedBy: String, approvedAt: String, expiresAt: String, kind: JobKind? = nil, incident: UUID? = nil) {
        self.id = id
        self.controls = controls
        self.approvedBy = approvedBy
        self.approvedAt = approvedAt
        self.expiresAt = expiresAt
        self.kind = kind
        self.incident = incident
    }

    /// What the job does (a fix when the collector did not say).
    public var effectiveKind: JobKind { kind ?? .fix }
}

public struct JobsResponse: Codable, Sendable, Hashable {
    public var jobs: [ApprovedJob]

    public init(jobs: [ApprovedJob]) {
        self.jobs = jobs
    }
}

/// How a job ended on the host.
public enum JobState: String, Codable, Sendable, Hashable {
    case approved, applied, failed, expired
    /// Nothing to change: the controls already pass, or none can be fixed automatically.
    case nothingToFix = "nothing-to-fix"
}

/// `POST /v1/jobs/{id}/result`.
public struct JobResult: Codable, Sendable, Hashable {
    public var state: JobState
    /// The `attt fix` transaction id on the host (see `attt history`).
    public var transaction: String?
    public var message: String?
    /// Controls that pass on the host's re-check after the transaction.
    public var fixed: [String]?

    public init(state: JobState, transaction: String?, message: String?, fixed: [String]?) {
        self.state = state
        self.transaction = transaction
        self.message = message
        self.fixed = fixed
    }
}

public struct JobResultResponse: Codable, Sendable, Hashable {
    public enum Outcome: String, Codable, Sendable, Hashable {
        case recorded
        case alreadyFinished = "already-finished"
    }
    public var outcome: Outcome

    public init(outcome: Outcome) {
        self.outcome = outcome
    }
}

/// `POST /v1/officer/jobs`: an officer approves a fix (the officer comes from the session, not the body).
public struct ApproveJobRequest: Codable, Sendable, Hashable {
    public var host: String
    public var controls: [String]

    public init(host: String, controls: [String]) {
        self.host = host
        self.controls = controls
    }
}

/// `POST /v1/officer/session`.
public struct SignInRequest: Codable, Sendable, Hashable {
    public var user: String
    public var password: String

    public init(user: String, password: String) {
        self.user = user
        self.password = password
    }
}

public struct SignInResponse: Codable, Sendable, Hashable {
    public var officer: String
    public var expiresAt: String
    /// Send it back as `X-CSRF-Token` with every request that changes something.
    public var csrfToken: String

    public init(officer: String, expiresAt: String, csrfToken: String) {
        self.officer = officer
        self.expiresAt = expiresAt
        self.csrfToken = csrfToken
    }
}
