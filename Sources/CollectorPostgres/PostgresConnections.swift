import Dispatch
import Logging
import NIOConcurrencyHelpers
import NIOCore
import NIOPosix
import NIOSSL
import PostgresNIO

/// A bounded set of connections for the collector's blocking threads. The store's protocols are
/// synchronous (the server calls them from its database threads, never from an event loop), so
/// each call takes a connection for the whole of its work, waits on NIO's futures, and gives the
/// connection back. A transaction is BEGIN … COMMIT on that one connection.
final class PostgresConnections: Sendable {
    let configuration: PostgresConnection.Configuration
    let maximum: Int
    let logger: Logger
    private let idle = NIOLockedValueBox<[PostgresConnection]>([])
    private let slots: DispatchSemaphore
    private let nextID = NIOLockedValueBox(0)
    /// How long a call waits for a free connection before it is told the database is busy.
    static let wait: DispatchTimeInterval = .seconds(30)

    init(location: PostgresLocation, password: String?, maximum: Int) throws {
        let tls: PostgresConnection.Configuration.TLS
        switch location.tls {
        case .disable: tls = .disable
        case .require:
            var client = TLSConfiguration.makeClientConfiguration()
            // libpq's `require`: encrypted, the server not verified. Documented as for a trusted network only.
            client.certificateVerification = .none
            tls = try .require(NIOSSLContext(configuration: client))
        case .verifyFull:
            var client = TLSConfiguration.makeClientConfiguration()
            client.certificateVerification = .fullVerification
            if let bundle = location.rootCertificate { client.trustRoots = .file(bundle) }
            tls = try .require(NIOSSLContext(configuration: client))
        }
        switch location.endpoint {
        case .tcp(let host, let port):
            configuration = .init(host: host, port: port, username: location.user, password: password, database: location.database, tls: tls)
        case .socket:
            configuration = .init(unixSocketPath: location.socketPath ?? "", username: location.user, password: password, database: location.database)
        }
        self.maximum = max(1, maximum)
        slots = DispatchSemaphore(value: self.maximum)
        var logger = Logger(label: "attt-collector.postgres")
        logger.logLevel = .warning
        self.logger = logger
    }

    struct Busy: Error, CustomStringConvertible {
        var description: String { "every database connection is taken; try again in a few seconds" }
    }

    /// Runs `body` on a connection of its own. A connection that failed is closed, not reused.
    func with<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        guard slots.wait(timeout: .now() + Self.wait) == .success else { throw Busy() }
        defer { slots.signal() }
        let connection: PostgresConnection
        do { connection = try take() } catch let error as PSQLError { throw PostgresFailure(error) }
        do {
            let result = try body(connection)
            give(connection)
            return result
        } catch let error as PSQLError {
            give(connection)
            throw PostgresFailure(error)
        } catch {
            give(connection)
            throw error
        }
    }

    /// `body` in one transaction: committed when it returns, rolled back when it throws.
    func transaction<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        try with { connection in
            try connection.run("BEGIN", logger: logger)
            let result: T
            do {
                result = try body(connection)
            } catch {
                // A connection whose rollback fails is in no known state: it is closed, never reused.
                do { try connection.run("ROLLBACK", logger: logger) } catch { try? connection.close().wait() }
                throw error
            }
            try connection.run("COMMIT", logger: logger)
            return result
        }
    }

    private func take() throws -> PostgresConnection {
        while let connection = idle.withLockedValue({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextID.withLockedValue { value -> Int in
            value += 1
            return value
        }
        return try PostgresConnection.connect(on: MultiThreadedEventLoopGroup.singleton.any(), configuration: configuration, id: id, logger: logger).wait()
    }

    private func give(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        idle.withLockedValue { $0.append(connection) }
    }

    /// Closes the idle connections; calls still running keep theirs until they end. Nothing waits:
    /// the last reference to a store may go on an event loop's thread. Each connection lives until
    /// its close completes (PostgresNIO checks that none is dropped open).
    func close() {
        let connections = idle.withLockedValue { list -> [PostgresConnection] in
            defer { list.removeAll() }
            return list
        }
        for connection in connections {
            connection.close().whenComplete { _ in withExtendedLifetime(connection) {} }
        }
    }

    deinit { close() }
}

extension PostgresConnection {
    /// The rows of one statement.
    func rows(_ query: PostgresQuery, logger: Logger) throws -> [PostgresRow] {
        try self.query(query, logger: logger).wait().rows
    }

    /// Runs one statement; the number of rows it changed.
    @discardableResult
    func run(_ query: PostgresQuery, logger: Logger) throws -> Int {
        try self.query(query, logger: logger).wait().metadata.rows ?? 0
    }
}

/// What PostgreSQL said, for the officer's log: PostgresNIO's own description hides the server's
/// message (it could hold a query's values); the server's message and code name what went wrong
/// (a refused trigger, a missing table, a password refused) without the values.
public struct PostgresFailure: Error, Sendable, CustomStringConvertible {
    public var sqlState: String?
    public var message: String

    init(_ error: PSQLError) {
        sqlState = error.serverInfo?[.sqlState]
        if let server = error.serverInfo?[.message] {
            message = server
        } else if let underlying = error.underlying {
            message = "\(error.code): \(underlying)"
        } else {
            message = "\(error.code)"
        }
    }

    public var description: String {
        "PostgreSQL: \(message)" + (sqlState.map { " (SQLSTATE \($0))" } ?? "")
    }
}
