import DurableFiles
public import Enrollment
public import FoundationEssentials
public import HardeningCore
public import HostAccess

/// The unit's catalogue bundle on this PC (docs/design/catalogue-bundles.md §5), under
/// `<root>/var/lib/attt/bundle/`: the last good one as it arrived (`current.json`, the signed envelope)
/// and the last one refused with why (`refused.json`). The keys it is checked against are the ones
/// learned at enrollment (`identity/bundle-keys.json`). A PC offline, or offered a bad bundle, keeps
/// checking with its last good one.
public struct BundleStore: Sendable {
    public let host: HostRoot
    static let path = "/var/lib/attt/bundle"
    static let keysFile = "bundle-keys.json"

    public init(host: HostRoot) { self.host = host }

    /// A bundle in force, with the SHA-256 of its bytes (what reports name).
    public struct InForce: Sendable, Hashable {
        public var bundle: CatalogueBundle
        public var sha256: String
    }

    public enum Outcome: Sendable, Hashable {
        case accepted(InForce)
        /// The same bytes as the bundle in force.
        case unchanged
        /// Not used, each reason in words an officer can act on; the last good one stays.
        case refused(version: Int?, reasons: [String])
    }

    /// What a refusal leaves for the next report and the officer.
    public typealias Refusal = Report.BundleRefusal

    /// The keys this PC trusts for bundles; empty before the collector gave any.
    public func trustedKeys() throws -> [BundlePublicKey] {
        guard let directory = try host.existingDirectory(AgentIdentity.path), let data = try directory.read(Self.keysFile, limit: 1 << 16) else { return [] }
        do {
            return try JSONDecoder().decode([BundlePublicKey].self, from: data)
        } catch {
            throw EnrollmentError.unreadable(path: directory.path(of: Self.keysFile), reason: "not a list of bundle keys (\(error)): enroll this PC again (attt enroll)")
        }
    }

    /// Keeps the keys the collector vouches for (at enrollment, or endorsed by one already trusted).
    public func trust(_ keys: [BundlePublicKey]) throws {
        let directory = try host.directory(AgentIdentity.path, create: 0o700)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try directory.write(try encoder.encode(keys), name: Self.keysFile, mode: 0o644)
    }

    /// Reads the collector's ring (``BundleKeyRing/learned(by:)``): true when the keys trusted changed.
    public func learn(_ ring: BundleKeyRing) throws -> Bool {
        guard ring.keys.count <= BundleKeyRing.maxKeys, ring.endorsements.count <= BundleKeyRing.maxKeys * 4 else { return false }
        let trusted = try trustedKeys()
        let learned = ring.learned(by: trusted)
        guard learned != trusted else { return false }
        try trust(learned)
        return true
    }

    /// The last good bundle, checked again as it is read (a file changed on disk is not in force), or
    /// nil when there is none or it no longer holds.
    public func current(policy: Policy, unit: String?) -> InForce? {
        guard let keys = try? trustedKeys(), let directory = try? host.existingDirectory(Self.path),
              let data = try? directory.read("current.json", limit: SignedBundle.maxBytes * 2),
              let signed = try? JSONDecoder().decode(SignedBundle.self, from: data),
              case .accepted(let inForce)? = try? check(signed, keys: keys, policy: policy, unit: unit) else { return nil }
        return inForce
    }

    /// The last refusal, if one came after the bundle in force.
    public func lastRefusal() -> Refusal? {
        guard let directory = try? host.existingDirectory(Self.path), let data = try? directory.read("refused.json", limit: 1 << 20) else { return nil }
        return try? JSONDecoder().decode(Refusal.self, from: data)
    }

    /// A bundle from the collector: used from now on if it holds, else refused whole and the reason kept.
    public func offer(_ signed: SignedBundle, policy: Policy, unit: String?, now: Date) throws -> Outcome {
        let before = current(policy: policy, unit: unit)
        var outcome = try check(signed, keys: try trustedKeys(), policy: policy, unit: unit)
        if case .accepted(let offered) = outcome, let before {
            if offered.sha256 == before.sha256 { return .unchanged }
            // An older bundle, signed once and replayed, must not undo a newer list.
            if offered.bundle.version <= before.bundle.version {
                outcome = .refused(version: offered.bundle.version, reasons: ["version \(offered.bundle.version) is not newer than version \(before.bundle.version) in force"])
            }
        }
        let directory = try host.directory(Self.path, create: 0o700)
        switch outcome {
        case .accepted:
            try directory.write(try JSONEncoder().encode(signed), name: "current.json", mode: 0o600)
            if directory.exists("refused.json") { try AtomicFile.remove(directory.path(of: "refused.json")) }
        case .refused(let version, let reasons):
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
            try directory.write(try encoder.encode(Refusal(version: version, reasons: reasons, at: Timestamp(now).description)), name: "refused.json", mode: 0o600)
        case .unchanged:
            break
        }
        return outcome
    }

    /// Signature first, then the document, then the policy's rules; bytes are parsed only once signed.
    func check(_ signed: SignedBundle, keys: [BundlePublicKey], policy: Policy, unit: String?) throws -> Outcome {
        let bytes: Data
        do {
            bytes = try signed.verified(trusting: keys)
        } catch {
            return .refused(version: nil, reasons: [error.description])
        }
        guard let bundle = try? JSONDecoder().decode(CatalogueBundle.self, from: bytes) else {
            return .refused(version: nil, reasons: ["the signed bytes are not an \(CatalogueBundle.schemaName) document"])
        }
        let problems = policy.bundleProblems(bundle, unit: unit)
        guard problems.isEmpty else { return .refused(version: bundle.version, reasons: problems) }
        return .accepted(InForce(bundle: bundle, sha256: signed.bundleSHA256))
    }
}
