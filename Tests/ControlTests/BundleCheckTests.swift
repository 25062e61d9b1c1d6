import AgentRuntime
import AtttTestSupport
import Enrollment
import Foundation
import HardeningCore
import HostAccess
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

    /// `attt check` on a PC with a bundle in force: the bundle's denied list fails SW-001, its
    /// parameters come before the local file's looser value, and the report names both.
    @Test func attCheckUsesTheBundleInForceAndSaysSo() throws {
        let host = try FixtureHost()
        let key = BundleSigningKey.generate()
        let store = BundleStore(host: HostRoot(host.root.path))
        try store.trust([key.publicKey])
        guard case .array(var denied)? = policy.catalogs["software.denied"] else { Issue.record("no software.denied"); return }
        denied.append(.string("vlc"))
        let signed = try key.sign(try JSONEncoder().encode(bundle(parameters: ["VN-TD-PW-004.max_days": .int(90)], catalogs: ["software.denied": .array(denied)])))
        guard case .accepted = try store.offer(signed, policy: policy, unit: nil, now: Date()) else { Issue.record("refused"); return }
        try host.write("/etc/attt/tailoring.yaml", "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-PW-004:\n    max_days: 180\n")

        let out = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-SW-001", "--control", "VN-TD-PW-004", "--format", "json", "--now", "2026-11-25T08:00:00Z"])
        let report = try #require(try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any], "\(out.stderr)")
        #expect(try SchemaValidator.errors(document: out.data, schema: Repository.schemas.appendingPathComponent("report.schema.json")) == [])
        let statuses = Dictionary(uniqueKeysWithValues: ((report["results"] as? [[String: Any]]) ?? []).map { ($0["control"] as? String ?? "", $0["status"] as? String ?? "") })
        #expect(statuses["VN-TD-SW-001"] == "fail", "\(statuses)")
        let info = try #require(report["policy"] as? [String: Any])
        let ref = try #require(info["bundle"] as? [String: Any])
        #expect(ref["version"] as? Int == 3 && ref["sha256"] as? String == signed.bundleSHA256 && ref["unit"] as? String == "UBND xã Tứ Dân")
        #expect(info["ignoredTailoring"] as? [String] == ["VN-TD-PW-004.max_days"])
        let text = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-SW-001", "--now", "2026-11-25T08:00:00Z"])
        #expect(text.stdout.contains("Danh mục của đơn vị: UBND xã Tứ Dân, phiên bản 3"), "\(text.stdout)")

        // A newer bundle below the floor is refused; the report says so, and version 3 still applies.
        var weak = bundle(parameters: ["VN-TD-PW-004.max_days": .int(365)])
        weak.version = 4
        guard case .refused = try store.offer(try key.sign(try JSONEncoder().encode(weak)), policy: policy, unit: nil, now: Date()) else { Issue.record("accepted"); return }
        let refused = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-SW-001", "--format", "json", "--now", "2026-11-25T08:00:00Z"])
        #expect(try SchemaValidator.errors(document: refused.data, schema: Repository.schemas.appendingPathComponent("report.schema.json")) == [])
        let refusedInfo = try #require((try JSONSerialization.jsonObject(with: refused.data) as? [String: Any])?["policy"] as? [String: Any])
        #expect((refusedInfo["bundle"] as? [String: Any])?["version"] as? Int == 3 && (refusedInfo["bundleRefused"] as? [String: Any])?["version"] as? Int == 4)
        let refusedText = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-SW-001", "--now", "2026-11-25T08:00:00Z"]).stdout
        #expect(refusedText.contains("Danh mục mới bị máy từ chối (vẫn dùng danh mục trên): phiên bản 4: parameter VN-TD-PW-004.max_days = 365"), "\(refusedText)")

        // The kept bundle changed on disk is no longer in force: the shipped catalogue again, no bundle named.
        try host.replace("/var/lib/attt/bundle/current.json", signed.keyId, with: String(repeating: "0", count: 16))
        let plain = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-SW-001", "--format", "json", "--now", "2026-11-25T08:00:00Z"])
        #expect(!plain.stdout.contains("\"bundle\"") && plain.stdout.contains("\"pass\""), "\(plain.stdout.prefix(600))")
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
