import ArgumentParser
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

    func openStore(_ settings: CollectorSettings) throws -> SQLiteCollectorStore {
        guard FileManager.default.fileExists(atPath: settings.databasePath) else {
            throw CommandFailure.badInput("no collector database at \(settings.databasePath): start attt-collector serve once (or pass --state-dir)")
        }
        return try SQLiteCollectorStore(path: settings.databasePath, reportBodyRetention: settings.reportBodyRetention, retention: settings.retention)
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
