public import Crypto
public import Foundation

/// The SHA-256 the collector records and shows for what it keeps (reports, documents, manifests,
/// attestations): lower-case hex, as `sha256sum` prints it, so an officer can compare the two.
public enum ContentDigest {
    public static func sha256(_ data: Data) -> String { hex(SHA256.hash(data: data)) }

    public static func hex<D: Digest>(_ digest: D) -> String { digest.map { String(format: "%02x", $0) }.joined() }
}
