import FoundationEssentials

/// VN-TD-HW-001 (Điều 10 khoản 7: equipment kept in working order): installs smartmontools from the
/// host's own repositories, inside the root. Its postinst enables smartd, which watches the disks and
/// saves their state under /var/lib/smartmontools for the next check. Nothing else is changed: a disk
/// that shows failure needs a person (a backup, then a replacement), not a fixer.
public struct SmartmontoolsFixer: Fixer {
    public let name = "smartmontools"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { [] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        let installed = (context.facts.packages.value?.installed ?? []).contains { $0.name == "smartmontools" }
        guard !installed else { return [] }
        return [.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "smartmontools"], touches: [], inRoot: true)]
    }
}
