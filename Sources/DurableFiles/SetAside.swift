public import FoundationEssentials
import Glibc

/// A state file or directory attt cannot read (a damaged journal, outbox item) is renamed aside,
/// never deleted: it may be the only record of what a fix changed, and an officer decides what to do
/// with it. Under its new name (`<name>.corrupt-<UTC time>`) nothing of attt reads it again, so the
/// others go on. ``OpenDirectory/setAside(_:now:)`` does it inside a directory held open.
public enum SetAside {
    public static let marker = ".corrupt-"

    /// Renames `path` aside and flushes its directory; returns the new path.
    public static func move(_ path: String, now: Date = Date()) throws -> String {
        try OpenDirectory.open(AtomicFile.parentDirectory(of: path)).setAside(AtomicFile.name(in: path), now: now)
    }

    /// True for a name ``move(_:now:)`` made.
    public static func isSetAside(_ name: String) -> Bool { name.contains(marker) }

    /// `20261125T193512Z`: sortable and safe in a file name.
    public static func stamp(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970)
        var parts = tm()
        gmtime_r(&seconds, &parts)
        func digits(_ n: Int32, _ width: Int) -> String {
            let s = String(n)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        return digits(parts.tm_year + 1900, 4) + digits(parts.tm_mon + 1, 2) + digits(parts.tm_mday, 2)
            + "T" + digits(parts.tm_hour, 2) + digits(parts.tm_min, 2) + digits(parts.tm_sec, 2) + "Z"
    }
}
