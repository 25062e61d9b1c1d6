public import ArgumentParser
import Foundation
import HardeningCore

/// `attt`: checks this machine against the regulation's measures.
public struct Attt: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "attt",
        abstract: "Kiểm tra an toàn thông tin theo Quy định — information security check of this machine.",
        discussion: """
            Exit codes: 0 nothing applicable fails · 1 something fails · 2 bad usage or bad input · 3 the scan could not run.
            """,
        version: AtttVersion.current,
        subcommands: [Check.self, Inventory.self, Fix.self, Rollback.self, History.self, Run.self, Enroll.self],
        defaultSubcommand: Check.self
    )

    public init() {}

    /// Runs the command line and exits with attt's exit codes: usage errors exit 2, not 64.
    public static func runAndExit(_ arguments: [String]? = nil) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Foundation.exit(0)
        } catch let exit as ExitCode {
            Foundation.exit(exit.rawValue)
        } catch let failure as CommandFailure {
            FileHandle.standardError.write(Data(("attt: " + failure.message + "\n").utf8))
            Foundation.exit(failure.exitCode)
        } catch {
            let code = exitCode(for: error)
            let message = fullMessage(for: error)
            if code == .success {
                print(message)
                Foundation.exit(0)
            }
            FileHandle.standardError.write(Data((message + "\n").utf8))
            Foundation.exit(2)
        }
    }
}

/// A failure that ends the command with a message and one of attt's exit codes.
struct CommandFailure: Error {
    var exitCode: Int32
    var message: String

    /// Bad usage or bad input: exit 2.
    static func badInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 2, message: message) }
    /// The scan itself could not run: exit 3.
    static func scanFailed(_ message: String) -> CommandFailure { CommandFailure(exitCode: 3, message: message) }
}
