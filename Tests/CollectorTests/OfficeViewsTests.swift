import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// The office's views (issue 13 points 1–3, 7–8) on a real collector with real agents' reports:
/// a PC failing VN-TD-PW-001, a hardened one, one whose last word is a summary three days old
/// (silent, "mất liên lạc", under `hosts.silent-after: 2d`), one revoked; a second unit whose officer must not see the first.
@Suite(.serialized) struct OfficeViewsTests {
    let officers = OfficerTests()
    let agents = EnrollmentAndUploadTests()
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"
    static let unitPath = "UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n"

    struct Office {
        var collector: CollectorProcess
        var https: HTTPS
        var failing: String, hardened: String, silent: String, revoked: String, elsewhere: String
    }

    /// Starts the collector and its PCs; `body` gets them, and everything is stopped after.
    func withOffice(_ body: (Office) async throws -> Void) async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.other)=bin",
                          "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                          // Three days without a report is silent here (the default week would not be).
                          "ATTT_COLLECTOR_HOSTS_SILENT_AFTER": "2d"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        func pc(_ name: String, _ fixture: String, unit: String = Self.unit, report: Bool = true) throws -> (URL, String) {
            let root = try agents.agent(name, from: fixture)
            let enrolled = try agents.enroll(root, collector, token: try collector.token(unit: unit))
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            if report { #expect(try agents.run(root).status == 0) }
            return (root, try agents.hostId(root))
        }
        let (_, failing) = try pc("pc-failing", "debian12-broken")
        let (_, hardened) = try pc("pc-hardened", "debian12-hardened")
        let (quiet, silent) = try pc("pc-silent", "debian12-broken", report: false)
        let (_, revoked) = try pc("pc-revoked", "debian12-broken")
        let (_, elsewhere) = try pc("pc-elsewhere", "debian12-broken", unit: Self.other)
        #expect(try collector.command(["hosts", "revoke", revoked]).status == 0)

        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        // The silent PC's only word: a summary from its own agent identity, three days old.
        let identity = quiet.appendingPathComponent("var/lib/attt/identity")
        let asSilent = try HTTPS(trust: ca, identity: (identity.appendingPathComponent("host.pem").path, identity.appendingPathComponent("host.key").path))
        defer { asSilent.close() }
        let old = ISO8601DateFormatter().string(from: Date().addingTimeInterval(-3 * 86_400))
        let summary = #"{"schema":"attt.report-summary.v1","reportId":"\#(UUID().uuidString)","startedAt":"\#(old)","summary":{"pass":20,"fail":1,"not_applicable":0,"error":0,"manual":0,"total":21},"failing":["VN-TD-PW-001"]}"#
        let sent = try await asSilent.post(collector.url + "/v1/report-summaries", Data(summary.utf8))
        #expect(sent.status == 200, "\(String(decoding: sent.body, as: UTF8.self))")

        let https = try HTTPS(trust: ca)
        defer { https.close() }
        try await body(Office(collector: collector, https: https, failing: failing, hardened: hardened, silent: silent, revoked: revoked, elsewhere: elsewhere))
    }

    func session(_ office: Office, _ user: String) async throws -> [(String, String)] {
        let answer = try await signIn(office.https, office.collector, user, OfficerTests.password)
        #expect(answer.status == 200)
        let cookie = try #require(answer.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let csrf = try #require(try JSONDecoder().decode([String: String].self, from: answer.body)["csrfToken"])
        return [("Cookie", cookie), ("Origin", office.collector.url), ("X-CSRF-Token", csrf)]
    }

    static func json(_ answer: HTTPS.Answer) -> [String: Any] {
        (try? JSONSerialization.jsonObject(with: answer.body) as? [String: Any]) ?? [:]
    }

    static func text(_ answer: HTTPS.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts root and bin"))
    func theOfficeViewsAsJSON() async throws {
        try await withOffice { office in
            let supervisor = try await session(office, "root")
            func get(_ path: String, as who: [(String, String)]? = nil) async throws -> HTTPS.Answer {
                try await office.https.send(office.collector.url + path, method: .GET, body: nil, headers: who ?? supervisor)
            }

            // The commune: silent and revoked PCs counted apart, never as reporting or compliant.
            let units = try #require(Self.json(try await get("/v1/officer/units"))["units"] as? [[String: Any]])
            let tuDan = try #require(units.first { $0["unit"] as? String == Self.unit })
            #expect(tuDan["hosts"] as? Int == 3 && tuDan["reporting"] as? Int == 2 && tuDan["silent"] as? Int == 1 && tuDan["revoked"] as? Int == 1, "\(tuDan)")
            #expect((tuDan["failing"] as? Int ?? 0) >= 1)
            #expect(units.count == 2)

            // The unit, filtered and paged; the silent PC is listed as silent, not among the failing.
            let unit = Self.json(try await get("/v1/officer/units/\(Self.unitPath)"))
            let rows = try #require(unit["hosts"] as? [[String: Any]])
            #expect(rows.count == 4 && unit["pages"] as? Int == 1 && (unit["series"] as? [Any])?.isEmpty == false)
            #expect(rows.first { $0["id"] as? String == office.silent }?["state"] as? String == "silent")
            let silent = try #require(Self.json(try await get("/v1/officer/units/\(Self.unitPath)?state=silent"))["hosts"] as? [[String: Any]])
            #expect(silent.map { $0["id"] as? String } == [office.silent])
            let failing = try #require(Self.json(try await get("/v1/officer/units/\(Self.unitPath)?state=failing&sort=failing"))["hosts"] as? [[String: Any]])
            #expect(failing.contains { $0["id"] as? String == office.failing } && !failing.contains { $0["id"] as? String == office.silent })
            #expect(try await get("/v1/officer/units/\(Self.unitPath)?page=2").status == 400)
            #expect(try await get("/v1/officer/units/\(Self.unitPath)?state=asleep").status == 400)
            #expect(try await get("/v1/officer/units/\(String(repeating: "x", count: 300))").status == 400)

            // The host: the failing control with since when and its evidence; the chart; history.
            let host = Self.json(try await get("/v1/officer/hosts/\(office.failing)"))
            let controls = try #require(host["controls"] as? [[String: Any]])
            let pw = try #require(controls.first { $0["control"] as? String == "VN-TD-PW-001" })
            #expect(pw["status"] as? String == "fail" && pw["failingSince"] is String && (pw["evidence"] as? [Any])?.isEmpty == false, "\(pw)")
            #expect((host["chart"] as? [Any])?.count == 1)
            let history = Self.json(try await get("/v1/officer/hosts/\(office.failing)/history?control=VN-TD-PW-001"))
            #expect((history["spans"] as? [[String: Any]])?.first?["status"] as? String == "fail")
            #expect(try await get("/v1/officer/hosts/\(office.failing)/history?control=PW1").status == 400)
            #expect(try await get("/v1/officer/hosts/h-nobody").status == 404)

            // The control: the failing PC with its failing-since; paging and filters bounded.
            let control = Self.json(try await get("/v1/officer/controls/VN-TD-PW-001?status=fail&unit=\(Self.unitPath)"))
            let failingHosts = try #require(control["hosts"] as? [[String: Any]])
            #expect(failingHosts.contains { $0["host"] as? String == office.failing && $0["failingSince"] is String && $0["hostState"] as? String == "reporting" }, "\(failingHosts)")
            #expect(failingHosts.contains { $0["host"] as? String == office.revoked && $0["hostState"] as? String == "revoked" }, "\(failingHosts)")
            #expect((control["counts"] as? [String: Any])?["fail"] as? Int ?? 0 >= 1)
            // A waiver for the failing PC: its result is shown as waived and counted apart.
            let waiver = #"{"unit":"\#(Self.unit)","host":"\#(office.failing)","control":"VN-TD-PW-001","justification":"Chờ thay máy","approvedBy":"Chủ tịch UBND xã","expiresAt":"\#(ISO8601DateFormatter().string(from: Date().addingTimeInterval(86_400)))"}"#
            #expect(try await office.https.send(office.collector.url + "/v1/officer/waivers", method: .POST, body: Data(waiver.utf8), headers: supervisor).status == 201)
            let waived = Self.json(try await get("/v1/officer/controls/VN-TD-PW-001?unit=\(Self.unitPath)"))
            let (reported, shown) = (waived["counts"] as? [String: Int] ?? [:], waived["shownCounts"] as? [String: Int] ?? [:])
            #expect(shown["waived"] == 1 && shown["fail"] == (reported["fail"] ?? 0) - 1, "\(reported) \(shown)")
            #expect((waived["hosts"] as? [[String: Any]])?.first { $0["host"] as? String == office.failing }?["shown"] as? String == "waived")
            // An organisational measure nobody attested is due for every PC of the unit, whatever the PCs say.
            let due = Self.json(try await get("/v1/officer/controls/VN-TD-ATT-001?unit=\(Self.unitPath)"))
            #expect((due["shownCounts"] as? [String: Int])?["due"] ?? 0 >= 2 && (due["shownCounts"] as? [String: Int])?["manual"] == 0, "\(due)")
            #expect(try await get("/v1/officer/controls/VN-TD-PW-001?pageSize=501").status == 400)
            #expect(try await get("/v1/officer/controls/VN-TD-PW-001?status=maybe").status == 400)
            #expect(try await get("/v1/officer/controls/not-a-control").status == 400)
            #expect(try await get("/v1/officer/controls/VN-TD-ZZ-999").status == 404)

            // Compliance per day, grouped; dates checked.
            let compliance = Self.json(try await get("/v1/officer/compliance?unit=\(Self.unitPath)&by=area"))
            #expect((compliance["days"] as? [[String: Any]])?.last?["groups"] as? [Any] != nil, "\(compliance)")
            let byArticle = Self.json(try await get("/v1/officer/compliance?by=article"))
            let articles = ((byArticle["days"] as? [[String: Any]])?.last?["groups"] as? [[String: Any]] ?? []).compactMap { $0["key"] as? String }
            #expect(articles.contains("D9") && articles.contains("D6B") && !articles.contains("?"), "\(articles)")
            #expect(try await get("/v1/officer/compliance?from=2026-13-01").status == 400)
            #expect(try await get("/v1/officer/compliance?from=2025-01-01&to=2026-12-01").status == 400)
            #expect(try await get("/v1/officer/compliance?by=colour").status == 400)

            // Another unit's officer: 403 naming the unit, and a host of that unit is not found.
            let officerB = try await session(office, "bin")
            let refused = try await get("/v1/officer/units/\(Self.unitPath)", as: officerB)
            #expect(refused.status == 403 && Self.text(refused).contains("«\(Self.unit)»"))
            #expect(try await get("/v1/officer/hosts/\(office.failing)", as: officerB).status == 404)
            #expect(try await get("/v1/officer/hosts/\(office.failing)/history", as: officerB).status == 404)
            #expect(try await get("/v1/officer/controls/VN-TD-PW-001?unit=\(Self.unitPath)", as: officerB).status == 403)
            let own = try #require(Self.json(try await get("/v1/officer/units", as: officerB))["units"] as? [[String: Any]])
            #expect(own.map { $0["unit"] as? String } == [Self.other])
            let hers = try #require(Self.json(try await get("/v1/officer/controls/VN-TD-PW-001", as: officerB))["hosts"] as? [[String: Any]])
            #expect(hers.map { $0["host"] as? String } == [office.elsewhere])
            #expect(try await office.https.get(office.collector.url + "/v1/officer/units").status == 401)
        }
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts root and bin"))
    func theOfficePages() async throws {
        try await withOffice { office in
            let supervisor = try await session(office, "root")
            func page(_ path: String, as who: [(String, String)]? = nil) async throws -> HTTPS.Answer {
                try await office.https.send(office.collector.url + path, method: .GET, body: nil, headers: who ?? supervisor)
            }
            let commune = try await page("/")
            #expect(commune.status == 200 && Self.text(commune).contains("href=\"/units/\(Self.unitPath)\""))
            let unit = Self.text(try await page("/units/\(Self.unitPath)"))
            #expect(unit.contains("data-host=\"\(office.silent)\" data-state=\"silent\"") && unit.contains("Mất liên lạc"))
            #expect(unit.contains("href=\"/hosts/\(office.failing)\"") && unit.contains("href=\"/controls/VN-TD-PW-001?unit=\(Self.unitPath)&amp;status=fail\""))
            let host = Self.text(try await page("/hosts/\(office.failing)"))
            #expect(host.contains("<svg") && host.contains("<title id=\"chart-title\">") && host.contains("<caption>"))
            #expect(host.contains("data-control=\"VN-TD-PW-001\" data-status=\"fail\"") && host.contains("không đạt từ"))
            let control = Self.text(try await page("/controls/VN-TD-PW-001?unit=\(Self.unitPath)&status=fail"))
            #expect(control.contains("data-host=\"\(office.failing)\"") && control.contains("không đạt từ") && control.contains("href=\"/units/\(Self.unitPath)\""))

            // English by a plain link: a cookie, then the same pages in English.
            let back = try #require("/units/\(Self.unitPath)".addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            let chosen = try await page("/language?to=en&back=\(back)")
            #expect(chosen.status == 302 && chosen.headers.contains { $0.0.lowercased() == "location" && $0.1 == "/units/\(Self.unitPath)" })
            let language = try #require(chosen.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
            let english = Self.text(try await page("/units/\(Self.unitPath)", as: [("Cookie", supervisor[0].1 + "; " + language)]))
            #expect(english.contains("<html lang=\"en\">") && english.contains("Silent (no contact)"))
            for hostile in ["//evil.example/", "https://evil.example/", "/units/a\r\nSet-Cookie: x=1"] {
                let away = try await page("/language?to=en&back=\(hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")")
                #expect(away.headers.contains { $0.0.lowercased() == "location" && $0.1 == "/" }, "\(hostile)")
            }

            // Refusals: another unit's officer, an unknown host, a page past the end is the last page.
            let officerB = try await session(office, "bin")
            #expect(try await page("/units/\(Self.unitPath)", as: officerB).status == 403)
            #expect(try await page("/hosts/\(office.failing)", as: officerB).status == 404)
            #expect(!Self.text(try await page("/", as: officerB)).contains(Self.unit))
            #expect(try await page("/units/\(Self.unitPath)?page=9").status == 200)
            // Forms only for whoever may act on the unit: its officer and supervisors, not inspectors.
            let otherPath = try #require(Self.other.addingPercentEncoding(withAllowedCharacters: .alphanumerics))
            #expect(Self.text(try await page("/units/\(otherPath)", as: officerB)).contains("action=\"/units/\(otherPath)/waivers\""))
            #expect(unit.contains("action=\"/units/\(Self.unitPath)/attestations\"") && host.contains("action=\"/hosts/\(office.failing)/revoke\""))
            let inspector = try await session(office, "sys")
            let inspected = Self.text(try await page("/units/\(Self.unitPath)", as: inspector))
            #expect(inspected.contains(office.failing) && !inspected.contains("class=\"change\""))
            #expect(!Self.text(try await page("/hosts/\(office.failing)", as: inspector)).contains("class=\"change\""))
            // With the inspector's own anti-forgery token: refused for the role, not for forgery.
            let csrf = try #require(inspected.firstMatch(of: /name="csrf" value="([0-9a-f]+)"/)?.1)
            let refused = try await office.https.send(office.collector.url + "/hosts/\(office.failing)/revoke", method: .POST,
                                                      body: Data("csrf=\(csrf)".utf8), type: "application/x-www-form-urlencoded", headers: inspector)
            #expect(refused.status == 403 && Self.text(refused).contains("đoàn kiểm tra"), "\(Self.text(refused))")
        }
    }

    /// commune → unit → host → control by clicking, the forms, English, no CSP violation, in
    /// Debian's headless Chromium. ATTT_BROWSER_SCREENSHOTS=DIR keeps a PNG of every page there.
    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent && OfficerTests.browserPresent,
                   "needs chromium, chromium-driver and python3-selenium (scripts/test.sh installs them), pam_exec.so and Debian's system accounts"))
    func theOfficePagesInChromium() async throws {
        try await withOffice { office in
            var arguments = [
                Repository.root.appendingPathComponent("Tests/CollectorTests/browser/office_pages_test.py").path,
                "--url", office.collector.url, "--ca", office.collector.caPath, "--user", "root", "--password", OfficerTests.password,
                "--unit", Self.unit, "--failing-host", office.failing, "--control", "VN-TD-PW-001", "--silent-host", office.silent,
            ]
            if let shots = ProcessInfo.processInfo.environment["ATTT_BROWSER_SCREENSHOTS"] { arguments += ["--screenshots", shots] }
            let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), arguments)
            #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
            #expect(out.stdout.contains(#""failed": 0"#), "\(out.stdout)")
        }
    }
}
