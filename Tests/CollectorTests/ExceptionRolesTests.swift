import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// Waivers, attestations and the audit log under the roles of issue 13 point 6, on a real
/// collector: the same accounts and groups as `RolesTests` (supervisors = `root`, unit A's officer =
/// `daemon`, unit B's = `bin`, inspectors = `sys`).
@Suite(.serialized) struct ExceptionRolesTests {
    let officers = OfficerTests()
    static let unitA = RolesTests.unitA, unitB = RolesTests.unitB

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts root, daemon, bin, sys"))
    func eachRoleRecordsAndReadsWhatItMay() async throws {
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: [
                "ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unitA)=daemon;\(Self.unitB)=bin",
            ],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        // A token makes each unit known to the collector.
        _ = try collector.token(unit: Self.unitA)
        _ = try collector.token(unit: Self.unitB)
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        func session(_ user: String) async throws -> [(String, String)] {
            let answer = try await signIn(https, collector, user, OfficerTests.password)
            #expect(answer.status == 200, "\(user): \(String(decoding: answer.body, as: UTF8.self))")
            let cookie = try #require(answer.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
            let csrf = try #require(try JSONDecoder().decode([String: String].self, from: answer.body)["csrfToken"])
            return [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", csrf)]
        }
        func call(_ method: HTTPMethod, _ path: String, _ body: String? = nil, _ who: [(String, String)]) async throws -> (Int, [String: Any]) {
            let answer = try await https.send(collector.url + path, method: method, body: body.map { Data($0.utf8) }, headers: who)
            return (answer.status, (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:])
        }
        func q(_ unit: String) -> String { unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        let inAYear = ISO8601DateFormatter().string(from: Date().addingTimeInterval(365 * 86_400))
        func waiver(_ unit: String) -> String {
            #"{"unit":"\#(unit)","control":"VN-TD-PW-001","justification":"Chờ nâng cấp","approvedBy":"Chủ tịch UBND xã","expiresAt":"\#(inAYear)"}"#
        }
        func attestation(_ unit: String) -> String {
            let pdf = Data("%PDF-1.4".utf8).base64EncodedString()
            return #"{"unit":"\#(unit)","control":"VN-TD-ATT-002","attestedOn":"2026-01-15","reference":"1/QĐ","attestedBy":"Chủ tịch","validUntil":"\#(inAYear)","file":{"name":"qd.pdf","mediaType":"application/pdf","content":"\#(pdf)"}}"#
        }

        // Unit A's IT officer (Điều 10): records and ends in unit A only.
        let officerA = try await session("daemon")
        let (recorded, waiverA) = try await call(.POST, "/v1/officer/waivers", waiver(Self.unitA), officerA)
        #expect(recorded == 201)
        let waiverId = try #require(waiverA["id"] as? String)
        #expect(try await call(.POST, "/v1/officer/waivers", waiver(Self.unitB), officerA).0 == 403)
        #expect(try await call(.GET, "/v1/officer/waivers?unit=\(q(Self.unitA))", nil, officerA).0 == 200)
        #expect(try await call(.GET, "/v1/officer/waivers?unit=\(q(Self.unitB))", nil, officerA).0 == 403)
        let (attested, attestationA) = try await call(.POST, "/v1/officer/attestations", attestation(Self.unitA), officerA)
        #expect(attested == 201)
        let attestationId = try #require(attestationA["id"] as? String)
        #expect(try await call(.POST, "/v1/officer/attestations", attestation(Self.unitB), officerA).0 == 403)
        #expect(try await call(.GET, "/v1/officer/attestations?unit=\(q(Self.unitB))", nil, officerA).0 == 403)
        // Their own unit's log, not the whole commune's.
        #expect(try await call(.GET, "/v1/officer/audit?unit=\(q(Self.unitA))", nil, officerA).0 == 200)
        #expect(try await call(.GET, "/v1/officer/audit", nil, officerA).0 == 403)

        // Unit B's officer cannot see unit A's waiver or file at all (404, not a hint that it exists).
        let officerB = try await session("bin")
        #expect(try await call(.POST, "/v1/officer/waivers/\(waiverId)/end", nil, officerB).0 == 404)
        #expect(try await call(.GET, "/v1/officer/attestations/\(attestationId)/file", nil, officerB).0 == 404)
        #expect(try await call(.GET, "/v1/officer/audit?unit=\(q(Self.unitA))", nil, officerB).0 == 403)

        // The inspector reads everything, the files and the whole log included, and changes nothing.
        let inspector = try await session("sys")
        #expect(try await call(.GET, "/v1/officer/waivers?unit=\(q(Self.unitA))", nil, inspector).0 == 200)
        #expect(try await call(.GET, "/v1/officer/attestations/\(attestationId)/file", nil, inspector).0 == 200)
        let (logStatus, log) = try await call(.GET, "/v1/officer/audit", nil, inspector)
        #expect(logStatus == 200 && (log["entries"] as? [[String: Any]])?.compactMap { $0["role"] as? String } == ["unit-officer", "unit-officer"])
        #expect(try await call(.POST, "/v1/officer/waivers", waiver(Self.unitA), inspector).0 == 403)
        #expect(try await call(.POST, "/v1/officer/waivers/\(waiverId)/end", nil, inspector).0 == 403)
        #expect(try await call(.POST, "/v1/officer/attestations", attestation(Self.unitA), inspector).0 == 403)

        // The supervisor (Điều 13) acts on every unit; the end is logged with its role.
        let supervisor = try await session("root")
        #expect(try await call(.POST, "/v1/officer/waivers", waiver(Self.unitB), supervisor).0 == 201)
        #expect(try await call(.POST, "/v1/officer/waivers/\(waiverId)/end", nil, supervisor).0 == 200)
        let (_, logA) = try await call(.GET, "/v1/officer/audit?unit=\(q(Self.unitA))", nil, officerA)
        let first = try #require((logA["entries"] as? [[String: Any]])?.first)
        #expect(first["action"] as? String == "waiver-ended" && first["officer"] as? String == "root" && first["role"] as? String == "supervisor")
    }
}
