import CollectorAPI
public import CollectorStore
import Foundation
import HardeningCore
public import Hummingbird
import OfficeDocuments

/// The officers' API for an incident's kept documents and its evidence manifests (Điều 11 khoản 2):
/// `POST|GET /v1/officer/incidents/{id}/documents`, `GET …/documents/{docId}` (the kept bytes) and
/// `GET /v1/officer/evidence-manifests/{id}`. Rights as for the incident: issuing is the unit's
/// officer's act, reading is whoever reads the unit (an inspector too); another unit's is not found.
extension IncidentRoutes {
    func addDocuments(to officer: RouterGroup<CollectorContext>) {
        officer.post("incidents/:id/documents") { request, context -> EditedResponse<IncidentDocument> in
            let query = request.uri.queryParameters
            guard let kind = query["kind"].flatMap({ IncidentDocumentKind(rawValue: String($0)) }) else {
                throw HTTPError(.badRequest, message: IncidentDocumentDelivery.kindRefused)
            }
            guard let format = IncidentDocumentDelivery.format(query["format"].map(String.init)) else {
                throw HTTPError(.badRequest, message: IncidentDocumentDelivery.formatRefused)
            }
            return EditedResponse(status: .created, response: try await Self.answered { try await issue(context, kind: kind, format: format).0 })
        }
        officer.get("incidents/:id/documents") { _, context -> [IncidentDocument] in
            let id = try await incident(context, asOf: Date()).id
            let store = store
            return try await database.run { try store.incidentDocuments(incident: id) }
        }
        officer.get("incidents/:id/documents/:doc") { _, context -> Response in
            try await keptDocument(context)
        }
        officer.get("evidence-manifests/:id") { _, context -> KeptEvidenceManifest in
            guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the manifest id is not a UUID") }
            let store = store
            guard let manifest = try await database.run({ try store.evidenceManifest(id: id) }), context.access.canRead(unit: manifest.unit) else {
                throw HTTPError(.notFound, message: "không có bản kê chứng cứ \(id) — no evidence manifest \(id)")
            }
            let officer = ExceptionRoutes.acting(context)
            try await database.run { try store.recordEvidenceManifestRead(manifest, by: officer, at: Date()) }
            return manifest
        }
    }

    /// Renders the incident's document as it stands now and keeps it (the page's form and the API).
    func issue(_ context: CollectorContext, kind: IncidentDocumentKind, format: DocumentFormat) async throws -> (IncidentDocument, Data) {
        try context.requireActOnSomeUnit()
        let incident = try await incident(context, asOf: Date())
        try context.requireAct(unit: incident.unit)
        let delivery = IncidentDocumentDelivery(store: store, settings: settings)
        let officer = ExceptionRoutes.acting(context)
        let data: Data
        let now = Date()
        do {
            // LibreOffice takes seconds and a few hundred MiB: on the reports' pool, at most two at once.
            data = try await ReportPools.rendering.run { try delivery.render(incident, kind: kind, format: format, now: now) }
        } catch let error as DocumentError {
            guard case .unavailable = error else { throw error }
            throw HTTPError(.badRequest, message: ReportDelivery(store: store, settings: settings).unavailable(format) ?? "\(error)")
        }
        let document = NewIncidentDocument(incident: incident.id, kind: kind, format: format.rawValue,
                                           fileName: IncidentDocumentDelivery.fileName(incident.id, kind: kind, format: format), data: data)
        let store = store
        let kept = try await database.run { try store.keepIncidentDocument(document, by: officer, now: now) }
        return (kept, data)
    }

    /// The kept bytes of `:doc`, a document of the incident `:id` the officer reads; checked against
    /// their SHA-256 before they are handed out.
    func keptDocument(_ context: CollectorContext) async throws -> Response {
        let incident = try await incident(context, asOf: Date())
        guard let id = context.parameters.get("doc").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the document id is not a UUID") }
        let place = try OfficePages.reportDownloads.place()
        let store = store
        guard let (document, data) = try await database.run({ try store.incidentDocument(id: id) }), document.incident == incident.id else {
            throw HTTPError(.notFound, message: "không có tài liệu \(id) của sự cố này — no document \(id) of this incident")
        }
        guard ReportDelivery.sha256(data) == document.sha256 else {
            throw HTTPError(.internalServerError, message: "tài liệu không còn khớp SHA-256 đã ghi; hãy khôi phục cơ sở dữ liệu từ bản sao lưu — the stored bytes no longer match their SHA-256")
        }
        let mediaType = DocumentFormat(rawValue: document.format).map(ReportDelivery.mediaType) ?? "application/octet-stream"
        return Attachment.response(data, headers: Attachment.headers(name: document.fileName, mediaType: mediaType, inlineStyles: true), holding: place)
    }
}

extension IncidentDocument: ResponseEncodable {}
extension KeptEvidenceManifest: ResponseEncodable {}
