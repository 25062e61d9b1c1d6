import AtttTestSupport
import Crypto
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// The attestation form sends its file as multipart/form-data, as a browser does (issue 13 point 5):
/// the collector keeps the file with its own SHA-256, checks the form's anti-forgery field inside the
/// multipart body, and does not read a file from someone who may change nothing.
@Suite(.serialized) struct AttestationUploadTests {
    static let unitPath = "UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n"

    func multipart(_ fields: [(String, String)], file: (name: String, type: String, data: Data)?, boundary: String) -> Data {
        var body = Data()
        for (name, value) in fields {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        if let file {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"file\"; filename=\"\(file.name)\"\r\nContent-Type: \(file.type)\r\n\r\n".utf8))
            body.append(file.data)
            body.append(Data("\r\n".utf8))
        }
        body.append(Data("--\(boundary)--\r\n".utf8))
        return body
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts (root, sys)"))
    func aFormWithAFileIsKeptWithTheCollectorsHash() async throws {
        let officers = OfficerTests()
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        _ = try officers.enrolledHost(collector, fixture: "debian12-hardened")
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        func signIn(_ user: String) async throws -> (cookie: String, csrf: String) {
            let answer = try await https.send(collector.url + "/v1/officer/session", method: .POST,
                                              body: Data(try JSONEncoder().encode(["user": user, "password": OfficerTests.password])), headers: [("Origin", collector.url)])
            let cookie = try #require(answer.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
            return (cookie, try #require(try JSONDecoder().decode([String: String].self, from: answer.body)["csrfToken"]))
        }
        let boundary = "----attt\(UUID().uuidString)"
        // A scanned decision: bytes that are not text, so nothing on the way may treat them as such.
        let scan = Data((0..<70_000).map { UInt8(truncatingIfNeeded: $0 &* 31 &+ 7) })
        func post(_ who: (cookie: String, csrf: String), csrf: String? = nil, origin: String? = nil) async throws -> HTTPS.Answer {
            let fields = [("csrf", csrf ?? who.csrf), ("control", "VN-TD-ATT-003"), ("attestedOn", "2026-11-30"), ("reference", "15/QĐ-UBND"),
                          ("note", ""), ("attestedBy", "Chủ tịch UBND xã"), ("validUntil", "2027-11-30")]
            return try await https.send(collector.url + "/units/\(Self.unitPath)/attestations", method: .POST,
                                        body: multipart(fields, file: ("quyet-dinh-15.pdf", "application/pdf", scan), boundary: boundary),
                                        type: "multipart/form-data; boundary=\(boundary)", headers: [("Cookie", who.cookie), ("Origin", origin ?? collector.url)])
        }
        let supervisor = try await signIn("root")
        // Forged or missing pieces change nothing.
        #expect(try await post(supervisor, csrf: "forged").status == 403)
        #expect(try await post(supervisor, origin: "https://evil.example").status == 403)
        // The inspector reads only: refused before the body is read.
        let inspector = try await signIn("sys")
        let refused = try await post(inspector)
        #expect(refused.status == 403, "\(String(decoding: refused.body, as: UTF8.self))")

        let recorded = try await post(supervisor)
        #expect(recorded.status == 303, "\(String(decoding: recorded.body, as: UTF8.self))")
        let list = try await https.send(collector.url + "/v1/officer/attestations?unit=\(Self.unitPath)", method: .GET, body: nil, headers: [("Cookie", supervisor.cookie)])
        let attestations = try #require((try JSONSerialization.jsonObject(with: list.body) as? [String: Any])?["attestations"] as? [[String: Any]])
        #expect(attestations.count == 1)
        let file = try #require(attestations.first?["file"] as? [String: Any])
        let expected = SHA256.hash(data: scan).map { String(format: "%02x", $0) }.joined()
        #expect(file["sha256"] as? String == expected && file["size"] as? Int == scan.count && file["name"] as? String == "quyet-dinh-15.pdf")
        // The file comes back byte for byte.
        let id = try #require(attestations.first?["id"] as? String)
        let download = try await https.send(collector.url + "/v1/officer/attestations/\(id)/file", method: .GET, body: nil, headers: [("Cookie", supervisor.cookie)])
        #expect(download.status == 200 && download.body == scan)
        // A form cut short carries no anti-forgery field: refused, nothing recorded.
        let broken = try await https.send(collector.url + "/units/\(Self.unitPath)/attestations", method: .POST, body: Data("--x\r\nnonsense".utf8),
                                          type: "multipart/form-data; boundary=x", headers: [("Cookie", supervisor.cookie), ("Origin", collector.url)])
        #expect(broken.status == 403 && String(decoding: broken.body, as: UTF8.self).contains("anti-forgery"), "\(broken.status)")
        // A boundary the header does not give is a clear 400.
        let unbounded = try await https.send(collector.url + "/units/\(Self.unitPath)/attestations", method: .POST, body: Data("x".utf8),
                                             type: "multipart/form-data", headers: [("Cookie", supervisor.cookie), ("Origin", collector.url)])
        #expect(unbounded.status == 400)
    }
}
