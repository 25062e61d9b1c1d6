public import ArgumentParser
import CommandLineSupport
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
        subcommands: [Check.self, Inventory.self, Fix.self, Rollback.self, History.self, Run.self, Enroll.self, Incident.self],
        defaultSubcommand: Check.self
    )

    public init() {}

    /// Runs the command line and exits with attt's exit codes.
    public static func runAndExit(_ arguments: [String]? = nil) async -> Never {
        await runAndExit(name: "attt", arguments)
    }
}
