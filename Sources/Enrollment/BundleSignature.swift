import Crypto
public import FoundationEssentials

/// The collector's key for the unit's catalogue bundles (docs/design/catalogue-bundles.md §4): Ed25519,
/// kept apart from the CA and the TLS keys, so a stolen TLS key cannot publish catalogues. PCs learn the
/// public half at enrollment and check every bundle against it before reading a byte of it.
public struct BundleSigningKey: Sendable {
    let key: Curve25519.Signing.PrivateKey

    public static func generate() -> BundleSigningKey { BundleSigningKey(key: Curve25519.Signing.PrivateKey()) }

    /// The 32 raw bytes, as kept in the collector's state (mode 0600).
    public init(raw: Data) throws(BundleSignatureError) {
        guard let key = try? Curve25519.Signing.PrivateKey(rawRepresentation: raw) else { throw .badKey("not a 32-byte Ed25519 private key") }
        self.key = key
    }

    init(key: Curve25519.Signing.PrivateKey) { self.key = key }

    public var raw: Data { key.rawRepresentation }
    public var publicKey: BundlePublicKey { BundlePublicKey(raw: key.publicKey.rawRepresentation) }

    /// Signs the bundle's bytes as they will travel.
    public func sign(_ bundle: Data) throws -> SignedBundle {
        SignedBundle(bundle: bundle, keyId: publicKey.id, signature: try key.signature(for: bundle))
    }

    /// The next key, vouched for by this one: PCs that trust this key come to trust the next (rotation).
    public func endorse(_ next: BundlePublicKey) throws -> KeyEndorsement {
        KeyEndorsement(key: next, by: publicKey.id, signature: try key.signature(for: KeyEndorsement.signedBytes(next)))
    }
}

/// A public key PCs trust for bundles, named by the first 16 hex digits of its SHA-256.
public struct BundlePublicKey: Codable, Sendable, Hashable {
    public var raw: Data

    public init(raw: Data) { self.raw = raw }

    public var id: String { String(sha256Hex(raw).prefix(16)) }

    func verifies(_ signature: Data, of bytes: Data) -> Bool {
        guard let key = try? Curve25519.Signing.PublicKey(rawRepresentation: raw) else { return false }
        return key.isValidSignature(signature, for: bytes)
    }
}

/// A bundle as it travels and as the PC keeps it: the exact bytes signed, the key and the signature.
public struct SignedBundle: Codable, Sendable, Hashable {
    public var bundle: Data
    public var keyId: String
    public var signature: Data

    public init(bundle: Data, keyId: String, signature: Data) {
        self.bundle = bundle
        self.keyId = keyId
        self.signature = signature
    }

    /// The SHA-256 of the bundle's bytes, lowercase hex: how reports name the bundle they used.
    public var bundleSHA256: String { sha256Hex(bundle) }

    /// An envelope larger than this is refused before it is parsed.
    public static let maxBytes = 4 << 20

    /// The bundle's bytes, once a trusted key's signature over them holds; they are parsed only then.
    public func verified(trusting keys: [BundlePublicKey]) throws(BundleSignatureError) -> Data {
        guard bundle.count <= Self.maxBytes else { throw .tooLarge(bundle.count) }
        guard let key = keys.first(where: { $0.id == keyId }) else { throw .unknownKey(keyId) }
        guard key.verifies(signature, of: bundle) else { throw .badSignature(keyId) }
        return bundle
    }
}

/// A new key signed by one already trusted.
public struct KeyEndorsement: Codable, Sendable, Hashable {
    public var key: BundlePublicKey
    public var by: String
    public var signature: Data

    static func signedBytes(_ key: BundlePublicKey) -> Data { Data("attt bundle key v1 ".utf8) + key.raw }

    /// The keys trusted after these endorsements: each endorsed key joins once a key already trusted
    /// signed it, in whatever order they come; an endorsement nobody trusted signed adds nothing.
    public static func trusted(_ keys: [BundlePublicKey], after endorsements: [KeyEndorsement]) -> [BundlePublicKey] {
        var trusted = keys
        var pending = endorsements
        while let index = pending.firstIndex(where: { e in trusted.contains { $0.id == e.by && $0.verifies(e.signature, of: signedBytes(e.key)) } }) {
            let endorsed = pending.remove(at: index).key
            if !trusted.contains(endorsed) { trusted.append(endorsed) }
        }
        return trusted
    }
}

/// The bundle keys a collector serves (`GET /v1/bundle-keys`, and its state file `bundle-keys.json`):
/// every key PCs may trust now, and the endorsements that carry trust from each key to the next
/// (docs/design/catalogue-bundles.md §4, rotation). The collector signs with the last key.
public struct BundleKeyRing: Codable, Sendable, Hashable {
    public var keys: [BundlePublicKey]
    public var endorsements: [KeyEndorsement]

    public init(keys: [BundlePublicKey], endorsements: [KeyEndorsement] = []) {
        self.keys = keys
        self.endorsements = endorsements
    }

    /// What a PC that trusts `trusted` trusts after reading this ring: on first use (it trusts none)
    /// the keys served, over the mutually authenticated channel its enrollment set up; after that,
    /// only keys endorsed by one it trusts, and only while the collector still serves them, so a
    /// retired key stops being trusted. A ring that would leave nothing changes nothing: a collector
    /// can add trust only through a key the PC already trusts, and never leave the PC with none.
    public func learned(by trusted: [BundlePublicKey]) -> [BundlePublicKey] {
        guard !trusted.isEmpty else { return keys }
        let kept = KeyEndorsement.trusted(trusted, after: endorsements).filter(keys.contains)
        return kept.isEmpty ? trusted : kept
    }

    /// A ring read from a client or a file is bounded: a handful of keys over the collector's life.
    public static let maxKeys = 16
}

public enum BundleSignatureError: Error, Sendable, Hashable, CustomStringConvertible {
    case badKey(String)
    case tooLarge(Int)
    case unknownKey(String)
    case badSignature(String)

    public var description: String {
        switch self {
        case .badKey(let why): return "bundle key: \(why)"
        case .tooLarge(let bytes): return "the bundle is \(bytes) bytes, more than \(SignedBundle.maxBytes)"
        case .unknownKey(let id): return "signed with key \(id), which this PC does not trust"
        case .badSignature(let id): return "the signature by key \(id) does not match the bundle's bytes (changed on the way?)"
        }
    }
}

/// SHA-256 in lowercase hex, as `sha256sum` prints it.
func sha256Hex(_ data: Data) -> String {
    SHA256.hash(data: data).map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined()
}
