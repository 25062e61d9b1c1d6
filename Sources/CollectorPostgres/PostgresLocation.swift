public import Foundation

/// Where the collector's PostgreSQL database is: one setting, a libpq-style connection URL
/// (`postgresql://attt@db.tinh.gov.vn:5432/attt?sslmode=verify-full`, or
/// `postgresql://attt@/attt?host=/run/postgresql` for a local socket). The password is never in it:
/// it comes from a file or the environment, so it shows in no process list and no settings file.
public struct PostgresLocation: Sendable, Hashable {
    public enum Endpoint: Sendable, Hashable {
        case tcp(host: String, port: Int)
        /// The directory that holds the server's socket, as libpq's `host=/dir`.
        case socket(directory: String, port: Int)
    }

    /// How the connection is protected, with libpq's names. Over TCP the default is `verify-full`:
    /// the network between a collector and its database is not trusted (docs/threat-model.md).
    public enum TLSMode: String, Sendable, Hashable, CaseIterable {
        case disable
        case require
        case verifyFull = "verify-full"
    }

    public var endpoint: Endpoint
    public var user: String
    public var database: String
    public var tls: TLSMode
    /// A CA bundle (PEM) for `verify-full`; the system's when absent.
    public var rootCertificate: String?

    public init(endpoint: Endpoint, user: String, database: String, tls: TLSMode, rootCertificate: String? = nil) {
        self.endpoint = endpoint
        self.user = user
        self.database = database
        self.tls = tls
        self.rootCertificate = rootCertificate
    }

    public struct Invalid: Error, Sendable, Hashable, CustomStringConvertible {
        public var description: String
    }

    /// Parses the URL; every refusal says what to write instead.
    public init(url text: String) throws {
        let example = "write it as postgresql://USER@HOST:5432/DATABASE or postgresql://USER@/DATABASE?host=/run/postgresql"
        guard text.utf8.count <= 2048, let url = URLComponents(string: text), let scheme = url.scheme?.lowercased(),
              scheme == "postgresql" || scheme == "postgres" else {
            throw Invalid(description: "database.url is not a postgresql:// URL; \(example)")
        }
        guard url.password == nil else {
            throw Invalid(description: "database.url holds a password; remove it and put the password in database.password-file (or ATTT_COLLECTOR_DATABASE_PASSWORD)")
        }
        guard let user = url.user, !user.isEmpty else { throw Invalid(description: "database.url names no user; \(example)") }
        let database = String(url.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else { throw Invalid(description: "database.url names no database; \(example)") }
        var parameters: [String: String] = [:]
        for item in url.queryItems ?? [] {
            guard ["host", "sslmode", "sslrootcert"].contains(item.name), let value = item.value, !value.isEmpty else {
                throw Invalid(description: "database.url: unknown or empty parameter \(item.name); only host, sslmode and sslrootcert are read")
            }
            parameters[item.name] = value
        }
        let port = url.port ?? 5432
        guard (1...65_535).contains(port) else { throw Invalid(description: "database.url: port \(port) is not a TCP port") }
        let endpoint: Endpoint
        if let directory = parameters["host"] {
            guard directory.hasPrefix("/"), url.host?.isEmpty ?? true else {
                throw Invalid(description: "database.url: host= must be the absolute directory of the server's socket, with no host before the database")
            }
            endpoint = .socket(directory: directory, port: port)
        } else if let host = url.host, !host.isEmpty {
            endpoint = .tcp(host: host, port: port)
        } else {
            endpoint = .socket(directory: "/run/postgresql", port: port)
        }
        let tls: TLSMode
        if let mode = parameters["sslmode"] {
            guard let known = TLSMode(rawValue: mode) else {
                throw Invalid(description: "database.url: sslmode=\(mode) is not one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            tls = known
        } else if case .socket = endpoint {
            tls = .disable
        } else {
            tls = .verifyFull
        }
        self.init(endpoint: endpoint, user: user, database: database, tls: tls, rootCertificate: parameters["sslrootcert"])
    }

    /// For the officer's log and `serve`'s first lines: where, as whom, how protected (no password is
    /// ever held here).
    public var summary: String {
        switch endpoint {
        case .tcp(let host, let port): "postgresql://\(user)@\(host):\(port)/\(database) (sslmode=\(tls.rawValue))"
        case .socket(let directory, let port): "postgresql://\(user)@/\(database) (socket \(directory), port \(port))"
        }
    }

    /// The socket file for a socket endpoint, as the server names it.
    public var socketPath: String? {
        guard case .socket(let directory, let port) = endpoint else { return nil }
        return directory + "/.s.PGSQL.\(port)"
    }
}
