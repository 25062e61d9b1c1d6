public import Crypto
public import FoundationEssentials
import Glibc
import SwiftASN1
public import X509

/// The collector's own certificate authority. It signs the collector's server certificate and one
/// client certificate per enrolled host; agents trust only it (the `--ca-cert` an officer copies at
/// enrollment), and the collector trusts only certificates it issued itself.
///
/// Why mutual TLS rather than a shared node secret: the host's private key is made on the PC and never
/// leaves it, so nothing that crosses the network after enrollment can be replayed to act as the host;
/// the TLS layer binds every request to one host before any route runs; and a host is revoked by its
/// certificate's serial (Điều 9: access to the supervising system only for identified devices).
public struct CertificateAuthority: Sendable {
    public let certificate: Certificate
    let key: Certificate.PrivateKey

    /// A new authority with a fresh P-256 key, valid for ten years.
    public static func create(name: String, now: Date = Date()) throws -> CertificateAuthority {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let subject = try DistinguishedName {
            OrganizationName("attt")
            CommonName(name)
        }
        let certificate = try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: key.publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(10 * 365 * 86_400),
            issuer: subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.isCertificateAuthority(maxPathLength: 0))
                Critical(KeyUsage(keyCertSign: true, cRLSign: true))
                SubjectKeyIdentifier(hash: key.publicKey)
            },
            issuerPrivateKey: key
        )
        return CertificateAuthority(certificate: certificate, key: key)
    }

    public init(certificate: Certificate, key: Certificate.PrivateKey) {
        self.certificate = certificate
        self.key = key
    }

    public init(certificatePEM: String, keyPEM: String) throws {
        self.init(certificate: try Certificate(pemEncoded: certificatePEM), key: try Certificate.PrivateKey(pemEncoded: keyPEM))
    }

    /// The collector's server certificate, for the names and addresses agents use to reach it.
    public func issueServerCertificate(names: [String], now: Date = Date()) throws -> (Certificate, Certificate.PrivateKey) {
        let key = Certificate.PrivateKey(P256.Signing.PrivateKey())
        let certificate = try sign(
            publicKey: key.publicKey, subject: try DistinguishedName { OrganizationName("attt"); CommonName(names.first ?? "attt-collector") },
            lifetime: 2 * 365 * 86_400, now: now,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.serverAuth])
                SubjectAlternativeNames(Self.alternativeNames(names))
            }
        )
        return (certificate, key)
    }

    /// Host names as DNS names, address literals as IP addresses.
    public static func alternativeNames(_ names: [String]) -> [GeneralName] {
        names.map { name in
            if let address = IPAddress(name) { return .ipAddress(ASN1OctetString(contentBytes: address.bytes[...])) }
            return .dnsName(name)
        }
    }

    /// A host's client certificate: the subject is the host id the collector assigned, never what
    /// the request proposed, and the key is the one the host proved it holds (the request's signature).
    public func issueHostCertificate(request: CertificateSigningRequest, hostId: String, unit: String, lifetime: TimeInterval, now: Date = Date()) throws -> Certificate {
        guard request.publicKey.isValidSignature(request.signature, for: request) else { throw EnrollmentError.badRequest("the certificate request's signature does not match its key") }
        return try sign(
            publicKey: request.publicKey,
            subject: try DistinguishedName { OrganizationName("attt"); OrganizationalUnitName(unit); CommonName(hostId) },
            lifetime: lifetime, now: now,
            extensions: try Certificate.Extensions {
                Critical(BasicConstraints.notCertificateAuthority)
                Critical(KeyUsage(digitalSignature: true))
                try ExtendedKeyUsage([.clientAuth])
            }
        )
    }

    func sign(publicKey: Certificate.PublicKey, subject: DistinguishedName, lifetime: TimeInterval, now: Date, extensions: Certificate.Extensions) throws -> Certificate {
        try Certificate(
            version: .v3, serialNumber: Certificate.SerialNumber(), publicKey: publicKey,
            notValidBefore: now.addingTimeInterval(-300), notValidAfter: now.addingTimeInterval(lifetime),
            issuer: certificate.subject, subject: subject, signatureAlgorithm: .ecdsaWithSHA256,
            extensions: extensions, issuerPrivateKey: key
        )
    }

    public var keyPEM: String { get throws { try key.serializeAsPEM().pemString } }
}

public enum EnrollmentError: Error, Sendable, Hashable, CustomStringConvertible {
    case badRequest(String)
    case unreadable(path: String, reason: String)

    public var description: String {
        switch self {
        case .badRequest(let why): return why
        case .unreadable(let path, let reason): return "\(path): \(reason)"
        }
    }
}

extension Certificate {
    public var pemString: String { get throws { try serializeAsPEM().pemString } }

    /// The subject's common name: for a host certificate, the host id.
    public var commonName: String? {
        subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.commonName }.flatMap { String($0.value) }
    }

    public var organizationalUnit: String? {
        subject.flatMap { $0 }.first { $0.type == .RDNAttributeType.organizationalUnitName }.flatMap { String($0.value) }
    }

    /// The serial as lowercase hex, the way the collector stores and revokes it.
    public var serialHex: String {
        let digits = Array("0123456789abcdef".utf8)
        return String(decoding: serialNumber.bytes.flatMap { [digits[Int($0 >> 4)], digits[Int($0 & 0x0F)]] }, as: UTF8.self)
    }
}

/// An IPv4 or IPv6 literal, for a certificate's IP address names.
struct IPAddress {
    var bytes: [UInt8]

    init?(_ text: String) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, text, &v4) == 1 {
            bytes = withUnsafeBytes(of: &v4) { Array($0) }
        } else if inet_pton(AF_INET6, text, &v6) == 1 {
            bytes = withUnsafeBytes(of: &v6) { Array($0) }
        } else {
            return nil
        }
    }
}
