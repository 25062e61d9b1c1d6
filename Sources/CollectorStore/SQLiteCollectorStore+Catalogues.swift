public import Foundation
import GRDB
public import HardeningCore

extension SQLiteCollectorStore {
    /// The unit's catalogues and the bundles made of them (issue 16, docs/design/catalogue-bundles.md
    /// §6). Registered after `v9-incident-documents`; append-only like every migration.
    static func registerCatalogues(_ migrator: inout DatabaseMigrator) {
        migrator.registerMigration("v10-catalogues") { db in
            try db.execute(sql: """
                CREATE TABLE catalogue_layer (
                    kind TEXT NOT NULL CHECK (kind IN ('commune', 'unit')),
                    unit TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version > 0),
                    content BLOB NOT NULL,
                    sha256 TEXT NOT NULL,
                    note TEXT,
                    created_by TEXT NOT NULL,
                    created_at TEXT NOT NULL,
                    PRIMARY KEY (kind, unit, version)
                );
                CREATE TABLE bundle (
                    unit TEXT NOT NULL,
                    version INTEGER NOT NULL CHECK (version > 0),
                    commune_version INTEGER,
                    unit_version INTEGER,
                    envelope BLOB NOT NULL,
                    sha256 TEXT NOT NULL,
                    issued_by TEXT NOT NULL,
                    issued_at TEXT NOT NULL,
                    PRIMARY KEY (unit, version)
                );
                -- Which bundle each report was checked against (the agent's policy.bundle.version).
                ALTER TABLE report ADD COLUMN bundle_version INTEGER;
                -- A newer bundle the PC refused, in its words: "v3: reason; reason" (shown to the officer).
                ALTER TABLE report ADD COLUMN bundle_refused TEXT;
                -- A published version is what PCs were told; it stays as it was told.
                CREATE TRIGGER catalogue_layer_no_update BEFORE UPDATE ON catalogue_layer BEGIN SELECT RAISE(ABORT, 'published catalogues are kept as published'); END;
                CREATE TRIGGER catalogue_layer_no_delete BEFORE DELETE ON catalogue_layer BEGIN SELECT RAISE(ABORT, 'published catalogues are kept as published'); END;
                CREATE TRIGGER bundle_no_update BEFORE UPDATE ON bundle BEGIN SELECT RAISE(ABORT, 'published bundles are kept as published'); END;
                CREATE TRIGGER bundle_no_delete BEFORE DELETE ON bundle BEGIN SELECT RAISE(ABORT, 'published bundles are kept as published'); END;
                -- INSERT OR REPLACE deletes without firing the delete triggers: refused here instead.
                CREATE TRIGGER catalogue_layer_no_replace BEFORE INSERT ON catalogue_layer
                WHEN EXISTS (SELECT 1 FROM catalogue_layer WHERE kind = NEW.kind AND unit = NEW.unit AND version = NEW.version)
                BEGIN SELECT RAISE(ABORT, 'published catalogues are kept as published'); END;
                CREATE TRIGGER bundle_no_replace BEFORE INSERT ON bundle WHEN EXISTS (SELECT 1 FROM bundle WHERE unit = NEW.unit AND version = NEW.version)
                BEGIN SELECT RAISE(ABORT, 'published bundles are kept as published'); END;
                """)
        }
    }

    static let layerColumns = "kind, unit, version, content, sha256, note, created_by, created_at"

    static func layerRecord(_ row: Row) throws -> CatalogueLayerRecord {
        try CataloguePublishing.record(kind: row["kind"], unit: row["unit"], version: row["version"], content: row["content"], sha256: row["sha256"],
                                       note: row["note"], createdBy: row["created_by"], createdAt: row["created_at"])
    }

    static let bundleColumns = "unit, version, commune_version, unit_version, sha256, issued_by, issued_at"

    static func storedBundle(_ row: Row, envelope: Bool) -> StoredBundle {
        StoredBundle(unit: row["unit"], version: row["version"], layers: CatalogueBundle.Layers(commune: row["commune_version"], unit: row["unit_version"]),
                     sha256: row["sha256"], issuedBy: row["issued_by"], issuedAt: Self.timestamp(row["issued_at"]), envelope: envelope ? row["envelope"] : nil)
    }

    static func latestLayer(_ scope: CatalogueScope, in db: Database) throws -> CatalogueLayerRecord? {
        let (kind, unit) = CataloguePublishing.key(scope)
        return try Row.fetchOne(db, sql: "SELECT \(layerColumns) FROM catalogue_layer WHERE kind = ? AND unit = ? ORDER BY version DESC LIMIT 1",
                                arguments: [kind, unit]).map(layerRecord)
    }

    /// A publication's reads and writes in one GRDB write transaction.
    struct CatalogueWrites: CatalogueTransaction {
        let db: Database

        func latestLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord? { try SQLiteCollectorStore.latestLayer(scope, in: db) }

        func unitsWithPCsOrLayers() throws -> [String] {
            try String.fetchAll(db, sql: "SELECT unit FROM host UNION SELECT unit FROM catalogue_layer WHERE kind = 'unit' ORDER BY 1")
        }

        func lastBundleVersion(unit: String) throws -> Int {
            try Int.fetchOne(db, sql: "SELECT max(version) FROM bundle WHERE unit = ?", arguments: [unit]) ?? 0
        }

        func insertLayer(kind: String, unit: String, version: Int, content: Data, sha256: String, note: String?, createdBy: String, createdAt: String) throws {
            try db.execute(sql: "INSERT INTO catalogue_layer (\(layerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [kind, unit, version, content, sha256, note, createdBy, createdAt])
        }

        func insertBundle(_ bundle: StoredBundle, envelope: Data) throws {
            try db.execute(sql: """
                INSERT INTO bundle (unit, version, commune_version, unit_version, envelope, sha256, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [bundle.unit, bundle.version, bundle.layers.commune, bundle.layers.unit, envelope, bundle.sha256, bundle.issuedBy,
                                 bundle.issuedAt.description])
        }

        func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?, detail: [String: String], at: Date) throws {
            try SQLiteCollectorStore.audit(action, by: officer, unit: unit, host: host, subject: subject, detail: detail, at: at, in: db)
        }
    }
}

extension Report.BundleRefusal {
    /// One line for the officer: `v3 (2026-12-07T04:10:00Z): reason; reason`, cut to 2,000 bytes.
    var line: String {
        let text = (version.map { "v\($0)" } ?? "?") + " (\(at)): " + reasons.joined(separator: "; ")
        return text.utf8.count <= 2_000 ? text : String(decoding: text.utf8.prefix(2_000), as: UTF8.self)
    }
}

extension SQLiteCollectorStore: CatalogueStore {
    public func catalogueLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord? {
        try database.read { db in try Self.latestLayer(scope, in: db) }
    }

    public func catalogueHistory(_ scope: CatalogueScope) throws -> [CatalogueLayerRecord] {
        let (kind, unit) = CataloguePublishing.key(scope)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.layerColumns) FROM catalogue_layer WHERE kind = ? AND unit = ? ORDER BY version DESC LIMIT ?",
                             arguments: [kind, unit, CatalogueLimits.history]).map(Self.layerRecord)
        }
    }

    public func publishCatalogueLayer(_ edit: CatalogueEdit, by officer: ActingOfficer, now: Date,
                                      seal: (CatalogueBundle) throws -> SealedBundle) throws -> CataloguePublication {
        let note = try CataloguePublishing.checked(edit)
        return try database.write { db in
            try CataloguePublishing.publish(edit, note: note, by: officer, at: Self.stored(now), now: now, seal: seal, in: CatalogueWrites(db: db))
        }
    }

    public func latestBundle(unit: String) throws -> StoredBundle? {
        try database.read { db in
            try Row.fetchOne(db, sql: "SELECT \(Self.bundleColumns), envelope FROM bundle WHERE unit = ? ORDER BY version DESC LIMIT 1", arguments: [unit])
                .map { Self.storedBundle($0, envelope: true) }
        }
    }

    public func bundleHistory(unit: String) throws -> [StoredBundle] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.bundleColumns) FROM bundle WHERE unit = ? ORDER BY version DESC LIMIT ?", arguments: [unit, CatalogueLimits.history])
                .map { Self.storedBundle($0, envelope: false) }
        }
    }
}
