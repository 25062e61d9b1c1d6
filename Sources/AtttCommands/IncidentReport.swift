import AgentRuntime
import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse

/// `attt incident report`: any user of the PC, without rights, tells the IT officer about a suspected
/// incident (Điều 11 khoản 1 điểm a; Điều 15 khoản 2 điểm b: "kịp thời thông báo cho cán bộ phụ trách
/// CNTT"). It goes over the local report socket to the agent, which sends it to the collector.
struct IncidentReport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "report",
        abstract: "Báo cáo sự cố nghi ngờ cho cán bộ phụ trách CNTT — report a suspected incident (no rights needed)."
    )

    @Option(help: "Mô tả ngắn (tối đa 1.000 ký tự) — a short description; asked for when not given.")
    var text: String?

    @Option(help: "Thời điểm phát hiện, ví dụ 2026-12-06T08:30:00+07:00 — when you noticed it (default: now).")
    var at: String?

    @Flag(help: "Chờ nhấn Enter rồi mới đóng — wait for Enter before exiting (the menu entry's terminal window closes when attt ends).")
    var keepOpen = false

    @Option(help: .hidden)
    var socket: String = ReportSocket.path

    func run() throws {
        guard keepOpen else { return try send() }
        // The answer (or the refusal) must be read before the window closes.
        var failure: CommandFailure?
        do { try send() } catch let refused as CommandFailure {
            StandardStreams.error("attt: \(refused.message)\n")
            failure = refused
        }
        StandardStreams.output("\nNhấn Enter để đóng cửa sổ này.")
        _ = readLine()
        if let failure { throw ExitCode(failure.exitCode) }
    }

    func send() throws {
        var description = text
        if description == nil {
            StandardStreams.output("Mô tả ngắn điều bất thường bạn thấy (máy chậm, tệp bị thay đổi, cảnh báo lạ…), rồi nhấn Enter:\n> ")
            description = readLine(strippingNewline: true)
        }
        guard let description, !UserReportIntake.clean(description).isEmpty else {
            throw CommandFailure.badInput("chưa có mô tả — hãy viết vài chữ về điều bất thường (--text \"…\")")
        }
        if let at, Timestamp.parse(at) == nil {
            throw CommandFailure.badInput("--at \(at): không phải thời điểm hợp lệ — ví dụ \(Timestamp.format(Date()))")
        }
        let request = try JSONEncoder().encode(UserReportIntake.Request(text: description, noticedAt: at))
        let reply: Data
        do {
            reply = try ReportSocket.exchange(path: socket, request: request)
        } catch {
            throw CommandFailure(exitCode: 3, message: "không gửi được báo cáo (\(error)); dịch vụ attt-report.socket có thể chưa chạy — hãy báo trực tiếp cho cán bộ phụ trách CNTT")
        }
        guard let answer = try? JSONDecoder().decode(UserReportIntake.Answer.self, from: reply) else {
            throw CommandFailure(exitCode: 3, message: "câu trả lời không đọc được — hãy báo trực tiếp cho cán bộ phụ trách CNTT")
        }
        guard answer.accepted else { throw CommandFailure(exitCode: 1, message: answer.message) }
        StandardStreams.output(answer.message + (answer.id.map { " (mã \($0.uuidString.prefix(8)))" } ?? "") + "\n")
    }
}

/// `attt incident receive`: started by systemd (`attt-report@.service`) for one connection to the report
/// socket. Reads one request, learns the sender from the kernel, queues the report and answers; then
/// tries once to reach the collector, so the officer hears of it at once when the network allows
/// (otherwise the next `attt run` sends it).
struct IncidentReceive: AsyncParsableCommand {
    static let configuration = CommandConfiguration(commandName: "receive", abstract: "Nhận một báo cáo sự cố qua socket (systemd).", shouldDisplay: false)

    @Option(help: .hidden)
    var root: String = "/"

    func run() async throws {
        guard let connection = ReportSocket.activatedConnection() else {
            throw CommandFailure.badInput("attt incident receive is started by systemd's attt-report.socket (LISTEN_FDS), not by hand")
        }
        let host = HostRoot(root)
        let peer = try SocketPeer.credentials(of: connection)
        let intake = UserReportIntake(host: host)
        let data = try ReportSocket.readAll(connection, limit: UserReportIntake.maxRequest)
        let (answer, report) = intake.take(data ?? Data(repeating: 0, count: UserReportIntake.maxRequest + 1), uid: peer.uid)
        try ReportSocket.writeAll(connection, try JSONEncoder().encode(answer))
        close(connection)
        guard let report else { return }
        AgentLog.event("user-report", "uid \(peer.uid) (\(report.login)) reported a suspected incident: \(report.id)", host: host)
        await sendNow(host)
    }

    /// One short try; the report stays queued when the collector does not answer.
    func sendNow(_ host: HostRoot) async {
        guard let identity = try? AgentIdentity.load(host: host), let client = try? CollectorClient(identity: identity) else { return }
        var uploader = Uploader()
        uploader.attempts = 1
        var random = SystemRandomNumberGenerator()
        _ = try? await uploader.drain(IncidentOutbox(host: host), to: client, sleep: { _ in }, random: &random)
        await client.shutdown()
    }
}
