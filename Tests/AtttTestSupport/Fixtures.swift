public import Foundation
public import HardeningCore
import HostAccess
import HostProbes
import PolicyLoading

/// Paths in the repository, found from this file so tests run from any directory.
public enum Repository {
    public static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    public static let policies = root.appendingPathComponent("Policies")
    public static let hosts = root.appendingPathComponent("Tests/Fixtures/hosts")
    public static let schemas = root.appendingPathComponent("schemas")

    public static func host(_ name: String) -> URL { hosts.appendingPathComponent(name) }
}

/// The shipped policy, loaded once.
public enum ShippedPolicy {
    public static let policy: Policy = {
        do { return try PolicyLoader().load(directory: Repository.policies) } catch { fatalError("shipped policy does not load: \(error)") }
    }()
}

/// A throw-away copy of a fixture host that a test may change; removed when released.
public final class FixtureHost: @unchecked Sendable {
    public let root: URL

    /// Copies `base` (a fixture under Tests/Fixtures/hosts) into a fresh temporary directory.
    public init(_ base: String = "debian12-hardened") throws {
        root = FileManager.default.temporaryDirectory.appendingPathComponent("attt-host-\(UUID().uuidString)")
        try FileManager.default.copyItem(at: Repository.host(base), to: root)
    }

    deinit { try? FileManager.default.removeItem(at: root) }

    public func url(_ hostPath: String) -> URL { root.appendingPathComponent(String(hostPath.drop { $0 == "/" })) }

    public func write(_ hostPath: String, _ text: String) throws {
        let url = url(hostPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: url)
        try Data(text.utf8).write(to: url)
    }

    public func writeData(_ hostPath: String, _ data: Data) throws {
        let url = url(hostPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try data.write(to: url)
    }

    public func read(_ hostPath: String) throws -> String { try String(contentsOf: url(hostPath), encoding: .utf8) }

    /// Replaces the first occurrence of `old` in a file; fails the test setup when it is not there.
    public func replace(_ hostPath: String, _ old: String, with new: String) throws {
        let text = try read(hostPath)
        guard let range = text.range(of: old) else { throw FixtureError.missing(hostPath, old) }
        try write(hostPath, text.replacingCharacters(in: range, with: new))
    }

    public func append(_ hostPath: String, _ text: String) throws {
        let existing = (try? read(hostPath)) ?? ""
        try write(hostPath, existing + text)
    }

    public func remove(_ hostPath: String) throws { try FileManager.default.removeItem(at: url(hostPath)) }

    /// The bytes of the regular files under a host directory: what restoring it stages.
    public func regularFileBytes(under hostPath: String) throws -> Int64 {
        var total: Int64 = 0
        let base = url(hostPath).path
        for case let relative as String in FileManager.default.enumerator(atPath: base)! {
            let attributes = try FileManager.default.attributesOfItem(atPath: base + "/" + relative)
            if attributes[.type] as? FileAttributeType == .typeRegular { total += (attributes[.size] as? NSNumber)?.int64Value ?? 0 }
        }
        return total
    }

    public func symlink(_ hostPath: String, to target: String) throws {
        let url = url(hostPath)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try? FileManager.default.removeItem(at: url)
        try FileManager.default.createSymbolicLink(atPath: url.path, withDestinationPath: target)
    }
}

public enum FixtureError: Error {
    case missing(String, String)
}

/// The fixed "now" of fixture tests, so ages (signatures, logins) do not drift with the calendar.
public let fixtureNow = Timestamp.parse("2026-11-25T08:00:00Z")!

/// Probes a root and evaluates the shipped policy, as `attt check` does.
public func check(
    root: URL, profile: Profile = .regulation, role: Role = .workstation,
    tailoring: [String: FactValue] = [:], only: [String] = [], policy: Policy = ShippedPolicy.policy
) throws -> [ControlResult] {
    var tailoring = tailoring
    let host = HostRoot(root.path)
    if tailoring.isEmpty, let data = try host.read(TailoringLoader.hostPath) {
        tailoring = try TailoringLoader().load(data, file: host.local(TailoringLoader.hostPath), policy: policy)
    }
    let facts = HostProbe(host: host, antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"])).collect(now: fixtureNow)
    let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: profile, role: role, now: fixtureNow, tailoring: tailoring))
    return evaluator.evaluate(try Evaluator.factTree(facts), only: only)
}

public func result(_ id: String, root: URL, profile: Profile = .regulation, role: Role = .workstation, tailoring: [String: FactValue] = [:]) throws -> ControlResult {
    try check(root: root, profile: profile, role: role, tailoring: tailoring, only: [id])[0]
}

extension ControlResult {
    /// Evidence entries whose item contains `text`.
    public func evidence(_ text: String) -> [Evidence] { evidence.filter { $0.item.contains(text) } }
}

/// An empty directory to use as a host root (a fresh PC's tree with nothing of attt's yet). The root
/// itself must exist: attt opens it once and makes its state directories inside it, never the root.
public func emptyRoot(_ name: String) -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID())").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Writes `text` at `hostPath` under the root made by ``emptyRoot(_:)``, making the directories on the way.
public func writeHostFile(_ root: String, _ hostPath: String, _ text: String) throws {
    let url = URL(fileURLWithPath: root).appendingPathComponent(String(hostPath.drop { $0 == "/" }))
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
}
