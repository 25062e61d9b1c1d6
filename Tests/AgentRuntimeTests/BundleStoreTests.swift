import AgentRuntime
import AtttTestSupport
import Enrollment
import Foundation
import HardeningCore
import HostAccess
import Testing

/// The unit's bundle on a PC (docs/design/catalogue-bundles.md §3, §5): used only when a trusted key
/// signed it and it holds against the policy; refused whole otherwise, with the reason kept; an older
/// one replayed never undoes a newer one; the last good one stays in force through all of it.
@Suite struct BundleStoreTests {
    let root = emptyRoot("bundle-store")
    let key = BundleSigningKey.generate()
    let policy = ShippedPolicy.policy
    static let unit = "UBND xã Tứ Dân"
    static let now = Date(timeIntervalSince1970: 1_796_600_000)

    var store: BundleStore { BundleStore(host: HostRoot(root)) }

    func signed(version: Int, maxDays: Int = 90, unit: String = Self.unit, by signer: BundleSigningKey? = nil) throws -> SignedBundle {
        let bundle = CatalogueBundle(unit: unit, policy: .init(id: policy.id, version: policy.version), version: version, layers: .init(commune: 1, unit: version),
                                     issuedAt: "2026-12-07T04:00:00Z", issuedBy: "cbcntt", parameters: ["VN-TD-PW-004.max_days": .int(maxDays)],
                                     catalogs: ["software.denied": .array([.string("anydesk"), .string("vlc")])])
        return try (signer ?? key).sign(try JSONEncoder().encode(bundle))
    }

    @Test func aSignedBundleIsUsedAndKeptAcrossRuns() throws {
        try store.trust([key.publicKey])
        let first = try signed(version: 1)
        guard case .accepted(let inForce) = try store.offer(first, policy: policy, unit: Self.unit, now: Self.now) else { Issue.record("not accepted"); return }
        #expect(inForce.bundle.version == 1 && inForce.sha256 == first.bundleSHA256 && inForce.sha256.count == 64)
        // The next run (or an offline one) reads the same bundle back.
        #expect(store.current(policy: policy, unit: Self.unit) == inForce)
        #expect(try store.offer(first, policy: policy, unit: Self.unit, now: Self.now) == .unchanged)
        guard case .accepted(let next) = try store.offer(try signed(version: 2, maxDays: 60), policy: policy, unit: Self.unit, now: Self.now) else { Issue.record("v2 not accepted"); return }
        #expect(store.current(policy: policy, unit: Self.unit) == next)
    }

    @Test func badBundlesAreRefusedWholeAndTheLastGoodOneStays() throws {
        try store.trust([key.publicKey])
        _ = try store.offer(try signed(version: 5), policy: policy, unit: Self.unit, now: Self.now)
        let good = try #require(store.current(policy: policy, unit: Self.unit))
        var tampered = try signed(version: 6)
        tampered.bundle[tampered.bundle.startIndex + 30] ^= 0x20
        let cases: [(SignedBundle, String)] = [
            (try signed(version: 4), "not newer than version 5"),                         // an old one replayed
            (try signed(version: 6, maxDays: 365), "weaker than the regulation allows"),  // below the floor
            (try signed(version: 6, unit: "Trạm y tế xã"), "made for Trạm y tế xã"),
            (tampered, "does not match the bundle's bytes"),
            (try signed(version: 6, by: BundleSigningKey.generate()), "does not trust"),
            (try key.sign(Data("{\"schema\": 1}".utf8)), "not an attt.bundle.v1 document"),
        ]
        for (offered, reason) in cases {
            let outcome = try store.offer(offered, policy: policy, unit: Self.unit, now: Self.now)
            guard case .refused(_, let reasons) = outcome else { Issue.record("\(reason): \(outcome)"); continue }
            #expect(reasons.contains { $0.contains(reason) }, "\(reasons)")
            #expect(store.lastRefusal()?.reasons == reasons)
            #expect(store.current(policy: policy, unit: Self.unit) == good)
        }
    }

    /// The file on disk is checked again when read: a current.json edited by hand is not in force.
    @Test func aBundleChangedOnDiskIsNotInForce() throws {
        try store.trust([key.publicKey])
        _ = try store.offer(try signed(version: 1), policy: policy, unit: Self.unit, now: Self.now)
        let path = root + "/var/lib/attt/bundle/current.json"
        var envelope = try JSONDecoder().decode(SignedBundle.self, from: Data(contentsOf: URL(fileURLWithPath: path)))
        envelope.bundle = try JSONEncoder().encode(CatalogueBundle(unit: Self.unit, policy: .init(id: policy.id, version: policy.version), version: 9,
                                                                   layers: .init(commune: nil, unit: nil), issuedAt: "", issuedBy: "", parameters: [:], catalogs: [:]))
        try JSONEncoder().encode(envelope).write(to: URL(fileURLWithPath: path))
        #expect(store.current(policy: policy, unit: Self.unit) == nil)
        // No keys learned yet (a PC enrolled before bundles): nothing is in force, nothing is accepted.
        let fresh = BundleStore(host: HostRoot(emptyRoot("bundle-store-fresh")))
        #expect(try fresh.trustedKeys().isEmpty)
        guard case .refused = try fresh.offer(try signed(version: 1), policy: policy, unit: Self.unit, now: Self.now) else { Issue.record("accepted without keys"); return }
    }
}
