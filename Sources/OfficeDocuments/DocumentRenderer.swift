public import Foundation

/// The forms a document is produced in (issue 14 point 2).
public enum DocumentFormat: String, CaseIterable, Sendable, Codable {
    /// A printable page: A4, no external assets.
    case html
    /// The OpenDocument text converted by LibreOffice headless.
    case pdf
    /// OpenDocument text the officer completes and signs.
    case odt
    /// One CSV file per table, in a ZIP archive.
    case csv
}

public enum DocumentError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The format needs a program this machine does not have (LibreOffice for PDF).
    case unavailable(DocumentFormat, why: String)
    /// The program ran and did not give the document (LibreOffice stopped at its timeout, wrote nothing,
    /// the temporary directory could not be written): `why` says what happened and what to do.
    case failed(DocumentFormat, why: String)

    public var description: String {
        switch self {
        case .unavailable(let format, let why), .failed(let format, let why): "\(format.rawValue): \(why)"
        }
    }
}

/// Lays out an ``AdministrativeDocument`` in each format. Rendering is synchronous and PDF takes
/// seconds (LibreOffice starts for each call): run it off Swift's cooperative pool.
public struct DocumentRenderer: Sendable {
    private let libreOffice: LibreOffice?

    /// - Parameters:
    ///   - soffice: the LibreOffice program for PDF; nil looks in `/usr/bin`, LibreOffice's own
    ///     directory, then `PATH`. A path that is not an executable file disables PDF.
    ///   - timeout: seconds one PDF conversion may take before LibreOffice is killed.
    public init(soffice: String? = nil, timeout: Double = 120) {
        let program = soffice.map { FileManager.default.isExecutableFile(atPath: $0) ? $0 : nil } ?? LibreOffice.find()
        libreOffice = program.map { LibreOffice(program: $0, timeout: timeout) }
    }

    /// The formats this machine can produce: PDF only when LibreOffice is there.
    public var available: [DocumentFormat] {
        DocumentFormat.allCases.filter { $0 != .pdf || libreOffice != nil }
    }

    /// The document in `format`: UTF-8 HTML, an ODT package, a PDF, or a ZIP of CSV files.
    /// - Throws: ``DocumentError/unavailable(_:why:)`` for PDF without LibreOffice;
    ///   ``DocumentError/failed(_:why:)`` when LibreOffice gives nothing in time.
    public func render(_ document: AdministrativeDocument, as format: DocumentFormat) throws -> Data {
        switch format {
        case .html:
            return Data(PrintableHTML(document: document).render().utf8)
        case .odt:
            return try openDocument(document)
        case .pdf:
            guard let libreOffice else { throw LibreOffice.missing }
            return try libreOffice.pdf(fromODT: openDocument(document))
        case .csv:
            let files = CSVTables(document: document).files()
            return try ZipPackage.archive(
                files.map { ZipPackage.Entry(name: $0.name, data: Data($0.text.utf8), compressed: true) },
                modified: Date(), for: .csv)
        }
    }

    /// The file name's extension for a format (`csv` is a ZIP of CSV files).
    public static func fileExtension(_ format: DocumentFormat) -> String {
        format == .csv ? "zip" : format.rawValue
    }

    /// The media type to serve a format as.
    public static func mediaType(_ format: DocumentFormat) -> String {
        switch format {
        case .html: "text/html; charset=utf-8"
        case .pdf: "application/pdf"
        case .odt: OpenDocumentStyles.mimeType
        case .csv: "application/zip"
        }
    }

    private func openDocument(_ document: AdministrativeDocument) throws -> Data {
        let now = Date()
        let text = OpenDocumentText(document: document, created: ISO8601DateFormatter().string(from: now))
        return try ZipPackage.archive(
            text.files().map { ZipPackage.Entry(name: $0.name, data: Data($0.text.utf8), compressed: $0.name != "mimetype") },
            modified: now, for: .odt)
    }
}
