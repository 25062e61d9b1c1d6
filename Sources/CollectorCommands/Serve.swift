import ArgumentParser
import CollectorPostgres
import CollectorServer
import CollectorStore
import CommandLineSupport
import DurableFiles
import Foundation
import Hummingbird
import Logging

/// `attt-collector serve`: starts with no configuration at all; on first start creates the state
/// directory, the CA, the server certificate and the database, and says where they are.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Chạy máy chủ tổng hợp — run the HTTPS server.")

    @OptionGroup var settings: SettingsOptions

    @Option(help: "Address to listen on (setting listen.host).")
    var host: String?

    @Option(help: "Port to listen on; 0 picks a free one (setting listen.port).")
    var port: Int?

    @Option(help: "Name or address agents use to reach this collector; repeat for several (setting server.names).")
    var name: [String] = []

    /// Tests sign officers in against staged PAM service files; release builds ignore it.
    @Option(help: .hidden)
    var pamConfdir: String?

    func run() async throws {
        var flags: [String: String] = [:]
        if let host { flags["listen.host"] = host }
        if let port { flags["listen.port"] = String(port) }
        if !name.isEmpty { flags["server.names"] = name.joined(separator: ",") }
        // The database holds token and session hashes, the CA directory keys: nobody else reads them.
        umask(0o077)
        let loaded = try await settings.load(extra: flags)
        if loaded.logJSON { LoggingSystem.bootstrap(JSONLogHandler.init) }
        let state: CollectorState
        do {
            state = try CollectorState.open(loaded)
        } catch {
            throw CommandFailure(exitCode: 3, message: "cannot prepare \(loaded.stateDirectory): \(error)")
        }
        let store: any CollectorDatabase
        do {
            store = try settings.openStore(loaded, create: true)
        } catch let failure as CommandFailure {
            throw failure
        } catch {
            throw CommandFailure(exitCode: 3, message: "cannot prepare \(loaded.stateDirectory): \(error)")
        }
        var confdir: String? = nil
        #if DEBUG
        confdir = pamConfdir
        #endif
        // One serve per state directory: a second would run the scheduled reports twice, and
        // `attt-collector restore` must know nothing has the database open.
        guard let lock = try FileLock.attempt(StateBackup.serveLockPath(loaded)) else {
            throw CommandFailure(exitCode: 3, message: "another attt-collector serve is running on \(loaded.stateDirectory)")
        }
        defer { withExtendedLifetime(lock) {} }
        for path in state.created { Self.say("created \(path)") }
        Self.say("database: \(loaded.database?.summary ?? loaded.databasePath)")
        Self.say("CA certificate for agents (attt enroll --ca-cert): \(loaded.caCertificatePath)")
        try await CollectorServer.run(state: state, store: store, pamConfdir: confdir, onRunning: { port in
            Self.say("listening on https://\(loaded.listenHost):\(port)")
            var logger = Logger(label: "attt-collector")
            logger.logLevel = .notice
            logger.notice("serving", metadata: ["listen": "\(loaded.listenHost):\(port)", "state": "\(loaded.stateDirectory)",
                                                "metrics": "\(loaded.metricsListen.map { "\($0.host):\($0.port)" } ?? "off")"])
        }, onMetrics: { port in
            Self.say("metrics on http://\(loaded.metricsListen?.host ?? ""):\(port)/metrics")
        })
    }

    /// Unbuffered, so a supervisor (or a test) reading the output sees each line as it happens.
    static func say(_ line: String) {
        FileHandle.standardOutput.write(Data((line + "\n").utf8))
    }
}
