import ArgumentParser
import CollectorReports
import CollectorServer
import CollectorStore
import CommandLineSupport
import DurableFiles
import Foundation
import HardeningCore
import OfficeDocuments

/// `attt-collector report`: a unit's or the commune's periodic report as a file (issue 14 point 3),
/// kept at the collector with its SHA-256 like the page's and the scheduled run's.
struct ReportCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Lập báo cáo định kỳ — produce a unit's or the commune's report for a quarter, a year or any dates, as HTML, PDF, ODT or CSV.",
        discussion: """
            Ví dụ: attt-collector report --unit "UBND xã Tứ Dân" --quarter 2026-Q4 --format pdf --output bao-cao.pdf
            The report is also kept at the collector (attt-collector reports list) and written in the audit log.
            """
    )

    @OptionGroup var settings: SettingsOptions

    @Option(help: "The unit, as in attt-collector hosts list.")
    var unit: String?

    @Flag(help: "The whole commune's report (Văn phòng thống kê xã).")
    var commune = false

    @Option(help: "First day, YYYY-MM-DD (with --to).")
    var from: String?

    @Option(help: "Last day, YYYY-MM-DD (with --from).")
    var to: String?

    @Option(help: "A quarter, such as 2026-Q4.")
    var quarter: String?

    @Option(help: "A year, such as 2026.")
    var year: String?

    @Option(help: "html, pdf, odt or csv (a ZIP of CSV files).")
    var format: String

    @Option(help: "The file to write.")
    var output: String

    @Flag(help: "Replace the output file if it exists.")
    var force = false

    func run() async throws {
        let scope = try ReportOptions.scope(unit: unit, commune: commune)
        let period = try ReportOptions.period(from: from, to: to, quarter: quarter, year: year)
        guard let format = DocumentFormat(rawValue: format) else {
            throw CommandFailure.badInput("--format \(format): dùng html, pdf, odt hoặc csv — use html, pdf, odt or csv")
        }
        try ReportOptions.checkOutput(output, force: force)
        let loaded = try await settings.load()
        let store = try settings.openStore(loaded)
        let delivery = ReportDelivery(store: store, settings: loaded)
        // The unit first: a typo is told with the units there are, whatever the format.
        if let unit = scope.unit {
            let known = try PeriodicReports(store: store, settings: loaded.reports, silentAfter: loaded.silentAfter).knownUnits()
            guard known.contains(unit) else { throw CommandFailure.badInput(PeriodicReports.Refusal.unknownUnit(unit, known: known).description) }
        }
        if let why = delivery.unavailable(format) { throw CommandFailure.badInput(why) }
        let now = Date()
        if period.to >= OfficeDay(containing: now) {
            StandardStreams.error("Lưu ý: kỳ báo cáo chưa kết thúc, số liệu tính đến hiện tại — note: the period has not ended; the figures are as of now.\n")
        }
        let kept: IssuedReport?
        let data: Data
        do {
            (kept, data) = try delivery.produce(scope: scope, period: period, format: format, by: .local(LocalOfficer.name), now: now)
        } catch let refusal as PeriodicReports.Refusal {
            throw CommandFailure.badInput(refusal.description)
        } catch let error as DocumentError {
            guard case .unavailable(let format, let why) = error else {
                throw CommandFailure.scanFailed("không lập được báo cáo — the report could not be made: \(error)")
            }
            throw CommandFailure.badInput((delivery.unavailable(format) ?? "\(format.rawValue) cannot be produced here") + " (\(why))")
        }
        try ReportOptions.write(data, to: output, kept: kept?.id)
        print(TerminalText.safe("đã ghi (written) \(output)"))
        print("SHA-256 \(ReportDelivery.sha256(data))")
        if let kept { print("lưu tại bộ thu thập (kept as) #\(kept.id)") }
    }
}

/// `attt-collector reports list|get`: the reports kept at the collector, byte for byte as issued.
struct ReportsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reports",
        abstract: "Báo cáo đã lưu — list the periodic reports kept at the collector and get one back, byte for byte.",
        subcommands: [List.self, Get.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Kept reports, newest first: id, scope, period, format, SHA-256, when and by whom.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "How many (1 to 500).")
        var limit = 100

        func run() async throws {
            guard (1...IssuedReport.maxPage).contains(limit) else { throw CommandFailure.badInput("--limit takes 1 to \(IssuedReport.maxPage)") }
            let store = try settings.openStore(try await settings.load())
            for report in try store.issuedReports(units: nil, commune: true, limit: limit) {
                let period = ReportDelivery.period(of: report)?.slug ?? "\(report.from)_\(report.to)"
                print(TerminalText.safe("\(report.id)  \(report.unit ?? "toàn xã (commune)")  \(period)  \(report.format)  \(report.sha256)  \(report.createdAt)  \(report.createdBy)  \(report.fileName)"))
            }
        }
    }

    struct Get: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Write a kept report to a file, exactly as it was issued.")

        @OptionGroup var settings: SettingsOptions

        @Argument(help: "The report's id (the first column of attt-collector reports list).")
        var id: Int64

        @Option(help: "The file to write.")
        var output: String

        @Flag(help: "Replace the output file if it exists.")
        var force = false

        func run() async throws {
            try ReportOptions.checkOutput(output, force: force)
            let store = try settings.openStore(try await settings.load())
            guard let (report, data) = try store.issuedReport(id: id) else {
                throw CommandFailure.badInput("không có báo cáo số \(id) — no kept report \(id) (see attt-collector reports list)")
            }
            // The bytes are what was sent: if they no longer hash to what was recorded, say so, never hand them out as the report.
            guard ReportDelivery.sha256(data) == report.sha256 else {
                throw CommandFailure.scanFailed("báo cáo số \(id) không còn khớp SHA-256 đã ghi — the stored bytes of report \(id) no longer match their SHA-256 \(report.sha256): restore the database from backup")
            }
            try ReportOptions.write(data, to: output, kept: nil)
            print(TerminalText.safe("đã ghi (written) \(output)"))
            print("SHA-256 \(report.sha256)")
        }
    }
}

/// The options `report` and `reports get` share, checked before anything is rendered.
enum ReportOptions {
    static func scope(unit: String?, commune: Bool) throws -> ReportScope {
        switch (unit?.trimmingCharacters(in: .whitespaces), commune) {
        case (let unit?, false) where !unit.isEmpty:
            guard unit.utf8.count <= ExceptionLimits.unitBytes else { throw CommandFailure.badInput("--unit: tên đơn vị tối đa \(ExceptionLimits.unitBytes) byte — a unit's name is at most \(ExceptionLimits.unitBytes) bytes") }
            return .unit(unit)
        case (nil, true): return .commune
        default: throw CommandFailure.badInput("chọn --unit \"tên đơn vị\" hoặc --commune (một trong hai) — give either --unit \"name\" or --commune")
        }
    }

    static func period(from: String?, to: String?, quarter: String?, year: String?) throws -> ReportPeriod {
        do {
            switch (from, to, quarter, year) {
            case (let from?, let to?, nil, nil): return try ReportInput.period(from: from, to: to)
            case (nil, nil, let quarter?, nil): return try ReportInput.period(named: quarter)
            case (nil, nil, nil, let year?):
                guard !year.contains("-") else { throw ReportInput.Refusal("--year \(year): viết năm như 2026 — write a year such as 2026") }
                return try ReportInput.period(named: year)
            default:
                throw CommandFailure.badInput("chọn kỳ: --from NGÀY --to NGÀY, hoặc --quarter 2026-Q4, hoặc --year 2026 (một trong ba) — give one period: --from and --to, --quarter, or --year")
            }
        } catch let refusal as ReportInput.Refusal {
            throw CommandFailure.badInput(refusal.description)
        }
    }

    /// The directory must exist (a typo is not silently created) and a file there is not replaced
    /// without `--force`.
    static func checkOutput(_ path: String, force: Bool) throws {
        let directory = AtomicFile.parentDirectory(of: path)
        var isDirectory: ObjCBool = false
        guard FileManager.default.fileExists(atPath: directory, isDirectory: &isDirectory), isDirectory.boolValue else {
            throw CommandFailure.badInput("--output: thư mục \(directory) không tồn tại; hãy tạo trước — the directory \(directory) does not exist: create it first")
        }
        if FileManager.default.fileExists(atPath: path, isDirectory: &isDirectory) {
            guard !isDirectory.boolValue else { throw CommandFailure.badInput("--output \(path) là một thư mục — is a directory: name the file to write") }
            guard force else { throw CommandFailure.badInput("--output \(path) đã có; thêm --force để ghi đè — already exists: add --force to replace it") }
        }
    }

    /// A staged file renamed over the name: a crash leaves the old file or the new one, never half.
    static func write(_ data: Data, to path: String, kept: Int64?) throws {
        do {
            try AtomicFile.write(data, to: path, mode: 0o644)
        } catch {
            let again = kept.map { " — the report is kept as #\($0): attt-collector reports get \($0) --output FILE" } ?? ""
            throw CommandFailure.badInput("không ghi được \(path): \(error)\(again)")
        }
    }
}
