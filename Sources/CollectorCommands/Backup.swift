import ArgumentParser
import CollectorPostgres
import CollectorServer
import CollectorStore
import CommandLineSupport
import Foundation
import HardeningCore

/// `attt-collector backup --to DIR`: the database (copied while `serve` goes on) and the keys every
/// enrolled PC depends on, with a manifest of SHA-256 sums (issue 17 point 6; docs/collector.md).
struct BackupCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "backup",
        abstract: "Sao lưu máy chủ tổng hợp — copy the database and the CA and signing keys into a new folder, with SHA-256 sums.",
        discussion: "Runs beside attt-collector serve. The folder holds the CA's private key: keep it as the CA key itself is kept (offline media, 0700)."
    )

    @OptionGroup var settings: SettingsOptions

    @Option(help: "The folder to make (it must not exist yet).")
    var to: String

    func run() async throws {
        let loaded = try await settings.load()
        try Self.refusePostgres(loaded)
        let store = try settings.openSQLiteStore(loaded)
        umask(0o077)
        do {
            let manifest = try StateBackup.write(settings: loaded, store: store, to: to, version: AtttVersion.current)
            for file in manifest.files { print(TerminalText.safe("\(file.sha256)  \(file.bytes)  \(file.path)")) }
            StandardStreams.error(TerminalText.safe("Đã sao lưu \(manifest.files.count) tệp vào \(to) (\(manifest.createdAt)); khôi phục: attt-collector restore --from \(to)") + "\n")
        } catch let problem as StateBackup.Problem {
            throw CommandFailure.badInput(problem.description)
        }
    }
}

extension BackupCommand {
    /// A PostgreSQL database is backed up by its own tools, which see it whole while instances write.
    static func refusePostgres(_ settings: CollectorSettings) throws {
        guard let location = settings.database else { return }
        throw CommandFailure.badInput("the database is PostgreSQL (\(location.summary)): back it up and restore it with pg_dump and pg_restore "
                                      + "(docs/collector.md, PostgreSQL); backup and restore are for the SQLite file")
    }
}

/// `attt-collector restore --from DIR`: checks a backup whole, then puts it in place with `serve`
/// stopped; what it replaces is moved aside into the state directory, never deleted.
struct RestoreCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Khôi phục máy chủ tổng hợp — put a backup made by attt-collector backup in place (serve must be stopped).",
        discussion: "The backup is checked first (every file's SHA-256, SQLite's integrity check, the schema not newer than this collector); the files it replaces go to replaced-<UTC time>/ in the state directory."
    )

    @OptionGroup var settings: SettingsOptions

    @Option(help: "The folder attt-collector backup made.")
    var from: String

    func run() async throws {
        let loaded = try await settings.load()
        try BackupCommand.refusePostgres(loaded)
        umask(0o077)
        do {
            let restored = try StateBackup.restore(settings: loaded, from: from)
            print(TerminalText.safe("Đã khôi phục bản sao lưu lập lúc \(restored.manifest.createdAt) (\(restored.manifest.files.count) tệp) vào \(loaded.stateDirectory)."))
            if let replaced = restored.replaced { print(TerminalText.safe("Các tệp bị thay thế được giữ trong \(replaced).")) }
            print("Khởi động lại: systemctl start attt-collector")
        } catch let problem as StateBackup.Problem {
            throw CommandFailure.badInput(problem.description)
        }
    }
}
