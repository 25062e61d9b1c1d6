// Bước 1 of Điều 11 khoản 2 điểm a: `attt incident isolate|release|status` (listed in `Incident`'s subcommands).
import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation

/// What isolate and release share: the host and tailoring, the officer's sign-in, the incident.
struct IsolationOptions: ParsableArguments {
    @OptionGroup var scan: ScanOptions

    @Option(help: ArgumentHelp("The incident this step belongs to (its id at the collector). Default: this PC's current incident, else a new one.", valueName: "uuid"))
    var incident: String?

    @Flag(help: "Print what would change and change nothing.")
    var dryRun = false

    @OptionGroup var officerOptions: OfficerOptions

    @Option(help: "vi or en.")
    var lang: Language = .vi

    func incidentId() throws -> UUID? {
        guard let incident else { return nil }
        guard let id = UUID(uuidString: incident) else {
            throw CommandFailure.badInput("--incident \(incident): không phải mã sự cố (UUID, như 0F4C…-…); xem mã ở trang sự cố của máy chủ thu thập — not an incident id")
        }
        return id
    }

    /// The officer signs in at the terminal (PAM, service "attt"), as for `attt fix`.
    func signIn() throws -> String {
        do {
            return try officerOptions.signIn(language: lang)
        } catch let refused as OfficerSignIn.Refused {
            throw CommandFailure(exitCode: 1, message: refused.description + (lang == .vi ? " — không thay đổi gì" : " — nothing was changed"))
        }
    }
}

/// `attt incident isolate`: Bước 1, "ngắt kết nối máy khỏi mạng", except the collector and the unit's
/// management networks.
struct IncidentIsolate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "isolate",
        abstract: "Cách ly máy khỏi mạng, chỉ giữ máy chủ thu thập và mạng quản trị — cut this PC off the network.",
        discussion: """
            Chạy với --dry-run trước để xem bộ luật. Thay đổi chỉ được giữ nếu máy chủ thu thập vẫn trả lời qua bộ luật mới; \
            nếu không, tự hoàn tác. Gỡ bằng: attt incident release.
            """
    )

    @OptionGroup var options: IsolationOptions

    @Flag(help: "Cách ly cả khi không liên lạc được máy chủ thu thập (chỉ gỡ được tại máy) — isolate even without the collector.")
    var withoutCollector = false

    /// Tests name the collector's addresses instead of resolving its name (repeatable).
    @Option(help: .hidden)
    var collectorAddress: [String] = []

    func run() async throws {
        let vi = options.lang == .vi
        let scan = try options.scan.prepare()
        let incident = try options.incidentId()
        guard Isolation.nftAvailable() else { throw CommandFailure(exitCode: 1, message: Isolation.nftMissing) }
        if !options.dryRun { try HostRecovery.run(host: scan.host, language: options.lang) }
        let session = IsolationSession(scan: scan)
        let rules: IsolationRules
        do {
            rules = try session.rules(withCollector: !withoutCollector, collectorAddresses: collectorAddress, port: nil)
        } catch let refused as IsolationRules.Refused {
            let file = scan.tailoringFile.map { " (\($0))" } ?? ""
            throw CommandFailure.badInput("\(refused)\(file) — sửa giá trị rồi chạy lại")
        } catch let failure as Isolation.Failure {
            throw CommandFailure(exitCode: 1, message: failure.description)
        }
        print((vi ? "Bộ luật cách ly (\(IsolationPlan.rulesPath)):\n" : "Isolation rules (\(IsolationPlan.rulesPath)):\n") + rules.ruleset)
        print(rules.summary(options.lang))
        let target = try session.isolation.target(confirmWithCollector: !withoutCollector)
        for step in IsolationPlan.isolate(rules, on: target) { print("   · " + step.description.text(options.lang)) }
        // The officer typing over SSH from outside the management networks loses this session.
        if let connection = ProcessInfo.processInfo.environment["SSH_CONNECTION"], rules.keepsSession(connection) == false {
            let client = connection.split(separator: " ").first.map(String.init) ?? "?"
            print(vi ? "Cảnh báo: phiên SSH này (từ \(client)) không thuộc mạng quản trị management_networks nên sẽ bị ngắt khi cách ly. Việc cách ly vẫn tiếp tục và tự hoàn tác nếu mất liên lạc với máy chủ thu thập; gỡ cách ly tại máy hoặc từ trang sự cố của máy chủ thu thập."
                     : "Warning: this SSH session (from \(client)) is outside management_networks and will be cut. The isolation goes on, and undoes itself if the collector is lost; release it at the PC or from the collector's incident page.")
        }
        guard !options.dryRun else { return }
        if !withoutCollector, let failure = await FixSession.collectorReach(host: scan.host) {
            throw CommandFailure(exitCode: 1, message: (vi
                ? "máy chủ thu thập không trả lời (\(failure)): không cách ly. Dùng --without-collector để cách ly mà không cần máy chủ (chỉ gỡ được tại máy)."
                : "the collector does not answer (\(failure)): not isolated. --without-collector isolates anyway (release only at this PC)."))
        }
        let officer = try options.signIn()
        // A cut SSH session must not kill attt before the collector confirmed the change.
        signal(SIGHUP, SIG_IGN)
        let outcome = try await session.isolate(rules, withCollector: !withoutCollector, by: .init(name: officer, source: .terminal, job: nil), incident: incident) {
            await FixSession.collectorReach(host: scan.host)
        }
        for note in outcome.notes { print(note) }
        let journal = outcome.journal
        guard journal.state == .applied else {
            throw CommandFailure(exitCode: 1, message: (vi ? "không cách ly được, đã hoàn tác (giao dịch \(journal.id)): " : "not isolated, rolled back (transaction \(journal.id)): ") + (journal.error ?? ""))
        }
        print(vi ? "Đã cách ly máy (giao dịch \(journal.id), sự cố \(outcome.step.incident?.uuidString ?? "")). Gỡ bằng: attt incident release"
                 : "Isolated (transaction \(journal.id), incident \(outcome.step.incident?.uuidString ?? "")). Release with: attt incident release")
    }
}

/// `attt incident release`: the PC reaches the network again, as a transaction of its own.
struct IncidentRelease: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "release",
        abstract: "Gỡ cách ly, cho máy kết nối mạng trở lại — lift the isolation."
    )

    @OptionGroup var options: IsolationOptions

    func run() async throws {
        let vi = options.lang == .vi
        let scan = try options.scan.prepare()
        let incident = try options.incidentId()
        let session = IsolationSession(scan: scan)
        guard scan.host.exists(IsolationPlan.rulesPath) else {
            throw CommandFailure(exitCode: 1, message: vi ? "máy không bị cách ly (không có \(IsolationPlan.rulesPath))" : "the PC is not isolated (no \(IsolationPlan.rulesPath))")
        }
        guard Isolation.nftAvailable() else { throw CommandFailure(exitCode: 1, message: Isolation.nftMissing) }
        for step in IsolationPlan.release(on: try session.isolation.target(confirmWithCollector: false)) { print("   · " + step.description.text(options.lang)) }
        guard !options.dryRun else { return }
        try HostRecovery.run(host: scan.host, language: options.lang)
        let officer = try options.signIn()
        let outcome = try session.release(by: .init(name: officer, source: .terminal, job: nil), incident: incident)
        for note in outcome.notes { print(note) }
        guard outcome.journal.state == .applied else {
            throw CommandFailure(exitCode: 1, message: (vi ? "không gỡ được cách ly (giao dịch \(outcome.journal.id)): " : "release failed (transaction \(outcome.journal.id)): ") + (outcome.journal.error ?? ""))
        }
        print(vi ? "Đã gỡ cách ly (giao dịch \(outcome.journal.id))." : "Released (transaction \(outcome.journal.id)).")
    }
}

/// `attt incident status`: is the PC isolated, since when, by which transaction, is the table loaded.
struct IncidentStatus: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Máy có đang bị cách ly không — whether this PC is isolated."
    )

    @OptionGroup var host: HostOptions

    @Option(help: "vi or en.")
    var lang: Language = .vi

    func run() throws {
        let vi = lang == .vi
        let status = try Isolation(host: try host.openRoot()).status()
        let loaded: String = switch status.tableLoaded {
        case true?: vi ? "bảng inet attt_isolation đang nạp trong nhân" : "table inet attt_isolation is loaded"
        case false?: vi ? "bảng inet attt_isolation KHÔNG có trong nhân" : "table inet attt_isolation is NOT loaded"
        case nil: vi ? "không xem được bảng trong nhân (cần root, nft, và chính máy này)" : "the kernel's table cannot be seen here (needs root, nft and this machine)"
        }
        guard status.isolated else {
            print((vi ? "Máy không bị cách ly" : "Not isolated") + (status.tableLoaded == true ? (vi ? " (nhưng " : " (but ") + loaded + ")." : "."))
            return
        }
        var line = vi ? "Máy đang bị cách ly" : "Isolated"
        if let journal = status.transaction {
            line += vi ? " từ \(journal.createdAt), giao dịch \(journal.id)" : " since \(journal.createdAt), transaction \(journal.id)"
            if let officer = journal.officer { line += vi ? ", do \(officer)" : ", by \(officer)" }
        } else {
            line += vi ? " (\(IsolationPlan.rulesPath) không do attt ghi theo nhật ký)" : " (\(IsolationPlan.rulesPath) has no transaction in the journal)"
        }
        print(line + ". " + loaded + ".")
        if status.tableLoaded == false { throw ExitCode(1) }
    }
}
