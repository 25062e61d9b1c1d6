public import AsyncHTTPClient
public import CollectorAPI
public import Enrollment
public import FoundationEssentials
public import HardeningCore
import NIOCore
import NIOHTTP1
import NIOSSL

/// The agent's HTTPS link to its collector: the collector's CA is the only trust root, and after
/// enrollment every request carries the host's client certificate (mutual TLS).
public final class CollectorClient: CollectorTransport, IncidentTransport, Sendable {
    let base: String
    let client: HTTPClient
    let timeout: TimeAmount

    /// Before enrollment: trusts the CA the officer copied, presents no certificate.
    public convenience init(collector: String, caPEM: String) throws {
        try self.init(collector: collector, caPEM: caPEM, keyPEM: nil, certificatePEM: nil)
    }

    /// After enrollment: the host's own identity.
    public convenience init(identity: AgentIdentity) throws {
        try self.init(collector: identity.link.collector, caPEM: identity.caPEM, keyPEM: identity.keyPEM, certificatePEM: identity.certificatePEM)
    }

    init(collector: String, caPEM: String, keyPEM: String?, certificatePEM: String?, timeout: TimeAmount = .seconds(30)) throws {
        guard let url = URL(string: collector), url.scheme == "https", url.host != nil else {
            throw EnrollmentError.badRequest("the collector address must be https://HOST[:PORT], not \(collector)")
        }
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.minimumTLSVersion = .tlsv12
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMBytes(Array(caPEM.utf8)))
        if let keyPEM, let certificatePEM {
            tls.certificateChain = try NIOSSLCertificate.fromPEMBytes(Array(certificatePEM.utf8)).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(bytes: Array(keyPEM.utf8), format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        configuration.timeout = .init(connect: .seconds(10), read: timeout)
        configuration.redirectConfiguration = .disallow
        self.base = collector.hasSuffix("/") ? String(collector.dropLast()) : collector
        self.client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        self.timeout = timeout
    }

    /// Must be called before the client goes away.
    public func shutdown() async {
        try? await client.shutdown()
    }

    // MARK: Calls

    public func enroll(_ request: EnrollRequest) async throws -> EnrollResponse {
        try await call(.POST, "/v1/enroll", body: request, as: EnrollResponse.self)
    }

    public func send(_ item: Outbox.Item) async throws {
        switch item {
        case .report(_, let data): _ = try await call(.POST, "/v1/reports", bytes: data, as: IngestResponse.self)
        case .summary(let summary): _ = try await call(.POST, "/v1/report-summaries", body: summary, as: IngestResponse.self)
        case .compacted(let record): _ = try await call(.POST, "/v1/compactions", body: record, as: IngestResponse.self)
        }
    }

    public func send(_ item: Outbox.Item, after acknowledged: AcknowledgedContent?) async throws -> AcknowledgedContent? {
        guard case .report(let id, let data) = item, let report = try? JSONDecoder().decode(Report.self, from: data),
              let digest = try? ReportContent.digest(of: report) else {
            try await send(item)
            return nil
        }
        if let acknowledged, acknowledged.contentDigest == digest, acknowledged.reportId != id,
           try await send(UnchangedReport(report, sameAs: acknowledged.reportId, contentDigest: digest)) {
            return AcknowledgedContent(reportId: id, contentDigest: digest)
        }
        try await send(item)
        return AcknowledgedContent(reportId: id, contentDigest: digest)
    }

    /// True when the collector stored it (or had it); false when it asks for the whole report: the
    /// report it names is no longer its latest for this PC (412), or it predates unchanged reports (404).
    public func send(_ unchanged: UnchangedReport) async throws -> Bool {
        let (status, _) = try await exchange(.POST, "/v1/reports/unchanged", bytes: try JSONEncoder().encode(unchanged), answered: [404, 412])
        return status < 300
    }

    public func send(_ item: IncidentOutbox.Item) async throws {
        switch item {
        case .step(let step): _ = try await call(.POST, "/v1/incident-steps", body: step, as: IngestResponse.self)
        case .manifest(let upload): _ = try await call(.POST, "/v1/evidence-manifests", body: upload, as: IngestResponse.self)
        case .userReport(let report): _ = try await call(.POST, "/v1/user-reports", body: report, as: IngestResponse.self)
        }
    }

    /// A renewal of the certificate this client presents (``CertificateRenewal``).
    public func renew(_ request: RenewRequest) async throws -> RenewResponse {
        try await call(.POST, "/v1/certificate", body: request, as: RenewResponse.self)
    }

    public func approvedJobs() async throws -> [ApprovedJob] {
        try await call(.GET, "/v1/jobs", bytes: nil, as: JobsResponse.self).jobs
    }

    public func report(job: UUID, result: JobResult) async throws -> JobResultResponse {
        try await call(.POST, "/v1/jobs/\(job.uuidString)/result", body: result, as: JobResultResponse.self)
    }

    func call<Body: Encodable, Answer: Decodable>(_ method: HTTPMethod, _ path: String, body: Body, as: Answer.Type) async throws -> Answer {
        try await call(method, path, bytes: try JSONEncoder().encode(body), as: Answer.self)
    }

    /// Maps the outcome to ``UploadError``: no answer, 5xx and 429 are worth retrying; any other 4xx is not.
    func call<Answer: Decodable>(_ method: HTTPMethod, _ path: String, bytes: Data?, as: Answer.Type) async throws -> Answer {
        let (_, text) = try await exchange(method, path, bytes: bytes)
        do {
            return try JSONDecoder().decode(Answer.self, from: Data(text.utf8))
        } catch {
            throw UploadError.rejected("\(path): unexpected answer from the collector: \(text.prefix(200))")
        }
    }

    /// The unit's catalogue bundle: none published yet, the one this PC has (named by the SHA-256 of
    /// its bundle bytes), or a new envelope, still to be verified (``BundleStore/offer(_:policy:unit:now:)``).
    public func bundle(having sha256: String?) async throws -> BundleAnswer {
        let (status, text) = try await exchange(.GET, "/v1/bundle", bytes: nil, headers: sha256.map { ["If-None-Match": "\"\($0)\""] } ?? [:])
        switch status {
        case 204: return .none
        case 304: return .notModified
        default:
            guard let signed = try? JSONDecoder().decode(SignedBundle.self, from: Data(text.utf8)) else {
                throw UploadError.rejected("/v1/bundle: not a signed bundle: \(text.prefix(200))")
            }
            return .bundle(signed)
        }
    }

    /// The keys the collector serves for bundles, with the endorsements of its rotations.
    public func bundleKeys() async throws -> BundleKeyRing {
        try await call(.GET, "/v1/bundle-keys", bytes: nil, as: BundleKeyRing.self)
    }

    public enum BundleAnswer: Sendable {
        case none
        case notModified
        case bundle(SignedBundle)
    }

    /// One request; a 2xx or 304 answer's status and text, any other outcome as ``UploadError``.
    /// - Parameter answered: other statuses the caller takes as answers.
    func exchange(_ method: HTTPMethod, _ path: String, bytes: Data?, headers: [String: String] = [:], answered: Set<UInt> = []) async throws -> (status: UInt, text: String) {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        request.headers.add(name: "User-Agent", value: "attt-agent")
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let bytes {
            request.headers.add(name: "Content-Type", value: "application/json")
            request.body = .bytes(ByteBuffer(bytes: bytes))
        }
        let response: HTTPClientResponse
        var body: ByteBuffer
        do {
            response = try await client.execute(request, timeout: timeout)
            // The largest answer is a bundle's envelope: its bytes and their base64 in JSON.
            body = try await response.body.collect(upTo: SignedBundle.maxBytes * 2)
        } catch {
            throw UploadError.transient("\(base): \(Self.explain(error))")
        }
        let text = body.readString(length: body.readableBytes) ?? ""
        switch response.status.code {
        case 200..<300, 304:
            return (response.status.code, text)
        case let code where answered.contains(code):
            return (code, text)
        case 429, 500...:
            throw UploadError.transient("\(path): HTTP \(response.status.code) \(Self.message(text))")
        default:
            throw UploadError.rejected("\(path): HTTP \(response.status.code) \(Self.message(text))")
        }
    }

    /// The collector's `{"error":{"message":…}}`, or the raw text.
    static func message(_ text: String) -> String {
        struct Envelope: Decodable { struct Inner: Decodable { var message: String? }; var error: Inner }
        return (try? JSONDecoder().decode(Envelope.self, from: Data(text.utf8)).error.message) ?? String(text.prefix(200))
    }

    static func explain(_ error: any Error) -> String {
        if let tls = error as? NIOSSLError { return "TLS: \(tls) (is --ca-cert the collector's CA, and the address one of its names?)" }
        return String(describing: error)
    }
}
