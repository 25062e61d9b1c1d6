import DurableFiles
public import FoundationEssentials
public import HardeningCore
import HostAccess

extension Restore {
    /// Records that Bước 3 worked this far on this host: the backup verified and the changes listed
    /// (VN-TD-INC-001 asks for such a rehearsal within 12 months). Written after every prepared
    /// restore, a dry run or not, atomically, so a crash leaves the old record or the new one.
    public func recordCheck(_ preview: Preview, at now: Date) throws {
        let record = RestoreCheckRecord(
            time: Timestamp(now).description, tool: preview.source.kind.rawValue, target: preview.source.record.target,
            snapshot: preview.source.snapshot, verified: preview.source.verifiable,
            scopes: preview.scopes.map(\.rawValue), changes: preview.selection.changes.count)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        let (directory, name) = try host.entry(RestoreCheckRecord.path, create: 0o755)
        try directory.write(try encoder.encode(record), name: name, mode: 0o644)
    }
}
