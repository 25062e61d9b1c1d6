import CollectorServer
import Enrollment
import Foundation
import Testing
import X509

/// When PCs renew (issue 17 point 4), and what a PC accepts as its renewed certificate.
@Suite struct CertificateRenewalTests {
    let start = Date(timeIntervalSince1970: 1_790_000_000)
    let lifetime: TimeInterval = 730 * 86_400

    /// A thousand PCs enrolled on one day renew between 60 % and 80 % of the lifetime, spread over it.
    @Test func aBatchEnrolledTogetherRenewsSpreadOverAFifthOfTheLifetime() {
        let shares = (0..<1000).map { n in
            CertificateRenewal.renewAt(notBefore: start, notAfter: start.addingTimeInterval(lifetime), hostId: "h-\(UUID())-\(n)")
                .timeIntervalSince(start) / lifetime
        }
        #expect(shares.allSatisfy { (0.6...0.8).contains($0) })
        // 20 buckets of a week and a little: each holds some, none a crowd.
        let buckets = Dictionary(grouping: shares) { Int(($0 - 0.6) / 0.01) }.mapValues(\.count)
        #expect(buckets.count == 20 && buckets.values.allSatisfy { (20...90).contains($0) }, "\(buckets.sorted { $0.key < $1.key })")
        // The same PC always gets the same point.
        let one = CertificateRenewal.renewAt(notBefore: start, notAfter: start.addingTimeInterval(lifetime), hostId: "h-1")
        #expect(one == CertificateRenewal.renewAt(notBefore: start, notAfter: start.addingTimeInterval(lifetime), hostId: "h-1"))
    }

    @Test func aRenewalIsTakenOnlyFromTheCAForThisKeyAndHostAndLater() throws {
        let ca = try CertificateAuthority.create(name: "test CA", now: start)
        let key = HostKey.generate()
        let request = try key.certificateRequest(hostname: "h-1")
        let current = try ca.issueHostCertificate(request: request, hostId: "h-1", unit: "u", lifetime: lifetime, now: start)
        let now = start.addingTimeInterval(0.7 * lifetime)
        let renewed = try ca.issueHostCertificate(request: request, hostId: "h-1", unit: "u", lifetime: lifetime, now: now)
        func check(_ certificate: Certificate, key: HostKey = key, host: String = "h-1") throws {
            try CertificateRenewal.check(renewed: certificate.pemString, replacing: current.pemString, caPEM: ca.certificate.pemString,
                                         keyPEM: key.pem, hostId: host, now: now)
        }
        try check(renewed)
        let other = try CertificateAuthority.create(name: "test CA", now: start)
        #expect(throws: CertificateRenewal.Refusal.self) { try check(other.issueHostCertificate(request: request, hostId: "h-1", unit: "u", lifetime: lifetime, now: now)) }
        #expect(throws: CertificateRenewal.Refusal.self) { try check(renewed, key: HostKey.generate()) }
        #expect(throws: CertificateRenewal.Refusal.self) { try check(renewed, host: "h-2") }
        #expect(throws: CertificateRenewal.Refusal.self) { try check(current) }
        #expect(try !CertificateRenewal.isDue(certificatePEM: current.pemString, hostId: "h-1", now: start.addingTimeInterval(0.59 * lifetime)))
        #expect(try CertificateRenewal.isDue(certificatePEM: current.pemString, hostId: "h-1", now: start.addingTimeInterval(0.81 * lifetime)))
    }
}
