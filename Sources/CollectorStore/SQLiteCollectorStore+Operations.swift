public import Foundation
import GRDB
import HardeningCore

extension SQLiteCollectorStore: OperationsStore {
    public func ping() throws {
        _ = try database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM grdb_migrations") }
    }

    /// One pass over the hosts with their newest report's time: the same states as
    /// ``hostActivity(units:hosts:now:silentAfter:)`` gives each PC, without loading their reports
    /// (a scrape every few seconds on thousands of PCs). Times are kept as UTC ISO 8601 text, so
    /// they compare as text.
    public func fleetCounts(now: Date, silentAfter: TimeInterval) throws -> FleetCounts {
        let cutoff = Timestamp(now.addingTimeInterval(-silentAfter)).description
        return try database.read { db in
            let row = try Row.fetchOne(db, sql: """
                SELECT coalesce(sum(revoked), 0) AS revoked,
                       coalesce(sum(NOT revoked AND last IS NULL), 0) AS never,
                       coalesce(sum(NOT revoked AND last < ?1), 0) AS silent,
                       coalesce(sum(NOT revoked AND last >= ?1), 0) AS reporting
                FROM (SELECT \(Self.hostIsRevoked) AS revoked, (SELECT max(started_at) FROM report WHERE host_id = h.id) AS last FROM host h)
                """, arguments: [cutoff])
            let jobs = try Int.fetchOne(db, sql: "SELECT count(*) FROM job WHERE state = 'approved' AND expires_at > ?",
                                        arguments: [Timestamp(now).description]) ?? 0
            return FleetCounts(hosts: [.reporting: row?["reporting"] ?? 0, .silent: row?["silent"] ?? 0,
                                       .neverReported: row?["never"] ?? 0, .revoked: row?["revoked"] ?? 0],
                               pendingJobs: jobs)
        }
    }

    /// Writes a consistent copy of the whole database to `path` (a new file) while it keeps serving:
    /// SQLite's online backup, from one read transaction, so uploads go on meanwhile and the copy is
    /// the database as of the moment the backup began. The copy is then checked whole.
    public func backup(to path: String) throws {
        let copy = try DatabaseQueue(path: path)
        try database.backup(to: copy)
        try copy.close()
        let check = try Self.check(path)
        guard check.problems.isEmpty else { throw CopyProblem(description: "the copy \(path) failed SQLite's integrity check: \(check.problems.prefix(3).joined(separator: "; "))") }
    }

    /// This collector's schema migrations, oldest first.
    public static var knownMigrations: [String] { migrator.migrations }

    /// Opens a database file read only, without migrating it: what `PRAGMA integrity_check` finds
    /// wrong (nothing when whole) and the migrations applied to it.
    public static func check(_ path: String) throws -> (problems: [String], migrations: [String]) {
        var configuration = Configuration()
        configuration.readonly = true
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        return try queue.read { db in
            let problems = try String.fetchAll(db, sql: "PRAGMA integrity_check").filter { $0 != "ok" }
            let migrations = try db.tableExists("grdb_migrations") ? try String.fetchAll(db, sql: "SELECT identifier FROM grdb_migrations ORDER BY rowid") : []
            return (problems, migrations)
        }
    }

    public struct CopyProblem: Error, CustomStringConvertible {
        public var description: String
    }
}
