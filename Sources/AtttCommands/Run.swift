import AgentRuntime
import ArgumentParser
import Foundation
import HardeningCore

/// `attt run`: what the timer starts. Checks the host and keeps the report in the outbox until the
/// collector has it. A failing control is the report's business, not the run's: the run exits 0 when
/// the report is safely stored, so the timer's unit does not show as failed.
struct Run: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Lần tự kiểm tra theo lịch — the scheduled self-check: check, then keep the report for the collector."
    )

    @OptionGroup var scan: ScanOptions

    func run() throws {
        let started = Date()
        let prepared = try scan.prepare()
        let (facts, report) = try prepared.report(started: started)
        if let reason = Check.nothingCollected(facts) { throw CommandFailure.scanFailed(reason) }
        let outbox = Outbox(root: prepared.root)
        try outbox.enqueue(report, now: prepared.evaluator.context.now)
        let waiting = try outbox.pending().count
        // Upload comes with enrollment (issue 4); until then reports wait, bounded, in the outbox.
        print("report \(report.reportId): \(report.summary.fail) failing of \(report.summary.total); \(waiting) waiting for the collector in /var/lib/attt/outbox")
    }
}
