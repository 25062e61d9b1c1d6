import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// A unit's bundle on the shipped policy (docs/design/catalogue-bundles.md §3): what the PC refuses
/// before using it, and what a catalogue in it changes in the check of a real fixture host.
@Suite struct BundleCheckTests {
    let hardened = Repository.host("debian12-hardened")
    let policy = ShippedPolicy.policy

    func bundle(parameters: [String: FactValue] = [:], catalogs: [String: FactValue] = [:], unit: String = "UBND xã Tứ Dân", policyId: String = "vn-td") -> CatalogueBundle {
        CatalogueBundle(unit: unit, policy: .init(id: policyId, version: "2026.11"), version: 3, layers: .init(commune: 1, unit: 2),
                        issuedAt: "2026-12-07T04:00:00Z", issuedBy: "cbcntt", parameters: parameters, catalogs: catalogs)
    }

    /// The catalogue the unit publishes replaces the shipped one: vlc denied turns SW-001 from pass to
    /// fail on the hardened host, and the evidence names the package.
    @Test func aDeniedPackageInTheBundleFailsTheHost() throws {
        #expect(try check(root: hardened, only: ["VN-TD-SW-001"])[0].status == .pass)
        guard case .array(var denied)? = policy.catalogs["software.denied"] else { Issue.record("no software.denied"); return }
        denied.append(.string("vlc"))
        let unit = bundle(catalogs: ["software.denied": .array(denied)])
        #expect(policy.bundleProblems(unit, unit: "UBND xã Tứ Dân").isEmpty)
        let r = try check(root: hardened, only: ["VN-TD-SW-001"], policy: policy.applying(unit))[0]
        #expect(r.status == .fail)
        #expect(r.evidence("vlc").contains { !$0.ok }, "\(r.evidence)")
    }

    @Test(arguments: [
        ("VN-TD-PW-004.max_days", FactValue.int(365), "weaker than the regulation allows (at most 180)"),
        ("VN-TD-PW-001.minlen", .int(4), "weaker than the regulation allows (at least 6)"),
        ("VN-TD-PW-004.no_such", .int(1), "no such parameter"),
    ] as [(String, FactValue, String)])
    func aParameterBelowTheFloorRefusesTheWholeBundle(key: String, value: FactValue, problem: String) {
        // Beside a value that is fine: one bad key is enough.
        var parameters: [String: FactValue] = ["VN-TD-PW-004.max_days": .int(90)]
        parameters[key] = value
        let problems = policy.bundleProblems(bundle(parameters: parameters), unit: nil)
        #expect(problems.count == 1 && problems[0].contains(key) && problems[0].contains(problem), "\(problems)")
    }

    @Test func wrongPlaceOrShapeIsRefused() {
        #expect(policy.bundleProblems(bundle(unit: "Trạm y tế xã"), unit: "UBND xã Tứ Dân") == ["made for Trạm y tế xã, this PC belongs to UBND xã Tứ Dân"])
        #expect(policy.bundleProblems(bundle(policyId: "khac"), unit: nil).first?.contains("made for policy khac") == true)
        // attt's own tables are not the unit's to change.
        #expect(policy.bundleProblems(bundle(catalogs: ["audit.watches": .array([])]), unit: nil).first?.contains("not one a unit sets") == true)
        let shapes: [FactValue] = [
            .string("vlc"), .object(["may-in": .array([])]), .object(["all": .string("vlc")]), .array([.int(3)]), .array([.object(["min_version": .string("1")])]),
            .array(Array(repeating: .string("x"), count: Policy.maxCatalogueEntries + 1)),
        ]
        for shape in shapes {
            #expect(policy.bundleProblems(bundle(catalogs: ["software.allowed": shape]), unit: nil).count == 1, "\(shape.display)")
        }
        #expect(policy.bundleProblems(bundle(catalogs: [
            "software.allowed": .object(["all": .array([.string("gimp")]), "workstation": .array([.string("vlc")])]),
            "software.mandatory": .array([.object(["package": .string("clamav"), "min_version": .string("1.0.0")])]),
        ]), unit: nil).isEmpty)
    }
}
