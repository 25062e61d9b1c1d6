import AtttTestSupport
import Foundation
import HardeningCore
import SwiftASN1
import Testing
import X509

/// Issue 17 point 4 with a real collector and a real `attt run`: the PC renews its certificate when
/// its time comes, keeps its key, goes on reporting with the new one, and a second renewal the same
/// day is refused without harm.
@Suite(.serialized) struct CertificateRenewalRunTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-renewal-\(UUID())")

    @Test func aPCRenewsWhenItsTimeComesAndKeepsReporting() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        let pc = try CollectorAbuseTests().enrolledAgent(collector, in: work)
        let pem = pc.appendingPathComponent("var/lib/attt/identity/host.pem")
        let key = try String(contentsOf: pc.appendingPathComponent("var/lib/attt/identity/host.key"), encoding: .utf8)
        let first = try Certificate(pemEncoded: String(contentsOf: pem, encoding: .utf8))

        // Not yet: a new certificate is far from its renewal.
        let early = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1"])
        #expect(early.status == 0 && !early.stdout.contains("certificate renewed"), "\(early.stdout)\(early.stderr)")
        #expect(try Certificate(pemEncoded: String(contentsOf: pem, encoding: .utf8)) == first)

        // 700 days on, past the 60–80 % of its two years: renewed for the same key and host.
        let later = Timestamp(first.notValidBefore.addingTimeInterval(700 * 86_400)).description
        let due = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1", "--now", later])
        #expect(due.status == 0 && due.stdout.contains("certificate renewed, valid until"), "\(due.stdout)\(due.stderr)")
        let second = try Certificate(pemEncoded: String(contentsOf: pem, encoding: .utf8))
        #expect(second.serialNumber != first.serialNumber && second.notValidAfter > first.notValidAfter)
        #expect(second.publicKey == first.publicKey && second.subject == first.subject)
        #expect(try String(contentsOf: pc.appendingPathComponent("var/lib/attt/identity/host.key"), encoding: .utf8) == key)

        // The PC reports with the new certificate.
        let after = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1"])
        #expect(after.status == 0 && after.stdout.contains("sent 1; 0 waiting"), "\(after.stdout)\(after.stderr)")

        // Again the same day: the collector refuses (one a day); the run goes on, the certificate stays.
        let again = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1", "--now", later])
        #expect(again.status == 0 && again.stderr.contains("not renewed") && again.stderr.contains("less than a day ago"), "\(again.stdout)\(again.stderr)")
        #expect(try Certificate(pemEncoded: String(contentsOf: pem, encoding: .utf8)) == second)
    }
}
