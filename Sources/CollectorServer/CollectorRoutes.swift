public import CollectorAPI
public import CollectorStore
public import Enrollment
import Foundation
import HardeningCore
public import Hummingbird
import SwiftASN1
import X509

/// The collector's HTTP API (openapi/collector.yaml) and web pages. HTTP status codes are decided
/// here and nowhere else.
public struct CollectorRoutes: Sendable {
    let store: any CollectorDatabase
    let authority: CertificateAuthority
    let settings: CollectorSettings
    let officers: OfficerAuthenticator

    public init(store: any CollectorDatabase, authority: CertificateAuthority, settings: CollectorSettings, officers: OfficerAuthenticator) {
        self.store = store
        self.authority = authority
        self.settings = settings
        self.officers = officers
    }

    public func router() -> Router<CollectorContext> {
        let router = Router(context: CollectorContext.self)
        router.get("/v1/health") { _, _ in ["status": "ok"] }
        router.post("/v1/enroll") { request, context in try await enroll(request, context) }

        let agent = router.group("/v1").add(middleware: AgentIdentityMiddleware(store: store))
        agent.post("reports") { request, context -> IngestResponse in
            let report = try await request.decode(as: Report.self, context: context)
            return try Self.ingest { try store.ingest(report, host: try context.requireHost()) }
        }
        agent.post("report-summaries") { request, context -> IngestResponse in
            let summary = try await request.decode(as: ReportSummary.self, context: context)
            return try Self.ingest { try store.ingest(summary, host: try context.requireHost()) }
        }
        agent.post("compactions") { request, context -> IngestResponse in
            let record = try await request.decode(as: CompactedReports.self, context: context)
            return try Self.ingest { try store.ingest(record, host: try context.requireHost()) }
        }
        agent.get("jobs") { _, context -> JobsResponse in
            let jobs = try store.pendingJobs(host: try context.requireHost().id, now: Date())
            return JobsResponse(jobs: jobs.map { ApprovedJob(id: $0.id, controls: $0.controls, approvedBy: $0.approvedBy, approvedAt: $0.approvedAt, expiresAt: $0.expiresAt) })
        }
        agent.post("jobs/:id/result") { request, context -> JobResultResponse in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the job id is not a UUID") }
            let result = try await request.decode(as: JobResult.self, context: context)
            guard [.applied, .failed, .nothingToFix].contains(result.state) else {
                throw HTTPError(.badRequest, message: "a result is applied, failed or nothing-to-fix")
            }
            switch try store.finishJob(id: id, host: try context.requireHost().id, result: result, now: Date()) {
            case .recorded: return JobResultResponse(outcome: .recorded)
            case .alreadyFinished: return JobResultResponse(outcome: .alreadyFinished)
            case .notFound: throw HTTPError(.notFound, message: "no job \(id) for this host")
            }
        }

        router.post("/v1/officer/session") { request, context -> Response in
            let body = try await request.decode(as: SignInRequest.self, context: context)
            switch try await officers.signIn(user: body.user, password: body.password, address: context.remoteAddress) {
            case .signedIn(let user, let token, let expiresAt):
                var response = try context.responseEncoder.encode(SignInResponse(officer: user, expiresAt: Timestamp(expiresAt).description), from: request, context: context)
                response.setCookie(Self.sessionCookie(token, expiresAt: expiresAt))
                return response
            case .refused: throw HTTPError(.unauthorized, message: "wrong account or password, or not an officer")
            case .locked(let minutes): throw HTTPError(.tooManyRequests, message: "too many failed sign-ins: locked for \(minutes) minutes")
            }
        }
        let officer = router.group("/v1/officer").add(middleware: OfficerSessionMiddleware(authenticator: officers, redirect: false))
        officer.post("jobs") { request, context -> EditedResponse<ApprovedJob> in
            let body = try await request.decode(as: ApproveJobRequest.self, context: context)
            let job = try approve(body, officer: context.officer ?? "")
            return EditedResponse(status: .created, response: job)
        }
        officer.get("status") { request, _ -> [HostStatusView] in
            guard let unit = request.uri.queryParameters["unit"].map(String.init) else { throw HTTPError(.badRequest, message: "add ?unit=") }
            return try store.latestStatus(unit: unit).map(HostStatusView.init)
        }
        officer.get("failing") { request, _ -> [HostStatusView] in
            guard let control = request.uri.queryParameters["control"].map(String.init) else { throw HTTPError(.badRequest, message: "add ?control=") }
            return try store.hostsFailing(control: control).map(HostStatusView.init)
        }

        WebPages(store: store, officers: officers, settings: settings).add(to: router)
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
        var issued: Certificate?
        do {
            let host = try store.enroll(tokenHash: OfficerAuthenticator.hash(body.token), hostname: String(hostname.prefix(253)), now: Date()) { host in
                let certificate = try authority.issueHostCertificate(request: csr, hostId: host.id, unit: host.unit, lifetime: settings.hostCertificateLifetime)
                issued = certificate
                return IssuedCertificate(serial: certificate.serialHex, notAfter: certificate.notValidAfter)
            }
            guard let issued else { throw HTTPError(.internalServerError) }
            return EnrollResponse(hostId: host.id, unit: host.unit, certificate: try issued.pemString, caCertificate: try authority.certificate.pemString)
        } catch let refusal as EnrollmentRefusal {
            throw HTTPError(.forbidden, message: refusal.description)
        } catch let bad as EnrollmentError {
            throw HTTPError(.badRequest, message: bad.description)
        }
    }

    /// One approval: the host must be enrolled, the controls named, the officer known.
    public func approve(_ body: ApproveJobRequest, officer: String) throws -> ApprovedJob {
        let controls = body.controls.map { $0.trimmingCharacters(in: .whitespaces) }
        guard !controls.isEmpty, controls.allSatisfy(ControlId.isValid) else {
            throw HTTPError(.badRequest, message: "name the controls to fix, such as VN-TD-PW-001")
        }
        let now = Date()
        do {
            let job = try store.approveJob(host: body.host, controls: controls, officer: officer, expiresAt: now.addingTimeInterval(settings.jobLifetime), now: now)
            return ApprovedJob(id: job.id, controls: job.controls, approvedBy: job.approvedBy, approvedAt: job.approvedAt, expiresAt: job.expiresAt)
        } catch let error as StoreError {
            throw HTTPError(.notFound, message: error.description)
        }
    }

    /// Store errors an agent can cause: a record id another host already used (409), a record over
    /// a limit (413), contradictory or malformed content (422), a host over its quota (429).
    static func ingest(_ body: () throws -> IngestOutcome) throws -> IngestResponse {
        do {
            return IngestResponse(outcome: try body())
        } catch let error as StoreError {
            throw HTTPError(.conflict, message: error.description)
        } catch ReportRefusal.tooLarge(let message) {
            throw HTTPError(.contentTooLarge, message: message)
        } catch ReportRefusal.invalid(let message) {
            throw HTTPError(.unprocessableContent, message: message)
        } catch ReportRefusal.quota(let message, let retryAfter) {
            throw HTTPError(.tooManyRequests, headers: [.retryAfter: String(retryAfter)], message: message)
        }
    }

    static func sessionCookie(_ token: String, expiresAt: Date) -> Cookie {
        Cookie(name: OfficerAuthenticator.cookieName, value: token, expires: expiresAt, path: "/", secure: true, httpOnly: true, sameSite: .strict)
    }
}

/// A host's latest status as the officer API returns it.
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
    }
}

extension IngestResponse: ResponseEncodable {}
extension JobsResponse: ResponseEncodable {}
extension JobResultResponse: ResponseEncodable {}
extension ApprovedJob: ResponseEncodable {}
extension EnrollResponse: ResponseEncodable {}
extension SignInResponse: ResponseEncodable {}

extension CollectorContext {
    func requireHost() throws -> HostIdentity {
        guard let host else { throw HTTPError(.unauthorized) }
        return host
    }

    var remoteAddress: String? { channel.remoteAddress?.ipAddress }
}
