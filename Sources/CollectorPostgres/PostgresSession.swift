package import CollectorStore
import Foundation
import Logging
import PostgresNIO

/// ``SQLSession`` on one connection of a transaction: the SQL the two stores share, with
/// PostgreSQL's `seq` for arrival order and `string_agg` for joined texts.
struct PostgresSession: SQLSession {
    let connection: PostgresConnection
    let logger: Logger

    var arrivalOrder: String { "seq" }

    func joined(_ expression: String) -> String { "string_agg(\(expression), ',' ORDER BY \(expression))" }

    func serialize(_ key: String) throws {
        try connection.run("SELECT pg_advisory_xact_lock(hashtextextended(\(key), 0))", logger: logger)
    }

    func members(_ parameter: String) -> String { "(SELECT json_array_elements_text(CAST(\(parameter) AS json)))" }

    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try connection.run(PostgresQuery(unsafeSQL: sql, binds: Self.binds(arguments)), logger: logger)
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try connection.rows(PostgresQuery(unsafeSQL: sql, binds: Self.binds(arguments)), logger: logger).map(Self.row)
    }

    static func binds(_ values: [SQLValue]) -> PostgresBindings {
        var bindings = PostgresBindings(capacity: values.count)
        for value in values {
            switch value {
            case .text(let text): bindings.append(text)
            case .integer(let number): bindings.append(number)
            case .blob(let data): bindings.append(ByteBuffer(bytes: data))
            case .null: bindings.appendNull()
            }
        }
        return bindings
    }

    /// Texts, integers, bytes and booleans (as 0 or 1, SQLite's way): the types the schema uses.
    static func row(_ row: PostgresRow) throws -> SQLRow {
        var values: [String: SQLValue] = [:]
        for cell in row {
            guard cell.bytes != nil else {
                values[cell.columnName] = .null
                continue
            }
            switch cell.dataType {
            case .int8, .int4, .int2: values[cell.columnName] = .integer(try cell.decode(Int.self))
            case .bool: values[cell.columnName] = .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .bytea: values[cell.columnName] = .blob(try cell.decode(Data.self))
            // A sum is numeric: whole here (counts, sizes), kept as an integer when it is one.
            case .numeric:
                let text = try cell.decode(String.self)
                values[cell.columnName] = Int(text).map(SQLValue.integer) ?? .text(text)
            default: values[cell.columnName] = .text(try cell.decode(String.self))
            }
        }
        return SQLRow(values)
    }
}

extension PostgresCollectorStore: SQLTransactions {
    package func write<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try connections.transaction { try body(PostgresSession(connection: $0, logger: logger)) }
    }

    package func read<T>(_ body: (any SQLSession) throws -> T) throws -> T {
        try connections.with { try body(PostgresSession(connection: $0, logger: logger)) }
    }
}
