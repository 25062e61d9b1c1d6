import CollectorAPI
import CollectorStore
import Enrollment
import Foundation
import HardeningCore
import Hummingbird
import NIOCore
import SwiftASN1
import X509

/// What PCs send about incidents (issue 15; openapi/collector.yaml): the steps taken on them, the
/// signed manifest of an evidence collection, and their users' reports (Điều 11 khoản 1 điểm a,
/// khoản 2; Điều 15 khoản 2 điểm b). Behind `AgentIdentityMiddleware`, so the host is the one of
/// the client certificate, never one named in a body.
struct IncidentAgentRoutes: Sendable {
    let store: any CollectorDatabase
    let authority: CertificateAuthority
    let database: BlockingPool
    let ingest: @Sendable (String, @escaping @Sendable () throws -> IngestOutcome) async throws -> IngestResponse

    func add(to agent: RouterGroup<CollectorContext>) {
        agent.post("incident-steps") { request, context -> IngestResponse in
            let step = try await Self.decode(IncidentStepMessage.self, request, upTo: BodyLimits.incidentStep, what: "an incident step")
            let host = try context.requireHost()
            return try await ingest("incident-step") { try store.ingest(step, host: host, now: Date()) }
        }
        agent.post("evidence-manifests") { request, context -> IngestResponse in
            let upload = try await Self.decode(EvidenceManifestUpload.self, request, upTo: BodyLimits.evidenceManifest, what: "an evidence manifest upload")
            let host = try context.requireHost()
            let checked = try await check(upload, host: host)
            return try await ingest("evidence-manifest") { try store.ingest(checked, host: host, now: Date()) }
        }
        agent.post("user-reports") { request, context -> IngestResponse in
            var report = try await Self.decode(UserReportMessage.self, request, upTo: BodyLimits.userReport, what: "a user's report")
            report.text = Self.cleaned(report.text)
            report.login = Self.cleaned(report.login)
            guard !report.text.isEmpty, report.text.count <= UserReportMessage.maxText else {
                throw HTTPError(.unprocessableContent, message: "a user's report has 1 to \(UserReportMessage.maxText) characters of text")
            }
            let (host, cleaned) = (try context.requireHost(), report)
            return try await ingest("user-report") { try store.ingest(cleaned, host: host, now: Date()) }
        }
    }

    /// The manifest's bytes, decoded, and whether its signature was made by this host's current key:
    /// a certificate issued by this collector's CA to this host (its common name), not revoked, and
    /// an ECDSA P-256 / SHA-256 signature over the exact bytes sent. A manifest that fails any of it
    /// is kept, marked not ok: a PC that cannot sign still has its collection on record, and the
    /// biên bản says the signature is missing.
    func check(_ upload: EvidenceManifestUpload, host: HostIdentity) async throws -> CheckedManifest {
        guard let bytes = Data(base64Encoded: upload.manifest) else {
            throw HTTPError(.unprocessableContent, message: "manifest is not base64")
        }
        guard bytes.count <= EvidenceManifest.maxBytes else {
            throw HTTPError(.contentTooLarge, message: "manifest.json is at most \(EvidenceManifest.maxBytes >> 10) KiB (it is \(bytes.count) bytes)")
        }
        guard (upload.sums?.utf8.count ?? 0) <= EvidenceManifestUpload.maxSums, (upload.certificate?.utf8.count ?? 0) <= 16 << 10,
              (upload.signature?.utf8.count ?? 0) <= 1 << 10 else {
            throw HTTPError(.contentTooLarge, message: "sums is at most \(EvidenceManifestUpload.maxSums >> 20) MiB, certificate 16 KiB, signature 1 KiB")
        }
        let manifest: EvidenceManifest
        do {
            manifest = try JSONDecoder().decode(EvidenceManifest.self, from: bytes)
        } catch {
            throw HTTPError(.unprocessableContent, message: "manifest is not an \(EvidenceManifest.schemaName) manifest.json: \(error)")
        }
        guard manifest.schema == EvidenceManifest.schemaName, manifest.id == upload.id else {
            throw HTTPError(.unprocessableContent, message: "manifest.json has schema \(EvidenceManifest.schemaName) and the upload's id")
        }
        guard manifest.officer.utf8.count <= IncidentLimits.nameBytes, manifest.sums.sha256.utf8.count == 64,
              manifest.sums.sha256.allSatisfy(\.isHexDigit) else {
            throw HTTPError(.unprocessableContent, message: "manifest.json names an officer of at most \(IncidentLimits.nameBytes) bytes and the SHA-256 of SHA256SUMS")
        }
        let signature = try upload.signature.map { text -> Data in
            guard let data = Data(base64Encoded: text) else { throw HTTPError(.unprocessableContent, message: "signature is not base64") }
            return data
        }
        let certificate = upload.certificate.flatMap { try? Certificate(pemEncoded: $0) }
        var ok = false
        if let certificate, let signature, certificate.commonName == host.id, certificate.issuer == authority.certificate.subject,
           authority.certificate.publicKey.isValidSignature(certificate.signature, for: certificate) {
            let (store, serial) = (store, certificate.serialHex)
            let current = try await database.run { try store.certifiedHost(serial: serial) }
            ok = current?.id == host.id && certificate.publicKey.isValidSignature(signature, for: bytes, signatureAlgorithm: .ecdsaWithSHA256)
        }
        return CheckedManifest(upload: upload, manifestBytes: bytes, manifest: manifest, signature: signature, serial: certificate?.serialHex, signatureOK: ok)
    }

    /// Control and reordering characters removed (the text is shown to officers and printed in the
    /// biên bản); line breaks kept as the user typed them.
    static func cleaned(_ text: String) -> String {
        let kept = text.unicodeScalars.filter { $0 == "\n" || !DisplaySafety.isUnsafe($0) }
        return String(String.UnicodeScalarView(kept)).trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// A body read with its own bound (smaller than an agent's report), decoded as Hummingbird would.
    static func decode<T: Decodable>(_ type: T.Type, _ request: Request, upTo limit: Int, what: String) async throws -> T {
        let buffer: ByteBuffer
        do {
            buffer = try await request.body.collect(upTo: limit)
        } catch is NIOTooManyBytesError {
            throw HTTPError(.contentTooLarge, message: "\(what) is at most \(limit >> 10) KiB")
        }
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "the body is not \(what): \(Self.field(error))")
        }
    }

    /// Which field of a JSON body was wrong, as the officer or the agent can act on it.
    static func field(_ error: DecodingError) -> String {
        let path: [any CodingKey]
        switch error {
        case .keyNotFound(let key, let context): path = context.codingPath + [key]
        case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context): path = context.codingPath
        @unknown default: path = []
        }
        let field = path.map { $0.intValue.map(String.init) ?? $0.stringValue }.joined(separator: ".")
        return field.isEmpty ? "JSON object expected" : "check `\(field)`"
    }
}

extension BodyLimits {
    /// A step: a few names and a detail of at most 4,000 characters.
    public static let incidentStep = 64 << 10
    /// A manifest (≤ 256 KiB) and SHA256SUMS (≤ 4 MiB), as base64 and JSON.
    public static let evidenceManifest = 5 << 20
    /// A user's report: 1,000 characters and who sent it.
    public static let userReport = 8 << 10
}
