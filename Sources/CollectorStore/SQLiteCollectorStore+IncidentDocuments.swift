import Crypto
public import Foundation
import GRDB
import HardeningCore

extension SQLiteCollectorStore {
    /// The incidents' issued documents (issue 15, design §6 `incident_document`). Registered after
    /// `v8-incidents`; append-only like every migration.
    static func registerIncidentDocuments(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v9-incident-documents") { db in
            try db.execute(sql: """
                CREATE TABLE incident_document (
                    id TEXT PRIMARY KEY NOT NULL,
                    incident_id TEXT NOT NULL REFERENCES incident(id),
                    kind TEXT NOT NULL CHECK (kind IN ('bien-ban', 'bao-cao')),
                    format TEXT NOT NULL,
                    file_name TEXT NOT NULL,
                    size INTEGER NOT NULL,
                    sha256 TEXT NOT NULL,
                    bytes BLOB NOT NULL,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL
                );
                CREATE INDEX incident_document_incident ON incident_document(incident_id, created_at);
                -- What was signed and sent stays what was signed and sent (as issued_report).
                CREATE TRIGGER incident_document_no_update BEFORE UPDATE ON incident_document BEGIN SELECT RAISE(ABORT, 'issued documents are kept as issued'); END;
                CREATE TRIGGER incident_document_no_delete BEFORE DELETE ON incident_document BEGIN SELECT RAISE(ABORT, 'issued documents are kept as issued'); END;
                CREATE TRIGGER incident_document_no_replace BEFORE INSERT ON incident_document WHEN NEW.id IN (SELECT id FROM incident_document)
                BEGIN SELECT RAISE(ABORT, 'issued documents are kept as issued'); END;
                """)
        }
    }

    /// Every column but the bytes, which only the download reads.
    static let incidentDocumentColumns = "id, incident_id, kind, format, file_name, size, sha256, created_by, created_at"

    static func incidentDocument(_ row: Row) -> IncidentDocument {
        IncidentDocument(id: UUID(uuidString: row["id"]) ?? UUID(), incident: UUID(uuidString: row["incident_id"]) ?? UUID(),
                         kind: IncidentDocumentKind(rawValue: row["kind"]) ?? .record, format: row["format"], fileName: row["file_name"], size: row["size"],
                         sha256: row["sha256"], createdBy: row["created_by"], createdAt: time(row["created_at"]))
    }
}

extension SQLiteCollectorStore: IncidentDocumentStore {
    public func keepIncidentDocument(_ document: NewIncidentDocument, by officer: ActingOfficer, now: Date) throws -> IncidentDocument {
        guard !document.data.isEmpty, document.data.count <= IssuedReport.maxBytes else {
            throw ExceptionRefusal.invalid("tài liệu rỗng hoặc quá lớn — a document of \(document.data.count) bytes is not kept (1 byte to \(IssuedReport.maxBytes >> 20) MiB)")
        }
        guard IncidentDocument.formats.contains(document.format), !document.fileName.isEmpty, document.fileName.utf8.count <= ExceptionLimits.fileNameBytes else {
            throw ExceptionRefusal.invalid("định dạng là pdf, odt hoặc html, tên tệp không rỗng — the format is pdf, odt or html and the file needs a name")
        }
        // The collector's own hash over the bytes it keeps: what the download is checked against.
        let sha256 = ContentDigest.sha256(document.data)
        let at = Self.stored(now)
        let kept = IncidentDocument(id: UUID(), incident: document.incident, kind: document.kind, format: document.format, fileName: document.fileName,
                                    size: document.data.count, sha256: sha256, createdBy: officer.name, createdAt: at)
        try database.write { db in
            guard let unit = try String.fetchOne(db, sql: "SELECT unit FROM incident WHERE id = ?", arguments: [document.incident.uuidString]) else {
                throw ExceptionRefusal.notFound("không có sự cố \(document.incident) — no incident \(document.incident)")
            }
            let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM incident_document WHERE incident_id = ?", arguments: [document.incident.uuidString]) ?? 0
            guard count < IncidentDocument.perIncident else {
                throw ExceptionRefusal.conflict("sự cố đã lưu \(count) tài liệu, mức tối đa — incident \(document.incident) already keeps \(count) documents, the most one may")
            }
            try db.execute(sql: """
                INSERT INTO incident_document (id, incident_id, kind, format, file_name, size, sha256, bytes, created_by, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [kept.id.uuidString, document.incident.uuidString, document.kind.rawValue, document.format, document.fileName, kept.size,
                                 sha256, document.data, officer.name, at.description])
            try Self.audit(.incidentDocumentIssued, by: officer, unit: unit, host: nil, subject: document.incident.uuidString,
                           detail: ["document": kept.id.uuidString, "kind": document.kind.rawValue, "format": document.format, "file": document.fileName,
                                    "sha256": sha256, "size": String(kept.size)], at: now, in: db)
        }
        return kept
    }

    public func incidentDocuments(incident: UUID) throws -> [IncidentDocument] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.incidentDocumentColumns) FROM incident_document WHERE incident_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?",
                             arguments: [incident.uuidString, IncidentLimits.page]).map(Self.incidentDocument)
        }
    }

    public func incidentDocument(id: UUID) throws -> (IncidentDocument, Data)? {
        try database.read { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT \(Self.incidentDocumentColumns), bytes FROM incident_document WHERE id = ?", arguments: [id.uuidString]),
                  let bytes = row["bytes"] as Data? else { return nil }
            return (Self.incidentDocument(row), bytes)
        }
    }
}
