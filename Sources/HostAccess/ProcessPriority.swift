internal import CHostAccess
import Glibc

/// Long reads on an office PC in use (`attt incident collect` copying gigabytes while the officer
/// and the staff keep working): this process steps back for CPU (nice 10) and for the disk
/// (best-effort, lowest level), as `nice -n 10 ionice -c2 -n7` would. Its children inherit both.
public enum ProcessPriority {
    /// Lowers this process's CPU and I/O priority; returns what could not be lowered, for a note.
    @discardableResult
    public static func yieldToInteractiveWork() -> [String] {
        var refused: [String] = []
        if setpriority(__priority_which_t(PRIO_PROCESS.rawValue), 0, 10) != 0 { refused.append("nice: errno \(errno)") }
        if attt_lower_io_priority() != 0 { refused.append("ionice: errno \(errno)") }
        return refused
    }
}
