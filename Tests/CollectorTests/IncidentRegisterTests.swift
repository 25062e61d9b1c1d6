import AgentRuntime
import AtttTestSupport
import CollectorAPI
import Foundation
import GRDB
import HostAccess
import NIOHTTP1
import NIOSSL
import Testing

/// The incident register end to end (Điều 11 khoản 2; Điều 15 khoản 2 điểm b): a real collector, PCs
/// enrolled by `attt enroll`, manifests signed by `openssl` with the PC's own key. Roles as in
/// RolesTests: supervisors = `root`, unit A's IT officer = `daemon`, unit B's = `bin`, inspectors = `sys`.
@Suite(.serialized) struct IncidentRegisterTests {
    let officers = OfficerTests()
    let agents = EnrollmentAndUploadTests()
    static let unitA = "UBND xã Tứ Dân", unitB = "Trạm y tế xã"

    static var canRun: Bool { OfficerTests.pamExecPresent && RolesTests.accountsPresent && FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    /// A manifest as `attt incident collect` writes it (schema attt.evidence.v1).
    static func manifest(id: UUID, host: String) -> Data {
        let sha = String(repeating: "ab", count: 32)
        return Data("""
            {"schema":"attt.evidence.v1","id":"\(id.uuidString)","host":{"id":"\(host)","hostname":"pc-a","unit":"\(unitA)"},"officer":"Nguyễn Văn A",\
            "startedAt":"2027-01-02T08:00:00Z","finishedAt":"2027-01-02T08:10:00Z","complete":true,\
            "destination":{"path":"/media/usb","device":"8:17","model":"USB DISK","serial":"123","filesystem":"ext4"},"sourceDisks":[],\
            "categories":[{"name":"logs","files":42,"bytes":1048576}],"live":[],"sums":{"name":"SHA256SUMS","size":4000,"sha256":"\(sha)"},\
            "files":{"name":"files.jsonl","size":9000,"sha256":"\(sha)"},"skipped":[],"excluded":[]}
            """.utf8)
    }

    /// `openssl dgst -sha256 -sign`: the DER ECDSA signature the PC's signer makes.
    static func sign(_ data: Data, key: String, in dir: URL) throws -> Data {
        let input = dir.appendingPathComponent("manifest-\(UUID()).json"), output = dir.appendingPathComponent("sig-\(UUID())")
        try data.write(to: input)
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/openssl"), ["dgst", "-sha256", "-sign", key, "-out", output.path, input.path])
        guard out.status == 0 else { throw CollectorProcess.Failure(description: "openssl: \(out.stderr)") }
        return try Data(contentsOf: output)
    }

    static func upload(id: UUID, manifest: Data, signature: Data?, certificate: String?, incident: UUID? = nil) throws -> Data {
        var body: [String: Any] = ["id": id.uuidString, "manifest": manifest.base64EncodedString()]
        if let signature { body["signature"] = signature.base64EncodedString() }
        if let certificate { body["certificate"] = certificate }
        if let incident { body["incident"] = incident.uuidString }
        return try JSONSerialization.data(withJSONObject: body)
    }

    @Test(.enabled(if: canRun, "needs pam_exec.so, Debian's system accounts root, daemon, bin, sys and nobody, and openssl"))
    func stepsManifestsAndReportsReachTheRegisterAndOfficersActByRole() async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: [
                "ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unitA)=daemon;\(Self.unitB)=bin",
            ],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        var roots: [String: URL] = [:], hosts: [String: String] = [:]
        for (name, unit) in [("pc-a", Self.unitA), ("pc-b", Self.unitB)] {
            let root = try agents.agent(name)
            let enrolled = try agents.enroll(root, collector, token: try collector.token(unit: unit))
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            roots[name] = root
            hosts[name] = try agents.hostId(root)
        }
        let (rootA, rootB) = (try #require(roots["pc-a"]), try #require(roots["pc-b"]))
        let (hostA, hostB) = (try #require(hosts["pc-a"]), try #require(hosts["pc-b"]))
        func identity(_ root: URL) -> (String, String) {
            (root.appendingPathComponent("var/lib/attt/identity/host.pem").path, root.appendingPathComponent("var/lib/attt/identity/host.key").path)
        }
        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        let agentA = try HTTPS(trust: ca, identity: identity(rootA)), anonymous = try HTTPS(trust: ca)
        defer { agentA.close(); anonymous.close() }
        let base = collector.url
        func outcome(_ answer: HTTPS.Answer) -> String { (try? JSONDecoder().decode([String: String].self, from: answer.body))?["outcome"] ?? "\(answer.status) \(String(decoding: answer.body, as: UTF8.self))" }

        // Bước 1 at the PC, before any incident was recorded: filed under a new one for the PC's unit.
        let stepId = UUID()
        let step = Data(#"{"id":"\#(stepId.uuidString)","kind":"isolate","at":"2027-01-02T08:00:00+07:00","actor":"Nguyễn Văn A","source":"terminal","outcome":"done","transaction":"tx-20270102-1"}"#.utf8)
        #expect(outcome(try await agentA.post(base + "/v1/incident-steps", step)) == "stored")
        #expect(outcome(try await agentA.post(base + "/v1/incident-steps", step)) == "duplicate")
        #expect(try await anonymous.post(base + "/v1/incident-steps", step).status == 401)
        #expect(try await agentA.post(base + "/v1/incident-steps", Data(#"{"id":"x"}"#.utf8)).status == 400)

        // Bước 2: the manifest signed by the PC's own key, then forgeries.
        let work = officers.work
        let certificateA = try String(contentsOfFile: identity(rootA).0, encoding: .utf8), certificateB = try String(contentsOfFile: identity(rootB).0, encoding: .utf8)
        let (genuine, forged, borrowed) = (UUID(), UUID(), UUID())
        let manifest = Self.manifest(id: genuine, host: hostA)
        let signature = try Self.sign(manifest, key: identity(rootA).1, in: work)
        #expect(outcome(try await agentA.post(base + "/v1/evidence-manifests", try Self.upload(id: genuine, manifest: manifest, signature: signature, certificate: certificateA))) == "stored")
        // Signed by another key (a stranger's) while naming this PC's certificate.
        let stranger = try EnrollmentAndUploadTests.selfMadeIdentity()
        let forgedBytes = Self.manifest(id: forged, host: hostA)
        #expect(outcome(try await agentA.post(base + "/v1/evidence-manifests",
                                              try Self.upload(id: forged, manifest: forgedBytes, signature: try Self.sign(forgedBytes, key: stranger.1, in: work), certificate: certificateA))) == "stored")
        // Signed by pc-b's real key with pc-b's certificate, sent over pc-a's connection.
        let borrowedBytes = Self.manifest(id: borrowed, host: hostA)
        #expect(outcome(try await agentA.post(base + "/v1/evidence-manifests",
                                              try Self.upload(id: borrowed, manifest: borrowedBytes, signature: try Self.sign(borrowedBytes, key: identity(rootB).1, in: work), certificate: certificateB))) == "stored")
        // Not base64, and a manifest over 256 KiB.
        #expect(try await agentA.post(base + "/v1/evidence-manifests", Data(#"{"id":"\#(UUID().uuidString)","manifest":"%%%"}"#.utf8)).status == 422)
        let huge = UUID()
        #expect(try await agentA.post(base + "/v1/evidence-manifests", try Self.upload(id: huge, manifest: Data(count: 300 << 10), signature: nil, certificate: nil)).status == 413)
        let kept = try await DatabaseQueue(path: collector.databasePath).read { db in
            try Dictionary(uniqueKeysWithValues: Row.fetchAll(db, sql: "SELECT id, signature_ok FROM evidence_manifest").map { ($0["id"] as String, $0["signature_ok"] as Bool) })
        }
        #expect(kept == [genuine.uuidString: true, forged.uuidString: false, borrowed.uuidString: false], "\(kept)")

        // A user's report: control and reordering characters are removed; too long is refused.
        let report = Data(#"{"id":"\#(UUID().uuidString)","uid":1000,"login":"ketoan","noticedAt":"2027-01-02T07:50:00+07:00","submittedAt":"2027-01-02T07:51:00+07:00","text":"Máy chạy rất chậm\u0007, màn hình \u202Ela lạ"}"#.utf8)
        #expect(outcome(try await agentA.post(base + "/v1/user-reports", report)) == "stored")
        let long = Data(#"{"id":"\#(UUID().uuidString)","uid":1000,"login":"ketoan","noticedAt":"x","submittedAt":"x","text":"\#(String(repeating: "a", count: 1_001))"}"#.utf8)
        #expect(try await agentA.post(base + "/v1/user-reports", long).status == 422)
        #expect(try await agentA.post(base + "/v1/user-reports", Data(String(repeating: " ", count: 9_000).utf8)).status == 413)

        // Officers, by role.
        let https = try HTTPS(trust: ca)
        defer { https.close() }
        let (officerA, officerB, inspector) = (try await officerSession(https, collector, "daemon"), try await officerSession(https, collector, "bin"), try await officerSession(https, collector, "sys"))
        func send(_ path: String, _ who: [(String, String)], _ body: String? = nil) async throws -> HTTPS.Answer {
            try await https.send(base + path, method: body == nil ? .GET : .POST, body: body.map { Data($0.utf8) }, headers: who)
        }
        func json(_ answer: HTTPS.Answer) -> Any? { try? JSONSerialization.jsonObject(with: answer.body) }
        let listA = try #require(json(try await send("/v1/officer/incidents", officerA)) as? [[String: Any]])
        let incident = try #require(listA.first?["id"] as? String)
        #expect(listA.count == 1 && (listA.first?["steps"] as? [Any])?.count == 1 && (listA.first?["manifests"] as? [Any])?.count == 3)
        #expect((json(try await send("/v1/officer/incidents", officerB)) as? [Any])?.isEmpty == true)
        #expect(try await send("/v1/officer/incidents/\(incident)", officerB).status == 404)
        #expect(try await send("/v1/officer/incidents/\(incident)", inspector).status == 200)

        // Isolation orders: another unit's officer does not find the incident, the inspector changes nothing.
        let isolate = #"{"host":"\#(hostA)","action":"isolate"}"#
        #expect(try await send("/v1/officer/incidents/\(incident)/isolation", officerB, isolate).status == 404)
        let refused = try await send("/v1/officer/incidents/\(incident)/isolation", inspector, isolate)
        #expect(refused.status == 403 && String(decoding: refused.body, as: UTF8.self).contains("chỉ được xem"))
        #expect(try await send("/v1/officer/incidents/\(incident)/isolation", officerA, #"{"host":"\#(hostB)","action":"isolate"}"#).status == 404)
        let ordered = try await send("/v1/officer/incidents/\(incident)/isolation", officerA, isolate)
        #expect(ordered.status == 201, "\(String(decoding: ordered.body, as: UTF8.self))")
        #expect(try await send("/v1/officer/incidents/\(incident)/isolation", officerA, isolate).status == 409)
        let jobs = try #require((json(try await agentA.get(base + "/v1/jobs")) as? [String: Any])?["jobs"] as? [[String: Any]])
        #expect(jobs.count == 1 && jobs.first?["kind"] as? String == "isolate" && jobs.first?["incident"] as? String == incident && jobs.first?["controls"] as? [String] == ["VN-TD-INC-001"])
        let expires = try #require((jobs.first?["expiresAt"] as? String).flatMap { ISO8601DateFormatter().date(from: $0) })
        #expect(abs(expires.timeIntervalSinceNow - 7_200) < 120, "an isolation order waits 2 hours at most")

        // Recording and updating: the officer of the unit yes, the other unit's and the inspector no.
        let record = #"{"unit":"\#(Self.unitA)","title":"Trang tin bị thay nội dung","detectedAt":"2026-12-01T01:00:00Z","detectedBy":"Trần B","detection":"external","signs":["content-changed"],"severity":"cao","hosts":["\#(hostA)"]}"#
        #expect(try await send("/v1/officer/incidents", officerB, record).status == 403)
        #expect(try await send("/v1/officer/incidents", inspector, record).status == 403)
        #expect(try await send("/v1/officer/incidents", officerA, record.replacingOccurrences(of: #""signs":["content-changed"]"#, with: #""signs":[]"#)).status == 400)
        #expect(try await send("/v1/officer/incidents", officerA, record).status == 201)
        #expect(try await send("/v1/officer/incidents/\(incident)", inspector, #"{"cause":"x"}"#).status == 403)
        let revised = try await send("/v1/officer/incidents/\(incident)", officerA, #"{"cause":"Mật khẩu yếu","state":"contained"}"#)
        #expect(revised.status == 200 && ((json(revised) as? [String: Any])?["current"] as? [String: Any])?["state"] as? String == "contained")
        #expect(try await send("/v1/officer/incidents/\(incident)/escalations", officerA, #"{"recipient":"Công an xã","sentAt":"2026-12-01T02:00:00Z","means":"Điện thoại"}"#).status == 201)

        // The users' reports: the queue shows the cleaned text; acknowledged once, by the unit's officer.
        let queue = try #require(json(try await send("/v1/officer/user-reports", officerA)) as? [[String: Any]])
        #expect(queue.count == 1 && queue.first?["text"] as? String == "Máy chạy rất chậm, màn hình la lạ", "\(queue)")
        let reportId = try #require(queue.first?["id"] as? String)
        #expect(try await send("/v1/officer/user-reports/\(reportId)/acknowledge", officerB, "{}").status == 404)
        #expect(try await send("/v1/officer/user-reports/\(reportId)/acknowledge", inspector, "{}").status == 403)

        // The pages, as the unit's officer sees them.
        let page = String(decoding: try await send("/user-reports", officerA).body, as: UTF8.self)
        #expect(page.contains("Máy chạy rất chậm, màn hình la lạ") && page.contains("Tiếp nhận"), "\(page)")
        #expect(try await send("/v1/officer/user-reports/\(reportId)/acknowledge", officerA, #"{"incident":"\#(incident)"}"#).status == 200)
        #expect(try await send("/v1/officer/user-reports/\(reportId)/acknowledge", officerA, "{}").status == 409)
        let detail = String(decoding: try await send("/incidents/\(incident)", officerA).body, as: UTF8.self)
        for text in ["Bước 1: cách ly", "Lệnh cách ly", "Đang cách ly", "Bỏ cách ly", "Hợp lệ", "Không hợp lệ", "tx-20270102-1", "Mật khẩu yếu", "Công an xã",
                     "Máy chạy rất chậm", "id=\"documents\""] {
            #expect(detail.contains(text), "\(text)")
        }
        let list = String(decoding: try await send("/incidents", officerA).body, as: UTF8.self)
        #expect(list.contains("Ghi nhận sự cố") && list.contains("Trang tin bị thay nội dung"))
        let hostPage = String(decoding: try await send("/hosts/\(hostA)", officerA).body, as: UTF8.self)
        #expect(hostPage.contains("Cách ly máy này") && hostPage.contains("Bỏ cách ly"))
        let inspectorPage = String(decoding: try await send("/incidents/\(incident)", inspector).body, as: UTF8.self)
        #expect(inspectorPage.contains("Đang cách ly") && !inspectorPage.contains("/isolation\"") && !inspectorPage.contains("Cập nhật sự cố"))

        // The biên bản and the báo cáo, made from the register by the periodic reports' machinery and read
        // back by poppler (PDF through LibreOffice) and as printable HTML.
        #expect(try await send("/incidents/\(incident)/documents/bien-ban?format=pdf", officerB).status == 404)
        #expect(try await send("/incidents/\(incident)/documents/nhat-ky?format=pdf", officerA).status == 404)
        #expect(try await send("/incidents/\(incident)/documents/bien-ban?format=exe", officerA).status == 400)
        let html = String(decoding: try await send("/incidents/\(incident)/documents/bao-cao?format=html", inspector).body, as: UTF8.self)
        #expect(html.contains("BÁO CÁO") && html.contains("Mật khẩu yếu") && html.contains("Công an xã"))
        // LibreOffice and poppler are test dependencies (scripts/deps.sh).
        let pdf = try await send("/incidents/\(incident)/documents/bien-ban?format=pdf", officerA)
        #expect(pdf.status == 200 && pdf.body.starts(with: Data("%PDF".utf8)), "\(pdf.status) \(String(decoding: pdf.body.prefix(300), as: UTF8.self))")
        let file = officers.work.appendingPathComponent("bien-ban.pdf")
        try pdf.body.write(to: file)
        let text = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-raw", file.path, "-"]).stdout
        for line in ["BIÊN BẢN", "Ghi nhận sự cố mất an toàn", "Mật khẩu yếu", "Công an xã", "NGƯỜI LẬP BIÊN BẢN", "THỦ TRƯỞNG ĐƠN VỊ"] {
            #expect(text.contains(line), "\(line)")
        }

        // The periodic report lists the incidents of its period (section VI).
        let today = ISO8601DateFormatter.string(from: Date(), timeZone: TimeZone(identifier: "Asia/Ho_Chi_Minh")!, formatOptions: [.withFullDate])
        let periodic = officers.work.appendingPathComponent("bao-cao-ky.html")
        let made = try collector.command(["report", "--unit", Self.unitA, "--from", "2026-11-01", "--to", today, "--format", "html", "--output", periodic.path])
        #expect(made.status == 0, "\(made.stderr)")
        let section = try String(contentsOf: periodic, encoding: .utf8)
        #expect(section.contains("ghi nhận 2 sự cố") && section.contains("Mật khẩu yếu") && section.contains("Người sử dụng gửi 1 báo cáo sự cố"), "\(section)")

        // Every change is in the audit log.
        let audit = try #require((json(try await send("/v1/officer/audit?unit=\(Self.unitA.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", officerA)) as? [String: Any])?["entries"] as? [[String: Any]])
        #expect(Set(audit.compactMap { $0["action"] as? String }).isSuperset(of: ["incident-recorded", "incident-updated", "isolation-ordered", "escalation-recorded", "user-report-acknowledged"]))
    }

    /// What the PC's own outbox holds (a step, a signed manifest, a user's report) reaches the register
    /// through a real `attt run`, once.
    @Test(.enabled(if: canRun, "needs pam_exec.so, Debian's system accounts root, daemon, bin, sys and nobody, and openssl"))
    func theAgentsOutboxReachesTheRegisterThroughItsRun() async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let collector = try CollectorProcess(stateDirectory: officers.work.appendingPathComponent("state"),
                                             environment: ["ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unitA)=daemon"],
                                             arguments: ["--pam-confdir", try officers.pamConfdir().path])
        defer { collector.stop() }
        let root = try agents.agent("pc-a")
        #expect(try agents.enroll(root, collector, token: try collector.token(unit: Self.unitA)).status == 0)
        let host = try agents.hostId(root)
        let identity = root.appendingPathComponent("var/lib/attt/identity")
        let box = IncidentOutbox(host: HostRoot(root.path))
        let incident = UUID()
        try box.enqueue(.step(IncidentStepMessage(incident: incident, kind: .isolate, at: "2026-12-01T08:00:00Z", actor: "Nguyễn Văn A", source: .terminal, outcome: .done, transaction: "tx-1")))
        let id = UUID()
        let manifest = Self.manifest(id: id, host: host)
        let signature = try Self.sign(manifest, key: identity.appendingPathComponent("host.key").path, in: officers.work)
        try box.enqueue(.manifest(EvidenceManifestUpload(id: id, incident: incident, manifest: manifest.base64EncodedString(), signature: signature.base64EncodedString(),
                                                         certificate: try String(contentsOf: identity.appendingPathComponent("host.pem"), encoding: .utf8), sums: nil)))
        try box.enqueue(.userReport(UserReportMessage(uid: 1000, login: "ketoan", noticedAt: "2026-12-01T07:50:00Z", submittedAt: "2026-12-01T07:51:00Z", text: "Không mở được tệp kế toán")))
        let run = try agents.run(root)
        #expect(run.status == 0 && run.stdout.contains("incident: sent 3"), "\(run.stdout)\(run.stderr)")
        #expect(try box.pending().isEmpty)
        let counts = try await DatabaseQueue(path: collector.databasePath).read { db in
            try Row.fetchOne(db, sql: """
                SELECT (SELECT count(*) FROM incident_step WHERE incident_id = ?1) AS steps,
                       (SELECT count(*) FROM evidence_manifest WHERE incident_id = ?1 AND signature_ok) AS signed,
                       (SELECT count(*) FROM user_report) AS reports, (SELECT unit FROM incident WHERE id = ?1) AS unit
                """, arguments: [incident.uuidString])
        }
        #expect(counts?["steps"] as Int? == 1 && counts?["signed"] as Int? == 1 && counts?["reports"] as Int? == 1 && counts?["unit"] as String? == Self.unitA)
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let officer = try await officerSession(https, collector, "daemon")
        let page = String(decoding: try await https.send(collector.url + "/user-reports", method: .GET, body: nil, headers: officer).body, as: UTF8.self)
        #expect(page.contains("Không mở được tệp kế toán"))
        // Sent once: a second run has nothing left to send.
        let again = try agents.run(root)
        #expect(again.status == 0 && !again.stdout.contains("incident: sent"), "\(again.stdout)")
    }
}
