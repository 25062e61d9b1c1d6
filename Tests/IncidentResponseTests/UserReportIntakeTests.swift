import AgentRuntime
import AtttTestSupport
import CollectorAPI
import Foundation
import HostAccess
import IncidentResponse
import Testing

@Suite struct UserReportIntakeTests {
    let root = emptyRoot("attt-user-report")
    let now = ISO8601DateFormatter().date(from: "2026-12-06T09:00:00Z")!

    func intake() throws -> UserReportIntake {
        try writeHostFile(root, "/etc/passwd", "root:x:0:0:root:/root:/bin/bash\nnv.ketoan:x:1000:1000:Kế toán:/home/nv.ketoan:/bin/bash\n")
        return UserReportIntake(host: HostRoot(root))
    }

    func request(_ text: String, at: String? = nil) throws -> Data {
        try JSONEncoder().encode(UserReportIntake.Request(text: text, noticedAt: at))
    }

    @Test func aReportIsQueuedInTheNameTheKernelGave() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let intake = try intake()
        // A field claiming another user is not part of the request: the uid is the socket's peer.
        let forged = Data(#"{"text":"Màn hình hiện thông báo đòi tiền chuộc","uid":0,"login":"root"}"#.utf8)
        let (answer, report) = intake.take(forged, uid: 1000, now: now)
        #expect(answer.accepted)
        #expect(report?.uid == 1000 && report?.login == "nv.ketoan")
        #expect(report?.noticedAt == report?.submittedAt)
        let queued = try intake.outbox.pending()
        guard case .userReport(let kept)? = queued.first else { Issue.record("not queued: \(queued)"); return }
        #expect(kept == report)

        let (_, unknown) = intake.take(try request("Máy chậm bất thường", at: "2026-12-06T07:30:00+07:00"), uid: 4242, now: now)
        #expect(unknown?.login == "uid 4242")
        #expect(unknown?.noticedAt == "2026-12-06T00:30:00Z")
    }

    @Test func badRequestsAreAnsweredNotQueued() throws {
        defer { try? FileManager.default.removeItem(atPath: root) }
        let intake = try intake()
        let cases: [(Data, String)] = [
            (Data("không phải JSON".utf8), "không đọc được"),
            (Data(repeating: 0x41, count: UserReportIntake.maxRequest + 1), "không đọc được"),
            (try request(" \n\t\u{7}  "), "mô tả"),
            (try request("Máy chậm", at: "hôm qua"), "không hợp lệ"),
            (try request("Máy chậm", at: "2030-01-01T00:00:00Z"), "không hợp lệ"),
        ]
        for (data, expected) in cases {
            let (answer, report) = intake.take(data, uid: 1000, now: now)
            #expect(!answer.accepted && report == nil)
            #expect(answer.message.contains(expected), "\(answer.message)")
        }
        #expect(try intake.outbox.pending().isEmpty)
    }

    @Test func theTextIsOneBoundedLine() {
        #expect(UserReportIntake.clean("  Tệp\u{1B}[31m bị\r\n\u{202E}đổi tên\u{0}  ") == "Tệp [31m bị đổi tên")
        #expect(UserReportIntake.clean(String(repeating: "ă", count: 5_000)).count == UserReportMessage.maxText)
    }
}
