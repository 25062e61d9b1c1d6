import HostProbes
import LinuxAudit

/// Hands the probes what the running kernel's audit subsystem holds (VN-TD-LOG-001), so the
/// C types stay in LinuxAudit and HostProbes stays file-only.
enum KernelAuditReader {
    @Sendable static func read() -> KernelAuditReading {
        switch KernelAudit.read() {
        case .read(let s):
            return .read(
                enabled: s.status.enabled, failure: s.status.failure, pid: s.status.pid, backlog: s.status.backlog,
                backlogLimit: s.status.backlogLimit, lost: s.status.lost, rules: s.rules
            )
        case .unreadable(let reason):
            return .unreadable(reason)
        }
    }
}
