import FoundationEssentials

/// VN-TD-SW-002 (Điều 13 khoản 2 điểm d): installs the mandatory software the catalogue lists for the
/// host's role, from the host's configured (approved) repositories, inside the root. A package that
/// is installed but older than its minimum is upgraded the same way. Nothing is ever removed.
public struct MandatorySoftwareFixer: Fixer {
    public let name = "install-mandatory"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { [] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        let installed = Dictionary((context.facts.packages.value?.installed ?? []).map { ($0.name, $0.version) }, uniquingKeysWith: { first, _ in first })
        var missing: [String] = []
        for entry in context.catalogs["software.mandatory"] ?? [] {
            guard let package = entry["package"]?.stringValue else { continue }
            let minimum = entry["min_version"]?.stringValue ?? "0"
            if let version = installed[package], DebianVersion(version) >= DebianVersion(minimum) { continue }
            missing.append(package)
        }
        guard !missing.isEmpty else { return [] }
        return [.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends"] + missing.sorted(), touches: [], inRoot: true)]
    }
}
