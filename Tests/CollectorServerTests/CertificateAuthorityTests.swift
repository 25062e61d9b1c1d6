import CollectorServer
import Crypto
import Enrollment
import Foundation
import SwiftASN1
import Testing
import X509

@Suite struct CertificateAuthorityTests {
    @Test func issuesHostCertificatesForTheKeyInTheRequestWithTheCollectorsSubject() throws {
        let ca = try CertificateAuthority.create(name: "test CA")
        let key = HostKey.generate()
        let request = try key.certificateRequest(hostname: "pc-says-it-is-the-server")
        let certificate = try ca.issueHostCertificate(request: request, hostId: "h-1", unit: "UBND xã Tứ Dân", lifetime: 86_400)
        // The subject is what the collector decided, not what the PC proposed.
        #expect(certificate.commonName == "h-1" && certificate.organizationalUnit == "UBND xã Tứ Dân")
        #expect(certificate.publicKey == key.key.publicKey)
        #expect(certificate.issuer == ca.certificate.subject)
        #expect(ca.certificate.publicKey.isValidSignature(certificate.signature, for: certificate))
        #expect(try certificate.extensions.extendedKeyUsage?.contains(.clientAuth) == true)
        #expect(try certificate.extensions.basicConstraints == .notCertificateAuthority)
        // PEM round trip, as the agent keeps it.
        #expect(try Certificate(pemEncoded: certificate.pemString) == certificate)
        #expect(try HostKey(pem: key.pem).key.publicKey == key.key.publicKey)
    }

    /// A request whose signature does not match its key proves nothing: refused.
    @Test func refusesARequestNotSignedByItsKey() throws {
        let ca = try CertificateAuthority.create(name: "test CA")
        let honest = try HostKey.generate().certificateRequest(hostname: "pc")
        let other = HostKey.generate().key
        let forged = try CertificateSigningRequest(
            version: honest.version, subject: honest.subject, publicKey: other.publicKey, attributes: honest.attributes,
            signatureAlgorithm: honest.signatureAlgorithm, signature: honest.signature
        )
        #expect(throws: EnrollmentError.self) { try ca.issueHostCertificate(request: forged, hostId: "h", unit: "u", lifetime: 60) }
    }

    @Test func serverCertificateNamesAndReuseOfState() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-state-\(UUID())").path
        defer { try? FileManager.default.removeItem(atPath: directory) }
        var settings = CollectorSettings()
        settings.stateDirectory = directory
        settings.serverNames = ["collector.xa.local", "10.0.0.2", "::1"]
        let first = try CollectorState.open(settings)
        #expect(first.created == [settings.caCertificatePath, settings.serverCertificatePath, settings.bundleKeyPath])
        let server = try Certificate(pemEncoded: String(contentsOfFile: settings.serverCertificatePath, encoding: .utf8))
        let names = try #require(try server.extensions.subjectAlternativeNames).map { "\($0)" }
        #expect(names.count == 3 && names.contains { $0.contains("collector.xa.local") })
        // The key files are private.
        for key in [settings.caKeyPath, settings.bundleKeyPath] {
            #expect(try FileManager.default.attributesOfItem(atPath: key)[.posixPermissions] as? Int == 0o600, "\(key)")
        }

        // A restart keeps the CA every agent trusts; a new name gets a new server certificate from it.
        let again = try CollectorState.open(settings)
        #expect(again.created.isEmpty && again.authority.certificate == first.authority.certificate)
        // The bundle key too: every enrolled PC trusts it.
        #expect(again.bundleKey.publicKey == first.bundleKey.publicKey && again.bundleRing == BundleKeyRing(keys: [first.bundleKey.publicKey]))
        settings.serverNames.append("collector2.xa.local")
        let renamed = try CollectorState.open(settings)
        #expect(renamed.created == [settings.serverCertificatePath] && renamed.authority.certificate == first.authority.certificate)
    }
}
