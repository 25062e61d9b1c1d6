import HardeningCore
import Testing

/// The order of precedence for the unit's values (docs/design/catalogue-bundles.md §2): shipped policy <
/// commune defaults < unit layer < local tailoring, which may only tighten what the bundle sets.
@Suite struct BundleLayeringTests {
    static let maxDays = Parameter(name: "max_days", description: nil, stricter: .lower, regulation: .int(180), recommended: .int(90))
    static let minlen = Parameter(name: "minlen", description: nil, stricter: .higher, regulation: .int(6), recommended: .int(12))
    static let register = Parameter(name: "vpn_register", description: nil, stricter: .any, regulation: .array([]), recommended: .array([]))
    static let enforceRoot = Parameter(name: "enforce_for_root", description: nil, stricter: .higher, regulation: .bool(true), recommended: .bool(true))
    static let itAccounts = Parameter(name: "it_accounts", description: nil, stricter: .any, regulation: .array([]), recommended: .array([]))
    static let policy = Policy(
        id: "t", version: "1", title: LocalizedText(vi: "t", en: "t"), parameters: [itAccounts],
        controls: [
            Control(id: "VN-TD-PW-004", references: ["Điều 9"], title: LocalizedText(vi: "t", en: "t"), rationale: nil, severity: .medium, roles: [.workstation],
                    area: "passwords", parameters: [maxDays], applicability: nil, notApplicableReason: nil, condition: nil, attestation: nil, fix: nil),
            Control(id: "VN-TD-PW-001", references: ["Điều 9"], title: LocalizedText(vi: "t", en: "t"), rationale: nil, severity: .medium, roles: [.workstation],
                    area: "passwords", parameters: [minlen, enforceRoot], applicability: nil, notApplicableReason: nil, condition: nil, attestation: nil, fix: nil),
            Control(id: "VN-TD-NET-004", references: ["Điều 9"], title: LocalizedText(vi: "t", en: "t"), rationale: nil, severity: .medium, roles: [.workstation],
                    area: "network", parameters: [register], applicability: nil, notApplicableReason: nil, condition: nil, attestation: nil, fix: nil),
        ],
        catalogs: [:])

    @Test func theUnitsLayerWinsOverTheCommunesKeyByKey() {
        let commune = BundleLayer(version: 4, parameters: ["VN-TD-PW-004.max_days": .int(120), "it_accounts": .array([.string("cbcntt.xa")])],
                                  catalogs: ["software.denied": .array([.string("anydesk")]), "software.allowed": .array([.string("vlc")])])
        let unit = BundleLayer(version: 8, parameters: ["VN-TD-PW-004.max_days": .int(90)], catalogs: ["software.allowed": .array([.string("gimp")])])
        let merged = BundleLayering.merge(commune: commune, unit: unit)
        #expect(merged.parameters == ["VN-TD-PW-004.max_days": .int(90), "it_accounts": .array([.string("cbcntt.xa")])])
        // A catalogue the unit sets replaces the commune's whole: no silent union of two lists.
        #expect(merged.catalogs == ["software.denied": .array([.string("anydesk")]), "software.allowed": .array([.string("gimp")])])
        #expect(merged.origins["VN-TD-PW-004.max_days"] == .unit && merged.origins["it_accounts"] == .commune && merged.origins["software.denied"] == .commune)
        // Either layer alone, or neither.
        #expect(BundleLayering.merge(commune: nil, unit: unit).parameters == unit.parameters)
        #expect(BundleLayering.merge(commune: commune, unit: nil).catalogs == commune.catalogs)
        #expect(BundleLayering.merge(commune: nil, unit: nil).parameters.isEmpty)
    }

    /// Every combination of a bundle value and a local one, for each direction.
    @Test(arguments: [
        // key, bundle, local, in force, ignored
        ("VN-TD-PW-004.max_days", FactValue.int(90), FactValue.int(60), FactValue.int(60), false),   // tighter: the local value
        ("VN-TD-PW-004.max_days", .int(90), .int(90), .int(90), false),                              // the same
        ("VN-TD-PW-004.max_days", .int(90), .int(180), .int(90), true),                              // looser: the bundle's, and said
        ("VN-TD-PW-001.minlen", .int(10), .int(12), .int(12), false),
        ("VN-TD-PW-001.minlen", .int(10), .int(8), .int(10), true),
        ("VN-TD-PW-001.enforce_for_root", .bool(true), .bool(false), .bool(true), true),
        ("VN-TD-NET-004.vpn_register", .array([.string("VPN-So")]), .array([.string("*")]), .array([.string("VPN-So")]), true),  // a register is the unit's
        ("VN-TD-NET-004.vpn_register", .array([.string("VPN-So")]), .array([.string("VPN-So")]), .array([.string("VPN-So")]), false),
        ("it_accounts", .array([.string("cbcntt")]), .array([.string("cbcntt"), .string("nguyenvana")]), .array([.string("cbcntt")]), true),
    ] as [(String, FactValue, FactValue, FactValue, Bool)])
    func localTailoringOnlyTightensWhatTheBundleSets(key: String, bundle: FactValue, local: FactValue, inForce: FactValue, ignored: Bool) {
        let result = BundleLayering.tailoring(policy: Self.policy, bundle: [key: bundle], local: [key: local])
        #expect(result.values[key] == inForce)
        #expect(result.ignored == (ignored ? [BundleLayering.Ignored(key: key, local: local, bundle: bundle)] : []))
    }

    /// Keys the bundle does not set are the local file's, as before bundles (the floor is the loader's).
    @Test func keysTheBundleLeavesAreLocal() {
        let result = BundleLayering.tailoring(policy: Self.policy, bundle: ["VN-TD-PW-004.max_days": .int(90)],
                                              local: ["VN-TD-PW-001.minlen": .int(14), "it_accounts": .array([.string("may.chu")])])
        #expect(result.values == ["VN-TD-PW-004.max_days": .int(90), "VN-TD-PW-001.minlen": .int(14), "it_accounts": .array([.string("may.chu")])])
        #expect(result.ignored.isEmpty)
        // No bundle at all: the local file alone, as today.
        #expect(BundleLayering.tailoring(policy: Self.policy, bundle: [:], local: ["VN-TD-PW-001.minlen": .int(8)]).values == ["VN-TD-PW-001.minlen": .int(8)])
    }

    /// The floor check is the same comparison against the regulation's value.
    @Test func theFloorIsTheSameComparison() {
        #expect(Self.maxDays.meetsFloor(.int(180)) && !Self.maxDays.meetsFloor(.int(181)))
        #expect(Self.minlen.meetsFloor(.int(6)) && !Self.minlen.meetsFloor(.int(5)))
        #expect(!Self.enforceRoot.meetsFloor(.bool(false)) && Self.enforceRoot.meetsFloor(.bool(true)))
        #expect(Self.register.meetsFloor(.array([.string("*")])))
        #expect(!Self.maxDays.meetsFloor(.string("many")))
    }
}
