import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// Officers at the collector: PAM sign-in (staged service files, the real libpam), lockout, the
/// API an officer approves fixes with, and the web page in a real headless Chromium.
@Suite(.serialized) struct OfficerTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-officers-\(UUID())")
    static let password = "Mat-khau-9!"

    /// A PAM service `attt-collector` that accepts one password for any account (pam_exec), so tests
    /// never touch /etc/pam.d or a real account's password.
    func pamConfdir() throws -> URL {
        let dir = work.appendingPathComponent("pam.d")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        let script = dir.appendingPathComponent("check-password")
        // Each PAM conversation leaves the account's name in pam-calls: who reached PAM at all.
        try "#!/bin/sh\necho \"$PAM_USER\" >> '\(dir.path)/pam-calls'\n[ \"$(tr -d '\\000')\" = '\(Self.password)' ]\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        try "auth required pam_exec.so expose_authtok quiet \(script.path)\naccount required pam_permit.so\n"
            .write(to: dir.appendingPathComponent("attt-collector"), atomically: true, encoding: .utf8)
        return dir
    }

    func collector(attempts: Int = 3) throws -> CollectorProcess {
        try CollectorProcess(
            stateDirectory: work.appendingPathComponent("state"),
            // root is in group root: the officer group for these tests.
            environment: ["ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_OFFICERS_LOCKOUT_ATTEMPTS": String(attempts)],
            arguments: ["--pam-confdir", try pamConfdir().path]
        )
    }

    /// Enrolls a copy of a fixture and sends its first report; returns the host id.
    func enrolledHost(_ collector: CollectorProcess, fixture: String) throws -> String {
        let root = work.appendingPathComponent(fixture)
        try FileManager.default.copyItem(at: Repository.host(fixture), to: root)
        let enrolled = try AtttBinary.run(["enroll", "--root", root.path, "--collector", collector.url, "--token", try collector.token(unit: "UBND xã Tứ Dân"), "--ca-cert", collector.caPath])
        #expect(enrolled.status == 0, "\(enrolled.stderr)")
        #expect(try AtttBinary.run(["run", "--root", root.path]).status == 0)
        return String(enrolled.stdout.split(separator: " ")[2])
    }

    static var pamExecPresent: Bool {
        ["/lib/x86_64-linux-gnu/security/pam_exec.so", "/usr/lib/x86_64-linux-gnu/security/pam_exec.so"].contains { FileManager.default.fileExists(atPath: $0) }
    }

    @Test(.enabled(if: pamExecPresent, "needs pam_exec.so (libpam-modules) to stage an officer's password"))
    func signInLockoutAndApprovalThroughTheAPI() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector(attempts: 3)
        defer { collector.stop() }
        let host = try enrolledHost(collector, fixture: "debian12-broken")
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        func signIn(_ user: String, _ password: String) async throws -> HTTPS.Answer {
            try await https.send(collector.url + "/v1/officer/session", method: .POST, body: Data(try JSONEncoder().encode(["user": user, "password": password])),
                                 headers: [("Origin", collector.url)])
        }

        // Without a session: refused.
        let approval = Data(#"{"host":"\#(host)","controls":["VN-TD-PW-004"]}"#.utf8)
        #expect(try await https.post(collector.url + "/v1/officer/jobs", approval).status == 401)

        // Parallel wrong guesses cannot get more than the limit past the lockout to PAM.
        let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<12 { group.addTask { try await signIn("guesser", "wrong").status } }
            return try await group.reduce(into: [Int]()) { $0.append($1) }
        }
        #expect(statuses.filter { $0 == 401 }.count == 3 && statuses.filter { $0 == 429 }.count == 9, "\(statuses)")
        // Locked even with the right password; other accounts are not.
        #expect(try await signIn("guesser", Self.password).status == 429)
        #expect(try await signIn("nobody-in-group", Self.password).status == 401)

        let signedIn = try await signIn("root", Self.password)
        #expect(signedIn.status == 200)
        let cookie = try #require(signedIn.headers.first { $0.0.lowercased() == "set-cookie" }?.1)
        #expect(cookie.contains("HttpOnly") && cookie.contains("Secure") && cookie.contains("SameSite=Strict"))
        #expect(cookie.hasPrefix("__Host-attt_session=") && cookie.contains("Path=/") && !cookie.contains("Domain"))
        let session = String(cookie.split(separator: ";")[0])
        let csrf = try #require(try JSONSerialization.jsonObject(with: signedIn.body) as? [String: Any])["csrfToken"] as? String
        let officer = [("Cookie", session), ("Origin", collector.url), ("X-CSRF-Token", try #require(csrf))]

        let created = try await https.send(collector.url + "/v1/officer/jobs", method: .POST, body: approval, headers: officer)
        #expect(created.status == 201, "\(String(decoding: created.body, as: UTF8.self))")
        let job = try JSONSerialization.jsonObject(with: created.body) as? [String: Any]
        #expect(job?["approvedBy"] as? String == "root")
        let bad = Data(#"{"host":"\#(host)","controls":["VN-TD-A,B"]}"#.utf8)
        #expect(try await https.send(collector.url + "/v1/officer/jobs", method: .POST, body: bad, headers: officer).status == 400)
        let status = try await https.send(collector.url + "/v1/officer/status?unit=UBND%20x%C3%A3%20T%E1%BB%A9%20D%C3%A2n", method: .GET, body: nil, headers: [("Cookie", session)])
        #expect(status.status == 200 && String(decoding: status.body, as: UTF8.self).contains(host))
    }

    static var browserPresent: Bool {
        FileManager.default.isExecutableFile(atPath: "/usr/bin/chromedriver") && FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/selenium")
    }

    /// The officer's page in headless Chromium (Debian's chromium, chromium-driver, python3-selenium):
    /// sign-in, wrong password, the hosts with their failing controls, cookie flags, sign-out,
    /// lockout, and no console error or CSP violation on the way.
    @Test(.enabled(if: pamExecPresent && browserPresent, "needs chromium, chromium-driver and python3-selenium (scripts/test.sh installs them) and pam_exec.so"))
    func theWebPageInAHeadlessBrowser() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector(attempts: 4)
        defer { collector.stop() }
        let broken = try enrolledHost(collector, fixture: "debian12-broken")
        _ = try enrolledHost(collector, fixture: "debian12-hardened")
        let script = Repository.root.appendingPathComponent("Tests/CollectorTests/browser/officer_web_test.py").path
        let out = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), [
            script, "--url", collector.url, "--ca", collector.caPath, "--user", "root", "--password", Self.password,
            "--expect-unit", "UBND xã Tứ Dân", "--expect-host", broken, "--expect-failing", "VN-TD-PW-001", "--attempts", "4",
        ])
        #expect(out.status == 0, "\(out.stdout)\n\(out.stderr)")
        #expect(out.stdout.contains(#""failed": 0"#), "\(out.stdout)")
    }
}
