public import Foundation
public import HardeningCore

/// The periodic reports the collector has issued (issue 14 point 3), kept as they were sent: the
/// bytes with their SHA-256, who made them and when. Nothing is ever updated or deleted, so what an
/// office sent to the huyện can be shown again, byte for byte, at an inspection (Điều 13 khoản 9).
public protocol IssuedReportStore: Sendable {
    /// Keeps a report and writes its audit entry in the same transaction. A scheduled report
    /// (`officer.name == IssuedReport.scheduled`) already kept for the same scope, period and format
    /// is not kept twice: nil then, nothing stored.
    func keepReport(_ report: NewIssuedReport, by officer: ActingOfficer, now: Date) throws -> IssuedReport?
    /// Newest first, at most `limit` (1…`IssuedReport.maxPage`): the reports of these units and,
    /// with `commune`, the commune's; every report when `units` is nil.
    func issuedReports(units: Set<String>?, commune: Bool, limit: Int) throws -> [IssuedReport]
    /// A kept report and its bytes, or nil.
    func issuedReport(id: Int64) throws -> (IssuedReport, Data)?
    /// Whether the scheduled run already kept this report.
    func scheduledReportKept(unit: String?, from: OfficeDay, to: OfficeDay, format: String) throws -> Bool
    /// Units with a host enrolled before `date`, by name: whose reports a period ending then covers.
    func unitsEnrolled(before date: Date) throws -> [String]
}

/// A report to keep, as rendered.
public struct NewIssuedReport: Sendable, Hashable {
    /// nil: the commune's report.
    public var unit: String?
    /// `quarter`, `year` or `dates`.
    public var periodKind: String
    public var from: OfficeDay
    public var to: OfficeDay
    /// `html`, `pdf`, `odt` or `csv`.
    public var format: String
    public var fileName: String
    public var data: Data

    public init(unit: String?, periodKind: String, from: OfficeDay, to: OfficeDay, format: String, fileName: String, data: Data) {
        self.unit = unit
        self.periodKind = periodKind
        self.from = from
        self.to = to
        self.format = format
        self.fileName = fileName
        self.data = data
    }
}

/// A kept report, without its bytes.
public struct IssuedReport: Sendable, Hashable, Codable {
    public var id: Int64
    public var unit: String?
    public var periodKind: String
    public var from: OfficeDay
    public var to: OfficeDay
    public var format: String
    public var fileName: String
    public var size: Int
    /// Hex, computed by the collector over the bytes it keeps.
    public var sha256: String
    public var createdAt: Timestamp
    /// `scheduled`, or the officer (web) or the user at the collector's keyboard (CLI).
    public var createdBy: String

    public init(id: Int64, unit: String?, periodKind: String, from: OfficeDay, to: OfficeDay, format: String, fileName: String, size: Int,
                sha256: String, createdAt: Timestamp, createdBy: String) {
        self.id = id
        self.unit = unit
        self.periodKind = periodKind
        self.from = from
        self.to = to
        self.format = format
        self.fileName = fileName
        self.size = size
        self.sha256 = sha256
        self.createdAt = createdAt
        self.createdBy = createdBy
    }

    /// Who the scheduled run is, in `createdBy` and the audit log.
    public static let scheduled = "scheduled"
    /// The most one list returns.
    public static let maxPage = 500
    /// A report is a few pages; a PDF of a commune of hundreds of PCs stays far below this. Anything
    /// larger is a renderer gone wrong, and it would be kept for ever.
    public static let maxBytes = 32 << 20
}

extension AuditEntry.Action {
    public static let reportIssued = AuditEntry.Action(rawValue: "report-issued")
}

extension IssuedReport {
    /// What every store refuses before it keeps a report.
    package static func check(_ report: NewIssuedReport) throws {
        guard !report.data.isEmpty, report.data.count <= maxBytes else {
            throw ExceptionRefusal.invalid("báo cáo rỗng hoặc quá lớn — a report of \(report.data.count) bytes is not kept (1 byte to \(maxBytes >> 20) MiB)")
        }
        guard report.from <= report.to, !report.fileName.isEmpty, report.fileName.utf8.count <= ExceptionLimits.fileNameBytes,
              (report.unit ?? "").utf8.count <= ExceptionLimits.unitBytes, report.unit?.isEmpty != true else {
            throw ExceptionRefusal.invalid("báo cáo thiếu kỳ, tên tệp hoặc đơn vị — a report needs a period (from ≤ to), a file name and a unit name of at most \(ExceptionLimits.unitBytes) bytes")
        }
    }
}
