public import ArgumentParser
import CollectorServer
import Foundation
import HardeningCore

/// `attt-collector`: the supervising office's server and the officer's tools for it.
public struct Collector: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "attt-collector",
        abstract: "Máy chủ tổng hợp attt — receives every agent's reports, approves fixes, shows each unit's status.",
        discussion: "Exit codes: 0 done · 2 bad usage, bad input or bad configuration · 3 the server could not start.",
        version: AtttVersion.current,
        subcommands: [Serve.self, Token.self, Jobs.self, Hosts.self]
    )

    public init() {}

    /// Runs the command line with attt's exit codes (usage errors exit 2, not 64).
    public static func runAndExit() async -> Never {
        do {
            var command = try parseAsRoot()
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let failure as CollectorFailure {
            FileHandle.standardError.write(Data(("attt-collector: " + failure.message + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch let problem as SettingsLoader.Problem {
            FileHandle.standardError.write(Data(("attt-collector: " + problem.description + "\n").utf8))
            Foundation.exit(2)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data(("attt-collector: " + message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

struct CollectorFailure: Error {
    var exitCode: Int32
    var message: String

    static func badInput(_ message: String) -> CollectorFailure { CollectorFailure(exitCode: 2, message: message) }
}
