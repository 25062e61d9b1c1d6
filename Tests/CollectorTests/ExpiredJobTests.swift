import AtttTestSupport
import Foundation
import NIOHTTP1
import NIOSSL
import Testing

/// What the agent takes from the collector (issue 12, point 7), with a real collector and a real
/// `attt run`: a job is applied only before it expires by the PC's own clock, whatever the collector
/// believes. A collector with honest clocks never hands an expired job out at all
/// (`EnrollmentAndUploadTests.approvedJobsAreAppliedOnce`); here the collector's clock is an hour
/// behind the PC's — a collector set back, or a compromised one — so it hands out an approval that
/// expired fifty minutes ago by the PC's clock.
///
/// The collector runs under libfaketime (its wall clock shifted back, still running; its monotonic
/// clock, which times connections, left alone), so no time has to pass: nothing sleeps.
@Suite(.serialized) struct ExpiredJobTests {
    let officers = OfficerTests()
    var work: URL { officers.work }
    static let libfaketime = "/usr/lib/x86_64-linux-gnu/faketime/libfaketimeMT.so.1"
    static var fakeTimePresent: Bool { FileManager.default.fileExists(atPath: libfaketime) }

    @Test(.enabled(if: OfficerTests.pamExecPresent && fakeTimePresent, "needs pam_exec.so (libpam-modules) for the officer and libfaketime to set the collector's clock back"))
    func aJobExpiredByThePCsClockIsRefusedAndTheCollectorIsToldWhy() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(
            stateDirectory: work.appendingPathComponent("state"),
            environment: [
                "LD_PRELOAD": Self.libfaketime, "FAKETIME": "-1h", "FAKETIME_DONT_FAKE_MONOTONIC": "1",
                "ATTT_COLLECTOR_OFFICERS_GROUP": "root", "ATTT_COLLECTOR_JOBS_LIFETIME": "10m",
            ],
            arguments: ["--pam-confdir", try officers.pamConfdir().path],
            // Started through env, which execs it: libfaketime, loaded first in env, makes its shared
            // clock state and names it in the environment. Loaded first in the collector it would call
            // setenv before Swift's runtime has found the process's arguments (by walking back from
            // `environ`), and the collector would see none. (Debian's `faketime` wrapper forks instead,
            // and outlives a SIGTERM.)
            launcher: ["/usr/bin/env"]
        )
        let pid = try #require(collector.processIdentifier)
        defer {
            collector.stop()
            // The clock state env made: nobody else removes it, env having exec'd before its destructor.
            for name in ["faketime_shm_\(pid)", "sem.faketime_sem_\(pid)"] { try? FileManager.default.removeItem(atPath: "/dev/shm/" + name) }
        }
        let pc = work.appendingPathComponent("pc01")
        try FileManager.default.copyItem(at: Repository.host("debian12-broken"), to: pc)
        let enrolled = try AtttBinary.run(["enroll", "--root", pc.path, "--collector", collector.url, "--token", try collector.token(unit: "UBND xã Tứ Dân"), "--ca-cert", collector.caPath])
        try #require(enrolled.status == 0, "enroll: \(enrolled.stderr)")
        let host = String(enrolled.stdout.split(separator: " ")[2])

        // An officer approves a fix PW-004 would make (login.defs) through the collector's API.
        let https = try HTTPS(trust: try NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let signedIn = try await signIn(https, collector, "root", OfficerTests.password)
        try #require(signedIn.status == 200)
        let cookie = try #require(signedIn.headers.first { $0.0.lowercased() == "set-cookie" }?.1.split(separator: ";").first.map(String.init))
        let csrf = try #require(try JSONDecoder().decode([String: String].self, from: signedIn.body)["csrfToken"])
        let approved = try await https.send(collector.url + "/v1/officer/jobs", method: .POST, body: Data(#"{"host":"\#(host)","controls":["VN-TD-PW-004"]}"#.utf8),
                                            headers: [("Cookie", cookie), ("Origin", collector.url), ("X-CSRF-Token", csrf)])
        try #require(approved.status == 201, "\(String(decoding: approved.body, as: UTF8.self))")
        let job = try #require(try JSONSerialization.jsonObject(with: approved.body) as? [String: Any])
        let id = try #require(job["id"] as? String), expiresAt = try #require(job["expiresAt"] as? String)
        // The premise: by the PC's clock the approval is already past its expiry.
        let expiry = try #require(ISO8601DateFormatter().date(from: expiresAt))
        #expect(expiry < Date().addingTimeInterval(-40 * 60), "the collector's clock is not behind: the job expires at \(expiresAt)")

        let before = try snapshotTree(pc).filter { !Self.isAtttState($0.key) }
        let run = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        // Fetched, refused with the reason, never applied.
        #expect(run.stdout.contains("job \(id) (VN-TD-PW-004, approved by root): failed: not applied: the approval expired at \(expiresAt)"), "\(run.stdout)")
        #expect(!run.stdout.contains("applied tx"), "\(run.stdout)")
        #expect(try snapshotTree(pc).filter { !Self.isAtttState($0.key) } == before, "the host changed")
        let history = try AtttBinary.run(["history", "--root", pc.path]).stdout
        #expect(!history.split(separator: "\n").contains { $0.hasPrefix("0000") }, "\(history)")

        // The collector records the refusal in the agent's words, and hands the job out no more.
        let jobs = try collector.command(["jobs", "list"]).stdout
        #expect(jobs.contains("\(id)  \(host)  failed  VN-TD-PW-004") && jobs.contains("— not applied: the approval expired at \(expiresAt)"), "\(jobs)")
        let again = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "2", "--backoff-base", "0.05"])
        #expect(again.status == 0 && !again.stdout.contains("job \(id)"), "\(again.stdout)")
    }

    /// attt's own state under the root (outbox, ledger, identity, logs), which `attt run` writes.
    static func isAtttState(_ relative: String) -> Bool {
        ["var/lib/attt", "var/log/attt"].contains { relative == $0 || relative.hasPrefix($0 + "/") }
    }
}
