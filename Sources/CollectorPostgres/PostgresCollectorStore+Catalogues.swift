public import CollectorStore
public import Foundation
public import HardeningCore
import Logging
import PostgresNIO

/// The unit's catalogues and their bundles (issue 16) on PostgreSQL: publishing is
/// ``CataloguePublishing``'s, in one transaction; one instance publishes at a time (an advisory
/// lock), so two officers on two instances get versions n+1 and n+2, never the same one twice.
extension PostgresCollectorStore: CatalogueStore {
    public func catalogueLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord? {
        try connections.with { try CatalogueWrites(connection: $0, logger: logger).latestLayer(scope) }
    }

    public func catalogueHistory(_ scope: CatalogueScope) throws -> [CatalogueLayerRecord] {
        let (kind, unit) = CataloguePublishing.key(scope)
        return try connections.with { connection in
            try connection.rows("""
                SELECT \(unescaped: Self.layerColumns) FROM catalogue_layer WHERE kind = \(kind) AND unit = \(unit) ORDER BY version DESC LIMIT \(CatalogueLimits.history)
                """, logger: logger).map(Self.layerRecord)
        }
    }

    public func publishCatalogueLayer(_ edit: CatalogueEdit, by officer: ActingOfficer, now: Date,
                                      seal: (CatalogueBundle) throws -> SealedBundle) throws -> CataloguePublication {
        let note = try CataloguePublishing.checked(edit)
        return try connections.transaction { connection in
            try connection.run("SELECT pg_advisory_xact_lock(hashtextextended('catalogues', 0))", logger: logger)
            return try CataloguePublishing.publish(edit, note: note, by: officer, at: Self.stored(now), now: now, seal: seal,
                                                   in: CatalogueWrites(connection: connection, logger: logger))
        }
    }

    public func latestBundle(unit: String) throws -> StoredBundle? {
        try connections.with { connection in
            try connection.rows("SELECT \(unescaped: Self.bundleColumns), envelope FROM bundle WHERE unit = \(unit) ORDER BY version DESC LIMIT 1",
                                logger: logger).first.map { try Self.storedBundle($0, envelope: true) }
        }
    }

    public func bundleHistory(unit: String) throws -> [StoredBundle] {
        try connections.with { connection in
            try connection.rows("SELECT \(unescaped: Self.bundleColumns) FROM bundle WHERE unit = \(unit) ORDER BY version DESC LIMIT \(CatalogueLimits.history)",
                                logger: logger).map { try Self.storedBundle($0, envelope: false) }
        }
    }

    static let layerColumns = "kind, unit, version, content, sha256, note, created_by, created_at"
    static let bundleColumns = "unit, version, commune_version, unit_version, sha256, issued_by, issued_at"

    static func layerRecord(_ row: PostgresRow) throws -> CatalogueLayerRecord {
        let (kind, unit, version, content, sha256, note, createdBy, createdAt) = try row.decode((String, String, Int, Data, String, String?, String, String).self)
        return try CataloguePublishing.record(kind: kind, unit: unit, version: version, content: content, sha256: sha256, note: note,
                                              createdBy: createdBy, createdAt: createdAt)
    }

    static func storedBundle(_ row: PostgresRow, envelope: Bool) throws -> StoredBundle {
        let columns = row.makeRandomAccess()
        return StoredBundle(unit: try columns["unit"].decode(String.self), version: try columns["version"].decode(Int.self),
                            layers: CatalogueBundle.Layers(commune: try columns["commune_version"].decode(Int?.self), unit: try columns["unit_version"].decode(Int?.self)),
                            sha256: try columns["sha256"].decode(String.self), issuedBy: try columns["issued_by"].decode(String.self),
                            issuedAt: time(try columns["issued_at"].decode(String.self)),
                            envelope: envelope ? try columns["envelope"].decode(Data.self) : nil)
    }

    /// A publication's reads and writes on the transaction's connection.
    struct CatalogueWrites: CatalogueTransaction {
        let connection: PostgresConnection
        let logger: Logger

        func latestLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord? {
            let (kind, unit) = CataloguePublishing.key(scope)
            return try connection.rows("""
                SELECT \(unescaped: PostgresCollectorStore.layerColumns) FROM catalogue_layer WHERE kind = \(kind) AND unit = \(unit) ORDER BY version DESC LIMIT 1
                """, logger: logger).first.map(PostgresCollectorStore.layerRecord)
        }

        func unitsWithPCsOrLayers() throws -> [String] {
            try connection.rows("SELECT unit FROM host UNION SELECT unit FROM catalogue_layer WHERE kind = 'unit' ORDER BY 1", logger: logger)
                .map { try $0.decode(String.self) }
        }

        func lastBundleVersion(unit: String) throws -> Int {
            try connection.rows("SELECT max(version) FROM bundle WHERE unit = \(unit)", logger: logger).first?.decode(Int?.self) ?? 0
        }

        func insertLayer(kind: String, unit: String, version: Int, content: Data, sha256: String, note: String?, createdBy: String, createdAt: String) throws {
            try connection.run("""
                INSERT INTO catalogue_layer (kind, unit, version, content, sha256, note, created_by, created_at)
                VALUES (\(kind), \(unit), \(version), \(content), \(sha256), \(note), \(createdBy), \(createdAt))
                """, logger: logger)
        }

        func insertBundle(_ bundle: StoredBundle, envelope: Data) throws {
            try connection.run("""
                INSERT INTO bundle (unit, version, commune_version, unit_version, envelope, sha256, issued_by, issued_at)
                VALUES (\(bundle.unit), \(bundle.version), \(bundle.layers.commune), \(bundle.layers.unit), \(envelope), \(bundle.sha256),
                        \(bundle.issuedBy), \(bundle.issuedAt.description))
                """, logger: logger)
        }

        func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?, detail: [String: String], at: Date) throws {
            try PostgresCollectorStore.audit(action, by: officer, unit: unit, host: host, subject: subject, detail: detail, at: at, on: connection, logger: logger)
        }
    }
}
