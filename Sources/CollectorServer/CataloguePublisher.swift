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
    public let store: any CollectorDatabase
    public let policy: Policy
    let key: BundleSigningKey

    public init(store: any CollectorDatabase, policy: Policy, key: BundleSigningKey) {
        self.store = store
        self.policy = policy
        self.key = key
    }

    public func publish(_ scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue], note: String?,
                        by officer: ActingOfficer, now: Date) throws -> CataloguePublication {
        let edit = CatalogueEdit(scope: scope, parameters: parameters, catalogs: catalogs, note: note, policy: policyName)
        return try store.publishCatalogueLayer(edit, by: officer, now: now, seal: seal)
    }

    /// The policy the bundles are made for, as they name it.
    var policyName: CatalogueBundle.PolicyName { .init(id: policy.id, version: policy.version) }

    /// What publishing this layer would do to each PC of the units it reaches, from their latest full
    /// reports (``CataloguePreview``); publishes nothing. Refused like a publication when a bundle would be.
    public func preview(_ scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue], now: Date) throws -> CatalogueImpact {
        let proposed = BundleLayer(version: 0, parameters: parameters, catalogs: catalogs)
        let hosts = try store.hosts(unit: scope.unit).filter { !$0.revoked }
        var impact = CatalogueImpact(controls: CataloguePreview.controls(policy), hosts: [], unknown: [])
        for unit in Set(hosts.map(\.unit)).sorted() {
            let current = try store.latestBundle(unit: unit).flatMap(Self.bundle)
            let commune = scope == .commune ? proposed : try store.catalogueLayer(.commune)?.layer
            let own = scope == .unit(unit) ? proposed : try store.catalogueLayer(.unit(unit))?.layer
            let bundle = CatalogueBundle(unit: unit, policy: policyName, version: (current?.version ?? 0) + 1,
                                         commune: commune, own: own, issuedAt: Timestamp(now).description, issuedBy: "")
            try refuseBelowFloor(bundle)
            for status in try store.latestStatus(unit: unit) {
                let host = CatalogueImpact.Host(host: status.host, hostname: status.hostname, unit: unit, reportAt: status.startedAt, changes: [])
                guard !status.summaryOnly, let body = try store.reportBody(id: status.reportId), let report = try? JSONDecoder().decode(Report.self, from: body),
                      let changes = CataloguePreview.changes(policy: policy, current: current, proposed: bundle, report: report, now: now) else {
                    impact.unknown.append(host)
                    continue
                }
                if !changes.isEmpty { impact.hosts.append(.init(host: host.host, hostname: host.hostname, unit: unit, reportAt: host.reportAt, changes: changes)) }
            }
        }
        return impact
    }

    /// The bundle inside a kept envelope (the collector signed it; it is not checked again here).
    static func bundle(_ stored: StoredBundle) -> CatalogueBundle? {
        guard let envelope = stored.envelope, let signed = try? JSONDecoder().decode(SignedBundle.self, from: envelope) else { return nil }
        return try? JSONDecoder().decode(CatalogueBundle.self, from: signed.bundle)
    }

    func refuseBelowFloor(_ bundle: CatalogueBundle) throws {
        let problems = policy.bundleProblems(bundle, unit: bundle.unit)
        guard problems.isEmpty else {
            throw ExceptionRefusal.invalid("danh mục không đạt mức tối thiểu của quy chế, chưa phát hành — not published, the bundle for \(bundle.unit) would be refused by its PCs: "
                                           + problems.joined(separator: "; "))
        }
    }

    /// Refuses a bundle a PC would refuse (a PC refuses it whole, so publishing it would only leave every
    /// PC of the unit on its old bundle); signs the exact bytes that travel.
    func seal(_ bundle: CatalogueBundle) throws -> SealedBundle {
        try refuseBelowFloor(bundle)
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

/// What a change of the unit's lists would do, PC by PC (`CataloguePublisher.preview`).
public struct CatalogueImpact: Sendable, Hashable, Codable {
    /// The controls it can tell about: those that read the unit's lists.
    public var controls: [String]
    /// PCs whose result would change, with each change.
    public var hosts: [Host]
    /// PCs whose latest report does not tell (an older agent, or only a summary kept): known at their next run.
    public var unknown: [Host]

    public struct Host: Sendable, Hashable, Codable {
        public var host: String
        public var hostname: String?
        public var unit: String
        public var reportAt: Timestamp
        public var changes: [CataloguePreview.Change]
    }
}
