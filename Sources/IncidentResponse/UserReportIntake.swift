public import AgentRuntime
public import CollectorAPI
public import FoundationEssentials
public import HardeningCore
public import HostAccess
import HostProbes

/// A user of the PC, without any rights, reports a suspected incident to the IT officer (Điều 11
/// khoản 1 điểm a; Điều 15 khoản 2 điểm b). The request arrives on the report socket; who sent it comes
/// from the kernel (the socket's peer credentials), never from the request, so a user cannot report in
/// another's name. The report waits in the incident outbox for the collector.
public struct UserReportIntake {
    /// What `attt incident report` sends: the user's words and when they noticed it.
    public struct Request: Codable, Sendable, Hashable {
        public var text: String
        /// RFC 3339; nil means now.
        public var noticedAt: String?

        public init(text: String, noticedAt: String?) {
            self.text = text
            self.noticedAt = noticedAt
        }
    }

    /// The answer the user sees.
    public struct Answer: Codable, Sendable, Hashable {
        public var accepted: Bool
        public var message: String
        public var id: UUID?

        public init(accepted: Bool, message: String, id: UUID?) {
            self.accepted = accepted
            self.message = message
            self.id = id
        }
    }

    /// The largest request read from the socket; a report is at most 1,000 characters.
    public static let maxRequest = 4_096
    /// How far ahead of the PC's clock a "noticed at" may be (a slightly fast wall clock elsewhere).
    static let futureSlack: TimeInterval = 300

    public let host: HostRoot
    public var outbox: IncidentOutbox

    public init(host: HostRoot, outbox: IncidentOutbox? = nil) {
        self.host = host
        self.outbox = outbox ?? IncidentOutbox(host: host)
    }

    /// Takes one request from the user `uid`: checked, cleaned, queued. Never throws: every refusal is
    /// an answer the user can read.
    public func take(_ data: Data, uid: Int, now: Date = Date()) -> (answer: Answer, report: UserReportMessage?) {
        guard data.count <= Self.maxRequest, let request = try? JSONDecoder().decode(Request.self, from: data) else {
            return (Answer(accepted: false, message: "Yêu cầu không đọc được (quá dài hoặc sai dạng); hãy dùng lệnh `attt incident report`.", id: nil), nil)
        }
        let text = Self.clean(request.text)
        guard !text.isEmpty else {
            return (Answer(accepted: false, message: "Hãy mô tả ngắn điều bất thường bạn thấy.", id: nil), nil)
        }
        var noticed = now
        if let given = request.noticedAt {
            guard let parsed = Timestamp.parse(given), parsed <= now.addingTimeInterval(Self.futureSlack) else {
                return (Answer(accepted: false, message: "Thời điểm phát hiện “\(Self.clean(given).prefix(40))” không hợp lệ; ví dụ đúng: \(Timestamp.format(now)).", id: nil), nil)
            }
            noticed = parsed
        }
        let report = UserReportMessage(uid: uid, login: login(of: uid), noticedAt: Timestamp.format(noticed), submittedAt: Timestamp.format(now), text: text)
        do {
            try outbox.enqueue(.userReport(report), now: now)
        } catch let refusal as IncidentOutbox.Refusal {
            return (Answer(accepted: false, message: "Chưa nhận được báo cáo: \(refusal).", id: nil), nil)
        } catch {
            return (Answer(accepted: false, message: "Chưa nhận được báo cáo: không ghi được (\(error)); hãy báo trực tiếp cho cán bộ phụ trách CNTT.", id: nil), nil)
        }
        return (Answer(accepted: true, message: "Đã nhận báo cáo sự cố của bạn; cán bộ phụ trách CNTT sẽ được thông báo.", id: report.id), report)
    }

    /// The user's words on one line: control characters become spaces, runs of spaces one, at most
    /// ``UserReportMessage/maxText`` characters.
    public static func clean(_ text: String) -> String {
        var out = ""
        var lastSpace = true
        for scalar in text.unicodeScalars {
            let isControl = scalar.properties.generalCategory == .control || scalar.properties.generalCategory == .format
                || scalar.properties.generalCategory == .lineSeparator || scalar.properties.generalCategory == .paragraphSeparator
            if isControl || scalar.properties.isWhitespace {
                if !lastSpace { out.unicodeScalars.append(" ") }
                lastSpace = true
            } else {
                out.unicodeScalars.append(scalar)
                lastSpace = false
            }
        }
        if out.hasSuffix(" ") { out.removeLast() }
        return String(out.prefix(UserReportMessage.maxText))
    }

    /// The login of `uid` in the PC's account database, or `uid N` when it has none.
    func login(of uid: Int) -> String {
        let text = (try? host.text("/etc/passwd")) ?? nil
        let entry = text.flatMap { AccountDatabase.passwd($0).entries.first { $0.uid == uid } }
        return entry.map { String($0.name.prefix(64)) } ?? "uid \(uid)"
    }
}
