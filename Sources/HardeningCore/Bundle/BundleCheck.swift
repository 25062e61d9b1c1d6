/// What the agent checks before it uses a bundle (docs/design/catalogue-bundles.md §3): the bundle is
/// for this policy and this unit, names only parameters and catalogues the policy has, in their shapes,
/// and no value is weaker than the regulation's floor. Any problem refuses the bundle whole: half a
/// catalogue is worse than the last good one. The PC checks this itself, so a collector that was taken
/// over cannot weaken it.
extension Policy {
    /// Catalogue keys a bundle may set: the unit's lists (Điều 13 khoản 2 điểm c, d), not attt's own
    /// tables (the audit watches, the OS support dates), which come with the policy.
    public static let unitCatalogues: Set<String> = ["software.allowed", "software.denied", "software.mandatory"]

    /// At most this many entries in one catalogue of a bundle.
    public static let maxCatalogueEntries = 10_000

    /// Every reason to refuse `bundle` on a PC of `unit`, in words an officer can act on; empty when it
    /// may be used.
    public func bundleProblems(_ bundle: CatalogueBundle, unit: String?) -> [String] {
        var problems: [String] = []
        if bundle.schema != CatalogueBundle.schemaName { problems.append("schema \(bundle.schema) is not \(CatalogueBundle.schemaName)") }
        if bundle.policy.id != id { problems.append("made for policy \(bundle.policy.id), this PC checks \(id)") }
        if let unit, bundle.unit != unit { problems.append("made for \(bundle.unit), this PC belongs to \(unit)") }
        for key in bundle.parameters.keys.sorted() where parameter(forTailoringKey: key) == nil {
            problems.append("parameter \(key): no such parameter in policy \(id) \(version)")
        }
        for violation in floorViolations(in: bundle.parameters) {
            problems.append("parameter \(violation.key) = \(violation.value.display) is weaker than the regulation allows (\(violation.stricter == .higher ? "at least" : "at most") \(violation.floor.display))")
        }
        for key in bundle.catalogs.keys.sorted() {
            guard Self.unitCatalogues.contains(key), catalogs[key] != nil else {
                problems.append("catalogue \(key): not one a unit sets (\(Self.unitCatalogues.sorted().joined(separator: ", ")))")
                continue
            }
            if let problem = Self.catalogueShapeProblem(bundle.catalogs[key]!) { problems.append("catalogue \(key): \(problem)") }
        }
        return problems
    }

    /// A list, or lists by role (`all`, `workstation`, `server`, `secret`), of names or
    /// `{package, min_version}` entries, as `Policies/catalogs/*.yaml` holds them.
    public static func catalogueShapeProblem(_ value: FactValue) -> String? {
        func list(_ items: [FactValue]) -> String? {
            guard items.count <= maxCatalogueEntries else { return "more than \(maxCatalogueEntries) entries" }
            for item in items {
                switch item {
                case .string(let name) where !name.isEmpty: continue
                case .object(let entry) where entry["package"]?.stringValue?.isEmpty == false: continue
                default: return "an entry that is neither a package name nor {package, min_version}: \(item.display)"
                }
            }
            return nil
        }
        switch value {
        case .array(let items): return list(items)
        case .object(let byRole):
            for key in byRole.keys.sorted() {
                guard key == "all" || Role(rawValue: key) != nil else { return "'\(key)' is not a role (all, workstation, server, secret)" }
                guard case .array(let items) = byRole[key]! else { return "\(key) must be a list" }
                if let problem = list(items) { return "\(key): \(problem)" }
            }
            return nil
        default: return "must be a list, or lists by role"
        }
    }

    /// This policy with the bundle's catalogues in place of the shipped ones (each replaced whole).
    /// Check ``bundleProblems(_:unit:)`` first.
    public func applying(_ bundle: CatalogueBundle) -> Policy {
        var policy = self
        for (key, value) in bundle.catalogs where Self.unitCatalogues.contains(key) { policy.catalogs[key] = value }
        return policy
    }
}
