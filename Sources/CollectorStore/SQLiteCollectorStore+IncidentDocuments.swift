import GRDB

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
}
