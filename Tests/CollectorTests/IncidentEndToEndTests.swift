import AtttTestSupport
import Foundation
import GRDB
import NIOHTTP1
import NIOSSL
import Testing

/// Điều 11 khoản 2 điểm a, end to end with the real programs: a PC collects its evidence and the
/// collector holds the signed manifest, and an officer's isolation order at the collector reaches the
/// PC through its scheduled run in real network namespaces, then a release order lets it back.
/// Accounts as in RolesTests: unit A's IT officer is `daemon`.
@Suite(.serialized) struct IncidentEndToEndTests {
    let officers = OfficerTests()
    let agents = EnrollmentAndUploadTests()
    static let unit = "UBND xã Tứ Dân"

    static func json(_ answer: HTTPS.Answer) -> Any? { try? JSONSerialization.jsonObject(with: answer.body) }

    /// `attt incident collect` on an enrolled PC (the real command, the officer signed in through a
    /// staged PAM service), `attt incident verify` on the copy against the collector's CA, then the PC's
    /// own `attt run`: the collector holds the manifest, its signature checked, under the PC's incident,
    /// with the same SHA-256 `verify` printed.
    @Test(.enabled(if: IncidentRegisterTests.canRun && FileManager.default.isWritableFile(atPath: "/dev/shm"),
                   "needs pam_exec.so, Debian's system accounts, openssl, and /dev/shm for the evidence disk"))
    func aCollectionReachesTheCollectorSignedAndVerifies() async throws {
        let destination = "/dev/shm/attt-evidence-\(UUID())"
        defer {
            try? FileManager.default.removeItem(at: officers.work)
            try? FileManager.default.removeItem(at: agents.work)
            try? FileManager.default.removeItem(atPath: destination)
        }
        let collector = try CollectorProcess(stateDirectory: officers.work.appendingPathComponent("state"),
                                             environment: ["ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unit)=daemon"],
                                             arguments: ["--pam-confdir", try officers.pamConfdir().path])
        defer { collector.stop() }
        let root = try agents.agent("pc-a")
        #expect(try agents.enroll(root, collector, token: try collector.token(unit: Self.unit)).status == 0)
        let host = try agents.hostId(root)
        // The officer at the PC: a staged PAM service "attt" that admits root.
        let pam = agents.work.appendingPathComponent("pam")
        try FileManager.default.createDirectory(at: pam, withIntermediateDirectories: true)
        try "auth required pam_permit.so\naccount required pam_permit.so\n".write(to: pam.appendingPathComponent("attt"), atomically: true, encoding: .utf8)
        try FileManager.default.createDirectory(atPath: destination, withIntermediateDirectories: true)

        let collect = try AtttBinary.run(["incident", "collect", "--root", root.path, "--to", destination, "--allow-memory-disk", "--reserve-bytes", "0",
                                          "--pam-confdir", pam.path, "--officer-group", "root"], input: "root\nmat-khau\n")
        try #require(collect.status == 0, "\(collect.stdout)\(collect.stderr)")
        let collection = try #require(try FileManager.default.contentsOfDirectory(atPath: destination).first { $0.hasPrefix("attt-") }.map { destination + "/" + $0 })
        let verify = try AtttBinary.run(["incident", "verify", collection, "--ca", collector.caPath])
        #expect(verify.status == 0 && verify.stdout.contains("Kết quả: nguyên vẹn."), "\(verify.stdout)\(verify.stderr)")
        #expect(verify.stdout.contains("do máy chủ thu thập cấp"), "the certificate chains to the collector's CA: \(verify.stdout)")
        let printed = try #require(verify.stdout.split(separator: "\n").first { $0.hasPrefix("SHA-256 của manifest.json: ") }?
            .dropFirst("SHA-256 của manifest.json: ".count).prefix(64)).description
        // A CA that did not issue the PC's certificate: the signature is the PC's, but not one the unit's collector vouches for.
        let stranger = agents.work.appendingPathComponent("other-ca.pem")
        let made = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/openssl"), ["req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes",
                                                                                           "-keyout", agents.work.appendingPathComponent("other-ca.key").path, "-subj", "/CN=other", "-days", "2", "-out", stranger.path])
        try #require(made.status == 0, "\(made.stderr)")
        let foreign = try AtttBinary.run(["incident", "verify", collection, "--ca", stranger.path])
        #expect(foreign.status == 1 && foreign.stdout.contains("không do máy chủ thu thập này cấp"), "\(foreign.stdout)\(foreign.stderr)")

        let run = try agents.run(root)
        #expect(run.status == 0 && run.stdout.contains("incident: sent 2"), "the step and the manifest: \(run.stdout)\(run.stderr)")
        let held = try await DatabaseQueue(path: collector.databasePath).read { db in
            try Row.fetchOne(db, sql: """
                SELECT m.signature_ok, m.manifest_sha256, m.host_id, m.incident_id, i.unit,
                       (SELECT count(*) FROM incident_step s WHERE s.incident_id = m.incident_id AND s.kind = 'collect' AND s.manifest_id = m.id) AS steps
                FROM evidence_manifest m JOIN incident i ON i.id = m.incident_id
                """)
        }
        let row = try #require(held)
        #expect(row["signature_ok"] as Bool? == true && row["host_id"] as String? == host && row["unit"] as String? == Self.unit)
        #expect(row["manifest_sha256"] as String? == printed, "the collector's digest is the one on the disk")
        #expect(row["steps"] as Int? == 1, "the collect step names the manifest")
    }

    /// An officer orders the isolation of a PC at the collector (a job); the PC's scheduled `attt run`,
    /// in its own network namespace, applies it: the peer is cut, the collector still answers, and the
    /// step reaches the incident. A release order lets the PC back.
    @Test(.enabled(if: IsolationLab.canRun && IncidentRegisterTests.canRun,
                   "needs root, iproute2, unshare, nft, ping and python3 for the namespaces, and pam_exec.so and Debian's system accounts for the officer"))
    func anOfficersOrderIsolatesThePCAndAnotherReleasesIt() async throws {
        defer { try? FileManager.default.removeItem(at: officers.work) }
        let lab = try IsolationLab(collectorEnvironment: ["ATTT_COLLECTOR_OFFICERS_UNIT_GROUPS": "\(Self.unit)=daemon"],
                                   collectorArguments: ["--pam-confdir", try officers.pamConfdir().path])
        defer { lab.remove() }
        let enrolled = try lab.attt(["enroll", "--collector", lab.collector.url, "--token", lab.collector.token(unit: Self.unit), "--ca-cert", lab.collector.caPath])
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        let link = try JSONSerialization.jsonObject(with: Data(contentsOf: lab.host.url("/var/lib/attt/identity/collector.json"))) as? [String: Any]
        let host = try #require(link?["hostId"] as? String)
        func run() throws -> AtttBinary.Output { try lab.attt(["run", "--upload-attempts", "2", "--backoff-base", "0.1"]) }
        #expect(try run().status == 0)

        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(lab.collector.caPath))
        defer { https.close() }
        let officer = try await officerSession(https, lab.collector, "daemon")
        func send(_ path: String, _ body: String? = nil) async throws -> HTTPS.Answer {
            try await https.send(lab.collector.url + path, method: body == nil ? .GET : .POST, body: body.map { Data($0.utf8) }, headers: officer)
        }
        let record = #"{"unit":"\#(Self.unit)","title":"Máy kế toán gửi dữ liệu lạ ra ngoài","detectedAt":"2026-12-01T01:00:00Z","detectedBy":"Trần B","detection":"officer","signs":["traffic-spike"],"severity":"cao","hosts":["\#(host)"]}"#
        let recorded = try await send("/v1/officer/incidents", record)
        try #require(recorded.status == 201, "\(String(decoding: recorded.body, as: UTF8.self))")
        let incident = try #require((Self.json(recorded) as? [String: Any])?["id"] as? String)
        func isolated() async throws -> Bool? {
            let hosts = (Self.json(try await send("/v1/officer/incidents/\(incident)")) as? [String: Any])?["hosts"] as? [[String: Any]]
            return hosts?.first { $0["host"] as? String == host }?["isolated"] as? Bool
        }

        let ordered = try await send("/v1/officer/incidents/\(incident)/isolation", #"{"host":"\#(host)","action":"isolate"}"#)
        try #require(ordered.status == 201, "\(String(decoding: ordered.body, as: UTF8.self))")
        let isolating = try run()
        #expect(isolating.status == 0 && isolating.stdout.contains("(isolate, approved by daemon): applied"), "\(isolating.stdout)\(isolating.stderr)")
        #expect(try lab.tableLoaded())
        #expect(try lab.pcConnects(lab.peer, 8080) == "timeout")
        #expect(try lab.pcConnects(lab.address(1), lab.collector.port) == "connected", "the collector is how the officer releases it")
        // The step is sent with the next run (this one was busy applying).
        #expect(try run().status == 0)
        #expect(try await isolated() == true)

        let release = try await send("/v1/officer/incidents/\(incident)/isolation", #"{"host":"\#(host)","action":"release"}"#)
        try #require(release.status == 201, "\(String(decoding: release.body, as: UTF8.self))")
        let releasing = try run()
        #expect(releasing.status == 0 && releasing.stdout.contains("(release, approved by daemon): applied"), "\(releasing.stdout)\(releasing.stderr)")
        #expect(try !lab.tableLoaded())
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try run().status == 0)
        #expect(try await isolated() == false)
        let steps = (Self.json(try await send("/v1/officer/incidents/\(incident)")) as? [String: Any])?["steps"] as? [[String: Any]] ?? []
        let kinds = steps.compactMap { $0["kind"] as? String }
        #expect(kinds.contains("isolation-ordered") && kinds.contains("isolate") && kinds.contains("release-ordered") && kinds.contains("release"), "\(kinds)")
        #expect(steps.filter { ["isolate", "release"].contains($0["kind"] as? String) }.allSatisfy { $0["job"] != nil && $0["outcome"] as? String == "done" }, "\(steps)")
    }
}
