public import CollectorStore
public import Foundation
import HardeningCore
import Logging
import PostgresNIO

/// The collector's store on PostgreSQL, for a province's thousands of PCs and for several
/// `attt-collector serve` instances on one database (issue 17). The same versioned migrations as
/// the SQLite store (``PostgresSchema``), applied by whichever instance starts first.
///
/// What several instances share goes through the database and nothing else: a token is spent
/// once (its row is locked), a PC renews once a day (its host row is locked), the sign-in lockout
/// counts every instance's failures (an advisory lock per user name).
public final class PostgresCollectorStore: Sendable {
    let connections: PostgresConnections
    var logger: Logger { connections.logger }
    /// What an agent sends is checked, kept and turned into history as on SQLite.
    let reportIngest: ReportIngest

    /// Connects, and brings the schema up to date (or refuses a schema newer than this collector's).
    public init(location: PostgresLocation, password: String?, maximumConnections: Int = 8, limits: ReportLimits = ReportLimits(),
                reportBodyRetention: TimeInterval = 14 * 86_400, retention: Retention = Retention()) throws {
        connections = try PostgresConnections(location: location, password: password, maximum: maximumConnections)
        reportIngest = ReportIngest(limits: limits, retention: retention, reportBodyRetention: reportBodyRetention)
        try PostgresMigrator.migrate(connections)
    }

    /// The migrations this collector knows, oldest first: the same as the SQLite store's.
    public static var knownMigrations: [String] { PostgresSchema.migrations.map(\.identifier) }

    public func appliedMigrations() throws -> [String] {
        try connections.with { try PostgresMigrator.applied(on: $0, logger: logger) }
    }

    /// Gives back the idle connections (a command's end; `serve` keeps them for its life).
    public func close() { connections.close() }
}

extension PostgresCollectorStore: OperationsStore {
    public func ping() throws {
        _ = try connections.with { try $0.rows("SELECT 1", logger: logger) }
    }

    /// The same states as the SQLite store's `fleetCounts`, in one pass over the hosts.
    public func fleetCounts(now: Date, silentAfter: TimeInterval) throws -> FleetCounts {
        let cutoff = Timestamp(now.addingTimeInterval(-silentAfter)).description
        let stamp = Timestamp(now).description
        return try connections.with { connection in
            let row = try connection.rows("""
                SELECT count(*) FILTER (WHERE revoked), count(*) FILTER (WHERE NOT revoked AND last IS NULL),
                       count(*) FILTER (WHERE NOT revoked AND last < \(cutoff)), count(*) FILTER (WHERE NOT revoked AND last >= \(cutoff)),
                       (SELECT count(*) FROM job WHERE state = 'approved' AND expires_at > \(stamp))
                FROM (SELECT \(unescaped: Self.hostIsRevoked) AS revoked, (SELECT max(started_at) FROM report WHERE host_id = h.id) AS last FROM host h) AS hosts
                """, logger: logger).first
            let (revoked, never, silent, reporting, jobs) = try row?.decode((Int, Int, Int, Int, Int).self) ?? (0, 0, 0, 0, 0)
            return FleetCounts(hosts: [.reporting: reporting, .silent: silent, .neverReported: never, .revoked: revoked], pendingJobs: jobs)
        }
    }
}
