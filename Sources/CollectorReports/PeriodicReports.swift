public import CollectorStore
public import Foundation
public import OfficeDocuments

/// The periodic and annual reports (issue 14): figures from the stored history, laid out as a
/// Vietnamese administrative document.
public struct PeriodicReports: Sendable {
    public let store: any CollectorDatabase
    public let settings: ReportSettings
    /// `hosts.silent-after`, as the office's pages count silent hosts.
    public let silentAfter: TimeInterval

    public init(store: any CollectorDatabase, settings: ReportSettings, silentAfter: TimeInterval) {
        self.store = store
        self.settings = settings
        self.silentAfter = silentAfter
    }

    /// The report of a unit or of the commune for a period, issued at `now`.
    public func document(scope: ReportScope, period: ReportPeriod, now: Date) throws -> AdministrativeDocument {
        let today = OfficeDay(containing: now).civil
        return AdministrativeDocument(
            governingBody: settings.governingBody.isEmpty ? nil : settings.governingBody, issuer: scope.unit?.uppercased() ?? settings.issuer,
            symbol: scope.unit == nil ? settings.symbol : "BC", place: settings.place.isEmpty ? "……" : settings.place,
            date: DocumentDate(year: today.year, month: today.month, day: today.day), kind: "BÁO CÁO",
            subject: "Tình hình bảo đảm an toàn, an ninh thông tin mạng \(period.name)", body: [.paragraph("(đang xây dựng)")],
            recipients: scope.unit == nil ? settings.recipients : settings.unitRecipients,
            signature: Signature(title: scope.unit == nil ? settings.signerTitle : settings.unitSignerTitle, name: settings.signer.isEmpty ? nil : settings.signer))
    }
}
