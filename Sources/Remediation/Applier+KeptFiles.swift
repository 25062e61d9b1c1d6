import DurableFiles
public import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// The files a restore replaced (`RemediationAction.putInPlace`), kept in `<mount>/.attt-restore-<tx>/kept`
/// so that `attt rollback` can bring the attacked state back (it is the incident's evidence, too:
/// Điều 11 khoản 2 điểm a). They stay until the officer purges them (`attt incident purge-kept TX`),
/// never automatically; once purged, the restore can no longer be rolled back.
extension Applier {
    /// What a transaction keeps aside: its kept directories (host paths), how many entries and bytes.
    public struct KeptFiles: Sendable, Hashable {
        public var directories: [String]
        public var entries: Int
        public var bytes: Int64
    }

    /// Why kept files cannot be purged, in Vietnamese first.
    public struct PurgeRefused: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The applied transaction `id` and what it keeps aside; refused when it is not a restore, was
    /// rolled back (the kept files are back in place), or was already purged.
    public func keptFiles(_ id: String) throws -> (journal: Journal, kept: KeptFiles) {
        guard let journal = try history().first(where: { $0.id == id }) else {
            throw PurgeRefused(description: "không có giao dịch \(id) — no such transaction; see attt history")
        }
        let directories = Array(Set(journal.backups.compactMap { $0.keptAt.map(AtomicFile.parentDirectory(of:)) })).sorted()
        guard !directories.isEmpty else {
            throw PurgeRefused(description: "giao dịch \(id) không phải một lần khôi phục từ bản sao lưu (không giữ tệp nào) — not a restore")
        }
        if let purged = journal.keptPurgedAt {
            throw PurgeRefused(description: "các tệp bị thay thế của giao dịch \(id) đã được xoá lúc \(purged) — already purged")
        }
        guard journal.state == .applied else {
            throw PurgeRefused(description: "giao dịch \(id) đang ở trạng thái \(journal.state.rawValue), không phải đã áp dụng: các tệp giữ lại đã về chỗ cũ hoặc còn cần để hoàn tác — only an applied restore's kept files are purged")
        }
        var kept = KeptFiles(directories: directories, entries: 0, bytes: 0)
        for directory in directories {
            guard let open = try host.existingDirectory(directory) else { continue }
            for name in try open.names(limit: Self.maxMoves) {
                guard let st = try open.status(name) else { continue }
                kept.entries += 1
                if st.st_mode & S_IFMT == S_IFREG { kept.bytes += Int64(st.st_size) }
            }
        }
        return (journal, kept)
    }

    /// Removes the kept files of the applied restore `id` and its emptied restore areas. The journal
    /// says so first, so a rollback is refused from then on even if the removal is cut short.
    public func purgeKept(_ id: String) throws -> (journal: Journal, kept: KeptFiles) {
        let held = try lock()
        defer { withExtendedLifetime(held) {} }
        var (journal, kept) = try keptFiles(id)
        journal.keptPurgedAt = Timestamp(Date())
        try save(journal)
        for directory in kept.directories {
            let area = AtomicFile.parentDirectory(of: directory)
            guard let parent = try host.existingDirectory(area) else { continue }
            // A kept entry may be a whole directory (a directory stood where the backup has a file).
            try parent.removeTree(AtomicFile.name(in: directory), depth: 80)
            if let top = try host.existingDirectory(AtomicFile.parentDirectory(of: area)) { top.removeEmptyDirectory(AtomicFile.name(in: area)) }
        }
        return (journal, kept)
    }
}
