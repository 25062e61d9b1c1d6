import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// Roles from groups on the collector host (issue 13 point 6), on a real collector with real agents'
/// reports. The groups are accounts Debian already has, so nothing in /etc changes: supervisors =
/// group `root`, unit A's IT officer = `daemon`, unit B's = `bin`, inspectors = `sys`; `nobody` is
/// in none of them. The staged PAM service accepts one password for any account.
@Suite(.serialized) struct RolesTests {
    let officers = OfficerTests()
    let agents = EnrollmentAndUploadTests()
    static let unitA = "UBND xã Tứ Dân", unitB = "Trạm y tế xã"

    /// Each account in the group of its own name (its primary group), as on any Debian system.
    static var accountsPresent: Bool {
        let names: [String] = ["root", "daemon", "bin", "sys"]
        return names.allSatisfy { name in getpwnam(name).map { getgrnam(name)?.pointee.gr_gid == $0.pointee.pw_gid } ?? false }
            && getpwnam("nobody") != nil
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && accountsPresent, "needs pam_exec.so and Debian's system accounts root, daemon, bin, sys and nobody"))
    func eachRoleSeesAndChangesWhatItMay() async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let pam = try officers.pamConfdir()
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: [
                "ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unitA)=daemon;\(Self.unitB)=bin",
            ],
            arguments: ["--pam-confdir", pam.path]
        )
        defer { collector.stop() }
        // One PC in each unit, both failing VN-TD-PW-001 in their first report.
        var hosts: [String: String] = [:]
        for (name, unit) in [("pc-a", Self.unitA), ("pc-b", Self.unitB)] {
            let root = try agents.agent(name)
            let enrolled = try agents.enroll(root, collector, token: try collector.token(unit: unit))
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            #expect(try agents.run(root).status == 0)
            hosts[unit] = try agents.hostId(root)
        }
        let (hostA, hostB) = (try #require(hosts[Self.unitA]), try #require(hosts[Self.unitB]))

        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        func session(_ user: String) async throws -> [(String, String)] { try await officerSession(https, collector, user) }
        func status(_ unit: String, _ who: [(String, String)]) async throws -> HTTPS.Answer {
            let query = unit.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            return try await https.send(collector.url + "/v1/officer/status?unit=" + query, method: .GET, body: nil, headers: who)
        }
        func approve(_ host: String, _ who: [(String, String)]) async throws -> HTTPS.Answer {
            try await https.send(collector.url + "/v1/officer/jobs", method: .POST, body: Data(#"{"host":"\#(host)","controls":["VN-TD-PW-004"]}"#.utf8), headers: who)
        }
        func revoke(_ host: String, _ who: [(String, String)]) async throws -> HTTPS.Answer {
            try await https.send(collector.url + "/v1/officer/hosts/\(host)/revoke", method: .POST, body: nil, headers: who)
        }
        func failing(_ who: [(String, String)]) async throws -> Set<String> {
            let answer = try await https.send(collector.url + "/v1/officer/failing?control=VN-TD-PW-001", method: .GET, body: nil, headers: who)
            #expect(answer.status == 200)
            let list = try JSONSerialization.jsonObject(with: answer.body) as? [[String: Any]] ?? []
            return Set(list.compactMap { $0["host"] as? String })
        }
        /// The commune page and every unit page it links to: what this person can see by browsing.
        func page(_ who: [(String, String)]) async throws -> String {
            var seen = String(decoding: try await https.send(collector.url + "/", method: .GET, body: nil, headers: who).body, as: UTF8.self)
            for link in Set(seen.matches(of: /href="(\/units\/[^"?]+)"/).map { String($0.1) }) {
                seen += String(decoding: try await https.send(collector.url + link, method: .GET, body: nil, headers: who).body, as: UTF8.self)
            }
            return seen
        }
        func text(_ answer: HTTPS.Answer) -> String { String(decoding: answer.body, as: UTF8.self) }
        /// The unit's catalogues (issue 16): a unit's layer, or the commune's defaults without a unit.
        func catalogues(_ unit: String?, _ who: [(String, String)]) async throws -> HTTPS.Answer {
            let query = unit.map { "?unit=" + ($0.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "") } ?? ""
            return try await https.send(collector.url + "/v1/officer/catalogues" + query, method: .GET, body: nil, headers: who)
        }
        func publish(_ unit: String?, _ who: [(String, String)]) async throws -> HTTPS.Answer {
            let body = try JSONSerialization.data(withJSONObject: ["catalogs": ["software.denied": ["all": ["anydesk", "x-\(UUID())"]]]].merging(unit.map { ["unit": $0] } ?? [:]) { a, _ in a })
            return try await https.send(collector.url + "/v1/officer/catalogues", method: .POST, body: body, headers: who)
        }

        // Unit A's IT officer (Điều 10): unit A only, to read and to act.
        let officerA = try await session("daemon")
        let readA = try await status(Self.unitA, officerA)
        #expect(readA.status == 200 && text(readA).contains(hostA))
        let readB = try await status(Self.unitB, officerA)
        #expect(readB.status == 403 && text(readB).contains("không được xem đơn vị «\(Self.unitB)»"), "\(text(readB))")
        #expect(try await status(String(repeating: "x", count: 257), officerA).status == 400)
        #expect(try await failing(officerA) == [hostA])
        #expect(try await approve(hostA, officerA).status == 201)
        let actB = try await approve(hostB, officerA)
        // Another unit's PC is not found: an id tells nothing about another unit.
        #expect(actB.status == 404 && !text(actB).contains(Self.unitB), "\(text(actB))")
        #expect(try await publish(Self.unitA, officerA).status == 201)
        #expect(try await publish(Self.unitB, officerA).status == 403)
        let communeByOfficer = try await publish(nil, officerA)
        #expect(communeByOfficer.status == 403 && text(communeByOfficer).contains("Chỉ Văn phòng thống kê xã"), "\(text(communeByOfficer))")
        #expect(try await catalogues(nil, officerA).status == 200)
        #expect(try await catalogues(Self.unitB, officerA).status == 403)
        let pageA = try await page(officerA)
        #expect(pageA.contains(hostA) && !pageA.contains(hostB) && !pageA.contains(Self.unitB), "\(pageA)")

        // Unit B's officer, the mirror image; an unknown host is still 404, not a refusal.
        let officerB = try await session("bin")
        #expect(try await status(Self.unitA, officerB).status == 403)
        #expect(try await approve(hostA, officerB).status == 404)
        // Another unit's PC is not found, as if it did not exist: an id tells nothing about another unit.
        #expect(try await revoke(hostA, officerB).status == 404)
        #expect(try await approve(hostB, officerB).status == 201)
        #expect(try await approve("h-nobody", officerB).status == 404)

        // The inspector (Điều 13 khoản 2 điểm đ, khoản 7; Điều 14): reads every unit, changes nothing.
        let inspector = try await session("sys")
        #expect(try await status(Self.unitA, inspector).status == 200)
        #expect(try await status(Self.unitB, inspector).status == 200)
        #expect(try await failing(inspector) == [hostA, hostB])
        for host in [hostA, hostB, "h-nobody"] {
            let refused = try await approve(host, inspector)
            #expect(refused.status == 403 && text(refused).contains("chỉ được xem"), "\(text(refused))")
            #expect(try await revoke(host, inspector).status == 403)
        }
        #expect(try await catalogues(Self.unitA, inspector).status == 200)
        #expect(try await publish(Self.unitA, inspector).status == 403)
        #expect(try await publish(nil, inspector).status == 403)
        let inspectorPage = try await page(inspector)
        #expect(inspectorPage.contains(hostA) && inspectorPage.contains(hostB))

        // The supervisor, the Văn phòng thống kê (Điều 13): everything.
        let supervisor = try await session("root")
        #expect(try await status(Self.unitA, supervisor).status == 200)
        #expect(try await status(Self.unitB, supervisor).status == 200)
        #expect(try await failing(supervisor) == [hostA, hostB])
        #expect(try await approve(hostA, supervisor).status == 201)
        #expect(try await approve(hostB, supervisor).status == 201)
        #expect(try await publish(nil, supervisor).status == 201)
        #expect(try await publish(Self.unitB, supervisor).status == 201)
        #expect(try await revoke(hostB, supervisor).status == 200)
        #expect(try await status(Self.unitB, supervisor).status == 200)

        // Someone in none of the groups is refused without a PAM conversation.
        let calls = pam.appendingPathComponent("pam-calls")
        #expect(try await signIn(https, collector, "nobody", OfficerTests.password).status == 401)
        let reachedPAM = try String(contentsOf: calls, encoding: .utf8).split(separator: "\n").map(String.init)
        #expect(!reachedPAM.contains("nobody") && Set(reachedPAM) == ["daemon", "bin", "sys", "root"], "\(reachedPAM)")
    }
}
