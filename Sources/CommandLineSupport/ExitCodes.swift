public import ArgumentParser
import Glibc

/// A failure that ends a command with a message and one of attt's exit codes.
public struct CommandFailure: Error {
    public var exitCode: Int32
    public var message: String

    public init(exitCode: Int32, message: String) {
        self.exitCode = exitCode
        self.message = message
    }

    /// Bad usage or bad input: exit 2.
    public static func badInput(_ message: String) -> CommandFailure { CommandFailure(exitCode: 2, message: message) }
    /// The work itself could not run (the scan, the server): exit 3.
    public static func scanFailed(_ message: String) -> CommandFailure { CommandFailure(exitCode: 3, message: message) }
}

extension ParsableCommand {
    /// Runs the command line with attt's exit codes, for `attt` and `attt-collector` alike: usage
    /// errors exit 2, not ArgumentParser's 64; a ``CommandFailure`` exits with its own code, its
    /// message after the program's name. `known` turns a module's own bad-input errors into one.
    public static func runAndExit(name: String, _ arguments: [String]? = nil, known: (any Error) -> CommandFailure? = { _ in nil }) async -> Never {
        do {
            var command = try parseAsRoot(arguments)
            if var asynchronous = command as? any AsyncParsableCommand {
                try await asynchronous.run()
            } else {
                try command.run()
            }
            Glibc.exit(0)
        } catch let exit as ExitCode {
            Glibc.exit(exit.rawValue)
        } catch {
            if let failure = error as? CommandFailure ?? known(error) {
                StandardStreams.error(name + ": " + failure.message + "\n")
                Glibc.exit(failure.exitCode)
            }
            let message = fullMessage(for: error)
            if exitCode(for: error) == .success {
                print(message)
                Glibc.exit(0)
            }
            StandardStreams.error(message + "\n")
            Glibc.exit(2)
        }
    }
}
