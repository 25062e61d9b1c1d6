import AtttTestSupport
import Crypto
import Foundation
import GRDB
import NIOHTTP1
import NIOSSL
import Testing

extension IncidentRegisterTests {
    /// The biên bản and báo cáo kept as issued, the evidence manifest read back by unit, the overdue
    /// report up in words, the commune page's counts, and the `incident` commands, against a real
    /// collector with its own SQLite store, LibreOffice and poppler.
    @Test(.enabled(if: canRun && FileManager.default.isExecutableFile(atPath: "/usr/bin/pdftotext"),
                   "needs pam_exec.so, Debian's system accounts root, daemon, bin, sys and nobody, openssl and poppler-utils"))
    func documentsAreKeptAsIssuedAndManifestsReadByUnit() async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: [
                "ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unitA)=daemon;\(Self.unitB)=bin", "ATTT_COLLECTOR_INCIDENTS_ESCALATE_WITHIN_HOURS": "1",
            ],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        let root = try agents.agent("pc-a")
        #expect(try agents.enroll(root, collector, token: try collector.token(unit: Self.unitA)).status == 0)
        _ = try collector.token(unit: Self.unitB)
        let host = try agents.hostId(root)
        let identity = (root.appendingPathComponent("var/lib/attt/identity/host.pem").path, root.appendingPathComponent("var/lib/attt/identity/host.key").path)
        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        let agent = try HTTPS(trust: ca, identity: identity), https = try HTTPS(trust: ca)
        defer { agent.close(); https.close() }
        let base = collector.url

        // Bước 2's manifest, signed by the PC's key: it opens an incident for the PC's unit.
        let manifestId = UUID()
        let manifest = Self.manifest(id: manifestId, host: host)
        let upload = try Self.upload(id: manifestId, manifest: manifest, signature: try Self.sign(manifest, key: identity.1, in: officers.work),
                                     certificate: try String(contentsOfFile: identity.0, encoding: .utf8))
        #expect(try await agent.post(base + "/v1/evidence-manifests", upload).status == 200)

        let (officerA, officerB, inspector) = (try await officerSession(https, collector, "daemon"), try await officerSession(https, collector, "bin"), try await officerSession(https, collector, "sys"))
        func send(_ path: String, _ who: [(String, String)], _ body: String? = nil) async throws -> HTTPS.Answer {
            try await https.send(base + path, method: body == nil ? .GET : .POST, body: body.map { Data($0.utf8) }, headers: who)
        }
        func form(_ path: String, _ who: [(String, String)], _ fields: String) async throws -> HTTPS.Answer {
            let csrf = who.first { $0.0 == "X-CSRF-Token" }?.1 ?? ""
            return try await https.send(base + path, method: .POST, body: Data("csrf=\(csrf)&\(fields)".utf8), type: "application/x-www-form-urlencoded",
                                        headers: who.filter { $0.0 != "X-CSRF-Token" })
        }
        func object(_ answer: HTTPS.Answer) -> [String: Any] { (try? JSONSerialization.jsonObject(with: answer.body)) as? [String: Any] ?? [:] }
        func text(_ answer: HTTPS.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }
        let incident = try #require((try JSONSerialization.jsonObject(with: try await send("/v1/officer/incidents", officerA).body) as? [[String: Any]])?.first?["id"] as? String)

        // The manifest as received, by the incident's unit: its bytes hash to what the collector recorded.
        let kept = try await send("/v1/officer/evidence-manifests/\(manifestId.uuidString)", officerA)
        #expect(kept.status == 200, "\(text(kept))")
        let body = object(kept)
        let bytes = try #require((body["manifest"] as? String).flatMap { Data(base64Encoded: $0) })
        let sha = SHA256.hash(data: manifest).map { String(format: "%02x", $0) }.joined()
        #expect(bytes == manifest && body["manifestSHA256"] as? String == sha && body["signatureOK"] as? Bool == true && body["incident"] as? String == incident
                && body["host"] as? String == host && body["files"] as? Int == 42 && (body["serial"] as? String)?.isEmpty == false)
        #expect(try await send("/v1/officer/evidence-manifests/\(manifestId.uuidString)", inspector).status == 200)
        #expect(try await send("/v1/officer/evidence-manifests/\(manifestId.uuidString)", officerB).status == 404)
        #expect(try await send("/v1/officer/evidence-manifests/\(UUID().uuidString)", officerA).status == 404)
        #expect(try await send("/v1/officer/evidence-manifests/not-a-uuid", officerA).status == 400)
        #expect(text(try await send("/incidents/\(incident)", officerA)).contains("/v1/officer/evidence-manifests/\(manifestId.uuidString)"))

        // Issuing: the unit's officer yes; the inspector reads only; another unit does not find it.
        let issued = try await send("/v1/officer/incidents/\(incident)/documents?kind=bien-ban&format=html", officerA, "")
        #expect(issued.status == 201, "\(text(issued))")
        let record = object(issued)
        let recordId = try #require(record["id"] as? String)
        #expect(try await send("/v1/officer/incidents/\(incident)/documents?kind=bien-ban&format=html", inspector, "").status == 403)
        #expect(try await send("/v1/officer/incidents/\(incident)/documents?kind=bien-ban&format=html", officerB, "").status == 404)
        #expect(try await send("/v1/officer/incidents/\(incident)/documents?kind=nhat-ky&format=html", officerA, "").status == 400)
        #expect(try await send("/v1/officer/incidents/\(incident)/documents?kind=bien-ban&format=csv", officerA, "").status == 400)
        let download = try await send("/v1/officer/incidents/\(incident)/documents/\(recordId)", inspector)
        #expect(download.status == 200 && SHA256.hash(data: download.body).map { String(format: "%02x", $0) }.joined() == record["sha256"] as? String
                && download.body.count == record["size"] as? Int && text(download).contains("BIÊN BẢN"))
        #expect(try await send("/v1/officer/incidents/\(incident)/documents/\(recordId)", officerB).status == 404)
        #expect(try await send("/v1/officer/incidents/\(incident)/documents/\(UUID().uuidString)", officerA).status == 404)

        // The page's form issues a PDF báo cáo; the page lists both, and the kept copy is the same bytes.
        let posted = try await form("/incidents/\(incident)/documents", officerA, "kind=bao-cao&format=pdf")
        #expect(posted.status == 303 || posted.status == 200, "\(posted.status) \(text(posted))")
        let listed = try #require(try JSONSerialization.jsonObject(with: try await send("/v1/officer/incidents/\(incident)/documents", inspector).body) as? [[String: Any]])
        #expect(listed.map { $0["kind"] as? String } == ["bao-cao", "bien-ban"] && listed.map { $0["format"] as? String } == ["pdf", "html"])
        let report = try #require(listed.first)
        let page = text(try await send("/incidents/\(incident)", officerA))
        for piece in [record["sha256"] as? String, report["sha256"] as? String, "Lập và lưu", "/incidents/\(incident)/issued/\(recordId)", "daemon"] {
            #expect(page.contains(piece ?? "—"), "\(piece ?? "")")
        }
        #expect(!text(try await send("/incidents/\(incident)", inspector)).contains("Lập và lưu"), "an inspector issues nothing")
        let pdf = try await send("/incidents/\(incident)/issued/\(try #require(report["id"] as? String))", officerA)
        #expect(pdf.status == 200 && pdf.body.starts(with: Data("%PDF".utf8)) && SHA256.hash(data: pdf.body).map { String(format: "%02x", $0) }.joined() == report["sha256"] as? String)
        let file = officers.work.appendingPathComponent("bao-cao-su-co.pdf")
        try pdf.body.write(to: file)
        let printed = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/pdftotext"), ["-raw", file.path, "-"]).stdout
        #expect(printed.contains("BÁO CÁO"), "\(printed.prefix(400))")
        let audit = try #require(object(try await send("/v1/officer/audit?unit=\(Self.unitA.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", officerA))["entries"] as? [[String: Any]])
        let issuedEntries = audit.filter { $0["action"] as? String == "incident-document-issued" }
        #expect(Set(issuedEntries.compactMap { ($0["detail"] as? [String: String])?["sha256"] }) == Set([record["sha256"] as? String, report["sha256"] as? String].compactMap { $0 }))
        #expect(text(try await send("/audit", officerA)).contains("Lập tài liệu sự cố"))
        // Every reading of the manifest (the PC's files and sessions: personal data) is in the log, with who
        // read it: the unit's officer and the inspector; the refused and unknown ones are not readings.
        let reads = audit.filter { $0["action"] as? String == "evidence-manifest-read" }
        #expect(reads.count == 2 && reads.allSatisfy { $0["subject"] as? String == manifestId.uuidString && $0["host"] as? String == host }, "\(reads)")
        #expect(Set(reads.compactMap { $0["officer"] as? String }) == ["daemon", "sys"])
        #expect(text(try await send("/audit", officerA)).contains("Xem bản kê chứng cứ"))

        // Beyond the unit's capacity two hours ago, with a one-hour deadline and no report up: overdue, in words.
        let twoHoursAgo = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-7_200))
        #expect(try await send("/v1/officer/incidents/\(incident)", officerA, #"{"beyondCapacityAt":"\#(twoHoursAgo)"}"#).status == 200)
        // A user's report that arrived ten days ago and was never taken up.
        let old = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-10 * 86_400))
        try await DatabaseQueue(path: collector.databasePath).write { db in
            try db.execute(sql: "INSERT INTO user_report (id, host_id, uid, login, noticed_at, reported_at, received_at, text) VALUES (?, ?, 1000, 'ketoan', ?, ?, ?, 'Máy chậm')",
                           arguments: [UUID().uuidString, host, old, old, old])
        }
        #expect(text(try await send("/incidents", officerA)).contains("Quá hạn báo cáo"))
        #expect(text(try await send("/incidents/\(incident)", inspector)).contains("Quá hạn báo cáo"))
        #expect(text(try await send("/user-reports", officerA)).contains("Quá 1 ngày làm việc chưa tiếp nhận"))
        let home = text(try await send("/", officerA))
        for piece in ["Sự cố chưa đóng", "Quá hạn báo cáo cấp trên", "Chờ tiếp nhận quá 1 ngày làm việc", "card status-fail\"><b>1</b><a href=\"/incidents\">Quá hạn"] {
            #expect(home.contains(piece), "\(piece)")
        }
        #expect(!text(try await send("/", officerB)).contains("card status-fail"), "another unit's incidents are not counted")
        #expect(try await send("/v1/officer/incidents/\(incident)/escalations", officerA, #"{"recipient":"Công an xã","sentAt":"\#(ISO8601DateFormatter().string(from: Date()))","means":"Điện thoại"}"#).status == 201)
        #expect(!text(try await send("/incidents", officerA)).contains("Quá hạn báo cáo"))

        // The commands at the collector's keyboard.
        let listText = try collector.command(["incident", "list"])
        #expect(listText.status == 0 && listText.stdout.contains(incident) && listText.stdout.contains(Self.unitA), "\(listText.stdout)\(listText.stderr)")
        #expect(try collector.command(["incident", "list", "--state", "closed"]).stdout.isEmpty)
        let listJSON = try collector.command(["incident", "list", "--unit", Self.unitB, "--format", "json"])
        let unitB = try JSONSerialization.jsonObject(with: Data(listJSON.stdout.utf8)) as? [Any]
        #expect(listJSON.status == 0 && unitB?.isEmpty == true)
        let shown = try collector.command(["incident", "show", incident, "--format", "json"])
        let shownBody = try #require(try JSONSerialization.jsonObject(with: Data(shown.stdout.utf8)) as? [String: Any])
        #expect((shownBody["documents"] as? [Any])?.count == 2 && ((shownBody["incident"] as? [String: Any])?["manifests"] as? [[String: Any]])?.first?["signatureOK"] as? Bool == true)
        let shownText = try collector.command(["incident", "show", incident])
        for piece in ["chữ ký hợp lệ (signature_ok)", sha, "bien-ban", "bao-cao", "Công an xã", host] {
            #expect(shownText.stdout.contains(piece), "\(piece)")
        }
        let recorded = try collector.command(["incident", "record", "--unit", Self.unitA, "--title", "Máy in gửi thư rác", "--detected-at", "2026-12-01T08:30",
                                              "--severity", "thap", "--signs", "traffic-spike,other", "--host", host, "--by", "daemon"])
        #expect(recorded.status == 0 && recorded.stdout.contains("Máy in gửi thư rác"), "\(recorded.stdout)\(recorded.stderr)")
        let latest = try #require(object(try await send("/v1/officer/audit?unit=\(Self.unitA.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")", officerA))["entries"] as? [[String: Any]]).first
        #expect(latest?["action"] as? String == "incident-recorded" && latest?["officer"] as? String == "daemon", "\(String(describing: latest))")
        for (arguments, says) in [
            (["--severity", "rat-cao", "--by", "daemon"], "--severity rat-cao"),
            (["--severity", "thap", "--by", "khong-co-ai"], "không có tài khoản"),
            (["--severity", "thap", "--by", "daemon", "--signs", "lửa"], "--signs lửa"),
            (["--severity", "thap", "--by", "daemon", "--unit", "Không có"], "không có đơn vị"),
        ] {
            var all = ["incident", "record", "--unit", Self.unitA, "--title", "x", "--detected-at", "2026-12-01T08:30"] + arguments
            if arguments.contains("--unit") { all.removeSubrange(2...3) }
            let refused = try collector.command(all)
            #expect(refused.status == 2 && refused.stderr.contains(says), "\(arguments): \(refused.status) \(refused.stderr)")
        }
        let badTime = try collector.command(["incident", "record", "--unit", Self.unitA, "--title", "x", "--detected-at", "hôm qua", "--severity", "thap", "--by", "daemon"])
        #expect(badTime.status == 2 && badTime.stderr.contains("--detected-at"))
        #expect(try collector.command(["incident", "show", UUID().uuidString]).status == 2)
        #expect(try collector.command(["incident", "list", "--format", "xml"]).status == 2)
    }
}
