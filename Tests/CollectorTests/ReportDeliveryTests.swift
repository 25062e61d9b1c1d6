import AtttTestSupport
import Crypto
import Foundation
import NIOHTTP1
import NIOSSL
import OfficeDocuments
import Testing

/// Where the periodic reports are produced and kept (issue 14 point 3), on a real collector with a
/// real agent's report: `attt-collector report` and its refusals, `reports list|get`, and the Báo cáo
/// page — produced, kept, downloaded byte for byte with the SHA-256 the list shows, and another
/// unit's report not found. Roles as in RolesTests: supervisors = group `root`, the Trạm y tế's IT
/// officer = `bin`, inspectors = `sys`.
@Suite(.serialized) struct ReportDeliveryTests {
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"
    static let renderer = DocumentRenderer()
    static var canRender: Bool { renderer.available.contains(.html) }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    /// The quarter today is in: it has not ended, so its figures are as of now.
    static var thisQuarter: String {
        let vietnam = Date().addingTimeInterval(7 * 3600)
        let parts = Calendar(identifier: .gregorian).dateComponents(in: TimeZone(identifier: "UTC")!, from: vietnam)
        return "\(parts.year!)-Q\((parts.month! - 1) / 3 + 1)"
    }

    func collector(_ officers: OfficerTests) throws -> CollectorProcess {
        try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.other)=bin",
                          "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent, "needs pam_exec.so and Debian's system accounts (root, bin, sys)"))
    func badRequestsAreRefusedWithWhatToDo() async throws {
        let officers = OfficerTests()
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let collector = try collector(officers)
        defer { collector.stop() }
        _ = try officers.enrolledHost(collector, fixture: "debian12-broken")
        let out = officers.work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)
        let file = out.appendingPathComponent("bao-cao.html").path
        func report(_ arguments: [String]) throws -> AtttBinary.Output { try collector.command(["report"] + arguments) }
        let valid = ["--format", "html", "--output", file]

        let unknown = try report(["--unit", "UBND xã Tú Dân", "--quarter", "2026-Q4"] + valid)
        #expect(unknown.status == 2 && unknown.stderr.contains("Không có đơn vị") && unknown.stderr.contains(Self.unit), "\(unknown.stderr)")
        let badDay = try report(["--unit", Self.unit, "--from", "2026-02-30", "--to", "2026-03-31"] + valid)
        #expect(badDay.status == 2 && badDay.stderr.contains("YYYY-MM-DD"), "\(badDay.stderr)")
        let backwards = try report(["--unit", Self.unit, "--from", "2026-12-31", "--to", "2026-10-01"] + valid)
        #expect(backwards.status == 2 && backwards.stderr.contains("trước ngày bắt đầu"), "\(backwards.stderr)")
        let badQuarter = try report(["--unit", Self.unit, "--quarter", "2026-Q5"] + valid)
        #expect(badQuarter.status == 2 && badQuarter.stderr.contains("2026-Q4"))
        let twoPeriods = try report(["--unit", Self.unit, "--quarter", "2026-Q4", "--year", "2026"] + valid)
        #expect(twoPeriods.status == 2 && twoPeriods.stderr.contains("--quarter"))
        let noScope = try report(["--quarter", "2026-Q4"] + valid)
        #expect(noScope.status == 2 && noScope.stderr.contains("--commune"))
        let badFormat = try report(["--unit", Self.unit, "--quarter", "2026-Q4", "--format", "docx", "--output", file])
        #expect(badFormat.status == 2 && badFormat.stderr.contains("html, pdf, odt"))
        let noDirectory = try report(["--unit", Self.unit, "--quarter", "2026-Q4", "--format", "html", "--output", out.path + "/missing/bao-cao.html"])
        #expect(noDirectory.status == 2 && noDirectory.stderr.contains("không tồn tại"), "\(noDirectory.stderr)")
        #expect(!FileManager.default.fileExists(atPath: out.path + "/missing"))
        FileManager.default.createFile(atPath: file, contents: Data("giữ nguyên".utf8))
        let exists = try report(["--unit", Self.unit, "--quarter", "2026-Q4"] + valid)
        #expect(exists.status == 2 && exists.stderr.contains("--force"))
        #expect(FileManager.default.contents(atPath: file) == Data("giữ nguyên".utf8))
        if !Self.renderer.available.contains(.pdf) {
            let pdf = try report(["--unit", Self.unit, "--quarter", "2026-Q4", "--format", "pdf", "--output", out.path + "/b.pdf"])
            #expect(pdf.status == 2 && pdf.stderr.contains("libreoffice-writer-nogui"), "\(pdf.stderr)")
        }
        let missing = try collector.command(["reports", "get", "999", "--output", out.path + "/x"])
        #expect(missing.status == 2 && missing.stderr.contains("999"))

        // The page: every format shown, those this machine cannot make disabled with the reason.
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let supervisor = try await officerSession(https, collector, "root")
        let page = try await https.send(collector.url + "/reports", method: .GET, body: nil, headers: supervisor)
        let html = String(decoding: page.body, as: UTF8.self)
        #expect(page.status == 200 && html.contains("Báo cáo định kỳ") && html.contains("Toàn xã") && html.contains(Self.unit))
        for format in DocumentFormat.allCases {
            let input = html.firstMatch(of: try Regex("<input type=\"radio\" name=\"format\" value=\"\(format.rawValue)\"[^>]*>"))
            let shown = try #require(input.map { String(html[$0.range]) }, "\(format)")
            #expect(shown.contains("disabled") == !Self.renderer.available.contains(format), "\(shown)")
        }
        #expect(try await https.send(collector.url + "/reports/12345", method: .GET, body: nil, headers: supervisor).status == 404)
        #expect(try await https.send(collector.url + "/reports/x", method: .GET, body: nil, headers: supervisor).status == 400)
        // A post without the session's token is refused; the inspector does not report for the commune.
        let form = "scope=&period=2026-Q4&format=html"
        let forged = try await https.send(collector.url + "/reports", method: .POST, body: Data(form.utf8), type: "application/x-www-form-urlencoded",
                                          headers: supervisor.filter { $0.0 != "X-CSRF-Token" })
        #expect(forged.status == 403)
        let inspector = try await officerSession(https, collector, "sys")
        let commune = try await https.send(collector.url + "/reports", method: .POST, body: Data(form.utf8), type: "application/x-www-form-urlencoded", headers: inspector)
        #expect(commune.status == 400 && String(decoding: commune.body, as: UTF8.self).contains("Văn phòng thống kê"))
        let officerB = try await officerSession(https, collector, "bin")
        let notTheirs = "scope=\(Self.unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!)&period=2026-Q4&format=html"
        #expect(try await https.send(collector.url + "/reports", method: .POST, body: Data(notTheirs.utf8), type: "application/x-www-form-urlencoded", headers: officerB).status == 400)
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent && canRender, "needs pam_exec.so, Debian's system accounts and the HTML renderer"))
    func aKeptReportComesBackByteForByteFromThePageAndTheCommandLine() async throws {
        let officers = OfficerTests()
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let collector = try collector(officers)
        defer { collector.stop() }
        _ = try officers.enrolledHost(collector, fixture: "debian12-broken")
        let out = officers.work.appendingPathComponent("out")
        try FileManager.default.createDirectory(at: out, withIntermediateDirectories: true)

        // The command line: the file, its SHA-256 printed, a note that the quarter has not ended.
        let file = out.appendingPathComponent("bao-cao.html").path
        let made = try collector.command(["report", "--unit", Self.unit, "--quarter", Self.thisQuarter, "--format", "html", "--output", file])
        #expect(made.status == 0, "\(made.stderr)")
        let bytes = try #require(FileManager.default.contents(atPath: file))
        #expect(String(decoding: bytes.prefix(15), as: UTF8.self).lowercased() == "<!doctype html>")
        #expect(made.stdout.contains("SHA-256 \(Self.sha256(bytes))") && made.stderr.contains("số liệu tính đến hiện tại"))
        // Kept with the same hash; `reports get` gives the same bytes back.
        let list = try collector.command(["reports", "list"])
        let line = try #require(list.stdout.split(separator: "\n").first { $0.contains(Self.sha256(bytes)) })
        let id = try #require(line.split(separator: " ").first.map(String.init))
        #expect(line.contains(Self.unit) && line.contains(Self.thisQuarter) && line.contains(" html "))
        let copy = out.appendingPathComponent("lay-lai.html").path
        #expect(try collector.command(["reports", "get", id, "--output", copy]).status == 0)
        #expect(FileManager.default.contents(atPath: copy) == bytes)
        // Again without --force: refused; with it, replaced.
        #expect(try collector.command(["reports", "get", id, "--output", copy]).status == 2)
        #expect(try collector.command(["reports", "get", id, "--output", copy, "--force"]).status == 0)

        // The page lists it with its SHA-256; the download is the same bytes, named in Vietnamese.
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let supervisor = try await officerSession(https, collector, "root")
        let page = String(decoding: try await https.send(collector.url + "/reports", method: .GET, body: nil, headers: supervisor).body, as: UTF8.self)
        #expect(page.contains(Self.sha256(bytes)) && page.contains("href=\"/reports/\(id)\""))
        let download = try await https.send(collector.url + "/reports/\(id)", method: .GET, body: nil, headers: supervisor)
        #expect(download.status == 200 && download.body == bytes)
        let disposition = download.headers.first { $0.0.lowercased() == "content-disposition" }?.1 ?? ""
        #expect(disposition.hasPrefix("attachment; filename=\"Bao-cao-ATTT_UBND_xa_Tu_Dan_") && disposition.contains("filename*=UTF-8''Bao-cao-ATTT_UBND%20x%C3%A3"), "\(disposition)")
        #expect(download.headers.contains { $0.0.lowercased() == "content-security-policy" && $0.1.contains("sandbox") })
        // The Trạm y tế's officer does not see it, and fetching it by its id finds nothing.
        let officerB = try await officerSession(https, collector, "bin")
        #expect(!String(decoding: try await https.send(collector.url + "/reports", method: .GET, body: nil, headers: officerB).body, as: UTF8.self).contains(Self.sha256(bytes)))
        #expect(try await https.send(collector.url + "/reports/\(id)", method: .GET, body: nil, headers: officerB).status == 404)

        // Produced from the page, in each format this machine makes: a file of that kind, kept with
        // the hash of what was sent, in the audit log.
        let magic: [DocumentFormat: [UInt8]] = [.html: Array("<!DOCTYPE html".utf8), .pdf: Array("%PDF".utf8), .odt: Array("PK".utf8), .csv: Array("PK".utf8)]
        for format in Self.renderer.available {
            let form = "scope=&period=dates&from=2026-10-01&to=2026-11-30&format=\(format.rawValue)"
            let answer = try await https.send(collector.url + "/reports", method: .POST, body: Data(form.utf8), type: "application/x-www-form-urlencoded", headers: supervisor)
            #expect(answer.status == 200, "\(format): \(String(decoding: answer.body.prefix(500), as: UTF8.self))")
            let expected = magic[format] ?? []
            #expect(Array(answer.body.prefix(expected.count)) == expected || format == .html && String(decoding: answer.body.prefix(15), as: UTF8.self).lowercased() == "<!doctype html>", "\(format)")
            let listed = try collector.command(["reports", "list", "--limit", "1"]).stdout
            #expect(listed.contains(Self.sha256(answer.body)) && listed.contains("toàn xã") && listed.contains("2026-10-01_2026-11-30"), "\(format): \(listed)")
        }
        // LibreOffice is heavy: two reports render at once, the rest are told to come back.
        if Self.renderer.available.contains(.pdf) {
            let form = Data("scope=&period=2026-Q3&format=pdf".utf8)
            let answers = try await withThrowingTaskGroup(of: HTTPS.Answer.self) { group in
                for _ in 0..<6 {
                    group.addTask { try await https.send(collector.url + "/reports", method: .POST, body: form, type: "application/x-www-form-urlencoded", headers: supervisor) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(answers.allSatisfy { [200, 503].contains($0.status) } && answers.contains { $0.status == 200 }, "\(answers.map(\.status))")
            #expect(answers.contains { $0.status == 503 }, "\(answers.map(\.status))")
            #expect(answers.filter { $0.status == 503 }.allSatisfy { answer in answer.headers.contains { $0.0.lowercased() == "retry-after" } })
            for answer in answers where answer.status == 200 { #expect(answer.body.starts(with: Array("%PDF".utf8))) }
        }
        let audit = String(decoding: try await https.send(collector.url + "/audit", method: .GET, body: nil, headers: supervisor).body, as: UTF8.self)
        #expect(audit.contains("Lập báo cáo định kỳ") && audit.contains(Self.sha256(bytes)))
    }
}
