import AtttTestSupport
import Crypto
import Foundation
import GRDB
import NIOHTTP1
import NIOSSL
import Testing

/// The inspection snapshot (issue 14 point 4) on a real collector with real agents' reports, checked
/// with the tools an inspection team has: `unzip -t`, `sha256sum -c`, and the audit log.
///
/// The unit "UBND xã Tứ Dân" at a day two days back: a PC whose report of that time is still kept
/// whole (and whose copy the test took from the agent's outbox before it was sent), one whose old
/// report's body was pruned (`history.report-bodies`), a silent one, one revoked before the day, one
/// never reporting, one enrolled after the day; and a PC of another unit. The past is made by moving
/// the stored times back in the database, as the days would have: the collector's clock is not faked.
@Suite(.serialized) struct InspectionSnapshotTests {
    let officers = OfficerTests()
    let agents = EnrollmentAndUploadTests()
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"
    static let unitPath = "UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n"

    static var toolsPresent: Bool {
        ["/usr/bin/unzip", "/usr/bin/sha256sum"].allSatisfy { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Moves a report, and the history it started, `days` back (`-3 days`).
    static func moveReport(_ id: String, by days: String, in db: Database) throws {
        let shift = "strftime('%Y-%m-%dT%H:%M:%SZ', %@, ?)"
        try db.execute(sql: "UPDATE report SET started_at = \(shift.replacingOccurrences(of: "%@", with: "started_at")), received_at = \(shift.replacingOccurrences(of: "%@", with: "received_at")) WHERE id = ?",
                       arguments: [days, days, id])
        try db.execute(sql: "UPDATE result_change SET since_at = \(shift.replacingOccurrences(of: "%@", with: "since_at")) WHERE report_id = ?", arguments: [days, id])
    }

    static func sha256(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    static func json(_ url: URL) throws -> Any { try JSONSerialization.jsonObject(with: Data(contentsOf: url)) }

    /// Extracts with `unzip` after `unzip -t` and runs `sha256sum -c SHA256SUMS` inside the folder.
    func extractAndCheck(_ zip: URL) throws -> URL {
        let tested = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unzip"), ["-t", zip.path])
        #expect(tested.status == 0 && tested.stdout.contains("No errors detected"), "\(tested.stdout)\(tested.stderr)")
        let folder = zip.deletingPathExtension()
        let unzipped = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unzip"), ["-q", zip.path, "-d", folder.path])
        #expect(unzipped.status == 0, "\(unzipped.stderr)")
        let sums = try String(contentsOf: folder.appendingPathComponent("SHA256SUMS"), encoding: .utf8)
        let checked = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "cd '\(folder.path)' && sha256sum -c --strict SHA256SUMS"])
        #expect(checked.status == 0, "\(checked.stdout)\(checked.stderr)")
        let lines = sums.split(separator: "\n")
        #expect(checked.stdout.split(separator: "\n").filter { $0.hasSuffix(": OK") }.count == lines.count && lines.count >= 6)
        // Every file but the sums is in SHA256SUMS; every file but it and the manifest in the manifest, with its size and hash.
        let all = Set(try FileManager.default.subpathsOfDirectory(atPath: folder.path).filter { path in
            var directory: ObjCBool = false
            return FileManager.default.fileExists(atPath: folder.appendingPathComponent(path).path, isDirectory: &directory) && !directory.boolValue
        })
        #expect(Set(lines.map { String($0.dropFirst(66)) }) == all.subtracting(["SHA256SUMS"]))
        let manifest = try #require(try Self.json(folder.appendingPathComponent("manifest.json")) as? [String: Any])
        let files = try #require(manifest["files"] as? [[String: Any]])
        #expect(Set(files.compactMap { $0["path"] as? String }) == all.subtracting(["SHA256SUMS", "manifest.json"]))
        for file in files {
            let path = try #require(file["path"] as? String)
            let data = try Data(contentsOf: folder.appendingPathComponent(path))
            #expect(file["sha256"] as? String == Self.sha256(data) && file["bytes"] as? Int == data.count, "\(path)")
        }
        return folder
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent && RolesTests.accountsPresent && toolsPresent,
                   "needs pam_exec.so, Debian's system accounts root, daemon, bin and sys, unzip and sha256sum"))
    func aUnitAtADateFrozenAndChecked() async throws {
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
        }
        let collector = try CollectorProcess(
            stateDirectory: officers.work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_INSPECTOR_GROUP": "sys",
                          "ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unit)=daemon;\(Self.other)=bin"],
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
        defer { collector.stop() }
        let database = try DatabaseQueue(path: collector.databasePath)
        func enrolled(_ name: String, unit: String = Self.unit, runs: Int = 1) throws -> (URL, String) {
            let root = try agents.agent(name)
            let out = try agents.enroll(root, collector, token: try collector.token(unit: unit))
            #expect(out.status == 0, "\(out.stderr)")
            for _ in 0..<runs { #expect(try agents.run(root).status == 0) }
            return (root, try agents.hostId(root))
        }
        func reports(_ host: String) throws -> [String] {
            try database.read { db in try String.fetchAll(db, sql: "SELECT id FROM report WHERE host_id = ? ORDER BY started_at, rowid", arguments: [host]) }
        }

        // The kept PC: its first report is taken from the outbox before it leaves (what the agent sends).
        let keptRoot = try agents.agent("pc-kept")
        #expect(try agents.run(keptRoot).status == 0)
        let outbox = keptRoot.appendingPathComponent("var/lib/attt/outbox")
        let queued = try #require(try FileManager.default.contentsOfDirectory(atPath: outbox.path).first { $0.hasSuffix(".json") })
        let asSent = try #require(try Self.json(outbox.appendingPathComponent(queued)) as? [String: Any])
        let sentId = try #require(asSent["reportId"] as? String)
        #expect(try agents.enroll(keptRoot, collector, token: try collector.token(unit: Self.unit)).status == 0)
        #expect(try agents.run(keptRoot).status == 0)
        let kept = try agents.hostId(keptRoot)
        let keptReports = try reports(kept)
        // Both runs may start within one second (stamps are to the second): the later one is the other.
        #expect(keptReports.count == 2 && keptReports.contains { $0.lowercased() == sentId.lowercased() }, "\(keptReports)")
        let later = try #require(keptReports.first { $0.lowercased() != sentId.lowercased() })

        let (prunedRoot, pruned) = try enrolled("pc-pruned")
        let (_, silent) = try enrolled("pc-silent")
        let (_, revoked) = try enrolled("pc-revoked")
        let (_, never) = try enrolled("pc-never", runs: 0)
        let (_, elsewhere) = try enrolled("pc-elsewhere", unit: Self.other)
        #expect(try collector.command(["hosts", "revoke", revoked]).status == 0)
        let prunedOld = try #require(try reports(pruned).first)
        try await database.write { db in
            // Enrolled forty days ago; the kept PC's first report three days ago, the silent PC's
            // twenty, the pruned PC's thirty; the revoked PC reported ten days ago, revoked five.
            for host in [kept, pruned, silent, revoked, never, elsewhere] {
                try db.execute(sql: "UPDATE host SET first_seen = strftime('%Y-%m-%dT%H:%M:%SZ', first_seen, '-40 days') WHERE id = ?", arguments: [host])
                try db.execute(sql: "UPDATE host_certificate SET issued_at = strftime('%Y-%m-%dT%H:%M:%SZ', issued_at, '-40 days') WHERE host_id = ?", arguments: [host])
            }
            try Self.moveReport(sentId.uppercased(), by: "-3 days", in: db)
            for (host, days) in [(silent, "-20 days"), (revoked, "-10 days")] {
                for id in try String.fetchAll(db, sql: "SELECT id FROM report WHERE host_id = ?", arguments: [host]) { try Self.moveReport(id, by: days, in: db) }
            }
            try Self.moveReport(prunedOld, by: "-30 days", in: db)
            try db.execute(sql: "UPDATE host_certificate SET revoked_at = strftime('%Y-%m-%dT%H:%M:%SZ', revoked_at, '-5 days') WHERE host_id = ?", arguments: [revoked])
        }
        // The pruned PC reports again, whole (it forgot what the collector acknowledged, so it cannot
        // send an unchanged report naming the old one, whose body would then be kept for it): its
        // thirty-day-old body goes (history.report-bodies, 14 days).
        try FileManager.default.removeItem(at: prunedRoot.appendingPathComponent("var/lib/attt/outbox.acknowledged"))
        #expect(try agents.run(prunedRoot).status == 0)
        let prunedBodies = try await database.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM report_body WHERE report_id = ?", arguments: [prunedOld]) }
        #expect(prunedBodies == 0)
        let (_, late) = try enrolled("pc-late")

        // Waivers: one in force at the day, one expired before it, one ended before it, one recorded after it.
        func waiver(_ control: String) throws -> String {
            let out = try collector.command(["waiver", "add", "--unit", Self.unit, "--control", control, "--justification", "Máy in cũ cần SMBv1",
                                             "--approved-by", "Chủ tịch UBND xã", "--expires", "90d"])
            #expect(out.status == 0, "\(out.stderr)")
            return String(out.stdout.prefix(36))
        }
        let inForce = try waiver("VN-TD-PW-001"), expired = try waiver("VN-TD-PW-002"), ended = try waiver("VN-TD-PW-003"), recent = try waiver("VN-TD-PW-004")
        #expect(try collector.command(["waiver", "end", ended]).status == 0)
        // The scanned decision: bytes that are not text.
        let scan = Data((0..<50_000).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) })
        let scanFile = officers.work.appendingPathComponent("Quyết định 12.PDF")
        try scan.write(to: scanFile)
        let attested = try collector.command(["attestation", "add", "--unit", Self.unit, "--control", "VN-TD-ATT-003", "--on", "2026-11-20",
                                              "--reference", "12/QĐ-UBND", "--attested-by", "Chủ tịch UBND xã", "--valid-until", "365d", "--file", scanFile.path])
        #expect(attested.status == 0, "\(attested.stderr)")
        try await database.write { db in
            let back = "strftime('%Y-%m-%dT%H:%M:%SZ', recorded_at, '-10 days')"
            try db.execute(sql: "UPDATE waiver SET recorded_at = \(back) WHERE id = ?", arguments: [inForce])
            try db.execute(sql: "UPDATE waiver SET recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', recorded_at, '-30 days'), expires_at = strftime('%Y-%m-%dT%H:%M:%SZ', recorded_at, '-5 days') WHERE id = ?", arguments: [expired])
            try db.execute(sql: "UPDATE waiver SET recorded_at = strftime('%Y-%m-%dT%H:%M:%SZ', recorded_at, '-20 days'), ended_at = strftime('%Y-%m-%dT%H:%M:%SZ', ended_at, '-4 days') WHERE id = ?", arguments: [ended])
            try db.execute(sql: "UPDATE attestation SET recorded_at = \(back)")
        }

        // The snapshot two days back, by the command line.
        let day = Self.vietnamDay(Date().addingTimeInterval(-2 * 86_400))
        let past = officers.work.appendingPathComponent("past.zip")
        let made = try collector.command(["snapshot", "--unit", Self.unit, "--at", day, "--output", past.path])
        #expect(made.status == 0, "\(made.stderr)")
        let fileHash = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/sha256sum"), [past.path]).stdout.prefix(64)
        #expect(made.stdout.hasPrefix(fileHash + "  "), "\(made.stdout)")
        let folder = try extractAndCheck(past)
        // No staged file is left beside the output.
        #expect(try FileManager.default.contentsOfDirectory(atPath: officers.work.path).filter { $0.hasPrefix(".attt-") }.isEmpty)

        let hosts = try #require(try Self.json(folder.appendingPathComponent("hosts.json")) as? [[String: Any]])
        let byId = Dictionary(uniqueKeysWithValues: hosts.compactMap { host in (host["id"] as? String).map { ($0, host) } })
        #expect(Set(byId.keys) == [kept, pruned, silent, revoked, never], "\(byId.keys)")
        #expect(byId[kept]?["state"] as? String == "reporting" && byId[silent]?["state"] as? String == "silent")
        #expect(byId[revoked]?["state"] as? String == "revoked" && byId[never]?["state"] as? String == "never-reported")
        // The kept PC's report is the one its agent sent: same id, same results with their evidence.
        #expect(byId[kept]?["source"] as? String == "as-sent")
        let reportPath = try #require(byId[kept]?["file"] as? String)
        #expect(reportPath == "hosts/\(kept)/report-\(sentId.lowercased()).json")
        let inArchive = try #require(try Self.json(folder.appendingPathComponent(reportPath)) as? [String: Any])
        #expect((inArchive["reportId"] as? String)?.lowercased() == sentId.lowercased())
        let sentResults = try #require(asSent["results"] as? [[String: Any]])
        let keptResults = try #require(inArchive["results"] as? [[String: Any]])
        #expect(sentResults.count == keptResults.count && !sentResults.isEmpty)
        #expect(NSArray(array: sentResults).isEqual(to: keptResults), "the results differ from what the agent sent")
        #expect(sentResults.contains { ($0["evidence"] as? [Any])?.isEmpty == false })
        // The pruned PC: its statuses at the day from the history, said plainly.
        #expect(byId[pruned]?["source"] as? String == "history")
        let historyPath = try #require(byId[pruned]?["file"] as? String)
        let history = try #require(try Self.json(folder.appendingPathComponent(historyPath)) as? [String: Any])
        #expect((history["note"] as? String)?.contains("history.report-bodies") == true)
        #expect(((history["controls"] as? [[String: Any]])?.count ?? 0) > 10)
        let manifest = try #require(try Self.json(folder.appendingPathComponent("manifest.json")) as? [String: Any])
        #expect(manifest["reportsFromHistory"] as? [String] == [pruned] && manifest["day"] as? String == day && manifest["unit"] as? String == Self.unit)
        #expect((manifest["notes"] as? [String])?.contains { $0.contains("pruned") } == true)
        // Nothing received after the day: not the kept PC's second report, not the late PC, not the other unit.
        for name in try FileManager.default.subpathsOfDirectory(atPath: folder.path) {
            guard let text = try? String(contentsOf: folder.appendingPathComponent(name), encoding: .utf8) else { continue }
            for absent in [later, later.lowercased(), late, elsewhere, recent] { #expect(!text.contains(absent), "\(name) names \(absent)") }
        }
        // Waivers with their state at the day; the attestation with its document, byte for byte.
        let waivers = try #require(try Self.json(folder.appendingPathComponent("waivers.json")) as? [[String: Any]])
        let states = Dictionary(uniqueKeysWithValues: waivers.compactMap { w in ((w["waiver"] as? [String: Any])?["id"] as? String).map { ($0, w["state"] as? String ?? "") } })
        #expect(states == [inForce: "in-force", expired: "expired", ended: "ended"], "\(states)")
        let attestations = try #require((try Self.json(folder.appendingPathComponent("attestations.json")) as? [String: Any])?["attestations"] as? [[String: Any]])
        #expect(attestations.count == 1 && attestations.first?["state"] as? String == "in-force")
        let document = try #require(attestations.first?["file"] as? String)
        #expect(document.hasPrefix("attestations/") && document.hasSuffix(".pdf"))
        #expect(try Data(contentsOf: folder.appendingPathComponent(document)) == scan)
        // The index: self-contained, Vietnamese.
        let index = try String(contentsOf: folder.appendingPathComponent("index.html"), encoding: .utf8)
        #expect(index.contains("<html lang=\"vi\">") && index.contains(Self.unit) && index.contains("Bản chụp phục vụ kiểm tra"))
        #expect(!index.contains("<script") && !index.contains("src=\"http") && !index.contains("href=\"http"))

        // The audit log holds the file's SHA-256.
        let audit = try collector.command(["audit", "list", "--unit", Self.unit]).stdout
        #expect(audit.split(separator: "\n").contains { $0.contains("snapshot-taken") && $0.contains("sha256=\(fileHash)") && $0.contains(day) }, "\(audit)")

        // Today: the late PC and the kept PC's newer report.
        let today = officers.work.appendingPathComponent("today.zip")
        let now = try collector.command(["snapshot", "--unit", Self.unit, "--output", today.path])
        #expect(now.status == 0, "\(now.stderr)")
        let todayFolder = try extractAndCheck(today)
        let todayHosts = try #require(try Self.json(todayFolder.appendingPathComponent("hosts.json")) as? [[String: Any]])
        #expect(Set(todayHosts.compactMap { $0["id"] as? String }) == [kept, pruned, silent, revoked, never, late])
        #expect(todayHosts.first { $0["id"] as? String == kept }?["file"] as? String == "hosts/\(kept)/report-\(later.lowercased()).json")

        // Refusals: exit 2 with what is wrong.
        let again = try collector.command(["snapshot", "--unit", Self.unit, "--at", day, "--output", past.path])
        #expect(again.status == 2 && again.stderr.contains("--force"), "\(again.stderr)")
        #expect(try collector.command(["snapshot", "--unit", Self.unit, "--at", day, "--output", past.path, "--force"]).status == 0)
        let future = try collector.command(["snapshot", "--unit", Self.unit, "--at", Self.vietnamDay(Date().addingTimeInterval(2 * 86_400)), "--output", past.path + ".f"])
        #expect(future.status == 2 && future.stderr.contains("after today"), "\(future.stderr)")
        let unknown = try collector.command(["snapshot", "--unit", "UBND xã Không Có", "--output", past.path + ".u"])
        #expect(unknown.status == 2 && unknown.stderr.contains("UBND xã Không Có") && unknown.stderr.contains(Self.other) && unknown.stderr.contains("known units"), "\(unknown.stderr)")
        #expect(!FileManager.default.fileExists(atPath: past.path + ".f") && !FileManager.default.fileExists(atPath: past.path + ".u"))

        // From the web: the inspector and the unit's officer download it; another unit's officer gets 404.
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let path = collector.url + "/units/\(Self.unitPath)/snapshot?at=\(day)"
        for user in ["sys", "daemon"] {
            let answer = try await https.send(path, method: .GET, body: nil, headers: try await officerSession(https, collector, user))
            #expect(answer.status == 200 && answer.headers.first { $0.0.lowercased() == "content-type" }?.1 == "application/zip", "\(user): \(answer.status)")
            let hash = Self.sha256(answer.body)
            #expect(answer.headers.first { $0.0.lowercased() == "x-snapshot-sha256" }?.1 == hash)
            let download = officers.work.appendingPathComponent("web-\(user).zip")
            try answer.body.write(to: download)
            _ = try extractAndCheck(download)
            let log = try collector.command(["audit", "list", "--unit", Self.unit]).stdout
            #expect(log.split(separator: "\n").contains { $0.contains("snapshot-taken") && $0.contains("sha256=\(hash)") && $0.contains(user) && $0.contains("channel=web") }, "\(log)")
        }
        let stranger = try await officerSession(https, collector, "bin")
        #expect(try await https.send(path, method: .GET, body: nil, headers: stranger).status == 404)
        let inspector = try await officerSession(https, collector, "sys")
        let ahead = try await https.send(collector.url + "/units/\(Self.unitPath)/snapshot?at=\(Self.vietnamDay(Date().addingTimeInterval(2 * 86_400)))", method: .GET, body: nil, headers: inspector)
        #expect(ahead.status == 400)
        // The unit page links to it; nothing is left in the state directory.
        let page = String(decoding: try await https.send(collector.url + "/units/\(Self.unitPath)", method: .GET, body: nil, headers: inspector).body, as: UTF8.self)
        #expect(page.contains("/units/\(Self.unitPath)/snapshot"))
        // The audit page names the action in Vietnamese.
        let auditPage = String(decoding: try await https.send(collector.url + "/audit", method: .GET, body: nil, headers: inspector).body, as: UTF8.self)
        #expect(auditPage.contains("Lập bản chụp phục vụ kiểm tra") && !auditPage.contains(">snapshot-taken<"))
        let leftovers = (try? FileManager.default.contentsOfDirectory(atPath: collector.stateDirectory.appendingPathComponent("snapshots").path)) ?? []
        #expect(leftovers.isEmpty, "\(leftovers)")
    }

    static func vietnamDay(_ date: Date) -> String {
        String(ISO8601DateFormatter().string(from: date.addingTimeInterval(7 * 3600)).prefix(10))
    }
}
