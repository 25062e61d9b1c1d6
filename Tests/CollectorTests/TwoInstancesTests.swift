import AtttTestSupport
import Foundation
import Testing

/// Two `attt-collector serve` on one PostgreSQL database behind a TCP load balancer (issue 17 point 2):
/// agents enroll and report through the balancer, which sends each connection to either instance at
/// random; one instance is killed (SIGKILL) half-way; every report is stored exactly once.
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

    @Test func agentsReportThroughEitherInstanceAndNothingIsLostOrDoubledWhenOneDies() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.database()
        let environment = ["ATTT_COLLECTOR_DATABASE_URL": cluster.url(database)]
        let first = try CollectorProcess(stateDirectory: work.appendingPathComponent("a"), environment: environment)
        defer { first.kill() }
        // The second instance's state: the first one's keys, as a deployment copies them.
        try FileManager.default.copyItem(at: first.stateDirectory, to: work.appendingPathComponent("b"))
        let second = try CollectorProcess(stateDirectory: work.appendingPathComponent("b"), environment: environment)
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

        // Tokens made on either instance's command line; PCs enroll through the balancer.
        let agents = try (0..<6).map { i -> URL in
            let root = work.appendingPathComponent("pc\(i)")
            try FileManager.default.copyItem(at: Repository.host(i % 2 == 0 ? "debian12-broken" : "debian12-hardened"), to: root)
            let token = try (i % 2 == 0 ? first : second).command(["token", "create", "--unit", "Đơn vị \(i % 3)"], environment: environment)
            #expect(token.status == 0, "\(token.stderr)")
            let enrolled = try AtttBinary.run(["enroll", "--root", root.path, "--collector", url, "--token",
                                               token.stdout.trimmingCharacters(in: .whitespacesAndNewlines), "--ca-cert", first.caPath])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            return root
        }
        let failures = Failures()
        func round() {
            DispatchQueue.concurrentPerform(iterations: agents.count) { i in
                let ran = try? AtttBinary.run(["run", "--root", agents[i].path, "--upload-attempts", "3", "--backoff-base", "0.05"])
                if ran?.status != 0 { failures.add("pc\(i): \(ran?.stderr ?? "did not run")") }
            }
        }
        round()
        round()
        first.kill()
        round()
        round()
        #expect(failures.all.isEmpty, "\(failures.all)")

        // Every report each PC made is stored once: four per PC, none left in any outbox.
        for root in agents {
            let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("var/lib/attt/outbox").path)
            #expect(left.isEmpty, "\(root.lastPathComponent) still holds \(left)")
        }
        let perHost = try cluster.psql("SELECT count(*) FROM report GROUP BY host_id ORDER BY 1", database: database)
        #expect(perHost.split(separator: "\n") == Array(repeating: "4", count: agents.count), "\(perHost)")
        #expect(try cluster.psql("SELECT count(*) FROM host", database: database).trimmingCharacters(in: .whitespacesAndNewlines) == "\(agents.count)")
        // The last two rounds reached the database through the second instance alone.
        #expect(first.processIdentifier.map { Glibc.kill($0, 0) != 0 } ?? false, "the first instance is gone")
    }
}

/// What the agents' runs said, gathered from the threads they ran on.
final class Failures: @unchecked Sendable {
    private let lock = NSLock()
    private var lines: [String] = []

    func add(_ line: String) { lock.withLock { lines.append(line) } }
    var all: [String] { lock.withLock { lines } }
}
