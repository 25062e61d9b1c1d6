import Crypto
public import Foundation
import GRDB
import HardeningCore

extension SQLiteCollectorStore {
    /// The issued reports (issue 14 point 3). Registered after the exceptions' migrations;
    /// append-only like every migration.
    static func registerIssuedReports(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v7-issued-reports") { db in
            try db.execute(sql: """
                CREATE TABLE issued_report (
                    id INTEGER PRIMARY KEY AUTOINCREMENT,
                    unit TEXT NOT NULL,            -- '' for the commune's report
                    period_kind TEXT NOT NULL,
                    period_from TEXT NOT NULL,
                    period_to TEXT NOT NULL,
                    format TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    body BLOB NOT NULL,
                    created_at TEXT NOT NULL,
                    created_by TEXT NOT NULL
                );
                CREATE INDEX issued_report_unit ON issued_report(unit, id);
                -- The scheduled run makes each report once, whatever happens to the process between
                -- its check and its write.
                CREATE UNIQUE INDEX issued_report_scheduled ON issued_report(unit, period_from, period_to, format) WHERE created_by = 'scheduled';
                -- What was sent stays what was sent.
                CREATE TRIGGER issued_report_no_update BEFORE UPDATE ON issued_report BEGIN SELECT RAISE(ABORT, 'issued reports are kept as issued'); END;
                CREATE TRIGGER issued_report_no_delete BEFORE DELETE ON issued_report BEGIN SELECT RAISE(ABORT, 'issued reports are kept as issued'); END;
                """)
        }
    }

    /// Every column but the bytes, which only the download reads.
    static let issuedReportColumns = "id, unit, period_kind, period_from, period_to, format, file_name, size, sha256, created_at, created_by"

    static func issuedReport(_ row: Row) -> IssuedReport {
        let unit: String = row["unit"]
        return IssuedReport(id: row["id"], unit: unit.isEmpty ? nil : unit, periodKind: row["period_kind"],
                            from: OfficeDay(row["period_from"]) ?? OfficeDay(number: 0), to: OfficeDay(row["period_to"]) ?? OfficeDay(number: 0),
                            format: row["format"], fileName: row["file_name"], size: row["size"], sha256: row["sha256"],
                            createdAt: (row["created_at"] as String?).flatMap(Timestamp.parse).map(Timestamp.init) ?? Timestamp(secondsSince1970: 0),
                            createdBy: row["created_by"])
    }
}

extension SQLiteCollectorStore: IssuedReportStore {
    public func keepReport(_ report: NewIssuedReport, by officer: ActingOfficer, now: Date) throws -> IssuedReport? {
        try IssuedReport.check(report)
        // The collector's own hash over the bytes it keeps: what the download is checked against.
        let sha256 = ContentDigest.sha256(report.data)
        let createdAt = Self.stored(now)
        return try database.write { db -> IssuedReport? in
            try db.execute(sql: """
                INSERT INTO issued_report (unit, period_kind, period_from, period_to, format, file_name, size, sha256, body, created_at, created_by)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [report.unit ?? "", report.periodKind, report.from.description, report.to.description, report.format,
                                 report.fileName, report.data.count, sha256, report.data, createdAt.description, officer.name])
            guard db.changesCount == 1 else { return nil }
            let kept = IssuedReport(id: db.lastInsertedRowID, unit: report.unit, periodKind: report.periodKind, from: report.from, to: report.to,
                                    format: report.format, fileName: report.fileName, size: report.data.count, sha256: sha256,
                                    createdAt: createdAt, createdBy: officer.name)
            try Self.audit(.reportIssued, by: officer, unit: report.unit, host: nil, subject: "\(report.from)…\(report.to)",
                           detail: ["report": String(kept.id), "format": kept.format, "file": kept.fileName, "sha256": sha256, "size": String(kept.size)],
                           at: now, in: db)
            return kept
        }
    }

    public func issuedReports(units: Set<String>?, commune: Bool, limit: Int) throws -> [IssuedReport] {
        let limit = min(max(limit, 1), IssuedReport.maxPage)
        return try database.read { db in
            guard let units else {
                return try Row.fetchAll(db, sql: "SELECT \(Self.issuedReportColumns) FROM issued_report ORDER BY id DESC LIMIT ?", arguments: [limit]).map(Self.issuedReport)
            }
            // The units an officer reads, as a JSON array: one statement whatever their number.
            let names = String(decoding: try JSONEncoder().encode(units.sorted() + (commune ? [""] : [])), as: UTF8.self)
            return try Row.fetchAll(db, sql: """
                SELECT \(Self.issuedReportColumns) FROM issued_report WHERE unit IN (SELECT value FROM json_each(?)) ORDER BY id DESC LIMIT ?
                """, arguments: [names, limit]).map(Self.issuedReport)
        }
    }

    public func issuedReport(id: Int64) throws -> (IssuedReport, Data)? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.issuedReportColumns), body FROM issued_report WHERE id = ?", arguments: [id]),
                  let body = row["body"] as Data? else { return nil }
            return (Self.issuedReport(row), body)
        }
    }

    public func scheduledReportKept(unit: String?, from: OfficeDay, to: OfficeDay, format: String) throws -> Bool {
        try database.read { db in
            try Bool.fetchOne(db, sql: """
                SELECT EXISTS(SELECT 1 FROM issued_report WHERE unit = ? AND period_from = ? AND period_to = ? AND format = ? AND created_by = 'scheduled')
                """, arguments: [unit ?? "", from.description, to.description, format]) ?? false
        }
    }

    public func unitsEnrolled(before date: Date) throws -> [String] {
        try database.read { db in
            try String.fetchAll(db, sql: "SELECT DISTINCT unit FROM host WHERE first_seen < ? ORDER BY unit", arguments: [Timestamp(date).description])
        }
    }
}
