import CollectorReports
import CollectorStore
import Foundation
import Hummingbird
import OfficeDocuments

/// The incident's biên bản and báo cáo (Điều 11 khoản 2 điểm a, b), made from the register as it stands
/// now by the same machinery as the periodic reports. `GET /incidents/{id}/documents/{bien-ban|bao-cao}
/// ?format=pdf|odt|html` is a preview, kept nowhere; `POST /incidents/{id}/documents` (kind, format)
/// issues one: its exact bytes are kept with their SHA-256, listed on the incident's page and
/// downloaded again from `GET /incidents/{id}/issued/{docId}`. Whoever may read the incident may have
/// its documents; only the unit's officer issues them.
extension OfficePages {
    func addIncidentDocuments(to pages: RouterGroup<CollectorContext>) {
        pages.get("/incidents/:id/documents/:kind") { request, context -> Response in
            guard let kind = context.parameters.get("kind").flatMap(IncidentDocumentKind.init(rawValue:)) else {
                throw HTTPError(.notFound, message: IncidentDocumentDelivery.kindRefused)
            }
            guard let format = IncidentDocumentDelivery.format(request.uri.queryParameters["format"].map(String.init)) else {
                throw HTTPError(.badRequest, message: IncidentDocumentDelivery.formatRefused)
            }
            let now = Date()
            let incident = try await incidents.incident(context, asOf: now)
            let place = try Self.reportDownloads.place()
            let delivery = IncidentDocumentDelivery(store: routes.store, settings: routes.settings)
            let data: Data
            do {
                data = try await ReportPools.rendering.run { try delivery.render(incident, kind: kind, format: format, now: now) }
            } catch let error as DocumentError {
                guard case .unavailable = error else { throw error }
                throw HTTPError(.badRequest, message: self.delivery.unavailable(format) ?? "\(error)")
            }
            let name = IncidentDocumentDelivery.fileName(incident.id, kind: kind, format: format)
            return Attachment.response(data, headers: Attachment.headers(name: name, mediaType: ReportDelivery.mediaType(format), inlineStyles: true), holding: place)
        }
        pages.post("/incidents/:id/documents") { request, context -> Response in
            let form = try await Self.form(DocumentForm.self, request, context)
            return try await answer(request, context, back: try Self.incidentLink(context) + "#documents") {
                guard let kind = IncidentDocumentKind(rawValue: form.kind) else { throw ExceptionRefusal.invalid(IncidentDocumentDelivery.kindRefused) }
                guard let format = IncidentDocumentDelivery.format(form.format) else { throw ExceptionRefusal.invalid(IncidentDocumentDelivery.formatRefused) }
                _ = try await incidents.issue(context, kind: kind, format: format)
            }
        }
        pages.get("/incidents/:id/issued/:doc") { _, context -> Response in
            try await incidents.keptDocument(context)
        }
    }

    /// "Lập và lưu": which document, in which format.
    struct DocumentForm: Decodable {
        var kind: String
        var format: String
    }
}
