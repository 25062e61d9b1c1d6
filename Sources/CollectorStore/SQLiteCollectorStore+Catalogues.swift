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

    static func key(_ scope: CatalogueScope) -> (kind: String, unit: String) {
        switch scope {
        case .commune: return ("commune", "")
        case .unit(let name): return ("unit", name)
        }
    }

    /// What a layer's row keeps: its values, not its version (a republished list hashes the same).
    struct LayerContent: Codable {
        var parameters: [String: FactValue]
        var catalogs: [String: FactValue]
    }

    static let layerColumns = "kind, unit, version, content, sha256, note, created_by, created_at"

    static func layerRecord(_ row: Row) throws -> CatalogueLayerRecord {
        let kind: String = row["kind"]
        let content = try JSONDecoder().decode(LayerContent.self, from: row["content"] as Data)
        let layer = BundleLayer(version: row["version"], parameters: content.parameters, catalogs: content.catalogs)
        return CatalogueLayerRecord(scope: kind == "commune" ? .commune : .unit(row["unit"]), layer: layer, sha256: row["sha256"], note: row["note"],
                                    createdBy: row["created_by"], createdAt: time(row["created_at"]))
    }

    static let bundleColumns = "unit, version, commune_version, unit_version, sha256, issued_by, issued_at"

    static func storedBundle(_ row: Row, envelope: Bool) -> StoredBundle {
        StoredBundle(unit: row["unit"], version: row["version"], layers: CatalogueBundle.Layers(commune: row["commune_version"], unit: row["unit_version"]),
                     sha256: row["sha256"], issuedBy: row["issued_by"], issuedAt: time(row["issued_at"]), envelope: envelope ? row["envelope"] : nil)
    }

    static func latestLayer(_ scope: CatalogueScope, in db: Database) throws -> CatalogueLayerRecord? {
        let (kind, unit) = key(scope)
        return try Row.fetchOne(db, sql: "SELECT \(layerColumns) FROM catalogue_layer WHERE kind = ? AND unit = ? ORDER BY version DESC LIMIT 1",
                                arguments: [kind, unit]).map(layerRecord)
    }

    static func refuseControlCharacters(_ value: FactValue, in key: String) throws {
        switch value {
        case .string(let text):
            guard !text.unicodeScalars.contains(where: DisplaySafety.isUnsafe) else {
                throw ExceptionRefusal.invalid("\(key) chứa ký tự điều khiển — \(key) has a control character")
            }
        case .array(let items): for item in items { try refuseControlCharacters(item, in: key) }
        case .object(let members):
            for (name, member) in members {
                try refuseControlCharacters(.string(name), in: key)
                try refuseControlCharacters(member, in: key)
            }
        default: break
        }
    }

    /// The units a publication of `scope` reaches: one, or for the commune's defaults every unit with
    /// a PC enrolled or a layer of its own.
    static func units(reachedBy scope: CatalogueScope, in db: Database) throws -> [String] {
        if let unit = scope.unit { return [unit] }
        return try String.fetchAll(db, sql: "SELECT unit FROM host UNION SELECT unit FROM catalogue_layer WHERE kind = 'unit' ORDER BY 1")
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
        let (kind, unit) = Self.key(scope)
        return try database.read { db in
            try Row.fetchAll(db, sql: "SELECT \(Self.layerColumns) FROM catalogue_layer WHERE kind = ? AND unit = ? ORDER BY version DESC LIMIT ?",
                             arguments: [kind, unit, CatalogueLimits.history]).map(Self.layerRecord)
        }
    }

    public func publishCatalogueLayer(_ edit: CatalogueEdit, by officer: ActingOfficer, now: Date,
                                      seal: (CatalogueBundle) throws -> SealedBundle) throws -> CataloguePublication {
        if let unit = edit.scope.unit {
            guard !unit.isEmpty, unit.utf8.count <= 256 else { throw ExceptionRefusal.invalid("tên đơn vị rỗng hoặc quá dài — a unit's name is 1 to 256 bytes") }
            _ = try ExceptionLimits.text(unit, "unit", max: 256)
        }
        let note = try ExceptionLimits.optionalText(edit.note, "note", max: CatalogueLimits.noteBytes)
        // Every name and value is shown on the pages and printed by the CLI: no control character.
        for (key, value) in edit.parameters.merging(edit.catalogs, uniquingKeysWith: { a, _ in a }) {
            try Self.refuseControlCharacters(.string(key), in: "key")
            try Self.refuseControlCharacters(value, in: key)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let at = Self.stored(now)
        let (kind, unitKey) = Self.key(edit.scope)
        return try database.write { db in
            let previous = try Self.latestLayer(edit.scope, in: db)
            let layer = BundleLayer(version: (previous?.layer.version ?? 0) + 1, parameters: edit.parameters, catalogs: edit.catalogs)
            let content = try encoder.encode(LayerContent(parameters: edit.parameters, catalogs: edit.catalogs))
            guard content.count <= CatalogueLimits.layerBytes else {
                throw ExceptionRefusal.invalid("danh mục quá lớn — the layer is \(content.count) bytes, at most \(CatalogueLimits.layerBytes)")
            }
            let sha256 = ContentDigest.sha256(content)
            guard sha256 != previous?.sha256 else {
                throw ExceptionRefusal.conflict("không có gì thay đổi so với phiên bản \(layer.version - 1) — nothing changed since version \(layer.version - 1) of \(edit.scope)")
            }
            try db.execute(sql: "INSERT INTO catalogue_layer (\(Self.layerColumns)) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                           arguments: [kind, unitKey, layer.version, content, sha256, note, officer.name, at.description])
            let record = CatalogueLayerRecord(scope: edit.scope, layer: layer, sha256: sha256, note: note, createdBy: officer.name, createdAt: at)
            let commune = edit.scope == .commune ? layer : try Self.latestLayer(.commune, in: db)?.layer
            var bundles: [StoredBundle] = []
            for unit in try Self.units(reachedBy: edit.scope, in: db) {
                let own = edit.scope == .unit(unit) ? layer : try Self.latestLayer(.unit(unit), in: db)?.layer
                let version = (try Int.fetchOne(db, sql: "SELECT max(version) FROM bundle WHERE unit = ?", arguments: [unit]) ?? 0) + 1
                let bundle = CatalogueBundle(unit: unit, policy: edit.policy, version: version, commune: commune, own: own, issuedAt: at.description, issuedBy: officer.name)
                let sealed = try seal(bundle)
                try db.execute(sql: """
                    INSERT INTO bundle (unit, version, commune_version, unit_version, envelope, sha256, issued_by, issued_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [unit, version, commune?.version, own?.version, sealed.envelope, sealed.sha256, officer.name, at.description])
                bundles.append(StoredBundle(unit: unit, version: version, layers: bundle.layers, sha256: sealed.sha256, issuedBy: officer.name, issuedAt: at))
            }
            try Self.audit(.cataloguePublished, by: officer, unit: edit.scope.unit, host: nil, subject: "\(kind):\(unitKey):\(layer.version)",
                           detail: ["scope": edit.scope.description, "version": String(layer.version), "sha256": sha256, "bytes": String(content.count),
                                    "changes": String(BundleLayerDiff(from: previous?.layer, to: layer).changes.count),
                                    "bundles": bundles.map { "\($0.unit)#\($0.version)" }.joined(separator: ", "), "note": note ?? ""],
                           at: now, in: db)
            return CataloguePublication(layer: record, bundles: bundles)
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
