import ArgumentParser
import CollectorPostgres
import CollectorServer
import CollectorStore
import CommandLineSupport
import Foundation

/// Where the settings come from; every subcommand reads the same ones, so `token create` writes to
/// the database `serve` uses.
struct SettingsOptions: ParsableArguments {
    @Option(help: "Settings file (YAML). Default: /etc/attt-collector/collector.yaml when it exists.")
    var config: String?

    @Option(help: "State directory: database, CA and server certificate (setting state.directory).")
    var stateDir: String?

    func load(extra: [String: String] = [:]) async throws -> CollectorSettings {
        var flags = extra
        if let stateDir { flags["state.directory"] = stateDir }
        return try await SettingsLoader.load(file: config, flags: flags, environment: ProcessInfo.processInfo.environment)
    }

    /// The database the settings name: PostgreSQL (`database.url`), or the SQLite file of the state
    /// directory, which `serve` makes (`create`) and every other command needs to find there.
    func openStore(_ settings: CollectorSettings, create: Bool = false) throws -> any CollectorDatabase {
        if let location = settings.database {
            let password = try DatabasePassword.read(settings, environment: ProcessInfo.processInfo.environment)
            do {
                return try PostgresCollectorStore(location: location, password: password, reportBodyRetention: settings.reportBodyRetention,
                                                  retention: settings.retention)
            } catch {
                throw CommandFailure(exitCode: 3, message: "cannot open the database \(location.summary): \(error)")
            }
        }
        return try openSQLiteStore(settings, create: create)
    }

    /// The SQLite file, for what only it has (`backup`, `restore`).
    func openSQLiteStore(_ settings: CollectorSettings, create: Bool = false) throws -> SQLiteCollectorStore {
        guard create || FileManager.default.fileExists(atPath: settings.databasePath) else {
            throw CommandFailure.badInput("no collector database at \(settings.databasePath): start attt-collector serve once (or pass --state-dir)")
        }
        return try SQLiteCollectorStore(path: settings.databasePath, reportBodyRetention: settings.reportBodyRetention, retention: settings.retention)
    }
}

/// The PostgreSQL password: the environment's `ATTT_COLLECTOR_DATABASE_PASSWORD`, else the first line
/// of `database.password-file`, else none (a local socket with peer authentication needs none).
enum DatabasePassword {
    static let variable = "ATTT_COLLECTOR_DATABASE_PASSWORD"
    /// A password file larger than this is not a password file.
    static let maxFileBytes = 4096

    static func read(_ settings: CollectorSettings, environment: [String: String]) throws -> String? {
        if let password = environment[variable], !password.isEmpty { return password }
        guard let path = settings.databasePasswordFile else { return nil }
        guard let handle = FileHandle(forReadingAtPath: path) else {
            throw CommandFailure.badInput("database.password-file: cannot read \(path) (it must exist and be readable by the collector's user)")
        }
        defer { try? handle.close() }
        let data = (try? handle.read(upToCount: maxFileBytes + 1)) ?? Data()
        guard data.count <= maxFileBytes else {
            throw CommandFailure.badInput("database.password-file: \(path) is over \(maxFileBytes) bytes; it holds the password on its first line and nothing else")
        }
        // By bytes: Swift reads "\r\n" as one character, and a file written on Windows ends its line so.
        var line = Data(data.prefix { $0 != UInt8(ascii: "\n") })
        if line.last == UInt8(ascii: "\r") { line.removeLast() }
        let password = String(decoding: line, as: UTF8.self)
        guard !password.isEmpty else { throw CommandFailure.badInput("database.password-file: the first line of \(path) is empty") }
        return password
    }
}

/// Who is at the keyboard of the collector host: the officer named in approvals and tokens.
enum LocalOfficer {
    static var name: String {
        let environment = ProcessInfo.processInfo.environment
        if let sudo = environment["SUDO_USER"], !sudo.isEmpty { return sudo }
        if let pw = getpwuid(getuid()) { return String(cString: pw.pointee.pw_name) }
        return "uid \(getuid())"
    }
}
