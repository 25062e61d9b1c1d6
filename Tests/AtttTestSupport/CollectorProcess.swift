public import Foundation

/// A real `attt-collector serve` on loopback, for tests that need the server: started, killed and
/// restarted on the same port and state directory like a real service.
public final class CollectorProcess: @unchecked Sendable {
    public let stateDirectory: URL
    public let environment: [String: String]
    public let extraArguments: [String]
    /// A program that execs the collector (`env`, for a variable the collector must find already set).
    public let launcher: [String]
    /// The address it listens on.
    public let host: String
    public private(set) var port: Int
    var process: Process?
    let log: URL

    /// Starts on a free port (or `port`); returns once the server listens.
    public init(stateDirectory: URL, host: String = "127.0.0.1", port: Int = 0, environment: [String: String] = [:], arguments: [String] = [], launcher: [String] = []) throws {
        self.stateDirectory = stateDirectory
        self.host = host
        self.environment = environment
        self.extraArguments = arguments
        self.launcher = launcher
        self.port = port
        self.log = stateDirectory.deletingLastPathComponent().appendingPathComponent(stateDirectory.lastPathComponent + ".log")
        try start()
    }

    /// Where clients reach it: its own address (loopback unless the test named another).
    public var url: String { "https://\(host):\(port)" }
    public var caPath: String { stateDirectory.appendingPathComponent("ca/ca.pem").path }
    public var databasePath: String { stateDirectory.appendingPathComponent("collector.sqlite").path }
    /// The server's process id while it runs (or last ran).
    public var processIdentifier: Int32? { process?.processIdentifier }
    /// Everything the server printed so far.
    public var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }

    public func start() throws {
        try FileManager.default.createDirectory(at: log.deletingLastPathComponent(), withIntermediateDirectories: true)
        if !FileManager.default.fileExists(atPath: log.path) { FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        let process = Process()
        process.executableURL = launcher.first.map { URL(fileURLWithPath: $0) } ?? AtttBinary.collectorURL
        process.arguments = launcher.dropFirst() + (launcher.isEmpty ? [] : [AtttBinary.collectorURL.path]) + ["serve", "--state-dir", stateDirectory.path, "--host", host, "--port", String(port)] + extraArguments
        var env = ProcessInfo.processInfo.environment
        env.merge(environment) { _, new in new }
        process.environment = env
        process.standardOutput = handle
        process.standardError = handle
        process.standardInput = FileHandle.nullDevice
        let before = output.components(separatedBy: "listening on").count
        try process.run()
        self.process = process
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            let text = output
            let parts = text.components(separatedBy: "listening on https://\(host):")
            if parts.count > before, let line = parts.last?.split(separator: "\n").first, let listening = Int(line) {
                port = listening
                return
            }
            guard process.isRunning else { throw Failure(description: "attt-collector exited \(process.terminationStatus): \(text)") }
            usleep(50_000)
        }
        throw Failure(description: "attt-collector did not start listening within 60 s: \(output)")
    }

    /// SIGKILL: no shutdown, no flushing — what a power cut or the OOM killer does.
    public func kill() {
        guard let process, process.isRunning else { return }
        Glibc.kill(process.processIdentifier, SIGKILL)
        process.waitUntilExit()
    }

    public func stop() {
        guard let process, process.isRunning else { return }
        process.terminate()
        process.waitUntilExit()
    }

    deinit { kill() }

    /// `attt-collector SUBCOMMAND … --state-dir <this state>`.
    public func command(_ arguments: [String], environment: [String: String] = [:]) throws -> AtttBinary.Output {
        try AtttBinary.collector(arguments + ["--state-dir", stateDirectory.path], environment: environment)
    }

    /// A new enrollment token for a unit.
    public func token(unit: String, expires: String? = nil) throws -> String {
        let out = try command(["token", "create", "--unit", unit] + (expires.map { ["--expires", $0] } ?? []))
        guard out.status == 0 else { throw Failure(description: "token create: \(out.stderr)") }
        return out.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public struct Failure: Error, CustomStringConvertible {
        public var description: String

        public init(description: String) {
            self.description = description
        }
    }
}
