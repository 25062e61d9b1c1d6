public import FoundationEssentials

/// What a unit may set, as the collector publishes it to the unit's PCs (Điều 13 khoản 2 điểm c, d: the
/// Văn phòng thống kê drafts the allowed and mandatory software; each unit keeps its registers):
/// parameters under the tailoring file's keys (`name`, `CONTROL.name`) and catalogues under the
/// policy's keys (`software.denied`, with the `all`/role shape of `Policies/catalogs/*.yaml`).
/// docs/design/catalogue-bundles.md describes the whole design.
public struct CatalogueBundle: Codable, Sendable, Hashable {
    public static let schemaName = "attt.bundle.v1"

    public struct PolicyName: Codable, Sendable, Hashable {
        public var id: String
        public var version: String
        public init(id: String, version: String) {
            self.id = id
            self.version = version
        }
    }

    /// The versions of the two layers merged into this bundle.
    public struct Layers: Codable, Sendable, Hashable {
        public var commune: Int?
        public var unit: Int?
        public init(commune: Int?, unit: Int?) {
            self.commune = commune
            self.unit = unit
        }
    }

    public var schema = Self.schemaName
    public var unit: String
    public var policy: PolicyName
    /// One more for every publication that changed this unit's bundle.
    public var version: Int
    public var layers: Layers
    public var issuedAt: String
    public var issuedBy: String
    public var parameters: [String: FactValue]
    /// A catalogue here replaces the shipped one whole.
    public var catalogs: [String: FactValue]

    public init(unit: String, policy: PolicyName, version: Int, layers: Layers, issuedAt: String, issuedBy: String,
                parameters: [String: FactValue], catalogs: [String: FactValue]) {
        self.unit = unit
        self.policy = policy
        self.version = version
        self.layers = layers
        self.issuedAt = issuedAt
        self.issuedBy = issuedBy
        self.parameters = parameters
        self.catalogs = catalogs
    }
}

/// One layer as an office edits it: the commune's defaults, or a unit's own values.
public struct BundleLayer: Codable, Sendable, Hashable {
    public var version: Int
    public var parameters: [String: FactValue]
    public var catalogs: [String: FactValue]

    public init(version: Int, parameters: [String: FactValue] = [:], catalogs: [String: FactValue] = [:]) {
        self.version = version
        self.parameters = parameters
        self.catalogs = catalogs
    }
}
