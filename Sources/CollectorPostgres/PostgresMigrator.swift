import Logging
import PostgresNIO

/// Applies ``PostgresSchema/migrations`` in order, each recorded in `schema_migrations`. Several
/// instances may start at once: the first takes a transaction-scoped advisory lock and migrates,
/// the others wait for it and then find nothing left to do. DDL is transactional in PostgreSQL, so
/// a collector killed mid-migration leaves the schema as it was.
enum PostgresMigrator {
    /// Any fixed key: it only has to be the same for every attt-collector on the database.
    static let lockKey: Int64 = 0x6174_7474_6D69_67 // "atttmig"

    struct NewerSchema: Error, CustomStringConvertible {
        var unknown: [String]
        var description: String {
            "the database was migrated by a newer attt-collector (\(unknown.joined(separator: ", "))); upgrade this collector, or restore a backup taken before"
        }
    }

    static func migrate(_ connections: PostgresConnections) throws {
        let logger = connections.logger
        try connections.transaction { connection in
            try connection.run("SELECT pg_advisory_xact_lock(\(lockKey))", logger: logger)
            try connection.run(#"CREATE TABLE IF NOT EXISTS schema_migrations (seq BIGINT GENERATED ALWAYS AS IDENTITY, identifier TEXT COLLATE "C" PRIMARY KEY, applied_at TEXT NOT NULL)"#, logger: logger)
            let applied = try applied(on: connection, logger: logger)
            let known = PostgresSchema.migrations.map(\.identifier)
            let unknown = applied.filter { !known.contains($0) }
            guard unknown.isEmpty else { throw NewerSchema(unknown: unknown) }
            for migration in PostgresSchema.migrations where !applied.contains(migration.identifier) {
                for statement in migration.statements {
                    try connection.run(PostgresQuery(unsafeSQL: statement), logger: logger)
                }
                try connection.run("""
                    INSERT INTO schema_migrations (identifier, applied_at)
                    VALUES (\(migration.identifier), to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS"Z"'))
                    """, logger: logger)
            }
        }
    }

    /// In the order they were applied.
    static func applied(on connection: PostgresConnection, logger: Logger) throws -> [String] {
        try connection.rows("SELECT identifier FROM schema_migrations ORDER BY seq", logger: logger).map { try $0.decode(String.self) }
    }
}
