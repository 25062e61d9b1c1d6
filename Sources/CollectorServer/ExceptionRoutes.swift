public import CollectorStore
import Foundation
import HardeningCore
public import Hummingbird
import NIOCore

/// The officers' API for waivers, attestations and the audit log (issue 13 points 4–6;
/// openapi/collector.yaml). A unit's officer reads and changes that unit only; whoever reads every
/// unit (supervisor, inspector) may read the whole log.
struct ExceptionRoutes: Sendable {
    let store: any CollectorDatabase
    let database: BlockingPool
    /// Attached files sent at once, each held until written (48 downloads of a 10 MiB file at once
    /// peaked at 1 GiB): past these, 503.
    let downloads = Admission(name: "attestation downloads", capacity: 4)

    func add(to officer: RouterGroup<CollectorContext>) {
        officer.get("waivers") { request, context -> [Waiver] in
            let unit = try Self.unit(request)
            try context.requireRead(unit: unit)
            let all: Bool
            switch request.uri.queryParameters["all"] {
            case nil, "false": all = false
            case "true": all = true
            default: throw HTTPError(.badRequest, message: "all is true (also the expired and ended waivers) or false")
            }
            return try await run { try store.waivers(unit: unit, at: Date(), all: all) }
        }
        officer.post("waivers") { request, context -> EditedResponse<Waiver> in
            let body = try await request.decode(as: WaiverRequest.self, context: context)
            try context.requireAct(unit: body.unit)
            let officer = Self.acting(context)
            return EditedResponse(status: .created, response: try await run { try store.recordWaiver(body, by: officer, now: Date()) })
        }
        officer.post("waivers/:id/end") { _, context -> Waiver in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the waiver id is not a UUID") }
            guard let waiver = try await run({ try store.waiver(id: id) }), context.access.canRead(unit: waiver.unit) else {
                throw HTTPError(.notFound, message: "không có miễn trừ \(id) — no waiver \(id)")
            }
            try context.requireAct(unit: waiver.unit)
            let officer = Self.acting(context)
            return try await run { try store.endWaiver(id: id, by: officer, now: Date()) }
        }

        officer.get("attestations") { request, context -> AttestationList in
            let unit = try Self.unit(request)
            try context.requireRead(unit: unit)
            let now = Date()
            return try await run {
                AttestationList(unit: unit, at: Timestamp(now), states: try store.attestationStates(unit: unit, at: now), attestations: try store.attestations(unit: unit))
            }
        }
        officer.post("attestations") { request, context -> EditedResponse<Attestation> in
            // The one officer request allowed past `BodyLimits.officer`: the scanned decision comes
            // with it. Read here with its own bound, after the session (and its anti-forgery token)
            // were checked, and only for someone who may change some unit: an inspector does not get
            // to make the collector hold 14 MiB.
            try context.requireActOnSomeUnit()
            return try await BodyLimits.attestationsAtOnce.run {
                let buffer = try await request.body.collect(upTo: BodyLimits.attestation)
                let upload = try Self.decode(AttestationUpload.self, from: buffer)
                try context.requireAct(unit: upload.unit)
                let officer = Self.acting(context)
                return EditedResponse(status: .created, response: try await run { try store.recordAttestation(upload.request, by: officer, now: Date()) })
            }
        }
        officer.get("attestations/:id/file") { _, context -> Response in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the attestation id is not a UUID") }
            let place = try downloads.place()
            guard let (attestation, data) = try await run({ try store.attestationFile(id: id) }), context.access.canRead(unit: attestation.unit),
                  let file = attestation.file else {
                throw HTTPError(.notFound, message: "không có tệp đính kèm \(id) — no attestation \(id) with an attached file")
            }
            return Self.download(file, data, holding: place)
        }

        officer.get("audit") { request, context -> AuditPage in
            let unit = request.uri.queryParameters["unit"].map(String.init)
            if let unit {
                guard unit.utf8.count <= ExceptionLimits.unitBytes else { throw HTTPError(.badRequest, message: "unit is at most \(ExceptionLimits.unitBytes) bytes") }
                try context.requireRead(unit: unit)
            } else if !context.access.readsAll {
                throw HTTPError(.forbidden, message: "chỉ Văn phòng thống kê và đoàn kiểm tra xem nhật ký mọi đơn vị — add ?unit= for your unit's log")
            }
            let before = try request.uri.queryParameters["before"].map { text -> Int64 in
                guard let id = Int64(text), id > 0 else { throw HTTPError(.badRequest, message: "before is the id of an audit entry (a positive integer)") }
                return id
            }
            let limit = try request.uri.queryParameters["limit"].map { text -> Int in
                guard let count = Int(text), (1...AuditEntry.maxPage).contains(count) else { throw HTTPError(.badRequest, message: "limit takes 1 to \(AuditEntry.maxPage)") }
                return count
            } ?? 100
            let entries = try await run { try store.auditEntries(unit: unit, before: before, limit: limit) }
            return AuditPage(entries: entries, next: entries.count == limit ? entries.last?.id : nil)
        }
    }

    /// A store call off the cooperative pool, with the store's refusals as HTTP answers.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        do {
            return try await database.run(work)
        } catch let refusal as ExceptionRefusal {
            switch refusal {
            case .invalid(let message): throw HTTPError(.badRequest, message: message)
            case .notFound(let message): throw HTTPError(.notFound, message: message)
            case .conflict(let message): throw HTTPError(.conflict, message: message)
            }
        }
    }

    static func unit(_ request: Request) throws -> String {
        guard let unit = request.uri.queryParameters["unit"].map(String.init), !unit.isEmpty else {
            throw HTTPError(.badRequest, message: "add ?unit= (the unit's name, as in attt-collector hosts list)")
        }
        guard unit.utf8.count <= ExceptionLimits.unitBytes else { throw HTTPError(.badRequest, message: "unit is at most \(ExceptionLimits.unitBytes) bytes") }
        return unit
    }

    static func acting(_ context: CollectorContext) -> ActingOfficer { ActingOfficer(name: context.officer ?? "", access: context.access) }

    /// As Hummingbird's `decode(as:context:)` answers, for a body read with another bound.
    static func decode<T: Decodable>(_ type: T.Type, from buffer: ByteBuffer) throws -> T {
        do {
            return try JSONDecoder().decode(type, from: Data(buffer.readableBytesView))
        } catch let error as DecodingError {
            throw HTTPError(.badRequest, message: "the body is not an attestation: \(IncidentAgentRoutes.field(error))")
        }
    }

    /// Media types a browser may be told: documents an office scans or writes. Anything else is
    /// sent as bytes, so an uploaded HTML or SVG file never runs as a page of the collector.
    static let shownMediaTypes: Set<String> = [
        "application/pdf", "image/png", "image/jpeg", "application/vnd.oasis.opendocument.text",
        "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ]

    static func download(_ file: Attestation.File, _ data: Data, holding place: Admission.Place? = nil) -> Response {
        let type = shownMediaTypes.contains(file.mediaType) ? file.mediaType : "application/octet-stream"
        return Attachment.response(data, headers: Attachment.headers(name: file.name, mediaType: type), holding: place)
    }
}

extension BodyLimits {
    /// An attestation with its file: 10 MiB as base64 (4/3), and the rest of the record.
    public static let attestation = 14 << 20

    /// Attestation bodies read at once in this process, through the API or the pages' form: each
    /// holds up to 14 MiB, and again decoded, so 512 connections of one officer's script would hold
    /// gigabytes (48 at once peaked at 710 MiB); past these the next is told to come back (503)
    /// before its body is read.
    static let attestationsAtOnce = Admission(name: "attestation uploads", capacity: 4)
}

/// `POST /v1/officer/attestations`: the record, and the file as base64 (`content`).
struct AttestationUpload: Decodable {
    struct File: Decodable {
        var name: String
        var mediaType: String
        var content: Data
    }

    var unit: String
    var control: String
    var attestedOn: String
    var reference: String?
    var note: String?
    var attestedBy: String
    var validUntil: Timestamp
    var file: File?

    var request: AttestationRequest {
        AttestationRequest(unit: unit, control: control, attestedOn: attestedOn, reference: reference, note: note, attestedBy: attestedBy,
                           validUntil: validUntil, file: file.map { AttachedFile(name: $0.name, mediaType: $0.mediaType, data: $0.content) })
    }
}

/// A unit's organisational controls at a time, and every attestation it recorded.
struct AttestationList: ResponseEncodable {
    var unit: String
    var at: Timestamp
    var states: [AttestationState]
    var attestations: [Attestation]
}

struct AuditPage: ResponseEncodable {
    var entries: [AuditEntry]
    /// Pass as `before` for the next (older) page; left out on the last page.
    var next: Int64?
}

extension Waiver: ResponseEncodable {}
extension Attestation: ResponseEncodable {}
