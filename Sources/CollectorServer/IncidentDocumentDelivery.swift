public import CollectorReports
public import CollectorStore
public import Foundation
public import OfficeDocuments

/// Makes an incident's biên bản or báo cáo (Điều 11 khoản 2 điểm a, b) from the register as it stands,
/// by the periodic reports' machinery, and keeps it as issued (`IncidentDocumentStore`): the one
/// workflow behind the incident page's preview and "Lập và lưu" button and the officers' API. Rendering
/// a PDF runs LibreOffice for seconds: callers run it off the event loops and the cooperative pool.
public struct IncidentDocumentDelivery: Sendable {
    public let store: any CollectorDatabase
    public let settings: CollectorSettings
    public let renderer: DocumentRenderer

    public init(store: any CollectorDatabase, settings: CollectorSettings, renderer: DocumentRenderer = DocumentRenderer()) {
        self.store = store
        self.settings = settings
        self.renderer = renderer
    }

    /// The document's bytes, as of the incident's instant. Throws `DocumentError` for a format this
    /// machine cannot make.
    public func render(_ incident: IncidentAsOf, kind: IncidentDocumentKind, format: DocumentFormat, now: Date) throws -> Data {
        let dossier = IncidentDossier(incident)
        let document = kind == .record
            ? IncidentRecordDocument(dossier: dossier, settings: settings.reports, issued: now).document
            : IncidentReportDocument(dossier: dossier, settings: settings.reports, issued: now).document
        return try renderer.render(document, as: format)
    }

    /// Renders and keeps, with the `incident-document-issued` audit entry.
    public func issue(_ incident: IncidentAsOf, kind: IncidentDocumentKind, format: DocumentFormat, by officer: ActingOfficer, now: Date) throws -> (IncidentDocument, Data) {
        let data = try render(incident, kind: kind, format: format, now: now)
        let kept = try store.keepIncidentDocument(NewIncidentDocument(incident: incident.id, kind: kind, format: format.rawValue,
                                                                      fileName: Self.fileName(incident.id, kind: kind, format: format), data: data),
                                                  by: officer, now: now)
        return (kept, data)
    }

    /// `Bien-ban-su-co_1A2B3C4D.pdf`: the incident's id is the only name in it, so no officer's text
    /// reaches a file name.
    public static func fileName(_ incident: UUID, kind: IncidentDocumentKind, format: DocumentFormat) -> String {
        "\(kind.fileStem)_\(incident.uuidString.prefix(8)).\(ReportDelivery.fileExtension(format))"
    }

    /// `pdf`, `odt` or `html` (a biên bản has no CSV), checked; the message is the officer's.
    public static func format(_ text: String?) -> DocumentFormat? {
        guard let format = DocumentFormat(rawValue: text ?? "pdf"), format != .csv else { return nil }
        return format
    }

    static let formatRefused = "Định dạng là pdf, odt hoặc html. — The format is pdf, odt or html."
    static let kindRefused = "Tài liệu là bien-ban hoặc bao-cao. — The document is bien-ban or bao-cao."
}
