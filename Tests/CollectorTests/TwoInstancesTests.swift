import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// Two `attt-collector serve` on one PostgreSQL database behind a TCP load balancer (issue 17 point 2):
/// agents enroll and report through the balancer, which sends each connection to either instance at
/// random; one instance is killed (SIGKILL) half-way; every report is stored exactly once. Officers'
/// sessions, the sign-in lockout and revocations hold on both instances at once.
///
/// The instances share the CA, the server certificate and the bundle key by the state directory's
/// files, copied from the first to the second (docs/collector.md, *Several instances*).
@Suite(.serialized) struct TwoInstancesTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-two-instances-\(UUID())")

    /// A TCP balancer as HAProxy or nginx's stream module is one: each connection to a backend chosen
    /// at random, the other tried when that one does not answer (its health check).
    static let balancer = #"""
        import random, socket, sys, threading
        backends = [("127.0.0.1", int(p)) for p in sys.argv[1:]]
        listener = socket.socket(); listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        listener.bind(("127.0.0.1", 0)); listener.listen(128)
        print(listener.getsockname()[1], flush=True)
        def pipe(a, b):
            try:
                while True:
                    data = a.recv(65536)
                    if not data: break
                    b.sendall(data)
            except OSError: pass
            finally:
                for s in (a, b):
                    try: s.shutdown(socket.SHUT_RDWR)
                    except OSError: pass
        def serve(client):
            for backend in random.sample(backends, len(backends)):
                try: upstream = socket.create_connection(backend, timeout=2)
                except OSError: continue
                upstream.settimeout(None)
                threading.Thread(target=pipe, args=(client, upstream), daemon=True).start()
                threading.Thread(target=pipe, args=(upstream, client), daemon=True).start()
                return
            client.close()
        while True:
            client, _ = listener.accept()
            serve(client)
        """#

    @Test(.enabled(if: OfficerTests.pamExecPresent, "needs pam_exec.so (libpam-modules) to stage an officer's password"))
    func agentsAndOfficersUseEitherInstanceAndNothingIsLostOrDoubledWhenOneDies() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.database()
        let environment = ["ATTT_COLLECTOR_DATABASE_URL": cluster.url(database)]
        let officers = ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_LOCKOUT_ATTEMPTS": "2"]
        let pam = ["--pam-confdir", try OfficerTests().pamConfdir().path]
        let first = try CollectorProcess(stateDirectory: work.appendingPathComponent("a"), environment: environment.merging(officers) { a, _ in a }, arguments: pam)
        defer { first.kill() }
        // The second instance's state: the first one's keys, as a deployment copies them.
        try FileManager.default.copyItem(at: first.stateDirectory, to: work.appendingPathComponent("b"))
        let second = try CollectorProcess(stateDirectory: work.appendingPathComponent("b"), environment: environment.merging(officers) { a, _ in a }, arguments: pam)
        defer { second.kill() }
        #expect(second.output.components(separatedBy: "created ").count == 1, "the second instance makes no key of its own: \(second.output)")

        let script = work.appendingPathComponent("balancer.py")
        try Self.balancer.write(to: script, atomically: true, encoding: .utf8)
        let balancer = Process(), out = Pipe()
        balancer.executableURL = URL(fileURLWithPath: "/usr/bin/python3")
        balancer.arguments = [script.path, String(first.port), String(second.port)]
        balancer.standardOutput = out
        balancer.standardError = FileHandle.nullDevice
        try balancer.run()
        // SIGKILL: the child inherits a signal mask in which SIGTERM may be blocked.
        defer {
            Glibc.kill(balancer.processIdentifier, SIGKILL)
            balancer.waitUntilExit()
        }
        let port = try #require(String(decoding: out.fileHandleForReading.availableData, as: UTF8.self).split(separator: "\n").first.flatMap { Int($0) })
        let url = "https://127.0.0.1:\(port)"

        // Tokens made on either instance's command line; PCs enroll through the balancer. The seventh
        // is revoked after its first report.
        let enrolled = try (0..<7).map { i -> URL in
            let root = work.appendingPathComponent("pc\(i)")
            try FileManager.default.copyItem(at: Repository.host(i % 2 == 0 ? "debian12-broken" : "debian12-hardened"), to: root)
            let token = try (i % 2 == 0 ? first : second).command(["token", "create", "--unit", "Đơn vị \(i % 3)"], environment: environment)
            #expect(token.status == 0, "\(token.stderr)")
            let enrolled = try AtttBinary.run(["enroll", "--root", root.path, "--collector", url, "--token",
                                               token.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--ca-cert", first.caPath])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            return root
        }
        let agents = Array(enrolled.prefix(6)), revoked = enrolled[6]
        #expect(try AtttBinary.run(["run", "--root", revoked.path]).status == 0)
        let failures = Failures()
        func round() {
            DispatchQueue.concurrentPerform(iterations: agents.count) { i in
                let ran = try? AtttBinary.run(["run", "--root", agents[i].path, "--upload-attempts", "3", "--backoff-base", "0.05"])
                if ran?.status != 0 { failures.add("pc\(i): \(ran?.stderr ?? "did not run")") }
            }
        }
        round()
        round()
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(first.caPath))
        defer { https.close() }
        let session = try await officerSharesBothInstances(https, balanced: url, first.url, second.url, revoking: revoked)
        first.kill()
        round()
        round()
        #expect(failures.all.isEmpty, "\(failures.all)")
        // The officer's session lives on in the database: the balancer's requests now all reach the second.
        for _ in 0..<3 { #expect(try await officerStatus(https, url, session: session).status == 200) }

        // Every report each PC made is stored once: four per PC, none left in any outbox.
        for root in agents {
            let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("var/lib/attt/outbox").path)
            #expect(left.isEmpty, "\(root.lastPathComponent) still holds \(left)")
        }
        let perHost = try cluster.psql("SELECT count(*) FROM report GROUP BY host_id ORDER BY 1", database: database)
        #expect(perHost.split(separator: "\n") == ["1"] + Array(repeating: "4", count: agents.count), "\(perHost)")
        #expect(try cluster.psql("SELECT count(*) FROM host", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "\(enrolled.count)")
        // After each PC's first report, the same content went as unchanged reports, through either instance.
        let unchanged = try cluster.psql("SELECT count(*) FROM report_body WHERE content_from IS NOT NULL", database: database)
        #expect(unchanged.trimmingCharacters(in: .whitespacesAndNewlines) == "\(3 * agents.count)")
        // The last two rounds reached the database through the second instance alone.
        #expect(first.processIdentifier.map { Glibc.kill($0, 0) != 0 } ?? false, "the first instance is gone")
    }
}

extension TwoInstancesTests {
    func signIn(_ https: HTTPS, _ base: String, _ user: String, _ password: String) async throws -> HTTPS.Answer {
        // A new connection each time, so the balancer chooses again.
        try await https.send(base + "/v1/officer/session", method: .POST, body: try JSONEncoder().encode(["user": user, "password": password]),
                             headers: [("Origin", base), ("Connection", "close")])
    }

    func officerStatus(_ https: HTTPS, _ base: String, session: String) async throws -> HTTPS.Answer {
        try await https.send(base + "/v1/officer/status?unit=%C4%90%C6%A1n%20v%E1%BB%8B%200", method: .GET, body: nil, headers: [("Cookie", session), ("Connection", "close")])
    }

    /// Wrong guesses on each instance lock the account on both; a session made through the balancer
    /// is good on either; a host revoked on one is refused by the other at once. Returns the session.
    func officerSharesBothInstances(_ https: HTTPS, balanced: String, _ first: String, _ second: String, revoking pc: URL) async throws -> String {
        #expect(try await signIn(https, first, "guesser", "wrong").status == 401)
        #expect(try await signIn(https, second, "guesser", "wrong").status == 401)
        for base in [first, second, balanced] {
            let locked = try await signIn(https, base, "guesser", OfficerTests.password)
            #expect(locked.status == 429, "\(base): \(locked.status) \(String(decoding: locked.body, as: UTF8.self))")
        }

        let signedIn = try await signIn(https, balanced, "root", OfficerTests.password)
        #expect(signedIn.status == 200)
        let session = try #require(signedIn.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let csrf = try #require(try JSONDecoder().decode([String: String].self, from: signedIn.body)["csrfToken"])
        for base in [first, second] + Array(repeating: balanced, count: 6) {
            let status = try await officerStatus(https, base, session: session)
            #expect(status.status == 200 && String(decoding: status.body, as: UTF8.self).contains("h-"), "\(base): \(status.status)")
        }

        let link = try JSONSerialization.jsonObject(with: Data(contentsOf: pc.appendingPathComponent("var/lib/attt/identity/collector.json"))) as? [String: Any]
        let host = try #require(link?["hostId"] as? String)
        let identity = (pc.appendingPathComponent("var/lib/attt/identity/host.pem").path, pc.appendingPathComponent("var/lib/attt/identity/host.key").path)
        let agent = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(pc.appendingPathComponent("var/lib/attt/identity/ca.pem").path), identity: identity)
        defer { agent.close() }
        #expect(try await agent.send(second + "/v1/jobs", method: .GET, body: nil, headers: [("Connection", "close")]).status == 200)
        let revoke = try await https.send(first + "/v1/officer/hosts/\(host)/revoke", method: .POST, body: Data("{}".utf8),
                                          headers: [("Cookie", session), ("Origin", first), ("X-CSRF-Token", csrf)])
        #expect(revoke.status == 200, "\(String(decoding: revoke.body, as: UTF8.self))")
        #expect(try await agent.send(second + "/v1/jobs", method: .GET, body: nil, headers: [("Connection", "close")]).status == 403)
        return session
    }
}

/// What the agents' runs said, gathered from the threads they ran on.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
