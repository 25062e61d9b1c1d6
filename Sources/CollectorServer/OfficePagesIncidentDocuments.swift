import CollectorReports
import CollectorStore
import Foundation
import Hummingbird
import OfficeDocuments

/// The incident's biên bản and báo cáo (Điều 11 khoản 2 điểm a, b), made from the register as it stands
/// now by the same machinery as the periodic reports: `GET /incidents/{id}/documents/{bien-ban|bao-cao}
/// ?format=pdf|odt|html`. Whoever may read the incident may have its documents.
extension OfficePages {
    enum IncidentDocumentKind: String, CaseIterable {
        case record = "bien-ban", report = "bao-cao"

        var fileStem: String { self == .record ? "Bien-ban-su-co" : "Bao-cao-su-co" }
    }

    func addIncidentDocuments(to pages: RouterGroup<CollectorContext>) {
        pages.get("/incidents/:id/documents/:kind") { request, context -> Response in
            guard let kind = context.parameters.get("kind").flatMap(IncidentDocumentKind.init(rawValue:)) else {
                throw HTTPError(.notFound, message: "Tài liệu là bien-ban hoặc bao-cao. — The document is bien-ban or bao-cao.")
            }
            let formatName = request.uri.queryParameters["format"].map(String.init) ?? "pdf"
            guard let format = DocumentFormat(rawValue: formatName), format != .csv else {
                throw HTTPError(.badRequest, message: "Định dạng là pdf, odt hoặc html. — The format is pdf, odt or html.")
            }
            let now = Date()
            let incident = try await incidents.incident(context, asOf: now)
            let place = try Self.reportDownloads.place()
            let dossier = IncidentDossier(incident)
            let settings = routes.settings.reports
            let document = kind == .record
                ? IncidentRecordDocument(dossier: dossier, settings: settings, issued: now).document
                : IncidentReportDocument(dossier: dossier, settings: settings, issued: now).document
            let renderer = DocumentRenderer()
            let data: Data
            do {
                data = try await ReportPools.rendering.run { try renderer.render(document, as: format) }
            } catch let error as DocumentError {
                guard case .unavailable = error else { throw error }
                throw HTTPError(.badRequest, message: delivery.unavailable(format) ?? "\(error)")
            }
            let name = "\(kind.fileStem)_\(incident.id.uuidString.prefix(8)).\(ReportDelivery.fileExtension(format))"
            return Attachment.response(data, headers: Attachment.headers(name: name, mediaType: ReportDelivery.mediaType(format), inlineStyles: true), holding: place)
        }
    }
}
