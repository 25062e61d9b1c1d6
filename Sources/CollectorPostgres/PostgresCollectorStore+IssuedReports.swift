public import CollectorStore
public import Foundation
public import HardeningCore
import PostgresNIO

/// The periodic reports as issued (issue 14 point 3) on PostgreSQL. Two instances making the same
/// scheduled report at once keep one: the partial unique index settles it, and the other's insert
/// does nothing (`ON CONFLICT DO NOTHING`), as on SQLite.
extension PostgresCollectorStore: IssuedReportStore {
    public func keepReport(_ report: NewIssuedReport, by officer: ActingOfficer, now: Date) throws -> IssuedReport? {
        try IssuedReport.check(report)
        // The collector's own hash over the bytes it keeps: what the download is checked against.
        let sha256 = ContentDigest.sha256(report.data)
        let createdAt = Self.stored(now)
        return try connections.transaction { connection -> IssuedReport? in
            guard let id = try connection.rows("""
                INSERT INTO issued_report (unit, period_kind, period_from, period_to, format, file_name, size, sha256, body, created_at, created_by)
                VALUES (\(report.unit ?? ""), \(report.periodKind), \(report.from.description), \(report.to.description), \(report.format),
                        \(report.fileName), \(report.data.count), \(sha256), \(report.data), \(createdAt.description), \(officer.name))
                ON CONFLICT DO NOTHING RETURNING id
                """, logger: logger).first?.decode(Int64.self) else { return nil }
            let kept = IssuedReport(id: id, unit: report.unit, periodKind: report.periodKind, from: report.from, to: report.to,
                                    format: report.format, fileName: report.fileName, size: report.data.count, sha256: sha256,
                                    createdAt: createdAt, createdBy: officer.name)
            try audit(.reportIssued, by: officer, unit: report.unit, host: nil, subject: "\(report.from)…\(report.to)",
                      detail: ["report": String(kept.id), "format": kept.format, "file": kept.fileName, "sha256": sha256, "size": String(kept.size)],
                      at: now, on: connection)
            return kept
        }
    }

    public func issuedReports(units: Set<String>?, commune: Bool, limit: Int) throws -> [IssuedReport] {
        let limit = min(max(limit, 1), IssuedReport.maxPage)
        return try connections.with { connection in
            guard let units else {
                return try connection.rows("SELECT \(unescaped: Self.issuedReportColumns) FROM issued_report ORDER BY id DESC LIMIT \(limit)",
                                           logger: logger).map(Self.issuedReport)
            }
            // The units an officer reads, as one array: one statement whatever their number.
            let names = units.sorted() + (commune ? [""] : [])
            return try connection.rows("""
                SELECT \(unescaped: Self.issuedReportColumns) FROM issued_report WHERE unit = ANY(\(names)) ORDER BY id DESC LIMIT \(limit)
                """, logger: logger).map(Self.issuedReport)
        }
    }

    public func issuedReport(id: Int64) throws -> (IssuedReport, Data)? {
        try connections.with { connection in
            guard let row = try connection.rows("SELECT \(unescaped: Self.issuedReportColumns), body FROM issued_report WHERE id = \(id)", logger: logger).first,
                  let body = try row.makeRandomAccess()["body"].decode(Data?.self) else { return nil }
            return (try Self.issuedReport(row), body)
        }
    }

    public func scheduledReportKept(unit: String?, from: OfficeDay, to: OfficeDay, format: String) throws -> Bool {
        try connections.with { connection in
            try connection.rows("""
                SELECT EXISTS(SELECT 1 FROM issued_report WHERE unit = \(unit ?? "") AND period_from = \(from.description) AND period_to = \(to.description)
                              AND format = \(format) AND created_by = 'scheduled')
                """, logger: logger).first?.decode(Bool.self) ?? false
        }
    }

    public func unitsEnrolled(before date: Date) throws -> [String] {
        try connections.with { connection in
            try connection.rows("SELECT DISTINCT unit FROM host WHERE first_seen < \(Timestamp(date).description) ORDER BY unit", logger: logger)
                .map { try $0.decode(String.self) }
        }
    }

    static let issuedReportColumns = "id, unit, period_kind, period_from, period_to, format, file_name, size, sha256, created_at, created_by"

    static func issuedReport(_ row: PostgresRow) throws -> IssuedReport {
        let (id, unit, periodKind, from, to, format, fileName, size, sha256, createdAt, createdBy) =
            try row.decode((Int64, String, String, String, String, String, String, Int, String, String, String).self)
        return IssuedReport(id: id, unit: unit.isEmpty ? nil : unit, periodKind: periodKind,
                            from: OfficeDay(from) ?? OfficeDay(number: 0), to: OfficeDay(to) ?? OfficeDay(number: 0),
                            format: format, fileName: fileName, size: size, sha256: sha256, createdAt: time(createdAt), createdBy: createdBy)
    }
}
