public import Foundation
public import HardeningCore

/// The unit's catalogues and parameters as the collector keeps them (Điều 13 khoản 2 điểm c, d;
/// docs/design/catalogue-bundles.md §6): the commune's defaults and each unit's own layer, every edit a
/// new version with who and when, and the signed bundle each publication produced for each unit. Nothing
/// is updated or deleted, so any version can be shown and compared again.
public protocol CatalogueStore: Sendable {
    /// The layer in force for a scope, or nil before the first publication.
    func catalogueLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord?
    /// A scope's versions, newest first (at most `CatalogueLimits.history`).
    func catalogueHistory(_ scope: CatalogueScope) throws -> [CatalogueLayerRecord]
    /// Keeps a new version of a layer and, in the same transaction, a new bundle for every unit it
    /// reaches (one unit, or every unit the collector knows for the commune's defaults), each merged
    /// from the layers in force and passed to `seal`, which checks it against the regulation's floor and
    /// signs it; a throw from `seal` keeps nothing. Writes the `catalogue-published` audit entry.
    func publishCatalogueLayer(_ edit: CatalogueEdit, by officer: ActingOfficer, now: Date,
                               seal: (CatalogueBundle) throws -> SealedBundle) throws -> CataloguePublication
    /// The newest bundle of a unit with its envelope, or nil when none was published.
    func latestBundle(unit: String) throws -> StoredBundle?
    /// A unit's bundles, newest first (at most `CatalogueLimits.history`), without their envelopes.
    func bundleHistory(unit: String) throws -> [StoredBundle]
}

/// Whose layer: the commune's defaults (the supervisor's, Điều 13) or one unit's (its IT officer's, Điều 10).
public enum CatalogueScope: Sendable, Hashable, CustomStringConvertible {
    case commune
    case unit(String)

    public var unit: String? {
        if case .unit(let name) = self { return name }
        return nil
    }

    public var description: String { unit.map { "đơn vị \($0)" } ?? "mặc định cấp xã" }
}

/// A new version of a layer, as an officer submits it: the whole layer, not a patch.
public struct CatalogueEdit: Sendable, Hashable {
    public var scope: CatalogueScope
    public var parameters: [String: FactValue]
    public var catalogs: [String: FactValue]
    /// Why it changed, one line (optional).
    public var note: String?
    /// The policy the bundles are made for (the collector's copy of the shipped policy).
    public var policy: CatalogueBundle.PolicyName

    public init(scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue], note: String?, policy: CatalogueBundle.PolicyName) {
        self.scope = scope
        self.parameters = parameters
        self.catalogs = catalogs
        self.note = note
        self.policy = policy
    }
}

/// A kept version of a layer. In JSON, flat: `unit` (absent for the commune's defaults), `version`,
/// `parameters`, `catalogs`, then who, when and why.
public struct CatalogueLayerRecord: Sendable, Hashable, Codable {
    public var scope: CatalogueScope
    public var layer: BundleLayer
    /// Of the layer's canonical JSON, as kept.
    public var sha256: String
    public var note: String?
    public var createdBy: String
    public var createdAt: Timestamp

    public init(scope: CatalogueScope, layer: BundleLayer, sha256: String, note: String?, createdBy: String, createdAt: Timestamp) {
        self.scope = scope
        self.layer = layer
        self.sha256 = sha256
        self.note = note
        self.createdBy = createdBy
        self.createdAt = createdAt
    }

    enum CodingKeys: String, CodingKey { case unit, version, parameters, catalogs, sha256, note, createdBy, createdAt }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        scope = try c.decodeIfPresent(String.self, forKey: .unit).map(CatalogueScope.unit) ?? .commune
        layer = BundleLayer(version: try c.decode(Int.self, forKey: .version), parameters: try c.decode([String: FactValue].self, forKey: .parameters),
                            catalogs: try c.decode([String: FactValue].self, forKey: .catalogs))
        sha256 = try c.decode(String.self, forKey: .sha256)
        note = try c.decodeIfPresent(String.self, forKey: .note)
        createdBy = try c.decode(String.self, forKey: .createdBy)
        createdAt = try c.decode(Timestamp.self, forKey: .createdAt)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(scope.unit, forKey: .unit)
        try c.encode(layer.version, forKey: .version)
        try c.encode(layer.parameters, forKey: .parameters)
        try c.encode(layer.catalogs, forKey: .catalogs)
        try c.encode(sha256, forKey: .sha256)
        try c.encodeIfPresent(note, forKey: .note)
        try c.encode(createdBy, forKey: .createdBy)
        try c.encode(createdAt, forKey: .createdAt)
    }
}

/// A bundle signed and ready to serve: the envelope's bytes as they travel, and the SHA-256 of the
/// signed bundle bytes (what agents' reports name).
public struct SealedBundle: Sendable, Hashable {
    public var envelope: Data
    public var sha256: String

    public init(envelope: Data, sha256: String) {
        self.envelope = envelope
        self.sha256 = sha256
    }
}

/// A unit's bundle as kept.
public struct StoredBundle: Sendable, Hashable, Codable {
    public var unit: String
    public var version: Int
    public var layers: CatalogueBundle.Layers
    public var sha256: String
    public var issuedBy: String
    public var issuedAt: Timestamp
    /// Only when asked for the latest (what `GET /v1/agent/bundle` serves).
    public var envelope: Data?

    public init(unit: String, version: Int, layers: CatalogueBundle.Layers, sha256: String, issuedBy: String, issuedAt: Timestamp, envelope: Data? = nil) {
        self.unit = unit
        self.version = version
        self.layers = layers
        self.sha256 = sha256
        self.issuedBy = issuedBy
        self.issuedAt = issuedAt
        self.envelope = envelope
    }
}

/// What one publication kept.
public struct CataloguePublication: Sendable, Hashable, Codable {
    public var layer: CatalogueLayerRecord
    public var bundles: [StoredBundle]
}

public enum CatalogueLimits {
    /// Versions listed at once.
    public static let history = 200
    /// A layer's JSON, as kept: the bundle's own bound (4 MiB) less room for the other layer.
    public static let layerBytes = 2 << 20
    /// A note, in bytes.
    public static let noteBytes = 1_000
}

extension AuditEntry.Action {
    public static let cataloguePublished = AuditEntry.Action(rawValue: "catalogue-published")
}
