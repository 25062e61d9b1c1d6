import ArgumentParser
import CollectorServer
import CollectorStore
import CommandLineSupport
import Foundation

/// `attt-collector prune [--dry-run]`: what `serve` does each night (issue 17 point 5), at once.
struct PruneCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "prune",
        abstract: "Dọn lịch sử cũ — remove report rows and status history older than history.reports, and audit entries older than audit.keep.",
        discussion: "Each PC's newest report before the cutoff and the status in effect then are kept, so the pages and the periodic reports stay exact. serve does this each night at 03:00."
    )

    @OptionGroup var settings: SettingsOptions

    @Flag(help: "Count what would be removed; remove nothing.")
    var dryRun = false

    func run() async throws {
        let loaded = try await settings.load()
        let store = try settings.openStore(loaded)
        let result = dryRun ? try store.pruneCount(loaded.retention, now: Date()) : try store.prune(loaded.retention, now: Date(), batch: 1000)
        let days = Int(loaded.retention.history / 86_400)
        let audit = loaded.retention.audit.map { "older than \(Int($0 / 86_400)) days" } ?? "kept for ever (audit.keep)"
        print("""
            \(dryRun ? "would remove" : "removed"): \(result.reports) reports and \(result.statusSpans) status spans older than \(days) days \
            (history.reports); \(result.auditEntries) audit entries, \(audit)
            """)
    }
}
