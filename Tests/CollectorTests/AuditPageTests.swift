import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// The audit log's page (issue 13 point 6): every change with who, in what role, and when; a unit's
/// officer reads their own unit's entries only, the supervisor and inspectors every unit's.
@Suite(.serialized) struct AuditPageTests {
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts (root, bin, sys)"))
    func eachRoleReadsTheLogOfWhatItMaySee() async throws {
        let officers = OfficerTests()
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.other)=bin",
                          "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        let host = try officers.enrolledHost(collector, fixture: "debian12-broken")
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        func signIn(_ user: String) async throws -> [(String, String)] {
            let answer = try await https.send(collector.url + "/v1/officer/session", method: .POST,
                                              body: Data(try JSONEncoder().encode(["user": user, "password": OfficerTests.password])), headers: [("Origin", collector.url)])
            let cookie = try #require(answer.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
            let csrf = try #require(try JSONDecoder().decode([String: String].self, from: answer.body)["csrfToken"])
            return [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", csrf)]
        }
        func page(_ path: String, _ who: [(String, String)]) async throws -> (Int, String, [(String, String)]) {
            let answer = try await https.send(collector.url + path, method: .GET, body: nil, headers: who)
            return (answer.status, String(decoding: answer.body, as: UTF8.self), answer.headers)
        }
        // The supervisor approves a fix; a justification with markup is recorded with a waiver.
        let supervisor = try await signIn("root")
        #expect(try await https.send(collector.url + "/v1/officer/jobs", method: .POST, body: Data(#"{"host":"\#(host)","controls":["VN-TD-PW-004"]}"#.utf8), headers: supervisor).status == 201)
        let inAYear = ISO8601DateFormatter().string(from: Date().addingTimeInterval(365 * 86_400))
        let waiver = #"{"unit":"\#(Self.unit)","control":"VN-TD-SHR-001","justification":"<script>alert(1)</script> máy chờ thay","approvedBy":"Chủ tịch UBND xã","expiresAt":"\#(inAYear)"}"#
        let recorded = try await https.send(collector.url + "/v1/officer/waivers", method: .POST, body: Data(waiver.utf8), headers: supervisor)
        #expect(recorded.status == 201, "\(String(decoding: recorded.body, as: UTF8.self))")

        let (status, text, headers) = try await page("/audit", supervisor)
        #expect(status == 200 && text.contains("Phê duyệt khắc phục") && text.contains("Ghi miễn trừ") && text.contains("root"))
        #expect(text.contains("&lt;script&gt;") && !text.contains("<script>"))
        #expect(headers.contains { $0.0.lowercased() == "content-security-policy" && $0.1.contains("default-src 'none'") })
        // The inspector reads it too; the other unit's officer sees their unit's log, empty, and is
        // refused this unit's.
        let inspector = try await signIn("sys")
        #expect(try await page("/audit", inspector).1.contains("Phê duyệt khắc phục"))
        let officerB = try await signIn("bin")
        let own = try await page("/audit", officerB)
        #expect(own.0 == 200 && own.1.contains(Self.other) && !own.1.contains("Phê duyệt khắc phục"))
        let unitPath = Self.unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        #expect(try await page("/audit?unit=\(unitPath)", officerB).0 == 403)
        #expect(try await page("/audit?before=x", supervisor).0 == 400)
        // In English by the language cookie.
        let english = supervisor + [("Cookie", "attt_lang=en")]
        let cookie = supervisor.first { $0.0 == "Cookie" }?.1 ?? ""
        let inEnglish = try await page("/audit", english.filter { $0.0 != "Cookie" } + [("Cookie", cookie + "; attt_lang=en")])
        #expect(inEnglish.1.contains("Fix approved") && inEnglish.1.contains("Waiver recorded"))
    }
}
