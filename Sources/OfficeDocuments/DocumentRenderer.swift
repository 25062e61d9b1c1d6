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

public enum DocumentError: Error, Sendable, Equatable {
    /// The format needs a program this machine does not have (LibreOffice for PDF).
    case unavailable(DocumentFormat, why: String)
}

/// Lays out an ``AdministrativeDocument`` in each format.
public struct DocumentRenderer: Sendable {
    public init() {}

    /// The formats this machine can produce.
    public var available: [DocumentFormat] { [] }

    public func render(_ document: AdministrativeDocument, as format: DocumentFormat) throws -> Data {
        throw DocumentError.unavailable(format, why: "not built yet")
    }
}
