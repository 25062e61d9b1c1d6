import FoundationEssentials
package import HardeningCore
package import HostAccess

/// The backup job's status record (`/var/lib/attt/backup/last.json`, docs/backup-status.md) as the
/// restore reads it (Điều 11 khoản 2 điểm a, Bước 3): the same checks BAK-001 makes, and where the
/// copies go, judged as BAK-001 judges it (a local target on the system disk is no backup).
package enum BackupStatusFile {
    package struct Status: Sendable {
        package var record: BackupRunRecord
        package var run: BackupRun
        package var target: BackupTarget
    }

    /// Nil when the job never wrote one; an error naming the file (and line) when it is not one.
    package static func read(_ host: HostRoot) throws -> Status? {
        let path = BackupProbe.statusFile
        guard let text = try host.text(path), let run = try BackupProbe.lastRun(text: text, path: path) else { return nil }
        let record = try JSONDecoder().decode(BackupRunRecord.self, from: Data(text.utf8))
        let fstab = Fstab.parse(try host.text("/etc/fstab") ?? "", path: "/etc/fstab")
        return Status(record: record, run: run, target: BackupProbe.target(run.target, fstab: fstab))
    }
}
