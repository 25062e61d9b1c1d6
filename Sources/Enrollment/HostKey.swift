public import Crypto
public import FoundationEssentials
import SwiftASN1
public import X509

/// The key a PC makes for itself at enrollment, and the certificate request that proves it holds it.
/// The key is written only on the PC (mode 0600) and never sent.
public struct HostKey: Sendable {
    public let key: Certificate.PrivateKey

    public static func generate() -> HostKey {
        HostKey(key: Certificate.PrivateKey(P256.Signing.PrivateKey()))
    }

    public init(key: Certificate.PrivateKey) {
        self.key = key
    }

    public init(pem: String) throws {
        key = try Certificate.PrivateKey(pemEncoded: pem)
    }

    public var pem: String { get throws { try key.serializeAsPEM().pemString } }

    /// A request naming the host as the PC knows itself; the collector decides the real subject.
    public func certificateRequest(hostname: String) throws -> CertificateSigningRequest {
        try CertificateSigningRequest(
            version: .v1,
            subject: try DistinguishedName { CommonName(hostname) },
            privateKey: key,
            attributes: CertificateSigningRequest.Attributes(),
            signatureAlgorithm: .ecdsaWithSHA256
        )
    }
}

extension CertificateSigningRequest {
    public var pemString: String { get throws { try serializeAsPEM().pemString } }
}
