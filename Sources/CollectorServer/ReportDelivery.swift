import Crypto
public import CollectorReports
public import CollectorStore
public import Foundation
public import OfficeDocuments

/// Produces a periodic report and keeps it as issued (issue 14 point 3): the one workflow behind
/// `attt-collector report`, the Báo cáo page and the scheduled run, so the three make the same file
/// and keep it the same way. Rendering a PDF runs LibreOffice for seconds: callers run `render` off
/// the event loops and the cooperative pool.
public struct ReportDelivery: Sendable {
    public let store: any CollectorDatabase
    public let settings: CollectorSettings
    public let renderer: DocumentRenderer

    public init(store: any CollectorDatabase, settings: CollectorSettings, renderer: DocumentRenderer = DocumentRenderer()) {
        self.store = store
        self.settings = settings
        self.renderer = renderer
    }

    /// The report's bytes in one format, as of `now`. Throws `PeriodicReports.Refusal` for a unit
    /// or a period that cannot be reported, `DocumentError` for a format this machine cannot make.
    public func render(scope: ReportScope, period: ReportPeriod, format: DocumentFormat, now: Date) throws -> Data {
        let document = try PeriodicReports(store: store, settings: settings.reports, silentAfter: settings.silentAfter).document(scope: scope, period: period, now: now)
        return try renderer.render(document, as: format)
    }

    /// Keeps rendered bytes, with their audit entry; nil when the scheduled run already kept this one.
    public func keep(_ data: Data, scope: ReportScope, period: ReportPeriod, format: DocumentFormat, by officer: ActingOfficer, now: Date) throws -> IssuedReport? {
        try store.keepReport(NewIssuedReport(unit: scope.unit, periodKind: Self.kind(period), from: period.from, to: period.to, format: format.rawValue,
                                             fileName: Self.fileName(scope: scope, period: period, format: format), data: data),
                             by: officer, now: now)
    }

    /// Renders and keeps.
    public func produce(scope: ReportScope, period: ReportPeriod, format: DocumentFormat, by officer: ActingOfficer, now: Date) throws -> (IssuedReport?, Data) {
        let data = try render(scope: scope, period: period, format: format, now: now)
        return (try keep(data, scope: scope, period: period, format: format, by: officer, now: now), data)
    }

    public static func kind(_ period: ReportPeriod) -> String {
        switch period.kind {
        case .quarter: return "quarter"
        case .year: return "year"
        case .dates: return "dates"
        }
    }

    /// The period a kept report covers, named as it was when issued.
    public static func period(of report: IssuedReport) -> ReportPeriod? { ReportPeriod(from: report.from, to: report.to) }

    /// `Bao-cao-ATTT_UBND xã Tứ Dân_2026-Q4.pdf`; the commune's is `…_Toan-xa_…`. A unit's name is an
    /// officer's text: only letters, digits, spaces and `.-_` of it are kept (no `/`, no control
    /// character), at most 80 characters.
    public static func fileName(scope: ReportScope, period: ReportPeriod, format: DocumentFormat) -> String {
        let who: String
        if let unit = scope.unit {
            let kept = String(String.UnicodeScalarView(unit.unicodeScalars.map {
                CharacterSet.alphanumerics.contains($0) || " .-_".unicodeScalars.contains($0) ? $0 : "_"
            })).trimmingCharacters(in: CharacterSet(charactersIn: " ."))
            who = kept.isEmpty ? "don-vi" : String(kept.prefix(80))
        } else {
            who = "Toan-xa"
        }
        return "Bao-cao-ATTT_\(who)_\(period.slug).\(fileExtension(format))"
    }

    /// CSV comes as one file per table in a ZIP archive.
    public static func fileExtension(_ format: DocumentFormat) -> String {
        switch format {
        case .html: return "html"
        case .pdf: return "pdf"
        case .odt: return "odt"
        case .csv: return "csv.zip"
        }
    }

    public static func mediaType(_ format: DocumentFormat) -> String {
        switch format {
        case .html: return "text/html; charset=utf-8"
        case .pdf: return "application/pdf"
        case .odt: return "application/vnd.oasis.opendocument.text"
        case .csv: return "application/zip"
        }
    }

    /// Hex SHA-256, as the store computes it: what the CLI prints and the page shows.
    public static func sha256(_ data: Data) -> String { ContentDigest.sha256(data) }

    /// Why a format cannot be produced here, in the officer's words, or nil when it can.
    public func unavailable(_ format: DocumentFormat) -> String? {
        guard !renderer.available.contains(format) else { return nil }
        switch format {
        case .pdf: return "Máy chủ chưa cài LibreOffice: cài gói libreoffice-writer-nogui (apt install libreoffice-writer-nogui) để xuất PDF. — LibreOffice is not installed: install libreoffice-writer-nogui to produce PDF."
        default: return "Định dạng \(format.rawValue) chưa có trên máy chủ này. — This collector cannot produce \(format.rawValue) yet."
        }
    }
}

/// A period as an officer writes it, on the command line or in the form.
public enum ReportInput {
    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// `2026-Q4` (a quarter) or `2026` (a year).
    public static func period(named text: String) throws -> ReportPeriod {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        if parts.count == 1, parts[0].count == 4, let year = Int(parts[0]), (1970...9998).contains(year) { return .year(year) }
        if parts.count == 2, parts[0].count == 4, let year = Int(parts[0]), (1970...9998).contains(year), parts[1].count == 2, parts[1].first == "Q",
           let quarter = Int(parts[1].dropFirst()), (1...4).contains(quarter) {
            return .quarter(year: year, quarter)
        }
        throw Refusal("Kỳ «\(text.prefix(40))» không đúng: viết quý như 2026-Q4 hoặc năm như 2026. — Write a quarter as 2026-Q4 or a year as 2026.")
    }

    /// Any dates, both included, written YYYY-MM-DD.
    public static func period(from: String, to: String) throws -> ReportPeriod {
        guard let start = OfficeDay(from) else {
            throw Refusal("Ngày bắt đầu «\(from.prefix(40))» không đúng: viết YYYY-MM-DD, như 2026-10-01. — Write the first day as YYYY-MM-DD, such as 2026-10-01.")
        }
        guard let end = OfficeDay(to) else {
            throw Refusal("Ngày kết thúc «\(to.prefix(40))» không đúng: viết YYYY-MM-DD, như 2026-12-31. — Write the last day as YYYY-MM-DD, such as 2026-12-31.")
        }
        guard let period = ReportPeriod(from: start, to: end) else {
            throw Refusal("Ngày kết thúc \(end) trước ngày bắt đầu \(start): hãy đổi lại. — The last day (\(end)) is before the first (\(start)).")
        }
        return period
    }
}
