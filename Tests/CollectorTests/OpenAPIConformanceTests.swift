import AtttTestSupport
import CollectorAPI
import Enrollment
import Foundation
import HardeningCore
import NIOHTTP1
import NIOSSL
import Testing

/// The running collector held to openapi/collector.yaml: every documented operation is called, with
/// its success and its refusals, and every answer's status and body must be what the document says.
@Suite(.serialized) struct OpenAPIConformanceTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-openapi-\(UUID())")

    final class Exchanges: @unchecked Sendable {
        let lock = NSLock()
        var items: [[String: Any]] = []

        func add(_ method: String, _ url: String, _ answer: HTTPS.Answer) {
            let path = url.replacingOccurrences(of: #"^https://[^/]+"#, with: "", options: .regularExpression)
            let type = answer.headers.first { $0.0.lowercased() == "content-type" }?.1 ?? ""
            lock.lock()
            items.append(["method": method, "path": path, "status": answer.status, "contentType": type, "body": String(decoding: answer.body, as: UTF8.self)])
            lock.unlock()
        }
    }

    static var canRun: Bool { OfficerTests.pamExecPresent && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/yaml") }

    @Test(.enabled(if: canRun, "needs pam_exec.so and Debian's python3-yaml and python3-jsonschema (scripts/test.sh installs them)"))
    func theRunningServerMatchesTheDocument() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let officers = OfficerTests()
        let collector = try CollectorProcess(
            stateDirectory: work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_LOCKOUT_ATTEMPTS": "2", "ATTT_COLLECTOR_LOG_FORMAT": "json"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        let base = collector.url
        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        let exchanges = Exchanges()
        var anonymous = try HTTPS(trust: ca)
        anonymous.recorder = exchanges.add
        defer { anonymous.close() }
        func json(_ text: String) -> Data { Data(text.utf8) }

        _ = try await anonymous.get(base + "/v1/health")

        // Enrollment: a bad request, an unknown token, then two hosts for real.
        let key = HostKey.generate()
        let csr = try key.certificateRequest(hostname: "pc-openapi").pemString
        _ = try await anonymous.post(base + "/v1/enroll", try JSONEncoder().encode(["token": "attt_x", "csr": "not a csr"]))
        _ = try await anonymous.post(base + "/v1/enroll", try JSONEncoder().encode(["token": "attt_unknown", "csr": csr]))
        func enroll(_ key: HostKey, _ name: String) async throws -> HTTPS {
            let token = try collector.token(unit: "UBND xã Tứ Dân")
            let answer = try await anonymous.post(base + "/v1/enroll", try JSONEncoder().encode(["token": token, "csr": try key.certificateRequest(hostname: name).pemString]))
            let enrolled = try JSONDecoder().decode(EnrollResponse.self, from: answer.body)
            let dir = work.appendingPathComponent(name)
            try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
            try key.pem.write(to: dir.appendingPathComponent("host.key"), atomically: true, encoding: .utf8)
            try enrolled.certificate.write(to: dir.appendingPathComponent("host.pem"), atomically: true, encoding: .utf8)
            var client = try HTTPS(trust: ca, identity: (dir.appendingPathComponent("host.pem").path, dir.appendingPathComponent("host.key").path))
            client.recorder = exchanges.add
            return client
        }
        let agent = try await enroll(key, "pc-openapi")
        defer { agent.close() }
        let other = try await enroll(HostKey.generate(), "pc-other")
        defer { other.close() }
        let hostId = try #require(try collector.command(["hosts", "list"]).stdout.split(separator: "\n").first { $0.contains("pc-openapi") }?.split(separator: " ").first.map(String.init))

        // Agent uploads: stored, duplicate, malformed, without certificate, another host's id.
        let report = try Data(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/reports/broken-report.json"))
        _ = try await agent.post(base + "/v1/reports", report)
        _ = try await agent.post(base + "/v1/reports", report)
        _ = try await agent.post(base + "/v1/reports", json(#"{"reportId": 5}"#))
        _ = try await anonymous.post(base + "/v1/reports", report)
        _ = try await other.post(base + "/v1/reports", report)
        // A run repeating that report's content: stored (200); naming a report no longer the latest (412); malformed (400).
        let whole = try JSONDecoder().decode(Report.self, from: report)
        var rerun = whole
        rerun.reportId = UUID()
        rerun.startedAt = Timestamp(whole.startedAt.date.addingTimeInterval(3600))
        let unchanged = UnchangedReport(rerun, sameAs: whole.reportId, contentDigest: try ReportContent.digest(of: whole))
        #expect(try await agent.post(base + "/v1/reports/unchanged", try JSONEncoder().encode(unchanged)).status == 200)
        var stale = unchanged
        stale.report.reportId = UUID()
        #expect(try await agent.post(base + "/v1/reports/unchanged", try JSONEncoder().encode(stale)).status == 412)
        _ = try await agent.post(base + "/v1/reports/unchanged", json(#"{"sameAs": 5}"#))
        _ = try await anonymous.post(base + "/v1/reports/unchanged", try JSONEncoder().encode(unchanged))
        let summary = json(#"{"schema":"attt.report-summary.v1","reportId":"6F0E2C52-7A54-4B0B-9D0B-2C1D7A1F0E11","startedAt":"2026-11-20T08:00:00Z","summary":{"pass":1,"fail":1,"not_applicable":0,"error":0,"manual":0,"total":2},"failing":["VN-TD-PW-001"]}"#)
        _ = try await agent.post(base + "/v1/report-summaries", summary)
        _ = try await agent.post(base + "/v1/report-summaries", json("[]"))
        _ = try await anonymous.post(base + "/v1/report-summaries", summary)
        let compacted = json(#"{"schema":"attt.report-compacted.v1","id":"0B7B6C1E-5E57-4E3C-9F55-3D8F2E7C1A22","count":4,"from":"2026-10-01T08:00:00Z","to":"2026-10-04T08:00:00Z","failures":{"VN-TD-PW-001":4}}"#)
        _ = try await agent.post(base + "/v1/compactions", compacted)
        _ = try await other.post(base + "/v1/compactions", compacted)
        _ = try await anonymous.post(base + "/v1/compactions", compacted)
        // The unit's catalogue bundle: none yet (204), published (200), already held (304), no certificate (401).
        _ = try await agent.get(base + "/v1/bundle")
        let layer = work.appendingPathComponent("layer.yaml")
        try Data("catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [anydesk]}\n".utf8).write(to: layer)
        let published = try collector.command(["catalogue", "publish", "--unit", "UBND xã Tứ Dân", "--file", layer.path])
        #expect(published.status == 0, "\(published.stderr)")
        let bundle = try await agent.get(base + "/v1/bundle")
        let etag = try #require(bundle.headers.first { $0.0.lowercased() == "etag" }?.1)
        #expect(try await agent.send(base + "/v1/bundle", method: .GET, body: nil, headers: [("If-None-Match", etag)]).status == 304)
        _ = try await anonymous.get(base + "/v1/bundle")
        _ = try await agent.get(base + "/v1/bundle-keys")
        _ = try await anonymous.get(base + "/v1/bundle-keys")
        // A renewal for the PC's own key (200), again the same day (429), for another key (400), without a certificate (401).
        let renewal = try JSONEncoder().encode(["csr": csr])
        #expect(try await agent.post(base + "/v1/certificate", renewal).status == 200)
        #expect(try await agent.post(base + "/v1/certificate", renewal).status == 429)
        #expect(try await agent.post(base + "/v1/certificate", try JSONEncoder().encode(["csr": try HostKey.generate().certificateRequest(hostname: "x").pemString])).status == 400)
        _ = try await anonymous.post(base + "/v1/certificate", renewal)

        // What a compromised agent might send: a control twice (422), a string over 8 KiB (413).
        var forged = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])
        var results = try #require(forged["results"] as? [[String: Any]])
        forged["reportId"] = UUID().uuidString
        results[1]["control"] = results[0]["control"]
        forged["results"] = results
        _ = try await agent.post(base + "/v1/reports", try JSONSerialization.data(withJSONObject: forged))
        results[1]["control"] = "VN-TD-X-999"
        results[1]["area"] = String(repeating: "a", count: 9_000)
        forged["results"] = results
        _ = try await agent.post(base + "/v1/reports", try JSONSerialization.data(withJSONObject: forged))
        // Each refusal is one log line naming the request, the route, the host and why; the 412 "send
        // it whole", an answer of the ordinary run, is not logged.
        let refused = collector.output.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: String]
        }.filter { $0["message"] == "request refused" && $0["host"] == hostId }
        let duplicated = try #require(refused.first { $0["status"] == "422" })
        #expect(duplicated["route"] == "/v1/reports" && duplicated["method"] == "POST" && duplicated["hb.request.id"] != nil, "\(duplicated)")
        #expect(duplicated["reason"]?.contains("appears twice") == true && duplicated["address"] == "127.0.0.1", "\(duplicated)")
        #expect(refused.contains { $0["status"] == "413" } && !refused.contains { $0["status"] == "412" }, "\(refused)")

        // Officers: refused, locked, signed in; then approvals and queries. Changes carry this
        // collector's Origin and, with a session, its anti-forgery token.
        let origin = ("Origin", base)
        func signIn(_ body: String, headers: [(String, String)] = [origin]) async throws -> HTTPS.Answer {
            try await anonymous.send(base + "/v1/officer/session", method: .POST, body: json(body), headers: headers)
        }
        _ = try await signIn(#"{"user":"root"}"#)
        _ = try await signIn(#"{"user":"root","password":"x"}"#, headers: [("Origin", "https://evil.example")])
        _ = try await signIn(#"{"user":"lock-me","password":"wrong"}"#)
        _ = try await signIn(#"{"user":"lock-me","password":"wrong"}"#)
        _ = try await signIn(#"{"user":"lock-me","password":"wrong"}"#)
        let session = try await signIn(#"{"user":"root","password":"\#(OfficerTests.password)"}"#)
        let cookie = try #require(session.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let csrf = try #require(try JSONDecoder().decode([String: String].self, from: session.body)["csrfToken"])
        func officer(_ method: HTTPMethod, _ path: String, _ body: Data? = nil, signedIn: Bool = true, token: String? = nil) async throws -> HTTPS.Answer {
            try await anonymous.send(base + path, method: method, body: body, headers: signedIn ? [("Cookie", cookie), origin, ("X-CSRF-Token", token ?? csrf)] : [origin])
        }
        let approved = try await officer(.POST, "/v1/officer/jobs", json(#"{"host":"\#(hostId)","controls":["VN-TD-PW-004"]}"#))
        let job = try #require(try JSONDecoder().decode([String: AnyCodable].self, from: approved.body)["id"]?.text)
        _ = try await officer(.POST, "/v1/officer/jobs", json(#"{"host":"\#(hostId)","controls":[]}"#))
        _ = try await officer(.POST, "/v1/officer/jobs", json(#"{"host":"h-nobody","controls":["VN-TD-PW-004"]}"#))
        _ = try await officer(.POST, "/v1/officer/jobs", json("{}"), signedIn: false)
        _ = try await officer(.POST, "/v1/officer/jobs", json(#"{"host":"\#(hostId)","controls":["VN-TD-PW-004"]}"#), token: "forged")
        _ = try await officer(.GET, "/v1/officer/status?unit=UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n")
        _ = try await officer(.GET, "/v1/officer/status")
        _ = try await officer(.GET, "/v1/officer/status?unit=x", signedIn: false)
        _ = try await officer(.GET, "/v1/officer/failing?control=VN-TD-PW-001")
        _ = try await officer(.GET, "/v1/officer/failing")

        // Waivers: recorded for a host and for the unit, listed, ended once; refusals.
        let unit = "UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n"
        let inAYear = Timestamp(Date().addingTimeInterval(365 * 86_400)).description
        let waiver = #"{"unit":"UBND xã Tứ Dân","host":"\#(hostId)","control":"VN-TD-PW-001","justification":"Máy kế toán chờ nâng cấp","approvedBy":"Chủ tịch UBND xã","expiresAt":"\#(inAYear)"}"#
        let recorded = try await officer(.POST, "/v1/officer/waivers", json(waiver))
        #expect(recorded.status == 201, "\(String(decoding: recorded.body, as: UTF8.self))")
        let waiverId = try #require(try JSONDecoder().decode([String: AnyCodable].self, from: recorded.body)["id"]?.text)
        _ = try await officer(.POST, "/v1/officer/waivers", json(waiver.replacingOccurrences(of: #""host":"\#(hostId)","#, with: "")))
        #expect(try await officer(.POST, "/v1/officer/waivers", json(waiver.replacingOccurrences(of: inAYear, with: "2020-01-01T00:00:00Z"))).status == 400)
        #expect(try await officer(.POST, "/v1/officer/waivers", json(waiver.replacingOccurrences(of: hostId, with: "h-nobody"))).status == 404)
        _ = try await officer(.POST, "/v1/officer/waivers", json(#"{"unit":"x"}"#))
        _ = try await officer(.POST, "/v1/officer/waivers", json(waiver), signedIn: false)
        _ = try await officer(.POST, "/v1/officer/waivers", json(waiver), token: "forged")
        #expect(try await officer(.POST, "/v1/officer/waivers", json(String(repeating: " ", count: 70_000) + waiver)).status == 413)
        _ = try await officer(.GET, "/v1/officer/waivers?unit=\(unit)")
        _ = try await officer(.GET, "/v1/officer/waivers?unit=\(unit)&all=true")
        _ = try await officer(.GET, "/v1/officer/waivers")
        #expect(try await officer(.GET, "/v1/officer/waivers?unit=\(unit)&all=yes").status == 400)
        _ = try await officer(.GET, "/v1/officer/waivers?unit=\(unit)", signedIn: false)
        #expect(try await officer(.POST, "/v1/officer/waivers/\(waiverId)/end").status == 200)
        #expect(try await officer(.POST, "/v1/officer/waivers/\(waiverId)/end").status == 409)
        _ = try await officer(.POST, "/v1/officer/waivers/not-a-uuid/end")
        _ = try await officer(.POST, "/v1/officer/waivers/\(UUID())/end")
        _ = try await officer(.POST, "/v1/officer/waivers/\(waiverId)/end", token: "forged")
        _ = try await officer(.POST, "/v1/officer/waivers/\(waiverId)/end", signedIn: false)

        // Attestations of the organisational measures, with a file whose hash the collector computes.
        let pdf = Data("%PDF-1.7 quyết định 12/QĐ-UBND\n".utf8)
        func attestation(_ control: String = "VN-TD-ATT-003", unit: String = "UBND xã Tứ Dân", file: (String, String, Data)? = nil) -> Data {
            let attached = file.map { #","file":{"name":"\#($0.0)","mediaType":"\#($0.1)","content":"\#($0.2.base64EncodedString())","sha256":"00"}"# } ?? ""
            return json(#"{"unit":"\#(unit)","control":"\#(control)","attestedOn":"2026-01-15","reference":"12/QĐ-UBND","attestedBy":"Chủ tịch UBND xã","validUntil":"\#(inAYear)"\#(attached)}"#)
        }
        let attested = try await officer(.POST, "/v1/officer/attestations", attestation(file: ("Quyết định 12.pdf", "application/pdf", pdf)))
        #expect(attested.status == 201, "\(String(decoding: attested.body, as: UTF8.self))")
        let record = try #require(try JSONSerialization.jsonObject(with: attested.body) as? [String: Any])
        let attestationId = try #require(record["id"] as? String)
        // sha256sum of those bytes; the client's own "sha256" member is ignored.
        #expect((record["file"] as? [String: Any])?["sha256"] as? String == "5c05c3ef705c23d7956020fc4eaa410010bd7bc43e2b8025010dafe65d4cc935")
        let uploadedPage = try await officer(.POST, "/v1/officer/attestations", attestation("VN-TD-ATT-004", file: ("trang.html", "text/html", Data("<script>alert(1)</script>".utf8))))
        let pageId = try #require(try JSONDecoder().decode([String: AnyCodable].self, from: uploadedPage.body)["id"]?.text)
        let noFile = try await officer(.POST, "/v1/officer/attestations", attestation("VN-TD-ATT-005"))
        let noFileId = try #require(try JSONDecoder().decode([String: AnyCodable].self, from: noFile.body)["id"]?.text)
        #expect(try await officer(.POST, "/v1/officer/attestations", attestation("VN-TD-PW-001")).status == 400)
        #expect(try await officer(.POST, "/v1/officer/attestations", attestation(unit: "Nowhere", file: ("a.pdf", "application/pdf", Data([1])))).status == 404)
        _ = try await officer(.POST, "/v1/officer/attestations", json(#"{"unit":"UBND xã Tứ Dân","file":{"content":"not base64!"}}"#))
        _ = try await officer(.POST, "/v1/officer/attestations", attestation(), token: "forged")
        _ = try await officer(.POST, "/v1/officer/attestations", attestation(), signedIn: false)
        // Past the attestation's own bound (an 11 MiB file is 14.7 MiB as base64); 10 MiB fits but is refused by the store.
        #expect(try await officer(.POST, "/v1/officer/attestations", attestation(file: ("big.pdf", "application/pdf", Data(count: 11 << 20)))).status == 413)
        #expect(try await officer(.POST, "/v1/officer/attestations", attestation(file: ("big.pdf", "application/pdf", Data(count: (10 << 20) + 1)))).status == 400)
        _ = try await officer(.GET, "/v1/officer/attestations?unit=\(unit)")
        _ = try await officer(.GET, "/v1/officer/attestations")
        _ = try await officer(.GET, "/v1/officer/attestations?unit=\(unit)", signedIn: false)
        let download = try await officer(.GET, "/v1/officer/attestations/\(attestationId)/file")
        #expect(download.status == 200 && download.body == pdf)
        let headers = Dictionary(download.headers.map { ($0.0.lowercased(), $0.1) }, uniquingKeysWith: { a, _ in a })
        #expect(headers["content-type"] == "application/pdf" && headers["x-content-type-options"] == "nosniff")
        #expect(headers["content-disposition"] == #"attachment; filename="Quyet_dinh_12.pdf"; filename*=UTF-8''Quy%E1%BA%BFt%20%C4%91%E1%BB%8Bnh%2012.pdf"#)
        // An uploaded page is handed out as bytes, never as a page of the collector.
        let html = try await officer(.GET, "/v1/officer/attestations/\(pageId)/file")
        #expect(html.headers.first { $0.0.lowercased() == "content-type" }?.1 == "application/octet-stream")
        _ = try await officer(.GET, "/v1/officer/attestations/\(noFileId)/file")
        _ = try await officer(.GET, "/v1/officer/attestations/not-a-uuid/file")
        _ = try await officer(.GET, "/v1/officer/attestations/\(attestationId)/file", signedIn: false)

        // The agent fetches and finishes the job; refusals for a bad id, another's job, no certificate.
        _ = try await agent.get(base + "/v1/jobs")
        _ = try await anonymous.get(base + "/v1/jobs")
        let result = json(#"{"state":"applied","transaction":"000001-20261125T080000Z","fixed":["VN-TD-PW-004"]}"#)
        _ = try await other.post(base + "/v1/jobs/\(job)/result", result)
        _ = try await agent.post(base + "/v1/jobs/\(job)/result", result)
        _ = try await agent.post(base + "/v1/jobs/\(job)/result", result)
        _ = try await agent.post(base + "/v1/jobs/not-a-uuid/result", result)
        _ = try await agent.post(base + "/v1/jobs/\(job)/result", json(#"{"state":"approved"}"#))

        // Web pages.
        _ = try await anonymous.get(base + "/sign-in")
        _ = try await anonymous.get(base + "/")
        func form(_ path: String, _ text: String, headers: [(String, String)] = [origin]) async throws -> HTTPS.Answer {
            try await anonymous.send(base + path, method: .POST, body: json(text), type: "application/x-www-form-urlencoded", headers: headers)
        }
        _ = try await form("/sign-in", "user=root&password=wrong")
        _ = try await form("/sign-in", "user=root")
        _ = try await form("/sign-in", "user=root&password=wrong", headers: [])
        _ = try await form("/sign-in", "user=lock-me&password=x")
        _ = try await form("/sign-in", String(repeating: "u", count: 9_000))
        let web = try await form("/sign-in", "user=root&password=\(OfficerTests.password.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
        let webCookie = try #require(web.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let page = try await anonymous.send(base + "/", method: .GET, body: nil, headers: [("Cookie", webCookie)])
        let webCSRF = try #require(String(decoding: page.body, as: UTF8.self).firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
        // Revoking through the API: refusals, then pc-other for real; its certificate is refused at once (403).
        let otherId = try #require(try collector.command(["hosts", "list"]).stdout.split(separator: "\n").first { $0.contains("pc-other") }?.split(separator: " ").first.map(String.init))
        _ = try await officer(.POST, "/v1/officer/hosts/\(otherId)/revoke", token: "forged")
        _ = try await officer(.POST, "/v1/officer/hosts/h-nobody/revoke")
        _ = try await officer(.POST, "/v1/officer/hosts/\(otherId)/revoke", signedIn: false)
        let revoked = try await officer(.POST, "/v1/officer/hosts/\(otherId)/revoke")
        #expect(revoked.status == 200 && String(decoding: revoked.body, as: UTF8.self).contains(#""revokedCertificates":1"#))
        #expect(try await other.post(base + "/v1/reports", report).status == 403)

        try await officeViews(officer: officer, page: { path in try await anonymous.send(base + path, method: .GET, body: nil, headers: [("Cookie", webCookie)]) },
                              form: { path, text in try await form(path, text.replacingOccurrences(of: "CSRF", with: webCSRF), headers: [("Cookie", webCookie), origin]) },
                              anonymous: anonymous, base: base, host: hostId, other: otherId)
        _ = try await form("/sign-out", "csrf=forged", headers: [("Cookie", webCookie), origin])
        _ = try await form("/sign-out", "csrf=\(webCSRF)", headers: [("Cookie", webCookie), origin])

        // Revoked at the keyboard: the agent's certificate is refused from now on.
        #expect(try collector.command(["hosts", "revoke", hostId]).status == 0)
        _ = try await agent.post(base + "/v1/reports", report)
        _ = try await agent.get(base + "/v1/jobs")

        // The audit log: every change above, the revocation at the keyboard included, newest first.
        let audit = try await officer(.GET, "/v1/officer/audit?unit=\(unit)")
        let entries = try #require((try JSONSerialization.jsonObject(with: audit.body) as? [String: Any])?["entries"] as? [[String: Any]])
        // Newest first: the keyboard, the office pages' forms (officeViews), the API revocation, the rest above.
        #expect(entries.compactMap { $0["action"] as? String } == ["host-revoked", "attestation-recorded", "waiver-recorded", "job-approved", "host-revoked",
                                                                    "attestation-recorded", "attestation-recorded", "attestation-recorded",
                                                                    "waiver-ended", "waiver-recorded", "waiver-recorded", "job-approved", "catalogue-published"])
        #expect(entries.first?["role"] as? String == "local-admin" && entries.dropFirst().first?["role"] as? String == "supervisor" && entries.last?["role"] as? String == "local-admin")
        _ = try await officer(.GET, "/v1/officer/audit?limit=2")
        _ = try await officer(.GET, "/v1/officer/audit?limit=0")
        _ = try await officer(.GET, "/audit")
        _ = try await officer(.GET, "/audit?before=0")
        _ = try await officer(.GET, "/audit", signedIn: false)
        _ = try await officer(.GET, "/v1/officer/audit", signedIn: false)

        // The catalogues (issue 16): read, published for the commune and the unit, refused.
        _ = try await officer(.GET, "/v1/officer/catalogues")
        _ = try await officer(.GET, "/v1/officer/catalogues?unit=\(unit)")
        _ = try await officer(.GET, "/v1/officer/catalogues?unit=" + String(repeating: "x", count: 300))
        let communeLayer = #"{"parameters":{"VN-TD-PW-004.max_days":90},"catalogs":{"software.denied":{"all":["anydesk","teamviewer*"]}},"note":"mặc định cấp xã"}"#
        #expect(try await officer(.POST, "/v1/officer/catalogues", json(communeLayer)).status == 201)
        #expect(try await officer(.POST, "/v1/officer/catalogues", json(communeLayer)).status == 409)
        #expect(try await officer(.POST, "/v1/officer/catalogues", json(#"{"unit":"UBND xã Tứ Dân","parameters":{"VN-TD-PW-004.max_days":365}}"#)).status == 400)
        #expect(try await officer(.POST, "/v1/officer/catalogues", json(#"{"unit":"UBND xã Tứ Dân","catalogs":{"software.denied":{"all":["anydesk","sudo"]}}}"#)).status == 201)
        _ = try await officer(.POST, "/v1/officer/catalogues/preview", json(#"{"unit":"UBND xã Tứ Dân","catalogs":{"software.denied":{"all":["anydesk"]}}}"#))
        _ = try await officer(.POST, "/v1/officer/catalogues/preview", json(#"{"parameters":{"VN-TD-PW-004.max_days":365}}"#))
        _ = try await officer(.POST, "/v1/officer/catalogues", json(communeLayer), signedIn: false)
        _ = try await officer(.POST, "/v1/officer/catalogues", json(communeLayer), token: "forged")
        let catalogues = try await officer(.GET, "/v1/officer/catalogues?unit=\(unit)")
        let shown = try #require(try JSONSerialization.jsonObject(with: catalogues.body) as? [String: Any])
        #expect((shown["bundle"] as? [String: Any])?["version"] as? Int == 3 && (shown["bundles"] as? [Any])?.count == 3, "\(shown)")

        // The incident register (issue 15), with a PC enrolled for it (the two above are revoked).
        let responder = try await enroll(HostKey.generate(), "pc-incident")
        defer { responder.close() }
        let responderId = try #require(try collector.command(["hosts", "list"]).stdout.split(separator: "\n").first { $0.contains("pc-incident") }?.split(separator: " ").first.map(String.init))
        try await incidentExchanges(agent: responder, identity: (work.appendingPathComponent("pc-incident/host.pem").path, work.appendingPathComponent("pc-incident/host.key").path),
                                    anonymous: anonymous, base: base, host: responderId, officer: officer,
                                    page: { path in try await anonymous.send(base + path, method: .GET, body: nil, headers: [("Cookie", webCookie)]) },
                                    form: { path, text in try await form(path, text.replacingOccurrences(of: "CSRF", with: webCSRF), headers: [("Cookie", webCookie), origin]) })

        // Every kind of answer was provoked, so the document's refusals are held to the server too.
        let statuses = Set(exchanges.items.compactMap { $0["status"] as? Int })
        #expect(statuses == [200, 201, 204, 302, 303, 304, 400, 401, 403, 404, 409, 412, 413, 422, 429], "\(statuses.sorted())")
        let file = work.appendingPathComponent("exchanges.json")
        try JSONSerialization.data(withJSONObject: exchanges.items, options: [.prettyPrinted]).write(to: file)
        let checked = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), [
            Repository.root.appendingPathComponent("Tests/CollectorTests/openapi/conformance.py").path,
            Repository.root.appendingPathComponent("openapi/collector.yaml").path, file.path,
        ])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        #expect(checked.stdout.contains(#""problems": 0"#))
    }

    /// The office's views (issue 13 points 1–3, 7–8), their pages and forms: each operation with its
    /// success and its refusals. `form` replaces CSRF in the text with the page's token.
    func officeViews(officer: (HTTPMethod, String, Data?, Bool, String?) async throws -> HTTPS.Answer, page: (String) async throws -> HTTPS.Answer,
                     form: (String, String) async throws -> HTTPS.Answer, anonymous: HTTPS, base: String, host: String, other: String) async throws {
        let unit = "UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n"
        let days = DateFormatter()
        days.dateFormat = "yyyy-MM-dd"
        days.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        let (today, inAQuarter, inAYear) = (days.string(from: Date()), days.string(from: Date().addingTimeInterval(90 * 86_400)), days.string(from: Date().addingTimeInterval(365 * 86_400)))
        func get(_ path: String) async throws { _ = try await officer(.GET, path, nil, true, nil) }
        try await get("/v1/officer/units")
        _ = try await officer(.GET, "/v1/officer/units", nil, false, nil)
        try await get("/v1/officer/units/\(unit)?state=failing&sort=latest")
        try await get("/v1/officer/units/\(unit)?page=3")
        try await get("/v1/officer/hosts/\(host)")
        try await get("/v1/officer/hosts/h-nobody")
        try await get("/v1/officer/hosts/\(String(repeating: "h", count: 200))")
        try await get("/v1/officer/hosts/\(host)/history?control=VN-TD-PW-001")
        try await get("/v1/officer/hosts/\(host)/history?control=x")
        try await get("/v1/officer/hosts/h-nobody/history")
        try await get("/v1/officer/controls/VN-TD-PW-001?unit=\(unit)&status=fail&pageSize=10")
        try await get("/v1/officer/controls/VN-TD-PW-001?pageSize=501")
        try await get("/v1/officer/controls/VN-TD-ZZ-999")
        try await get("/v1/officer/compliance?unit=\(unit)&by=article")
        try await get("/v1/officer/compliance?from=25-11-2026")

        _ = try await page("/units/\(unit)")
        _ = try await page("/units/\(String(repeating: "u", count: 300))")
        _ = try await page("/hosts/\(host)")
        _ = try await page("/hosts/h-nobody")
        _ = try await page("/controls/VN-TD-PW-001?unit=\(unit)")
        _ = try await page("/controls/VN-TD-ZZ-999")
        _ = try await page("/controls/PW")
        _ = try await page("/language?to=en&back=%2Fhosts%2F\(host)")
        _ = try await anonymous.get(base + "/units/\(unit)")
        _ = try await anonymous.get(base + "/language?to=en")
        _ = try await form("/hosts/\(host)/jobs", "csrf=CSRF&controls=VN-TD-PW-004")
        _ = try await form("/hosts/\(host)/jobs", "csrf=CSRF&controls=PW4")
        _ = try await form("/hosts/h-nobody/jobs", "csrf=CSRF&controls=VN-TD-PW-004")
        _ = try await form("/hosts/\(host)/jobs", "csrf=forged&controls=VN-TD-PW-004")
        _ = try await form("/units/\(unit)/waivers", "csrf=CSRF&control=VN-TD-PW-001&host=\(host)&justification=M%C3%A1y%20in%20c%C5%A9&approvedBy=Ch%E1%BB%A7%20t%E1%BB%8Bch&expires=\(inAQuarter)")
        _ = try await form("/units/\(unit)/waivers", "csrf=CSRF&control=VN-TD-PW-001&justification=x&approvedBy=y&expires=30/06/2027")
        _ = try await form("/units/\(unit)/waivers", "csrf=CSRF&control=VN-TD-PW-001&host=h-nobody&justification=x&approvedBy=y&expires=\(inAQuarter)")
        _ = try await form("/units/\(unit)/waivers", "csrf=CSRF&control=VN-TD-PW-001")
        _ = try await form("/units/\(unit)/waivers", "csrf=forged")
        _ = try await form("/units/\(unit)/attestations", "csrf=CSRF&control=VN-TD-ATT-001&attestedOn=\(today)&reference=12%2FQ%C4%90-UBND&attestedBy=x&validUntil=\(inAYear)")
        _ = try await form("/units/\(unit)/attestations", "csrf=CSRF&control=VN-TD-PW-001&attestedOn=\(today)&attestedBy=x&validUntil=\(inAYear)")
        _ = try await form("/units/\(unit)/attestations", "csrf=forged")
        _ = try await form("/hosts/h-nobody/revoke", "csrf=CSRF")
        _ = try await form("/hosts/\(String(repeating: "h", count: 200))/revoke", "csrf=CSRF")
        _ = try await form("/hosts/\(other)/revoke", "csrf=forged")
        // pc-other was revoked through the API just before: the form answers as for a first time.
        _ = try await form("/hosts/\(other)/revoke", "csrf=CSRF")
    }

    /// The checker is not blind: an undocumented status and a body off its schema are caught.
    @Test(.enabled(if: canRun, "needs Debian's python3-yaml and python3-jsonschema"))
    func theCheckerCatchesDeviations() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let file = work.appendingPathComponent("bad.json")
        let bad: [[String: Any]] = [
            ["method": "GET", "path": "/v1/health", "status": 418, "contentType": "application/json", "body": "{}"],
            ["method": "POST", "path": "/v1/reports", "status": 200, "contentType": "application/json", "body": #"{"outcome":"maybe"}"#],
            ["method": "GET", "path": "/v1/nowhere", "status": 200, "contentType": "", "body": ""],
        ]
        try JSONSerialization.data(withJSONObject: bad).write(to: file)
        let checked = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), [
            Repository.root.appendingPathComponent("Tests/CollectorTests/openapi/conformance.py").path,
            Repository.root.appendingPathComponent("openapi/collector.yaml").path, file.path,
        ])
        #expect(checked.status == 1)
        for expected in ["GET /v1/health → 418: status not documented", "outcome: 'maybe' is not one of", "/v1/nowhere → 200: path not in the document", "documented but never exercised"] {
            #expect(checked.stdout.contains(expected), "\(checked.stdout)")
        }
    }
}

/// Just enough to read one string member of a JSON object of mixed members.
struct AnyCodable: Decodable {
    var text: String?

    init(from decoder: any Decoder) throws {
        text = try? decoder.singleValueContainer().decode(String.self)
    }
}
