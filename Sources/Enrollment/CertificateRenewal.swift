public import Crypto
public import FoundationEssentials
import SwiftASN1
public import X509

/// When and how a PC renews its certificate (issue 17 point 4). Renewal keeps the PC's key and host id;
/// only the validity is new.
public enum CertificateRenewal {
    /// Between 60 % and 80 % of the certificate's lifetime, at a point fixed by the host id: PCs
    /// enrolled on one day renew over a fifth of the lifetime (146 days for the default two years), not
    /// on one day, and each still has a fifth of its lifetime left to try again.
    public static func renewAt(notBefore: Date, notAfter: Date, hostId: String) -> Date {
        let digest = Array(SHA256.hash(data: Data(hostId.utf8)))
        let spread = Double(digest.prefix(4).reduce(UInt32(0)) { $0 << 8 | UInt32($1) }) / Double(UInt32.max)
        return notBefore.addingTimeInterval(notAfter.timeIntervalSince(notBefore) * (0.6 + 0.2 * spread))
    }

    public static func isDue(certificatePEM: String, hostId: String, now: Date) throws -> Bool {
        let certificate = try Certificate(pemEncoded: certificatePEM)
        return now >= renewAt(notBefore: certificate.notValidBefore, notAfter: certificate.notValidAfter, hostId: hostId)
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case notOurs(String)

        public var description: String {
            switch self { case .notOurs(let why): return "the collector's answer is not a renewal of this PC's certificate: \(why)" }
        }
    }

    /// What the collector sent back, before it replaces anything: signed by the CA this PC trusts (the
    /// one its officer handed over at enrollment), for this host id and this PC's key, valid at `now`,
    /// and ending after the certificate it replaces.
    public static func check(renewed pem: String, replacing currentPEM: String, caPEM: String, keyPEM: String, hostId: String, now: Date) throws {
        let renewed = try Certificate(pemEncoded: pem), current = try Certificate(pemEncoded: currentPEM)
        let ca = try Certificate(pemEncoded: caPEM), key = try HostKey(pem: keyPEM)
        guard renewed.issuer == ca.subject, ca.publicKey.isValidSignature(renewed.signature, for: renewed) else { throw Refusal.notOurs("not signed by the collector's CA") }
        guard renewed.publicKey == key.key.publicKey else { throw Refusal.notOurs("it is for another key") }
        guard renewed.commonName == hostId else { throw Refusal.notOurs("it names another host") }
        guard renewed.notValidBefore <= now.addingTimeInterval(600), renewed.notValidAfter > current.notValidAfter else {
            throw Refusal.notOurs("its validity (\(renewed.notValidBefore) to \(renewed.notValidAfter)) does not extend the current one")
        }
    }
}
