import AtttTestSupport
import Enrollment
import Foundation
import HardeningCore
import NIOHTTP1
import NIOSSL
import Testing

/// Issue 16's "done means", with a real collector and a real agent on a fixture tree: the unit's
/// catalogues published at the collector (`attt-collector catalogue publish`) reach the PC at its next
/// `attt run`, turn VN-TD-SW-001 from pass to fail and back, and every report names the bundle it was
/// checked against; an offline PC keeps its last good bundle; a bundle a compromised collector database
/// holds (signed by an unknown key, changed after signing, or signed but below the regulation's floor)
/// is refused whole by the PC, which tells the collector why.
@Suite(.serialized) struct CatalogueBundleTests {
    static let unit = "UBND xã Tứ Dân"
    static let sqlite3 = "/usr/bin/sqlite3"

    static var sqlitePresent: Bool { FileManager.default.isExecutableFile(atPath: sqlite3) }
    static let why: Comment = "needs Debian's sqlite3 command to write the rows a compromised collector database would hold"

    @Test(.enabled(if: sqlitePresent && OfficerTests.pamExecPresent, "\(why); and pam_exec.so for the officer who reads the host's page"))
    func aPublishedCatalogueTurnsSW001AndBackAndBadBundlesAreRefused() async throws {
        let officers = OfficerTests()
        let work = officers.work
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"), environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root"],
                                             arguments: ["--pam-confdir", try officers.pamConfdir().path])
        defer { collector.stop() }
        let pc = work.appendingPathComponent("pc01")
        try FileManager.default.copyItem(at: Repository.host("debian12-hardened"), to: pc)
        let enrolled = try AtttBinary.run(["enroll", "--root", pc.path, "--collector", collector.url, "--token", try collector.token(unit: Self.unit), "--ca-cert", collector.caPath])
        try #require(enrolled.status == 0, "enroll: \(enrolled.stderr)")
        let host = String(enrolled.stdout.split(separator: " ")[2])
        // Enrollment handed over the bundle key, and only that key.
        let keys = try JSONDecoder().decode([BundlePublicKey].self, from: Data(contentsOf: pc.appendingPathComponent("var/lib/attt/identity/bundle-keys.json")))
        let signing = try BundleSigningKey(raw: try #require(Data(base64Encoded: String(contentsOf: work.appendingPathComponent("state/bundle-signing.key"), encoding: .utf8)
            .trimmingCharacters(in: .whitespacesAndNewlines))))
        #expect(keys == [signing.publicKey])

        func run() throws -> String {
            let out = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
            #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
            return out.stdout
        }
        func hostLine() throws -> String {
            let out = try collector.command(["hosts", "list"])
            #expect(out.status == 0, "\(out.stderr)")
            return out.stdout
        }
        func sw001() throws -> (status: String, bundle: Int?, evidence: String) {
            let out = try AtttBinary.run(["check", "--root", pc.path, "--control", "VN-TD-SW-001", "--format", "json"])
            let report = try JSONDecoder().decode(Report.self, from: Data(out.stdout.utf8))
            let result = try #require(report.results.first)
            return (result.status.rawValue, report.policy.bundle?.version, result.evidence.compactMap(\.subject).joined(separator: ","))
        }
        func publish(_ yaml: String) throws -> AtttBinary.Output {
            let file = work.appendingPathComponent("layer-\(UUID()).yaml")
            try Data(yaml.utf8).write(to: file)
            return try collector.command(["catalogue", "publish", "--unit", Self.unit, "--file", file.path])
        }

        // Before any publication: the shipped catalogues, SW-001 passes, the collector names no bundle.
        #expect(try run().contains("report "))
        var line = try hostLine()
        #expect(!line.contains("VN-TD-SW-001") && !line.contains("catalogues"), "\(line)")
        #expect(try sw001().status == "pass")

        // A value below the regulation's floor is refused at publication, before any PC sees it.
        let weak = try publish("catalogue: attt.catalogue.v1\ncontrols:\n  VN-TD-PW-004: {max_days: 365}\n")
        #expect(weak.status == 2 && weak.stderr.contains("VN-TD-PW-004.max_days = 365 is weaker than the regulation allows"), "\(weak.stderr)")

        // The officer denies sudo: the PC's next run checks against version 1 and SW-001 fails.
        let denied = try publish("catalogue: attt.catalogue.v1\nnote: cấm sudo trên máy trạm\ncatalogs:\n  software.denied: {all: [anydesk, sudo]}\n")
        #expect(denied.status == 0 && denied.stdout.contains("gói \(Self.unit) #1"), "\(denied.stdout)\(denied.stderr)")
        #expect(try run().contains("the unit's catalogues: version 1 in force"))
        let failing = try sw001()
        #expect(failing.status == "fail" && failing.bundle == 1 && failing.evidence.contains("sudo"), "\(failing)")
        line = try hostLine()
        #expect(line.contains("VN-TD-SW-001") && line.contains("catalogues v1"), "\(line)")

        // Before taking it back out, the officer sees what it would do: this PC's SW-001 would pass,
        // from its latest report's packages; nothing is published.
        let back = "catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [anydesk]}\n"
        let file = work.appendingPathComponent("preview.yaml")
        try Data(back.utf8).write(to: file)
        let preview = try collector.command(["catalogue", "publish", "--unit", Self.unit, "--file", file.path, "--dry-run"])
        #expect(preview.status == 0 && preview.stdout.contains("\(host)  ") && preview.stdout.contains("VN-TD-SW-001  fail -> pass  sudo"), "\(preview.stdout)\(preview.stderr)")
        // Denying one more package the PC has is seen the other way; openssh-server is installed on it.
        try Data("catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [anydesk, sudo, openssh-server]}\n".utf8).write(to: file)
        let more = try collector.command(["catalogue", "publish", "--unit", Self.unit, "--file", file.path, "--dry-run"])
        #expect(more.stdout.contains("0 PC(s) would change"), "\(more.stdout)")
        #expect(try collector.command(["catalogue", "history", "--unit", Self.unit]).stdout.contains("phiên bản 2") == false)

        // Taken back out: version 2, SW-001 passes again; an unchanged bundle is not fetched twice.
        let allowed = try publish(back)
        #expect(allowed.status == 0 && allowed.stdout.contains("#2"), "\(allowed.stdout)\(allowed.stderr)")
        #expect(try run().contains("version 2 in force"))
        // The history: each version with who, why and what changed from the one before.
        let history = try collector.command(["catalogue", "history", "--unit", Self.unit]).stdout
        #expect(history.contains("phiên bản 2") && history.contains("  - software.denied/all: sudo")
                && history.contains("phiên bản 1") && history.contains("cấm sudo trên máy trạm") && history.contains("  + software.denied/all: sudo"), "\(history)")
        #expect(!(try run()).contains("in force"))
        let passing = try sw001()
        #expect(passing.status == "pass" && passing.bundle == 2, "\(passing)")
        line = try hostLine()
        #expect(!line.contains("VN-TD-SW-001") && line.contains("catalogues v2") && !line.contains("published)"), "\(line)")

        // Offline: the collector is down, the PC keeps checking against its last good bundle.
        collector.stop()
        let offline = try run()
        #expect(offline.contains("could not fetch the unit's catalogues (keeping version 2)"), "\(offline)")
        #expect(try sw001().bundle == 2)
        try collector.start()

        // Bundles the collector's database holds but its key did not sign as they are, or signed below the floor.
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        func bundle(_ version: Int, parameters: [String: FactValue] = [:]) throws -> Data {
            try encoder.encode(CatalogueBundle(unit: Self.unit, policy: .init(id: "vn-td", version: "2026.11"), version: version, layers: .init(commune: nil, unit: version),
                                               issuedAt: "2026-12-07T04:10:00Z", issuedBy: "ai-do", parameters: parameters,
                                               catalogs: ["software.denied": .object(["all": .array([.string("openssh-server")])])]))
        }
        var tampered = try signing.sign(try bundle(5))
        tampered.bundle = try bundle(5, parameters: ["VN-TD-PW-004.max_days": .int(365)])
        let rogues: [(SignedBundle, String)] = [
            (try BundleSigningKey.generate().sign(try bundle(3)), "which this PC does not trust"),
            (try signing.sign(try bundle(4, parameters: ["VN-TD-PW-004.max_days": .int(365)])), "VN-TD-PW-004.max_days = 365 is weaker than the regulation allows"),
            (tampered, "does not match the bundle's bytes"),
        ]
        for (version, (signed, reason)) in zip(3..., rogues) {
            let envelope = try encoder.encode(signed).map { String(format: "%02x", $0) }.joined()
            let insert = try AtttBinary.run(executable: URL(fileURLWithPath: Self.sqlite3), [collector.databasePath, """
                INSERT INTO bundle (unit, version, commune_version, unit_version, envelope, sha256, issued_by, issued_at)
                VALUES ('\(Self.unit)', \(version), NULL, \(version), X'\(envelope)', '\(signed.bundleSHA256)', 'ai-do', '2026-12-07T04:10:00Z');
                """])
            try #require(insert.status == 0, "\(insert.stderr)")
            let refused = try run()
            #expect(refused.contains("refused") && refused.contains(reason), "\(refused)")
            // Still checked against version 2, and the collector shows the refusal in the PC's words.
            let kept = try sw001()
            #expect(kept.status == "pass" && kept.bundle == 2, "\(kept)")
            line = try hostLine()
            #expect(line.contains("catalogues v2 (v\(version) published)") && line.contains("CATALOGUES REFUSED") && line.contains(reason), "\(line)")
        }

        // The history: each report names the bundle it was checked against, in the order they came.
        let reports = try AtttBinary.run(executable: URL(fileURLWithPath: Self.sqlite3), [collector.databasePath, "SELECT ifnull(bundle_version, '-') FROM report ORDER BY started_at, received_at;"])
        let versions = reports.stdout.split(separator: "\n").map(String.init)
        #expect(versions.first == "-" && versions.contains("1") && versions.last == "2" && versions.firstIndex(of: "1")! < versions.firstIndex(of: "2")!, "\(versions)")
        // And the host's page shows it to the officer, report by report, with the PC's refusals.
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let page = String(decoding: try await https.send(collector.url + "/hosts/\(host)", method: .GET, body: nil, headers: try await officerSession(https, collector, "root")).body,
                          as: UTF8.self)
        let rows = page.matches(of: /<tr data-report="[^"]+">(.*?)<\/tr>/).map { String($0.1) }
        #expect(rows.count == 8 && rows.last?.contains("danh mục gốc") == true && rows.contains { $0.contains("<td>v1</td>") } && rows.first?.contains("<td>v2</td>") == true
                && rows.first?.contains("does not match the bundle") == true && rows.contains { $0.contains("weaker than the regulation allows") }, "\(rows)")
    }

    /// A PC enrolled before bundles learns the key on first use; a rotated key is trusted through the
    /// old one's endorsement; a retired key is dropped, and a bundle it signs is refused.
    @Test(.enabled(if: sqlitePresent, why))
    func theBundleKeyIsLearnedRotatedAndRetired() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-bundle-keys-\(UUID())")
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let pc = work.appendingPathComponent("pc01")
        try FileManager.default.copyItem(at: Repository.host("debian12-hardened"), to: pc)
        let enrolled = try AtttBinary.run(["enroll", "--root", pc.path, "--collector", collector.url, "--token", try collector.token(unit: Self.unit), "--ca-cert", collector.caPath])
        try #require(enrolled.status == 0, "enroll: \(enrolled.stderr)")
        let keysFile = pc.appendingPathComponent("var/lib/attt/identity/bundle-keys.json")
        func trusted() throws -> [String] { try JSONDecoder().decode([BundlePublicKey].self, from: Data(contentsOf: keysFile)).map(\.id) }
        func signingKey() throws -> BundleSigningKey {
            try BundleSigningKey(raw: try #require(Data(base64Encoded: String(contentsOf: work.appendingPathComponent("state/bundle-signing.key"), encoding: .utf8)
                .trimmingCharacters(in: .whitespacesAndNewlines))))
        }
        func run() throws -> String {
            let out = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
            #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
            return out.stdout
        }
        var published = 0
        func publish() throws {
            published += 1
            let file = work.appendingPathComponent("layer-\(published).yaml")
            try Data("catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [anydesk, tool-\(published)]}\n".utf8).write(to: file)
            let out = try collector.command(["catalogue", "publish", "--unit", Self.unit, "--file", file.path])
            try #require(out.status == 0, "\(out.stderr)")
        }
        let k1 = try signingKey().publicKey.id

        // Enrolled before bundles existed: no keys on the PC. The first bundle teaches it the served key.
        try FileManager.default.removeItem(at: keysFile)
        try publish()
        var out = try run()
        #expect(out.contains("bundle keys now trusted: \(k1)") && out.contains("version 1 in force"), "\(out)")

        // Rotated: the new key is endorsed by the old; the PC follows, the old key still trusted.
        let rotated = try collector.command(["bundle-key", "rotate"])
        #expect(rotated.status == 0, "\(rotated.stderr)")
        let k2 = try signingKey().publicKey.id
        #expect(k2 != k1 && rotated.stdout.contains("new signing key \(k2), endorsed by \(k1)"), "\(rotated.stdout)")
        collector.stop()
        try collector.start()
        try publish()
        out = try run()
        #expect(out.contains("bundle keys now trusted: \(k1), \(k2)") && out.contains("version 2 in force"), "\(out)")
        #expect(try collector.command(["bundle-key", "retire", k2]).status == 2)

        // Retired: no longer served, so no longer trusted once the PC reads the keys again.
        let retired = try collector.command(["bundle-key", "retire", k1])
        #expect(retired.status == 0 && retired.stdout.contains("served: \(k2)"), "\(retired.stdout)\(retired.stderr)")
        #expect(try collector.command(["bundle-key", "list"]).stdout == "\(k2)  ký hiện tại (signing)\n")
        collector.stop()
        try collector.start()
        // A bundle signed by an unknown key makes the PC read the keys again: it drops k1, refuses the stranger.
        let stranger = try BundleSigningKey.generate().sign(try JSONEncoder().encode(CatalogueBundle(
            unit: Self.unit, policy: .init(id: "vn-td", version: "2026.11"), version: 3, layers: .init(commune: nil, unit: 3),
            issuedAt: "2026-12-07T04:10:00Z", issuedBy: "ai-do", parameters: [:], catalogs: [:])))
        let envelope = try JSONEncoder().encode(stranger).map { String(format: "%02x", $0) }.joined()
        let insert = try AtttBinary.run(executable: URL(fileURLWithPath: Self.sqlite3), [collector.databasePath, """
            INSERT INTO bundle (unit, version, commune_version, unit_version, envelope, sha256, issued_by, issued_at)
            VALUES ('\(Self.unit)', 3, NULL, 3, X'\(envelope)', '\(stranger.bundleSHA256)', 'ai-do', '2026-12-07T04:10:00Z');
            """])
        try #require(insert.status == 0, "\(insert.stderr)")
        out = try run()
        #expect(out.contains("bundle keys now trusted: \(k2)") && out.contains("which this PC does not trust"), "\(out)")
        #expect(try trusted() == [k2])
    }
}
