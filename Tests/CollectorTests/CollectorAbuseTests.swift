import AtttTestSupport
import Enrollment
import Foundation
import NIOHTTP1
import NIOSSL
import Synchronization
import Testing

/// The collector tried as an attacker would (issue 12 point 6), as a real process on loopback:
/// idle connections and stalled handshakes, heads and bodies trickled in, large bodies before
/// authentication, a flood of sign-ins, forged summaries, dates in 2099, huge reports, forged
/// changes without the anti-forgery token. Each gets the safe outcome, and meanwhile a real agent
/// still uploads and an officer still signs in.
///
/// Timeouts are shortened (idle 2 s, request 6 s) so the test waits seconds, not minutes; every wait
/// is for an event (a closed socket, a process that exits) with a generous deadline, never a sleep.
@Suite(.serialized) struct CollectorAbuseTests {
    let officers = OfficerTests()
    var work: URL { officers.work }
    static let idle = 2.0, requestDeadline = 6.0

    func collector(environment: [String: String] = [:]) throws -> CollectorProcess {
        try CollectorProcess(
            stateDirectory: work.appendingPathComponent("state"),
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_SERVER_IDLE_TIMEOUT": "\(Int(Self.idle))s",
                          "ATTT_COLLECTOR_SERVER_REQUEST_TIMEOUT": "\(Int(Self.requestDeadline))s"].merging(environment) { _, new in new },
            arguments: ["--pam-confdir", try officers.pamConfdir().path]
        )
    }

    /// At the connection cap the collector stops accepting; a client waits in the kernel's queue
    /// until the idle timeout frees a place, and is then served.
    @Test func pastTheConnectionCapClientsWaitUntilIdleOnesAreDropped() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector(environment: ["ATTT_COLLECTOR_SERVER_MAX_CONNECTIONS": "10"])
        defer { collector.stop() }
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        #expect(try await https.get(collector.url + "/v1/health").status == 200)
        // Three times the cap: the collector accepts in batches, so the cap holds to within a batch;
        // the client behind them in the kernel's queue waits either way.
        let silent = try (0..<30).map { _ in try RawSocket(port: collector.port) }
        let opened = Date()
        let fresh = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { fresh.close() }
        #expect(try await fresh.get(collector.url + "/v1/health").status == 200)
        // Served only once places were freed: not before the idle timeout.
        #expect(Date().timeIntervalSince(opened) >= Self.idle - 0.5)
        #expect(RawSocket.awaitClosed(silent, within: 30).count == 30)
    }

    static var openSSLPresent: Bool { FileManager.default.isExecutableFile(atPath: "/usr/bin/openssl") }

    @Test(.enabled(if: OfficerTests.pamExecPresent && openSSLPresent, "needs pam_exec.so (libpam-modules) for the officer and /usr/bin/openssl for raw TLS clients"))
    func slowAndIdleConnectionsAreClosedWhileAgentsAndOfficersAreServed() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector()
        defer { collector.stop() }
        let pc = try enrolledAgent(collector)

        // 30 TCP connections that never speak, 10 that stall half way through a TLS record.
        let silent = try (0..<30).map { _ in try RawSocket(port: collector.port) }
        let stalled = try (0..<10).map { _ in try RawSocket(port: collector.port) }
        for socket in stalled { socket.send([0x16, 0x03, 0x01, 0x02, 0x00, 0x01]) }
        // Over TLS: a head that never ends, and a body trickled a byte a second (each byte resets
        // the idle timer; only the request deadline stops it).
        let slowHead = try TLSClient(port: collector.port)
        slowHead.write("POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty")
        let slowBody = try TLSClient(port: collector.port)
        slowBody.write("POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
        slowBody.trickle(every: 1)
        // Answered 413 early (over 8 KiB), then the rest trickled: the deadline still holds.
        let afterAnswer = try TLSClient(port: collector.port)
        afterAnswer.write("POST /v1/enroll HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n" + String(repeating: " ", count: 9_000))
        afterAnswer.trickle(every: 1)
        let started = Date()

        // Meanwhile: the agent uploads, an officer signs in.
        let sent = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
        #expect(sent.status == 0 && sent.stdout.contains("sent 1; 0 waiting"), "\(sent.stdout)\(sent.stderr)")
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        #expect(try await signIn(https, collector, "root", OfficerTests.password).status == 200)

        // Every idle or stalled socket is closed by the server after the idle timeout.
        let closed = RawSocket.awaitClosed(silent + stalled, within: 30)
        #expect(closed.count == 40, "\(40 - closed.count) connections still open after 30 s")
        #expect(closed.allSatisfy { $0 >= Self.idle - 0.5 }, "closed before the idle timeout: \(closed.sorted().prefix(3))")
        #expect(try slowHead.awaitExit(within: 30) < Self.idle + 10)
        let bodyCut = try slowBody.awaitExit(within: 40)
        #expect(bodyCut >= Self.requestDeadline - 0.5 && bodyCut < Self.requestDeadline + 10, "the trickled body was cut after \(bodyCut) s")
        #expect(try afterAnswer.awaitExit(within: 40) < Self.requestDeadline + 10)
        #expect(Date().timeIntervalSince(started) < 40)

        // Still serving afterwards.
        #expect(try await https.get(collector.url + "/v1/health").status == 200)
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent, "needs pam_exec.so (libpam-modules) to stage an officer's password"))
    func largeBodiesBeforeSignInAndASignInFloodLeaveOfficersIn() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector()
        defer { collector.stop() }
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }

        // Nobody is authenticated yet: 8 KiB is all the collector reads.
        let big = Data(repeating: UInt8(ascii: " "), count: 1 << 20)
        #expect(try await https.post(collector.url + "/v1/enroll", big).status == 413)
        #expect(try await https.send(collector.url + "/v1/officer/session", method: .POST, body: big, headers: [("Origin", collector.url)]).status == 413)
        #expect(try await https.send(collector.url + "/sign-in", method: .POST, body: big, type: "application/x-www-form-urlencoded", headers: [("Origin", collector.url)]).status == 413)
        // An agent route without a certificate is refused before its body is read.
        #expect(try await https.post(collector.url + "/v1/reports", big).status == 401)

        // 200 sign-ins from accounts outside the officer group, 40 at a time, while the officer signs in.
        let flood = Task {
            try await withThrowingTaskGroup(of: Int.self) { group in
                var statuses: [Int] = []
                for i in 0..<200 {
                    if i >= 40, let status = try await group.next() { statuses.append(status) }
                    group.addTask { try await signIn(https, collector, "guesser\(i)", "wrong-\(i)").status }
                }
                for try await status in group { statuses.append(status) }
                return statuses
            }
        }
        let officer = try await signIn(https, collector, "root", OfficerTests.password)
        #expect(officer.status == 200)
        let statuses = try await flood.value
        #expect(statuses.count == 200 && statuses.allSatisfy { $0 == 401 || $0 == 503 }, "\(Dictionary(grouping: statuses, by: { $0 }).mapValues(\.count))")
        #expect(try await signIn(https, collector, "root", OfficerTests.password).status == 200)
        // None of the guessers reached PAM: they are not in the officer group.
        let calls = try String(contentsOf: work.appendingPathComponent("pam.d/pam-calls"), encoding: .utf8).split(separator: "\n")
        #expect(calls == ["root", "root"], "\(calls)")
    }

    @Test(.enabled(if: OfficerTests.pamExecPresent, "needs pam_exec.so (libpam-modules) to stage an officer's password"))
    func forgedSummariesFutureDatesHugeReportsAndForgedChanges() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector()
        defer { collector.stop() }
        let pc = try enrolledAgent(collector)
        let ca = try NIOSSLCertificate.fromPEMFile(collector.caPath)
        let agent = try HTTPS(trust: ca, identity: (pc.appendingPathComponent("var/lib/attt/identity/host.pem").path, pc.appendingPathComponent("var/lib/attt/identity/host.key").path))
        defer { agent.close() }
        let report = try Data(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/reports/broken-report.json"))
        var forged = try #require(try JSONSerialization.jsonObject(with: report) as? [String: Any])

        // Twelve failing results, a summary claiming all pass, dated 2099.
        forged["reportId"] = UUID().uuidString
        forged["summary"] = ["pass": 12, "fail": 0, "not_applicable": 0, "error": 0, "manual": 0, "total": 12]
        forged["startedAt"] = "2099-01-01T00:00:00Z"
        #expect(try await agent.post(collector.url + "/v1/reports", try JSONSerialization.data(withJSONObject: forged)).status == 200)
        let listed = try collector.command(["hosts", "list"]).stdout
        #expect(listed.contains("12 failing of 12") && !listed.contains("2099"), "\(listed)")

        // A summary whose counts are impossible, a report over the limits: refused, saying why.
        let summary = Data(#"{"schema":"attt.report-summary.v1","reportId":"\#(UUID().uuidString)","startedAt":"2026-11-20T08:00:00Z","summary":{"pass":-5,"fail":1,"not_applicable":0,"error":0,"manual":0,"total":-4},"failing":["VN-TD-PW-001"]}"#.utf8)
        let badSummary = try await agent.post(collector.url + "/v1/report-summaries", summary)
        #expect(badSummary.status == 422 && String(decoding: badSummary.body, as: UTF8.self).contains("summary.pass is -5"))
        var results = try #require(forged["results"] as? [[String: Any]])
        let template = results[0]
        results = (0..<2_001).map { i in
            var r = template
            r["control"] = "VN-TD-" + String(repeating: "Q", count: 1 + i / 1000) + "-" + String(format: "%03d", i % 1000)
            return r
        }
        forged["results"] = results
        forged["reportId"] = UUID().uuidString
        let huge = try await agent.post(collector.url + "/v1/reports", try JSONSerialization.data(withJSONObject: forged))
        #expect(huge.status == 413 && String(decoding: huge.body, as: UTF8.self).contains("at most 2000"))
        #expect(try await agent.post(collector.url + "/v1/reports", Data(repeating: UInt8(ascii: " "), count: 17 << 20)).status == 413)

        // An officer's session is of no use to a page elsewhere: no token, a token one character off
        // (never the token itself: one in sixteen starts with 0), or another Origin, changes nothing.
        let https = try HTTPS(trust: ca)
        defer { https.close() }
        let signedIn = try await signIn(https, collector, "root", OfficerTests.password)
        let cookie = try #require(signedIn.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let csrf = try #require(try JSONDecoder().decode([String: String].self, from: signedIn.body)["csrfToken"])
        let host = try #require(listed.split(separator: " ").first.map(String.init))
        let approval = Data(#"{"host":"\#(host)","controls":["VN-TD-PW-004"]}"#.utf8)
        let url = collector.url + "/v1/officer/jobs"
        for headers in [[("Cookie", cookie), ("Origin", collector.url)], [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", (csrf.first == "0" ? "1" : "0") + csrf.dropFirst())],
                        [("Cookie", cookie), ("Origin", "https://evil.example"), ("X-CSRF-Token", csrf)], [("Cookie", cookie), ("X-CSRF-Token", csrf)]] {
            #expect(try await https.send(url, method: .POST, body: approval, headers: headers).status == 403)
        }
        let signOut = try await https.send(collector.url + "/sign-out", method: .POST, body: Data("csrf=x".utf8), type: "application/x-www-form-urlencoded",
                                           headers: [("Cookie", cookie), ("Origin", collector.url)])
        #expect(signOut.status == 403)
        #expect(try collector.command(["jobs", "list"]).stdout.isEmpty)
        // With both, the same request goes through.
        let approved = try await https.send(url, method: .POST, body: approval, headers: [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", csrf)])
        #expect(approved.status == 201)

        // What a host says is shown escaped on the page and stripped of control characters in the CLI.
        let job = try #require(try JSONSerialization.jsonObject(with: approved.body) as? [String: Any])["id"] as? String
        let message = #"{"state":"failed","message":"\u001b[2J\u001b]0;owned\u0007<b>ok</b>"}"#
        #expect(try await agent.post(collector.url + "/v1/jobs/\(try #require(job))/result", Data(message.utf8)).status == 200)
        let hostile = "<script>alert(1)</script>\u{1b}[31m"
        let token = try collector.token(unit: "UBND xã Tứ Dân")
        let csr = try HostKey.generate().certificateRequest(hostname: hostile).pemString
        #expect(try await https.post(collector.url + "/v1/enroll", try JSONEncoder().encode(["token": token, "csr": csr])).status == 200)
        let jobs = try collector.command(["jobs", "list"]).stdout, hosts = try collector.command(["hosts", "list"]).stdout
        #expect(!jobs.contains("\u{1b}") && !jobs.contains("\u{07}") && jobs.contains("?[2J?]0;owned?<b>ok</b>"), "\(jobs.debugDescription)")
        #expect(!hosts.contains("\u{1b}") && hosts.contains("<script>alert(1)</script>?[31m"), "\(hosts.debugDescription)")
        let page = String(decoding: try await https.send(collector.url + "/units/UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n", method: .GET, body: nil, headers: [("Cookie", cookie)]).body, as: UTF8.self)
        #expect(page.contains("&lt;script&gt;alert(1)&lt;/script&gt;") && !page.contains("<script>"), "\(page)")
    }

    /// A copy of the broken fixture enrolled with `collector`, under `directory` (this suite's by default).
    func enrolledAgent(_ collector: CollectorProcess, in directory: URL? = nil) throws -> URL {
        let work = directory ?? work
        let root = work.appendingPathComponent("pc01")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        try FileManager.default.copyItem(at: Repository.host("debian12-broken"), to: root)
        let enrolled = try AtttBinary.run(["enroll", "--root", root.path, "--collector", collector.url, "--token", try collector.token(unit: "UBND xã Tứ Dân"), "--ca-cert", collector.caPath])
        guard enrolled.status == 0 else { throw CollectorProcess.Failure(description: "enroll: \(enrolled.stderr)") }
        return root
    }
}

func signIn(_ https: HTTPS, _ collector: CollectorProcess, _ user: String, _ password: String) async throws -> HTTPS.Answer {
    try await https.send(collector.url + "/v1/officer/session", method: .POST, body: Data(try JSONEncoder().encode(["user": user, "password": password])),
                         headers: [("Origin", collector.url)])
}

/// An officer signed in through the API (with the staged PAM service's password): the headers every
/// later request carries — the session cookie, the collector's Origin and the anti-forgery token.
func officerSession(_ https: HTTPS, _ collector: CollectorProcess, _ user: String) async throws -> [(String, String)] {
    let answer = try await signIn(https, collector, user, OfficerTests.password)
    #expect(answer.status == 200, "\(user): \(String(decoding: answer.body, as: UTF8.self))")
    let cookie = try #require(answer.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
    let csrf = try #require(try JSONDecoder().decode([String: String].self, from: answer.body)["csrfToken"])
    return [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", csrf)]
}

/// A plain TCP connection to the collector's port: what a scanner or a slowloris opens.
final class RawSocket: @unchecked Sendable {
    let fd: Int32
    let opened = Date()

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw CollectorProcess.Failure(description: "connect: errno \(errno)") }
    }

    func send(_ bytes: [UInt8]) { _ = bytes.withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) } }

    deinit { close(fd) }

    /// Waits (poll, no sleeping) until the server has closed each socket; returns how long each
    /// stayed open, for the sockets that closed within the time.
    static func awaitClosed(_ sockets: [RawSocket], within seconds: Double) -> [Double] {
        var open = sockets, lifetimes: [Double] = []
        let deadline = Date().addingTimeInterval(seconds)
        while !open.isEmpty, Date() < deadline {
            var fds = open.map { pollfd(fd: $0.fd, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), 500) > 0 else { continue }
            var still: [RawSocket] = []
            for (socket, entry) in zip(open, fds) {
                var buffer = [UInt8](repeating: 0, count: 4096)
                if entry.revents != 0, recv(socket.fd, &buffer, buffer.count, Int32(MSG_DONTWAIT)) <= 0 {
                    lifetimes.append(Date().timeIntervalSince(socket.opened))
                } else {
                    still.append(socket)
                }
            }
            open = still
        }
        return lifetimes
    }
}

/// `openssl s_client` as a TLS client that writes exactly what the test says, when it says.
final class TLSClient: @unchecked Sendable {
    let process = Process()
    let input = Pipe()
    let opened = Date()
    private let done = DispatchSemaphore(value: 0)
    private let exited = Mutex<Date?>(nil)

    init(port: Int) throws {
        // Writing to a client the server has already dropped must fail the write, not kill the test run.
        signal(SIGPIPE, SIG_IGN)
        process.executableURL = URL(fileURLWithPath: "/usr/bin/openssl")
        process.arguments = ["s_client", "-connect", "127.0.0.1:\(port)", "-quiet", "-no_ign_eof"]
        process.standardInput = input
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        // The exit is timed when it happens, not when the test gets round to asking: on a loaded
        // machine the agent's run and the sign-in in between can take longer than the idle timeout.
        process.terminationHandler = { [weak self] _ in
            self?.exited.withLock { $0 = Date() }
            self?.done.signal()
        }
        try process.run()
    }

    func write(_ text: String) { try? input.fileHandleForWriting.write(contentsOf: Data(text.utf8)) }

    /// One space a second on a thread of its own, until the connection is gone.
    func trickle(every seconds: Double) {
        Thread.detachNewThread { [self] in
            while process.isRunning {
                Thread.sleep(forTimeInterval: seconds)
                if process.isRunning { write(" ") }
            }
        }
    }

    /// Seconds from opening until openssl exits because the server closed the connection.
    func awaitExit(within seconds: Double) throws -> Double {
        if done.wait(timeout: .now() + seconds) == .timedOut {
            process.terminate()
            throw CollectorProcess.Failure(description: "the connection was still open after \(seconds) s")
        }
        done.signal()
        return exited.withLock { $0 ?? Date() }.timeIntervalSince(opened)
    }
}
