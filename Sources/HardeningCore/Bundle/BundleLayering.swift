/// The order of precedence (docs/design/catalogue-bundles.md §2): shipped policy < commune defaults <
/// unit layer < local tailoring, where the local file may only tighten what the bundle sets. Pure: the
/// layers and the file are read at the edges.
public enum BundleLayering {
    /// Where a value in force came from, for the report and the collector's page.
    public enum Origin: String, Sendable, Hashable, Codable {
        case policy, commune, unit, local
    }

    /// The commune's and the unit's layers as one: per key, the unit's value wins; a catalogue the unit
    /// sets replaces the commune's whole.
    public static func merge(commune: BundleLayer?, unit: BundleLayer?) -> (parameters: [String: FactValue], catalogs: [String: FactValue], origins: [String: Origin]) {
        var parameters: [String: FactValue] = [:], catalogs: [String: FactValue] = [:], origins: [String: Origin] = [:]
        for (layer, origin) in [(commune, Origin.commune), (unit, Origin.unit)] {
            guard let layer else { continue }
            for (key, value) in layer.parameters {
                parameters[key] = value
                origins[key] = origin
            }
            for (key, value) in layer.catalogs {
                catalogs[key] = value
                origins[key] = origin
            }
        }
        return (parameters, catalogs, origins)
    }

    /// A local value that was not applied because it would loosen what the bundle sets.
    public struct Ignored: Sendable, Hashable, Codable {
        public var key: String
        public var local: FactValue
        public var bundle: FactValue

        public init(key: String, local: FactValue, bundle: FactValue) {
            self.key = key
            self.local = local
            self.bundle = bundle
        }
    }

    /// What an evaluation uses: the bundle's parameters, then the local file's where they are at least
    /// as strict as the bundle's (a register the bundle sets, `stricter: any`, is the unit's alone).
    public static func tailoring(policy: Policy, bundle: [String: FactValue], local: [String: FactValue]) -> (values: [String: FactValue], ignored: [Ignored]) {
        var values = bundle
        var ignored: [Ignored] = []
        for key in local.keys.sorted() {
            guard let value = local[key] else { continue }
            guard let set = bundle[key] else {
                values[key] = value
                continue
            }
            if let parameter = policy.parameter(forTailoringKey: key), parameter.stricter != .any, parameter.isAtLeastAsStrict(value, as: set) {
                values[key] = value
            } else if value != set {
                ignored.append(Ignored(key: key, local: value, bundle: set))
            }
        }
        return (values, ignored)
    }
}

extension Parameter {
    /// Whether `candidate` is at least as strict as `reference` in this parameter's direction; for
    /// `stricter: any` only an equal value is.
    public func isAtLeastAsStrict(_ candidate: FactValue, as reference: FactValue) -> Bool {
        switch stricter {
        case .any:
            return candidate == reference
        case .higher, .lower:
            if let floor = reference.boolValue, case .bool(let value) = candidate {
                return stricter == .higher ? (value || !floor) : (!value || floor)
            }
            guard let floor = reference.numberValue, let value = candidate.numberValue else { return false }
            return stricter == .higher ? value >= floor : value <= floor
        }
    }
}

extension CatalogueBundle {
    /// A unit's bundle from the commune's layer and the unit's own, merged in order of precedence: what
    /// the collector signs, and what its preview evaluates before anything is published.
    public init(unit: String, policy: PolicyName, version: Int, commune: BundleLayer?, own: BundleLayer?, issuedAt: String, issuedBy: String) {
        let merged = BundleLayering.merge(commune: commune, unit: own)
        self.init(unit: unit, policy: policy, version: version, layers: Layers(commune: commune?.version, unit: own?.version), issuedAt: issuedAt,
                  issuedBy: issuedBy, parameters: merged.parameters, catalogs: merged.catalogs)
    }
}
