public import ArgumentParser
import CollectorServer
import CollectorStore
import CommandLineSupport
import HardeningCore
import PolicyLoading

/// `attt-collector`: the supervising office's server and the officer's tools for it.
public struct Collector: AsyncParsableCommand {
    public static let configuration = CommandConfiguration(
        commandName: "attt-collector",
        abstract: "Máy chủ tổng hợp attt — receives every agent's reports, approves fixes, shows each unit's status.",
        discussion: "Exit codes: 0 done · 2 bad usage, bad input or bad configuration · 3 the server could not start.",
        version: AtttVersion.current,
        subcommands: [Serve.self, Token.self, Jobs.self, Hosts.self, WaiverCommand.self, AttestationCommand.self, AuditCommand.self, ReportCommand.self, ReportsCommand.self, SnapshotCommand.self, IncidentCommand.self, CatalogueCommand.self, BundleKeyCommand.self, BackupCommand.self, RestoreCommand.self, PruneCommand.self]
    )

    public init() {}

    /// Runs the command line with attt's exit codes; a bad settings file, or a waiver or attestation
    /// the store refuses, is bad input (exit 2).
    public static func runAndExit() async -> Never {
        await runAndExit(name: "attt-collector") { error in
            (error as? SettingsLoader.Problem).map { CommandFailure.badInput($0.description) }
                ?? (error as? ExceptionRefusal).map { CommandFailure.badInput($0.description) }
                ?? (error as? PolicyError).map { CommandFailure.badInput($0.description) }
        }
    }
}
