public import Foundation

/// The statements of one transaction, as either store runs them, so that what the collector decides
/// about a report (its history, its quotas) is written once for SQLite and PostgreSQL. The SQL is
/// the part both engines accept, with numbered parameters (`$1`, `$2`…); the few places where they
/// differ are named here.
package protocol SQLSession {
    /// The column that orders a table's rows by arrival: SQLite's `rowid`, PostgreSQL's `seq`.
    var arrivalOrder: String { get }
    /// An aggregate joining `expression`'s texts with commas, in the rows' order.
    func joined(_ expression: String) -> String
    /// Holds `key` until the transaction ends, against every other process on the database: one
    /// host's uploads are stored one at a time whichever instance receives them. SQLite has one
    /// writer at a time already.
    func serialize(_ key: String) throws
    /// A subquery of the texts of the JSON array in `parameter` (`$3`), for `column IN …`: one
    /// statement whatever the number of names.
    func members(_ parameter: String) -> String
    /// The rows the statement changed.
    @discardableResult
    func execute(_ sql: String, _ arguments: [SQLValue]) throws -> Int
    func rows(_ sql: String, _ arguments: [SQLValue]) throws -> [SQLRow]
}

extension SQLSession {
    func row(_ sql: String, _ arguments: [SQLValue]) throws -> SQLRow? { try rows(sql, arguments).first }
}

/// A parameter or a column's value.
package enum SQLValue: Sendable, Hashable {
    case text(String)
    case integer(Int)
    case blob(Data)
    /// PostgreSQL gives it the type of where it goes; a parameter only tested with `IS NULL` is
    /// written `CAST($n AS TEXT) IS NULL`, so its type is known.
    case null

    package init(_ value: String?) { self = value.map(SQLValue.text) ?? .null }
    package init(_ value: Int?) { self = value.map(SQLValue.integer) ?? .null }
}

/// A row by column name.
package struct SQLRow: Sendable {
    package var values: [String: SQLValue]

    package init(_ values: [String: SQLValue]) { self.values = values }

    package func text(_ column: String) -> String? {
        if case .text(let value) = values[column] { return value }
        return nil
    }

    package func integer(_ column: String) -> Int? {
        if case .integer(let value) = values[column] { return value }
        return nil
    }

    package func blob(_ column: String) -> Data? {
        if case .blob(let value) = values[column] { return value }
        return nil
    }
}
