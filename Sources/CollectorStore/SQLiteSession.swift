import Foundation
import GRDB

/// ``SQLSession`` on a GRDB write transaction. Statements are cached: ingest runs the same few
/// for every result of every report.
struct SQLiteSession: SQLSession {
    let db: Database

    var arrivalOrder: String { "rowid" }

    /// In the order of the subquery it reads (SQLite before 3.44 has no ORDER BY in an aggregate).
    func joined(_ expression: String) -> String { "group_concat(\(expression), ',')" }

    func serialize(_ key: String) throws {}

    func members(_ parameter: String) -> String { "(SELECT value FROM json_each(\(parameter)))" }

    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int {
        try db.cachedStatement(sql: Self.numbered(sql)).execute(arguments: Self.arguments(arguments))
        return db.changesCount
    }

    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow] {
        try Row.fetchAll(db.cachedStatement(sql: Self.numbered(sql)), arguments: Self.arguments(arguments)).map { row in
            var values: [String: SQLValue] = [:]
            for (column, value) in row {
                switch value.storage {
                case .null: values[column] = .null
                case .int64(let number): values[column] = .integer(Int(number))
                case .double(let number): values[column] = .integer(Int(number))
                case .string(let text): values[column] = .text(text)
                case .blob(let data): values[column] = .blob(data)
                }
            }
            return SQLRow(values)
        }
    }

    /// `$1` → `?1`: SQLite's numbered parameters. The shared SQL has no `$` in its literals.
    static func numbered(_ sql: String) -> String { sql.replacingOccurrences(of: "$", with: "?") }

    static func arguments(_ values: [SQLValue]) -> StatementArguments {
        StatementArguments(values.map { value -> (any DatabaseValueConvertible)? in
            switch value {
            case .text(let text): return text
            case .integer(let number): return number
            case .blob(let data): return data
            case .null: return nil
            }
        })
    }
}
