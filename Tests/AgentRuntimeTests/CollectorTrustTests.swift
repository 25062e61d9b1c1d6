import AtttTestSupport
import HostAccess
import AgentRuntime
import CollectorAPI
import Foundation
import HardeningCore
import Testing

/// Issue 12, point 7: what the agent takes from the collector. A collector may be compromised, and a
/// job may have waited for a PC that was switched off: the agent checks for itself.
@Suite struct CollectorTrustTests {
    static let now = Timestamp.parse("2026-11-25T08:00:00Z")!

    func job(expiresAt: String) -> ApprovedJob {
        ApprovedJob(id: UUID(), controls: ["VN-TD-PW-004"], approvedBy: "canbo", approvedAt: "2026-11-18T08:00:00Z", expiresAt: expiresAt)
    }

    @Test func aJobIsAppliedOnlyBeforeItExpires() {
        #expect(JobTerms.refusal(job(expiresAt: "2026-11-25T08:00:01Z"), now: Self.now) == nil)
        let expired = JobTerms.refusal(job(expiresAt: "2026-11-25T07:59:59Z"), now: Self.now)
        #expect(expired?.contains("expired at 2026-11-25T07:59:59Z") == true, "\(expired ?? "applied")")
        // Exactly at the deadline it is over.
        #expect(JobTerms.refusal(job(expiresAt: "2026-11-25T08:00:00Z"), now: Self.now) != nil)
    }

    /// A job without a date the agent can read has no limit the agent could check: refused, with why.
    @Test(arguments: ["", "never", "2099-13-45T00:00:00Z", "1764057600"])
    func aJobWithoutAReadableExpiryIsRefused(_ expiresAt: String) {
        let refusal = JobTerms.refusal(job(expiresAt: expiresAt), now: Self.now)
        #expect(refusal?.contains("no valid expiry") == true, "\(refusal ?? "applied")")
    }

    /// The server's answer carries a CA; the identity keeps the one the officer copied from the
    /// collector by hand (`--ca-cert`), so whoever answered the enrollment cannot choose whom the agent trusts.
    @Test func enrollmentKeepsTheCAtheOfficerGave() throws {
        let root = emptyRoot("attt-trust")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let officerCA = "-----BEGIN CERTIFICATE-----\nOFFICER\n-----END CERTIFICATE-----\n"
        let answer = EnrollResponse(hostId: "h-1", unit: "UBND xã Tứ Dân", certificate: "-----BEGIN CERTIFICATE-----\nHOST\n-----END CERTIFICATE-----\n",
                                    caCertificate: "-----BEGIN CERTIFICATE-----\nATTACKER\n-----END CERTIFICATE-----\n")
        let identity = AgentIdentity(enrolledAt: "https://collector:8443", answer: answer, keyPEM: "KEY", officerCA: officerCA, now: Self.now)
        try identity.save(host: HostRoot(root))
        let loaded = try #require(try AgentIdentity.load(host: HostRoot(root)))
        #expect(loaded.caPEM == officerCA)
        #expect(loaded.certificatePEM == answer.certificate && loaded.link.hostId == "h-1")
    }
}

/// The identity is the agent's own state: a FIFO or a huge file planted in its place is an error
/// that says to enroll again, never a run that hangs.
@Suite struct IdentityReadTests {
    @Test func aFifoInPlaceOfTheKeyIsAnErrorNotAHang() throws {
        let root = emptyRoot("attt-identity")
        defer { try? FileManager.default.removeItem(atPath: root) }
        let identity = AgentIdentity(link: .init(collector: "https://c:8443", hostId: "h-1", unit: "u", enrolledAt: Timestamp(CollectorTrustTests.now)),
                                     keyPEM: "KEY", certificatePEM: "CERT", caPEM: "CA")
        try identity.save(host: HostRoot(root))
        let key = AgentIdentity.location(in: HostRoot(root)) + "/host.key"
        try FileManager.default.removeItem(atPath: key)
        #expect(mkfifo(key, 0o600) == 0)
        let error = try #require(throws: (any Error).self) { try AgentIdentity.load(host: HostRoot(root)) }
        #expect("\(error)".contains("enroll this PC again"), "\(error)")
    }
}
