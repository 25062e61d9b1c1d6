public import Foundation

/// A throw-away PostgreSQL cluster for the tests (issue 17): Debian's `postgresql` package (which
/// scripts/test.sh installs), `initdb` into a temporary directory, the server listening on a socket
/// in that directory only (no TCP port), stopped and removed when the test process exits. Each
/// test takes a database of its own, so tests run in parallel on one server.
public final class PostgresTestCluster: Sendable {
    public let directory: String
    public let user = "attt"

    /// Debian's newest installed server, e.g. /usr/lib/postgresql/15/bin.
    public static var binaries: String? {
        let root = "/usr/lib/postgresql"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? []
        guard let newest = names.compactMap({ Int($0) }).max() else { return nil }
        let bin = "\(root)/\(newest)/bin"
        return FileManager.default.isExecutableFile(atPath: bin + "/initdb") ? bin : nil
    }

    /// One server for the whole test process, started on first use.
    public static func shared() throws -> PostgresTestCluster {
        try started.get()
    }

    private static let started: Result<PostgresTestCluster, any Error> = Result {
        let cluster = try PostgresTestCluster()
        atexit { try? PostgresTestCluster.started.get().stop() }
        return cluster
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    init() throws {
        guard let bin = Self.binaries else {
            throw Failure(description: "no PostgreSQL server here: install Debian's postgresql package (scripts/test.sh does)")
        }
        directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-pg-\(UUID().uuidString.prefix(8))").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: false)
        // initdb refuses to run as root: the cluster then belongs to Debian's postgres user.
        let asServer = getuid() == 0 ? ["runuser", "-u", "postgres", "--"] : []
        if getuid() == 0 { try Self.run(["chown", "postgres", directory]) }
        try Self.run(asServer + ["\(bin)/initdb", "-D", "\(directory)/data", "-U", user, "--auth=trust", "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"])
        // Durability is not what these tests are about: fsync off makes each database's creation fast.
        // Through the shell, not Foundation's Process: the server pg_ctl leaves behind keeps
        // Process from ever seeing pg_ctl end (as with sshd in IsolationLab).
        let options = "-k \(directory) -c listen_addresses='' -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=200"
        let status = system("\(asServer.joined(separator: " ")) '\(bin)/pg_ctl' -D '\(directory)/data' -l '\(directory)/server.log' -w -o \"\(options)\" start >'\(directory)/pg_ctl.log' 2>&1")
        guard status == 0 else {
            let log = (try? String(contentsOfFile: "\(directory)/pg_ctl.log", encoding: .utf8)) ?? ""
            throw Failure(description: "pg_ctl start exited \(status): \(log.suffix(2000))")
        }
    }

    /// A new, empty database: its name, for ``psql(_:database:)`` and ``url(_:)``.
    public func database() throws -> String {
        let name = "t_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "")
        try psql("CREATE DATABASE \(name)")
        return name
    }

    /// The database as the URL the collector's `database.url` setting takes.
    public func url(_ database: String) -> String {
        "postgresql://\(user)@/\(database)?host=\(directory)"
    }

    /// Runs SQL as the cluster's superuser, in `database` (the maintenance database by default).
    @discardableResult
    public func psql(_ sql: String, database: String = "postgres") throws -> String {
        try Self.run(["psql", "-X", "-q", "-At", "-v", "ON_ERROR_STOP=1", "-h", directory, "-U", user, "-d", database, "-c", sql])
    }

    /// Runs at the test process's exit, where Foundation's Process no longer works (its run loop
    /// thread is gone): the shell, through libc.
    func stop() {
        guard let bin = Self.binaries else { return }
        let asServer = getuid() == 0 ? "runuser -u postgres -- " : ""
        _ = system("\(asServer)'\(bin)/pg_ctl' -D '\(directory)/data' -m immediate -w stop >/dev/null 2>&1; rm -rf '\(directory)'")
    }

    @discardableResult
    static func run(_ command: [String]) throws -> String {
        let output = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), command)
        guard output.status == 0 else {
            throw Failure(description: "\(command.joined(separator: " ")) exited \(output.status): \(output.stderr.prefix(2000))")
        }
        return output.stdout
    }
}
