public import Foundation
public import CollectorStore
public import Enrollment
public import HardeningCore
import PolicyLoading

/// Publishes a unit's or the commune's catalogue layer (Điều 13 khoản 2 điểm c, d): the store keeps the
/// version and merges it into each unit's bundle; here each bundle is checked against the regulation's
/// floor as the PCs will check it, and signed with the collector's bundle key. The web pages, the API and
/// `attt-collector catalogue publish` all come through here.
public struct CataloguePublisher: Sendable {
    public let store: any CatalogueStore
    public let policy: Policy
    let key: BundleSigningKey

    public init(store: any CatalogueStore, policy: Policy, key: BundleSigningKey) {
        self.store = store
        self.policy = policy
        self.key = key
    }

    public func publish(_ scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue], note: String?,
                        by officer: ActingOfficer, now: Date) throws -> CataloguePublication {
        let edit = CatalogueEdit(scope: scope, parameters: parameters, catalogs: catalogs, note: note, policy: .init(id: policy.id, version: policy.version))
        return try store.publishCatalogueLayer(edit, by: officer, now: now, seal: seal)
    }

    /// Refuses a bundle a PC would refuse (a PC refuses it whole, so publishing it would only leave every
    /// PC of the unit on its old bundle); signs the exact bytes that travel.
    func seal(_ bundle: CatalogueBundle) throws -> SealedBundle {
        let problems = policy.bundleProblems(bundle, unit: bundle.unit)
        guard problems.isEmpty else {
            throw ExceptionRefusal.invalid("danh mục không đạt mức tối thiểu của quy chế, chưa phát hành — not published, the bundle for \(bundle.unit) would be refused by its PCs: "
                                           + problems.joined(separator: "; "))
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let signed = try key.sign(try encoder.encode(bundle))
        return SealedBundle(envelope: try encoder.encode(signed), sha256: signed.bundleSHA256)
    }

    /// The collector's copy of the shipped policy: the setting, the installed copy, or the source tree's.
    public static func loadPolicy(_ settings: CollectorSettings) throws -> Policy {
        var candidates = settings.policyDirectory.map { [$0] } ?? []
        if candidates.isEmpty {
            candidates.append("/usr/share/attt-collector/policies")
            let executable = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            candidates.append(executable.deletingLastPathComponent().appendingPathComponent("../share/attt-collector/policies").standardizedFileURL.path)
            candidates.append(URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("../../Policies").standardizedFileURL.path)
        }
        let directory = candidates.first { FileManager.default.fileExists(atPath: $0 + "/policy.yaml") } ?? candidates[0]
        return try PolicyLoader().load(directory: URL(fileURLWithPath: directory))
    }
}
