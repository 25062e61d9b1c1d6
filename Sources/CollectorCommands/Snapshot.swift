import ArgumentParser
import CollectorServer
import CollectorSnapshots
import CollectorStore
import CommandLineSupport
import Foundation
import HardeningCore

/// `attt-collector snapshot --unit … --at YYYY-MM-DD --output snap.zip`: the inspection snapshot
/// (issue 14 point 4) of one unit at a date, for an inspection team (Điều 13 khoản 2 điểm đ, khoản 7).
struct SnapshotCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "snapshot",
        abstract: "Bản chụp phục vụ kiểm tra — one unit at a date in a ZIP: reports as sent, waivers, attestations with their documents, SHA-256 sums.",
        discussion: "The archive's SHA-256 is printed and kept in the audit log (attt-collector audit list). Check it with `sha256sum -c SHA256SUMS` in the extracted folder."
    )

    @OptionGroup var settings: SettingsOptions

    @Option(help: "The unit, as in attt-collector hosts list.")
    var unit: String

    @Option(help: "The day, YYYY-MM-DD (Vietnam's calendar; default: today). The state at the end of that day, or now for today.")
    var at: String?

    @Option(help: "The ZIP file to write. Written beside as a temporary file and renamed when complete.")
    var output: String

    @Flag(help: "Replace --output if it exists.")
    var force = false

    @Option(help: "The most the archive's files may hold together, in MiB (default 16384).")
    var maxSize: Int = Int(InspectionSnapshot.maxBytesCommandLine >> 20)

    func run() async throws {
        let now = Date()
        let day: OfficeDay
        if let at {
            guard let parsed = OfficeDay(at) else { throw CommandFailure.badInput("--at \(at) is not a day: write YYYY-MM-DD, such as 2026-12-31") }
            day = parsed
        } else {
            day = OfficeDay(containing: now)
        }
        guard (1...(1 << 20)).contains(maxSize) else { throw CommandFailure.badInput("--max-size takes 1 to 1048576 (MiB)") }
        let loaded = try await settings.load()
        let store = try settings.openStore(loaded)
        let request = InspectionSnapshot.Request(unit: unit, day: day, takenBy: .local(LocalOfficer.name), now: now, silentAfter: loaded.silentAfter,
                                                 reportBodyRetention: loaded.reportBodyRetention, channel: "cli")
        do {
            let receipt = try InspectionSnapshot(store: store).write(request, to: output, replace: force, maxBytes: Int64(maxSize) << 20)
            let m = receipt.manifest
            print(TerminalText.safe("\(receipt.sha256)  \(receipt.path)"))
            StandardStreams.error(TerminalText.safe("""
                Bản chụp \(m.unit) ngày \(m.day): \(m.hosts) máy (\(m.reportsAsSent) báo cáo như máy gửi, \(m.reportsFromHistory.count) chỉ theo lịch sử), \
                \(m.waivers) miễn trừ, \(m.attestations) xác nhận; \(receipt.files) tệp, \(receipt.bytes) byte. SHA-256 đã ghi vào nhật ký thao tác.
                """) + "\n")
        } catch let problem as SnapshotProblem {
            throw CommandFailure.badInput(problem.message)
        }
    }
}
