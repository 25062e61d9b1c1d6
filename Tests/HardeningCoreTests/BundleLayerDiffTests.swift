import HardeningCore
import Testing

/// The history's diff between two versions of a layer (issue 16): each list entry added or removed,
/// by catalogue and role, and each parameter added, removed or changed; nothing for what stayed.
@Suite struct BundleLayerDiffTests {
    static func list(_ names: String...) -> FactValue { .array(names.map(FactValue.string)) }

    @Test func entriesAndParametersAreComparedOneByOne() {
        let old = BundleLayer(version: 1, parameters: ["VN-TD-PW-004.max_days": .int(90), "it_accounts": Self.list("cbcntt")],
                              catalogs: ["software.denied": .object(["all": Self.list("anydesk", "teamviewer*"), "workstation": Self.list("steam")]),
                                         "software.mandatory": .array([.object(["package": .string("clamav"), "min_version": .string("1.0")])])])
        let new = BundleLayer(version: 2, parameters: ["VN-TD-PW-004.max_days": .int(60), "VN-TD-PW-001.minlen": .int(12)],
                              catalogs: ["software.denied": .object(["all": Self.list("anydesk", "sudo")]),
                                         "software.mandatory": .array([.object(["package": .string("clamav"), "min_version": .string("1.4")])])])
        let changes = BundleLayerDiff(from: old, to: new).changes.map { "\($0.kind.rawValue) \($0.key) \($0.before ?? "-") \($0.after ?? "-")" }
        #expect(changes == [
            "removed software.denied/all teamviewer* -", "added software.denied/all - sudo", "removed software.denied/workstation steam -",
            "removed software.mandatory/all clamav ≥ 1.0 -", "added software.mandatory/all - clamav ≥ 1.4",
            "added VN-TD-PW-001.minlen - 12", "changed VN-TD-PW-004.max_days 90 60", "removed it_accounts [cbcntt] -",
        ], "\(changes)")
    }

    @Test func theFirstVersionIsAllAddedAndTheSameLayerIsNoChange() {
        let layer = BundleLayer(version: 1, parameters: ["it_accounts": Self.list("cbcntt")], catalogs: ["software.denied": Self.list("anydesk")])
        #expect(BundleLayerDiff(from: nil, to: layer).changes.map(\.kind) == [.added, .added])
        #expect(BundleLayerDiff(from: layer, to: BundleLayer(version: 2, parameters: layer.parameters, catalogs: layer.catalogs)).changes.isEmpty)
    }
}
