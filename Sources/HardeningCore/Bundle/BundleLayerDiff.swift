/// What changed between two versions of a catalogue layer, entry by entry (issue 16: "every change is a
/// new version with who and when and a diff"): the officer reading the history, the audit entry and
/// the CLI see the same list.
public struct BundleLayerDiff: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case added, removed, changed
    }

    /// One entry of one list (`software.denied` for role `all`), or one parameter.
    public struct Change: Sendable, Hashable, Codable {
        public var kind: Kind
        /// `software.denied/all`, or a parameter's key (`VN-TD-PW-004.max_days`).
        public var key: String
        public var before: String?
        public var after: String?
    }

    public var changes: [Change]

    /// From `old` (nil before the first version) to `new`; lists in their order, keys sorted.
    public init(from old: BundleLayer?, to new: BundleLayer) {
        var changes: [Change] = []
        let oldCatalogs = old?.catalogs ?? [:]
        for name in Set(oldCatalogs.keys).union(new.catalogs.keys).sorted() {
            let before = Dictionary(Self.entriesByRole(oldCatalogs[name]), uniquingKeysWith: { a, _ in a })
            let after = Dictionary(Self.entriesByRole(new.catalogs[name]), uniquingKeysWith: { a, _ in a })
            for role in Set(before.keys).union(after.keys).sorted(by: Self.roleOrder) {
                let (was, now) = (before[role] ?? [], after[role] ?? [])
                let key = "\(name)/\(role)"
                changes += was.filter { !now.contains($0) }.map { Change(kind: .removed, key: key, before: $0, after: nil) }
                changes += now.filter { !was.contains($0) }.map { Change(kind: .added, key: key, before: nil, after: $0) }
            }
        }
        let oldParameters = old?.parameters ?? [:]
        for key in Set(oldParameters.keys).union(new.parameters.keys).sorted() {
            switch (oldParameters[key], new.parameters[key]) {
            case (nil, let value?): changes.append(Change(kind: .added, key: key, before: nil, after: value.display))
            case (let value?, nil): changes.append(Change(kind: .removed, key: key, before: value.display, after: nil))
            case (let was?, let now?) where was != now: changes.append(Change(kind: .changed, key: key, before: was.display, after: now.display))
            default: break
            }
        }
        self.changes = changes
    }

    /// A catalogue's entries by role (`all` first), each a package name or glob, or `name ≥ version`.
    public static func entriesByRole(_ value: FactValue?) -> [(role: String, entries: [String])] {
        func names(_ items: FactValue?) -> [String] {
            guard case .array(let list)? = items else { return [] }
            return list.map { item in
                if case .object(let entry) = item {
                    return (entry["package"]?.stringValue ?? "?") + ((entry["min_version"] ?? entry["minVersion"])?.stringValue.map { " ≥ \($0)" } ?? "")
                }
                return item.stringValue ?? item.display
            }
        }
        switch value {
        case nil: return []
        case .object(let roles)?: return roles.keys.sorted(by: roleOrder).map { ($0, names(roles[$0])) }
        case let list?: return [("all", names(list))]
        }
    }

    static func roleOrder(_ a: String, _ b: String) -> Bool { (a == "all" ? "" : a) < (b == "all" ? "" : b) }
}
