import FoundationEssentials

/// VN-TD-UPD-002 (Điều 10 khoản 5): installs the pending security fixes through the same channel as
/// VN-TD-UPD-001, `unattended-upgrade`, which takes only the origins its configuration allows (the
/// security archive). It touches no file attt could restore: an installed package is not rolled
/// back, and the host is never rebooted here (the user or a maintenance window does that).
public struct SecurityUpdatesFixer: Fixer {
    public let name = "security-updates"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { [] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        // Only when something is pending: a stale list or a pending reboot is not fixed by this.
        guard context.facts.patches.value?.pending.isEmpty == false else { return [] }
        return [.runCommand(arguments: ["unattended-upgrade", "-v"], touches: [], inRoot: true)]
    }
}
