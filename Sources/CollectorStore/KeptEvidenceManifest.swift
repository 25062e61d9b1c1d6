public import Foundation
public import HardeningCore

/// One evidence manifest as the collector received and keeps it (Điều 11 khoản 2 điểm a, Bước 2): the
/// exact bytes the PC signed, its signature and certificate, and what the collector found when it
/// checked them, so an officer or an inspector can check the signature again with openssl and the
/// USB disk with `sha256sum -c`. The counts are the PC's, shown and never trusted.
public struct KeptEvidenceManifest: Codable, Sendable, Hashable {
    public var id: UUID
    public var incident: UUID
    /// The incident's unit: who may read this.
    public var unit: String
    public var host: String
    public var hostname: String?
    public var receivedAt: Timestamp
    /// The collector's SHA-256 of `manifest`'s bytes.
    public var manifestSHA256: String
    public var signatureOK: Bool
    public var serial: String?
    /// What the manifest says `SHA256SUMS` hashes to, and the file itself when the PC sent it.
    public var sumsSHA256: String
    public var sums: String?
    public var files: Int
    public var bytes: Int64
    /// base64 of `manifest.json` byte for byte as received (as the upload carried it), so its SHA-256
    /// and signature can be checked again.
    public var manifest: String
    /// base64 of the DER signature, and the PEM certificate the PC sent with it.
    public var signature: String?
    public var certificate: String?

    public init(id: UUID, incident: UUID, unit: String, host: String, hostname: String?, receivedAt: Timestamp, manifestSHA256: String, signatureOK: Bool,
                serial: String?, sumsSHA256: String, sums: String?, files: Int, bytes: Int64, manifest: String, signature: String?, certificate: String?) {
        self.id = id
        self.incident = incident
        self.unit = unit
        self.host = host
        self.hostname = hostname
        self.receivedAt = receivedAt
        self.manifestSHA256 = manifestSHA256
        self.signatureOK = signatureOK
        self.serial = serial
        self.sumsSHA256 = sumsSHA256
        self.sums = sums
        self.files = files
        self.bytes = bytes
        self.manifest = manifest
        self.signature = signature
        self.certificate = certificate
    }
}
