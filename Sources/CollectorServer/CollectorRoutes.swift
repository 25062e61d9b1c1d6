public import CollectorAPI
public import CollectorStore
public import Enrollment
import Foundation
import HardeningCore
import NIOCore
import NIOSSL
public import Hummingbird
import SwiftASN1
import X509

/// The collector's HTTP API (openapi/collector.yaml) and web pages. HTTP status codes are decided
/// here and nowhere else.
public struct CollectorRoutes: Sendable {
    let store: any CollectorDatabase
    let authority: CertificateAuthority
    /// The keys enrollment hands the PC to check the unit's bundles with, and their endorsements.
    let bundleRing: BundleKeyRing
    /// Checks and signs the unit's catalogues; nil when the policy could not be loaded.
    let publisher: CataloguePublisher?
    let settings: CollectorSettings
    let officers: OfficerAuthenticator
    /// Every store call runs here, off Swift's cooperative pool (GRDB blocks its thread).
    let database: BlockingPool
    let metrics: CollectorMetrics

    init(store: any CollectorDatabase, authority: CertificateAuthority, bundleRing: BundleKeyRing, publisher: CataloguePublisher?, settings: CollectorSettings,
         officers: OfficerAuthenticator, database: BlockingPool, metrics: CollectorMetrics) {
        self.store = store
        self.authority = authority
        self.bundleRing = bundleRing
        self.publisher = publisher
        self.settings = settings
        self.officers = officers
        self.database = database
        self.metrics = metrics
    }

    public func router() -> Router<CollectorContext> {
        let router = Router(context: CollectorContext.self)
        router.add(middleware: RequestMetricsMiddleware(metrics: metrics))
        // For a load balancer or a supervisor: 200 while the database answers, 503 when it does not
        // (or every database thread is taken), so traffic goes to another instance.
        router.get("/v1/health") { request, context -> Response in
            let health: Health
            do {
                try await database.run { try store.ping() }
                health = Health(status: "ok", database: "ok")
            } catch {
                health = Health(status: "unavailable", database: String("\(error)".prefix(200)))
            }
            var response = try context.responseEncoder.encode(health, from: request, context: context)
            if health.status != "ok" { response.status = .serviceUnavailable }
            return response
        }
        router.post("/v1/enroll") { request, context in try await enroll(request, context) }

        let agent = router.group("/v1").add(middleware: AgentIdentityMiddleware(store: store, database: database))
        agent.post("reports") { request, context -> IngestResponse in
            let report = try await request.decode(as: Report.self, context: context)
            let host = try context.requireHost()
            return try await ingest("report") { try store.ingest(report, host: host) }
        }
        agent.post("reports/unchanged") { request, context -> IngestResponse in
            let unchanged = try await request.decode(as: UnchangedReport.self, context: context)
            let host = try context.requireHost()
            return try await ingest("unchanged") { try store.ingest(unchanged, host: host) }
        }
        agent.post("report-summaries") { request, context -> IngestResponse in
            let summary = try await request.decode(as: ReportSummary.self, context: context)
            let host = try context.requireHost()
            return try await ingest("summary") { try store.ingest(summary, host: host) }
        }
        agent.post("compactions") { request, context -> IngestResponse in
            let record = try await request.decode(as: CompactedReports.self, context: context)
            let host = try context.requireHost()
            return try await ingest("compaction") { try store.ingest(record, host: host) }
        }
        agent.get("jobs") { _, context -> JobsResponse in
            let host = try context.requireHost().id
            let jobs = try await database.run { try store.pendingJobs(host: host, now: Date()) }
            return JobsResponse(jobs: jobs.map {
                ApprovedJob(id: $0.id, controls: $0.controls, approvedBy: $0.approvedBy, approvedAt: $0.approvedAt, expiresAt: $0.expiresAt, kind: $0.kind, incident: $0.incident)
            })
        }
        agent.post("jobs/:id/result") { request, context -> JobResultResponse in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the job id is not a UUID") }
            let result = try await request.decode(as: JobResult.self, context: context)
            guard [.applied, .failed, .nothingToFix].contains(result.state) else {
                throw HTTPError(.badRequest, message: "a result is applied, failed or nothing-to-fix")
            }
            try Self.check(result)
            let host = try context.requireHost().id
            switch try await database.run({ try store.finishJob(id: id, host: host, result: result, now: Date()) }) {
            case .recorded: return JobResultResponse(outcome: .recorded)
            case .alreadyFinished: return JobResultResponse(outcome: .alreadyFinished)
            case .notFound: throw HTTPError(.notFound, message: "no job \(id) for this host")
            }
        }

        // The unit's catalogue bundle (docs/design/catalogue-bundles.md §5): the signed envelope as kept,
        // 204 before any was published, 304 when the PC already has it.
        agent.get("bundle") { request, context -> Response in
            let host = try context.requireHost()
            guard let bundle = try await database.run({ try store.latestBundle(unit: host.unit) }), let envelope = bundle.envelope else {
                return Response(status: .noContent)
            }
            let tag = "\"\(bundle.sha256)\""
            if request.headers[.ifNoneMatch] == tag { return Response(status: .notModified, headers: [.eTag: tag]) }
            return Response(status: .ok, headers: [.contentType: "application/json", .eTag: tag], body: ResponseBody(byteBuffer: ByteBuffer(bytes: envelope)))
        }

        agent.post("certificate") { request, context -> RenewResponse in try await renew(request, context) }

        // The keys to trust for bundles, with the endorsements that carry trust across a rotation.
        agent.get("bundle-keys") { _, _ -> BundleKeyRing in bundleRing }

        IncidentAgentRoutes(store: store, authority: authority, database: database, ingest: { try await ingest($0, $1) }).add(to: agent)

        router.post("/v1/officer/session") { request, context -> Response in
            try OfficerSessionMiddleware.requireSameOrigin(request)
            let body = try await request.decode(as: SignInRequest.self, context: context)
            switch try await officers.signIn(user: body.user, password: body.password, address: context.remoteAddress) {
            case .signedIn(let user, let token, let expiresAt):
                let answer = SignInResponse(officer: user, expiresAt: Timestamp(expiresAt).description, csrfToken: OfficerAuthenticator.csrfToken(session: token))
                var response = try context.responseEncoder.encode(answer, from: request, context: context)
                response.setCookie(Self.sessionCookie(token, expiresAt: expiresAt))
                return response
            case .refused: throw HTTPError(.unauthorized, message: "wrong account or password, or not an officer")
            case .locked(let minutes): throw HTTPError(.tooManyRequests, message: "too many failed sign-ins: locked for \(minutes) minutes")
            }
        }
        let officer = router.group("/v1/officer").add(middleware: OfficerSessionMiddleware(authenticator: officers, redirect: false))
        officer.post("jobs") { request, context -> EditedResponse<ApprovedJob> in
            let body = try await request.decode(as: ApproveJobRequest.self, context: context)
            try context.requireActOnSomeUnit()
            let job = try await approve(body, context: context)
            return EditedResponse(status: .created, response: job)
        }
        officer.post("hosts/:id/revoke") { _, context -> RevokedHost in
            try await revoke(try OfficeRoutes.hostId(context), context: context)
        }
        officer.get("status") { request, context -> [HostStatusView] in
            guard let unit = request.uri.queryParameters["unit"].map(String.init) else { throw HTTPError(.badRequest, message: "add ?unit=") }
            // A unit's name is a line of text; the refusal below repeats it.
            guard unit.utf8.count <= 256 else { throw HTTPError(.badRequest, message: "a unit's name is at most 256 bytes") }
            try context.requireRead(unit: unit)
            return try await database.run { try store.latestStatus(unit: unit) }.map(HostStatusView.init)
        }
        officer.get("failing") { request, context -> [HostStatusView] in
            guard let control = request.uri.queryParameters["control"].map(String.init) else { throw HTTPError(.badRequest, message: "add ?control=") }
            return try await database.run { try store.hostsFailing(control: control) }.filter { context.access.canRead(unit: $0.unit) }.map(HostStatusView.init)
        }

        ExceptionRoutes(store: store, database: database).add(to: officer)
        IncidentRoutes(store: store, settings: settings, database: database).add(to: officer)
        CatalogueRoutes(store: store, database: database, publisher: publisher).add(to: officer)
        WebPages(store: store, officers: officers, settings: settings, database: database).add(to: router)
        OfficeRoutes(collector: self).add(to: router)
        return router
    }

    func enroll(_ request: Request, _ context: CollectorContext) async throws -> EnrollResponse {
        let body = try await request.decode(as: EnrollRequest.self, context: context)
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: body.csr)
        } catch {
            throw HTTPError(.badRequest, message: "csr is not a PEM certificate request: \(error)")
        }
        let hostname = csr.subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) } ?? ""
        let (store, authority, settings, token) = (store, authority, settings, body.token)
        do {
            let (host, issued) = try await database.run { () -> (HostIdentity, Certificate) in
                var issued: Certificate?
                let host = try store.enroll(tokenHash: OfficerAuthenticator.hash(token), hostname: String(hostname.prefix(253)), now: Date()) { host in
                    let certificate = try authority.issueHostCertificate(request: csr, hostId: host.id, unit: host.unit, lifetime: settings.hostCertificateLifetime)
                    issued = certificate
                    return IssuedCertificate(serial: certificate.serialHex, notAfter: certificate.notValidAfter)
                }
                guard let issued else { throw HTTPError(.internalServerError) }
                return (host, issued)
            }
            return EnrollResponse(hostId: host.id, unit: host.unit, certificate: try issued.pemString, caCertificate: try authority.certificate.pemString,
                                  bundleKeys: bundleRing.keys.map(\.raw))
        } catch let refusal as EnrollmentRefusal {
            throw HTTPError(.forbidden, message: refusal.description)
        } catch let bad as EnrollmentError {
            throw HTTPError(.badRequest, message: bad.description)
        }
    }

    /// A renewal (issue 17 point 4): the same host id, unit and key as the certificate presented, a
    /// new validity; at most one a day per PC (429 with `Retry-After` before that).
    func renew(_ request: Request, _ context: CollectorContext) async throws -> RenewResponse {
        let body = try await request.decode(as: RenewRequest.self, context: context)
        let host = try context.requireHost()
        let csr: CertificateSigningRequest
        do {
            csr = try CertificateSigningRequest(pemEncoded: body.csr)
        } catch {
            throw HTTPError(.badRequest, message: "csr is not a PEM certificate request: \(error)")
        }
        guard let peer = try? await context.channel.nioSSL_peerCertificate().get(), let presented = try? Certificate(derEncoded: peer.toDERBytes()),
              presented.publicKey == csr.publicKey else {
            throw HTTPError(.badRequest, message: "the certificate request must be for the key of the certificate presented; a new key means enrolling again")
        }
        let (store, authority, lifetime) = (store, authority, settings.hostCertificateLifetime)
        do {
            let issued = try await database.run { () -> Certificate in
                var issued: Certificate?
                _ = try store.renewCertificate(host: host.id, now: Date()) {
                    let certificate = try authority.issueHostCertificate(request: csr, hostId: host.id, unit: host.unit, lifetime: lifetime)
                    issued = certificate
                    return IssuedCertificate(serial: certificate.serialHex, notAfter: certificate.notValidAfter)
                }
                guard let issued else { throw HTTPError(.internalServerError) }
                return issued
            }
            return RenewResponse(certificate: try issued.pemString, notAfter: Timestamp(issued.notValidAfter).description)
        } catch RenewalRefusal.tooSoon(let next) {
            let wait = max(1, Int(next.timeIntervalSinceNow.rounded(.up)))
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: String(wait)], message: RenewalRefusal.tooSoon(next: next).description)
        } catch RenewalRefusal.revoked {
            throw HTTPError(.forbidden, message: RenewalRefusal.revoked.description)
        } catch let bad as EnrollmentError {
            throw HTTPError(.badRequest, message: bad.description)
        }
    }

    /// One approval: the host must be enrolled, the controls named, the officer known and allowed to
    /// act on the host's unit.
    func approve(_ body: ApproveJobRequest, context: CollectorContext) async throws -> ApprovedJob {
        let controls = body.controls.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !controls.isEmpty, controls.allSatisfy(ControlId.isValid) else {
            throw HTTPError(.badRequest, message: "name the controls to fix, such as VN-TD-PW-001")
        }
        let (store, host) = (store, body.host)
        // Another unit's PC is not found, as for a revocation: an id tells nothing about another unit.
        guard let record = try await database.run({ try store.host(id: host) }), context.access.canRead(unit: record.unit) else { throw OfficeRoutes.noHost(host) }
        try context.requireAct(unit: record.unit)
        let (now, officer) = (Date(), ExceptionRoutes.acting(context))
        do {
            let expiresAt = now.addingTimeInterval(settings.jobLifetime)
            let job = try await database.run { try store.approveJob(host: body.host, controls: controls, officer: officer, expiresAt: expiresAt, now: now) }
            return ApprovedJob(id: job.id, controls: job.controls, approvedBy: job.approvedBy, approvedAt: job.approvedAt, expiresAt: job.expiresAt, kind: job.kind)
        } catch let error as StoreError {
            throw HTTPError(.notFound, message: error.description)
        }
    }

    /// Revoking a PC's certificates: its agent is refused from the next request (Điều 10: the unit's
    /// IT officer answers for its PCs). A host of a unit this officer cannot read is not found, so an
    /// id tells nothing about another unit.
    func revoke(_ id: String, context: CollectorContext) async throws -> RevokedHost {
        try context.requireActOnSomeUnit()
        let store = store
        guard let record = try await database.run({ try store.host(id: id) }), context.access.canRead(unit: record.unit) else { throw OfficeRoutes.noHost(id) }
        try context.requireAct(unit: record.unit)
        let officer = ExceptionRoutes.acting(context)
        let revoked = try await database.run { try store.revoke(host: id, by: officer, now: Date()) }
        return RevokedHost(host: id, unit: record.unit, revokedCertificates: revoked)
    }

    /// Store errors an agent can cause: a record id another host already used (409), a record over
    /// a limit (413), contradictory or malformed content (422), a host over its quota (429).
    func ingest(_ kind: String, _ body: @escaping @Sendable () throws -> IngestOutcome) async throws -> IngestResponse {
        do {
            let outcome = try await database.run(body)
            metrics.uploaded(kind, outcome)
            return IngestResponse(outcome: outcome)
        } catch let error as StoreError {
            throw HTTPError(.conflict, message: error.description)
        } catch let refusal as ExceptionRefusal {
            // An incident's own bounds (a full list of PCs): refused for good, never a 500 retried forever.
            throw HTTPError(.conflict, message: refusal.description)
        } catch ReportRefusal.tooLarge(let message) {
            throw HTTPError(.contentTooLarge, message: message)
        } catch ReportRefusal.invalid(let message) {
            throw HTTPError(.unprocessableContent, message: message)
        } catch ReportRefusal.quota(let message, let retryAfter) {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: String(retryAfter)], message: message)
        } catch ReportRefusal.stale(let message) {
            throw HTTPError(.preconditionFailed, message: message)
        }
    }

    /// What an agent says about a job is shown to officers: bounded like any string from a host.
    static func check(_ result: JobResult) throws {
        let limits = ReportLimits()
        for text in [result.transaction, result.message].compactMap({ $0 }) where text.utf8.count > limits.stringBytes {
            throw HTTPError(.contentTooLarge, message: "a job result's transaction and message are at most \(limits.stringBytes) bytes")
        }
        guard (result.fixed ?? []).count <= limits.results, (result.fixed ?? []).allSatisfy(ControlId.isValid) else {
            throw HTTPError(.unprocessableContent, message: "fixed lists control ids such as VN-TD-PW-001")
        }
    }

    static func sessionCookie(_ token: String, expiresAt: Date) -> Cookie {
        Cookie(name: OfficerAuthenticator.cookieName, value: token, expires: expiresAt, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}

/// A host's latest status as the officer API returns it.
extension BundleKeyRing: ResponseEncodable {}

struct HostStatusView: ResponseEncodable {
    var host: String
    var hostname: String?
    var unit: String
    var reportId: UUID
    var startedAt: String
    var summaryOnly: Bool
    var pass: Int
    var fail: Int
    var total: Int
    var failing: [String]
    var bundleVersion: Int?
    var bundleRefused: String?

    init(_ status: HostStatus) {
        host = status.host
        hostname = status.hostname
        unit = status.unit
        reportId = status.reportId
        startedAt = status.startedAt.description
        summaryOnly = status.summaryOnly
        pass = status.summary.pass
        fail = status.summary.fail
        total = status.summary.total
        failing = status.failing
        bundleVersion = status.bundleVersion
        bundleRefused = status.bundleRefused
    }
}

/// What a revocation did.
struct RevokedHost: ResponseEncodable {
    var host: String
    var unit: String
    var revokedCertificates: Int
}

/// A pool's queue is full: come back shortly.
extension BlockingPool.Busy: HTTPResponseError {
    var status: HTTPResponse.Status { .serviceUnavailable }

    func response(from request: Request, context: some RequestContext) throws -> Response {
        try HTTPError(status, headers: [.retryAfter: "5"], message: description).response(from: request, context: context)
    }
}

extension IngestResponse: ResponseEncodable {}
extension JobsResponse: ResponseEncodable {}
extension JobResultResponse: ResponseEncodable {}
extension ApprovedJob: ResponseEncodable {}
extension EnrollResponse: ResponseEncodable {}
extension RenewResponse: ResponseEncodable {}
extension SignInResponse: ResponseEncodable {}

extension CollectorContext {
    func requireHost() throws -> HostIdentity {
        guard let host else { throw HTTPError(.unauthorized) }
        return host
    }

    var remoteAddress: String? { channel.remoteAddress?.ipAddress }
}
