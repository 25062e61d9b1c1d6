import AsyncHTTPClient
import AtttTestSupport
import Foundation
import HardeningCore
import GRDB
import NIOCore
import NIOHTTP1
import NIOSSL
import Testing

/// The collector and agents as real processes over loopback: first start, enrollment, upload, the
/// refusals, approved jobs.
@Suite(.serialized) struct EnrollmentAndUploadTests {
    /// The broken fixture fails every control a workstation can check; the organisational ones are
    /// manual, the secret-PC ones (VN-TD-SEC-*) not applicable.
    static let allControls = ShippedPolicy.policy.controls.count
    static let hostControls = ShippedPolicy.policy.controls.filter { $0.condition != nil && $0.roles.contains(.workstation) }.count

    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-collector-\(UUID())")
    let unit = "UBND xã Tứ Dân"

    func agent(_ name: String, from fixture: String = "debian12-broken") throws -> URL {
        let root = work.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.host(fixture), to: root)
        return root
    }

    func enroll(_ root: URL, _ collector: CollectorProcess, token: String? = nil) throws -> AtttBinary.Output {
        try AtttBinary.run(["enroll", "--root", root.path, "--collector", collector.url, "--token", try token ?? collector.token(unit: unit), "--ca-cert", collector.caPath])
    }

    func run(_ root: URL) throws -> AtttBinary.Output {
        try AtttBinary.run(["run", "--root", root.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
    }

    func hostId(_ root: URL) throws -> String {
        let link = try JSONSerialization.jsonObject(with: Data(contentsOf: root.appendingPathComponent("var/lib/attt/identity/collector.json"))) as? [String: Any]
        return try #require(link?["hostId"] as? String)
    }

    @Test func firstStartCreatesItsStateAndSaysWhere() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let state = work.appendingPathComponent("state")
        let collector = try CollectorProcess(stateDirectory: state)
        defer { collector.stop() }
        for line in ["created \(state.path)/ca/ca.pem", "created \(state.path)/ca/server.pem", "created \(state.path)/bundle-signing.key", "database: \(state.path)/collector.sqlite", "(attt enroll --ca-cert): \(state.path)/ca/ca.pem"] {
            #expect(collector.output.contains(line), "\(collector.output)")
        }
        #expect(FileManager.default.fileExists(atPath: collector.databasePath))
        // A restart reuses the CA: nothing is created again.
        collector.stop()
        try collector.start()
        #expect(collector.output.components(separatedBy: "created ").count == 4)
    }

    @Test func enrollUploadAndTheTokenRules() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let pc = try agent("pc01")

        let token = try collector.token(unit: unit)
        let enrolled = try enroll(pc, collector, token: token)
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        let key = pc.appendingPathComponent("var/lib/attt/identity/host.key").path
        #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600)

        // Used once: a second PC with the same token is refused, and says why.
        let second = try enroll(try agent("pc02"), collector, token: token)
        #expect(second.status == 1 && second.stderr.contains("already used"), "\(second.stderr)")
        // Expired.
        let short = try collector.token(unit: unit, expires: "1s")
        Thread.sleep(forTimeInterval: 1.5)
        let late = try enroll(try agent("pc03"), collector, token: short)
        #expect(late.status == 1 && late.stderr.contains("expired"), "\(late.stderr)")
        // Unknown, and a CA that is not the collector's.
        #expect(try enroll(try agent("pc04"), collector, token: "made-up").stderr.contains("not known"))

        let sent = try run(pc)
        #expect(sent.status == 0 && sent.stdout.contains("sent 1; 0 waiting"), "\(sent.stdout)\(sent.stderr)")
        let hosts = try collector.command(["hosts", "list"]).stdout
        #expect(hosts.contains(try hostId(pc)) && hosts.contains(unit) && hosts.contains("\(Self.hostControls) failing of \(Self.allControls)"), "\(hosts)")
        // Sent means gone from the outbox.
        #expect(try FileManager.default.contentsOfDirectory(atPath: pc.appendingPathComponent("var/lib/attt/outbox").path).isEmpty)
    }

    /// A run whose results and inventory did not change goes as an unchanged report: the agent's
    /// digest of its content is the collector's (else the collector would refuse it and the agent
    /// send it whole), and the collector keeps it as a body naming the first one's.
    @Test func aRunWithTheSameContentGoesUnchanged() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let pc = try agent("pc01")
        #expect(try enroll(pc, collector).status == 0)
        for _ in 0..<2 { #expect(try run(pc).stdout.contains("sent 1; 0 waiting")) }
        // A changed result (an SSH setting read before the others: sshd keeps the first) goes whole again.
        let sshd = pc.appendingPathComponent("etc/ssh/sshd_config")
        try ("MaxAuthTries 9\n" + String(contentsOf: sshd, encoding: .utf8)).write(to: sshd, atomically: true, encoding: .utf8)
        #expect(try run(pc).stdout.contains("sent 1; 0 waiting"))
        let rows = try DatabaseQueue(path: collector.databasePath).read { db in
            try Row.fetchAll(db, sql: "SELECT r.id, r.content_digest, b.content_from FROM report r JOIN report_body b ON b.report_id = r.id ORDER BY r.started_at, r.rowid")
        }
        #expect(rows.count == 3)
        let first: String = rows[0]["id"], digests = rows.map { $0["content_digest"] as String? }
        #expect(rows.map { $0["content_from"] as String? } == [nil, first, nil])
        #expect(digests[0] == digests[1] && digests[1] != digests[2] && digests.allSatisfy { $0?.count == 64 })
        #expect(try collector.command(["hosts", "list"]).stdout.contains("\(Self.hostControls)"))
    }

    /// A PC that could not reach the collector for long compacted its outbox: the collector is told
    /// how many reports it will never get in full.
    @Test func compactedReportsAreCounted() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let pc = try agent("pc01")
        let tiny = ["--outbox-max-bytes", "1", "--outbox-max-summaries", "0"]
        for _ in 0..<3 { #expect(try AtttBinary.run(["run", "--root", pc.path] + tiny).status == 0) }
        let outbox = pc.appendingPathComponent("var/lib/attt/outbox")
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path) == ["0000-compacted.json"])

        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        #expect(try enroll(pc, collector).status == 0)
        let sent = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"] + tiny)
        #expect(sent.stdout.contains("sent 1; 0 waiting"), "\(sent.stdout)")
        #expect(try collector.command(["hosts", "list"]).stdout.contains("(4 older reports compacted by the agent)"))
        #expect(try FileManager.default.contentsOfDirectory(atPath: outbox.path).isEmpty)
    }

    /// No certificate, a certificate from another CA, a revoked certificate: all refused, and a report
    /// is always filed under the host of the certificate, whatever its body says.
    @Test func onlyEnrolledHostsAndOnlyTheirOwnData() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let a = try agent("pc-a"), b = try agent("pc-b", from: "debian12-hardened")
        #expect(try enroll(a, collector).status == 0)
        #expect(try enroll(b, collector).status == 0)

        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        // No client certificate.
        let anonymous = try HTTPS(trust: ca)
        defer { anonymous.close() }
        let report = try Data(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/reports/broken-report.json"))
        for path in ["/v1/reports", "/v1/report-summaries", "/v1/compactions"] {
            #expect(try await anonymous.post(collector.url + path, report).status == 401)
        }
        #expect(try await anonymous.get(collector.url + "/v1/jobs").status == 401)
        // A certificate some other CA signed does not even get through the TLS handshake.
        let stranger = try HTTPS(trust: ca, identity: try Self.selfMadeIdentity())
        defer { stranger.close() }
        await #expect(throws: (any Error).self) { _ = try await stranger.get(collector.url + "/v1/jobs") }

        // A's report claiming to be B is filed under A.
        let hostA = try hostId(a), hostB = try hostId(b)
        let asA = try HTTPS(trust: ca, identity: (a.appendingPathComponent("var/lib/attt/identity/host.pem").path, a.appendingPathComponent("var/lib/attt/identity/host.key").path))
        defer { asA.close() }
        #expect(try await asA.post(collector.url + "/v1/reports", report).status == 200)
        let listed = try collector.command(["hosts", "list"]).stdout.split(separator: "\n")
        #expect(listed.first { $0.hasPrefix(hostA) }?.contains("12 failing of 12") == true, "\(listed)")
        #expect(listed.first { $0.hasPrefix(hostB) }?.contains("no report yet") == true, "\(listed)")
        // B's job cannot be finished by A.
        let approved = try collector.command(["jobs", "approve", "--host", hostB, "--control", "VN-TD-PW-004"])
        let jobId = try #require(approved.stdout.split(separator: " ").first.map(String.init))
        let result = Data(#"{"state":"applied","transaction":"000001-x"}"#.utf8)
        #expect(try await asA.post(collector.url + "/v1/jobs/\(jobId)/result", result).status == 404)

        // Revoked: A's next upload is refused and its report stays in the outbox.
        #expect(try collector.command(["hosts", "revoke", hostA]).status == 0)
        #expect(try await asA.post(collector.url + "/v1/reports", report).status == 403)
        let refused = try run(a)
        #expect(refused.status == 0 && refused.stdout.contains("HTTP 403"), "\(refused.stdout)")
        #expect(try FileManager.default.contentsOfDirectory(atPath: a.appendingPathComponent("var/lib/attt/outbox").path).count == 1)
    }

    /// An officer approves; the host applies it on its next run as an attt fix transaction and
    /// reports the transaction; the job is never applied twice; an expired job is never applied.
    @Test func approvedJobsAreAppliedOnce() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let pc = try agent("pc01")
        #expect(try enroll(pc, collector).status == 0)
        let host = try hostId(pc)

        let expiring = try collector.command(["jobs", "approve", "--host", host, "--control", "VN-TD-SHR-001"], environment: ["ATTT_COLLECTOR_JOBS_LIFETIME": "1s"])
        #expect(expiring.status == 0, "\(expiring.stderr)")
        Thread.sleep(forTimeInterval: 1.5)
        let approved = try collector.command(["jobs", "approve", "--host", host, "--control", "VN-TD-PW-004"])
        let job = try #require(approved.stdout.split(separator: " ").first.map(String.init))
        #expect(try collector.command(["jobs", "approve", "--host", "h-nobody", "--control", "VN-TD-PW-004"]).status == 2)

        let first = try run(pc)
        #expect(first.status == 0 && first.stdout.contains("job \(job)") && first.stdout.contains(": applied tx 000001-"), "\(first.stdout)\(first.stderr)")
        #expect(!first.stdout.contains("VN-TD-SHR-001"), "an expired job was applied: \(first.stdout)")
        // The new state reached the collector in the same run: PW-004 passes now, SHR-001 still fails.
        let hosts = try collector.command(["hosts", "list"]).stdout
        #expect(hosts.contains("\(Self.hostControls - 1) failing of \(Self.allControls)") && !hosts.contains("VN-TD-PW-004") && hosts.contains("VN-TD-SHR-001"), "\(hosts)")
        let jobs = try collector.command(["jobs", "list"]).stdout
        #expect(jobs.contains("\(job)  \(host)  applied tx 000001-") && jobs.contains("passing now: VN-TD-PW-004") && jobs.contains("expired"), "\(jobs)")
        let history = try AtttBinary.run(["history", "--root", pc.path]).stdout
        #expect(history.contains("(collector job)") && history.split(separator: "\n").filter { $0.hasPrefix("0000") }.count == 1)

        // Nothing more to do on the next run.
        let second = try run(pc)
        #expect(!second.stdout.contains("job "), "\(second.stdout)")

        // The result was lost on the way (the collector still thinks the job is open): the host
        // reports the transaction it already made and applies nothing again.
        try DatabaseQueue(path: collector.databasePath).write { db in
            try db.execute(sql: "UPDATE job SET state = 'approved', transaction_id = NULL WHERE id = ?", arguments: [job])
        }
        let third = try run(pc)
        #expect(third.stdout.contains("job \(job)") && third.stdout.contains(": applied tx 000001-"), "\(third.stdout)")
        #expect(try AtttBinary.run(["history", "--root", pc.path]).stdout.split(separator: "\n").filter { $0.hasPrefix("0000") }.count == 1)
        #expect(try collector.command(["jobs", "list"]).stdout.contains("applied earlier"))
    }

    /// An identity made by a CA of our own: what an attacker with a self-signed certificate has.
    static func selfMadeIdentity() throws -> (String, String) {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-stranger-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), [
            "openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:P-256", "-nodes", "-days", "1",
            "-subj", "/CN=h-stranger", "-keyout", dir.appendingPathComponent("k.pem").path, "-out", dir.appendingPathComponent("c.pem").path,
        ])
        guard out.status == 0 else { throw CollectorProcess.Failure(description: "openssl: \(out.stderr)") }
        return (dir.appendingPathComponent("c.pem").path, dir.appendingPathComponent("k.pem").path)
    }
}

/// A bare HTTPS client for requests the agent would never make.
final class HTTPS: @unchecked Sendable {
    let client: HTTPClient

    /// `connections`: at most this many at once to the collector (AsyncHTTPClient's default is 8;
    /// a flood needs more, or it would only queue in the client).
    init(trust: [NIOSSLCertificate], identity: (certificate: String, key: String)? = nil, connections: Int = 8) throws {
        var tls = TLSConfiguration.makeClientConfiguration()
        tls.trustRoots = .certificates(trust)
        if let identity {
            tls.certificateChain = try NIOSSLCertificate.fromPEMFile(identity.certificate).map { .certificate($0) }
            tls.privateKey = .privateKey(try NIOSSLPrivateKey(file: identity.key, format: .pem))
        }
        var configuration = HTTPClient.Configuration(tlsConfiguration: tls)
        // Redirects are answers to check, not to follow.
        configuration.redirectConfiguration = .disallow
        configuration.connectionPool.concurrentHTTP1ConnectionsPerHostSoftLimit = connections
        client = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
    }

    struct Answer {
        var status: Int
        var headers: [(String, String)]
        var body: Data
    }

    func get(_ url: String) async throws -> Answer { try await send(url, method: .GET, body: nil) }
    func post(_ url: String, _ body: Data, type: String = "application/json") async throws -> Answer { try await send(url, method: .POST, body: body, type: type) }

    func send(_ url: String, method: HTTPMethod, body: Data?, type: String = "application/json", headers: [(String, String)] = []) async throws -> Answer {
        var request = HTTPClientRequest(url: url)
        request.method = method
        for (name, value) in headers { request.headers.add(name: name, value: value) }
        if let body {
            request.headers.add(name: "Content-Type", value: type)
            request.body = .bytes(ByteBuffer(bytes: body))
        }
        let response = try await client.execute(request, timeout: .seconds(30))
        let buffer = try await response.body.collect(upTo: 32 << 20)
        let answer = Answer(status: Int(response.status.code), headers: response.headers.map { ($0.name, $0.value) }, body: Data(buffer.readableBytesView))
        recorder?(method.rawValue, url, answer)
        return answer
    }

    /// Sees every exchange (the OpenAPI conformance test records them).
    var recorder: (@Sendable (String, String, Answer) -> Void)?

    func close() { try? client.syncShutdown() }
}
