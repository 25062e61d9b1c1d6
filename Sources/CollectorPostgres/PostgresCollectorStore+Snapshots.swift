public import CollectorStore
public import Foundation

/// Inspection snapshots on PostgreSQL: ``SnapshotReads``, the SQLite store's own code.
extension PostgresCollectorStore: SnapshotStore {
    public func knownUnits() throws -> [String] { try SnapshotReads.knownUnits(in: self) }

    public func snapshotHosts(unit: String, at: Date) throws -> [SnapshotHost] { try SnapshotReads.snapshotHosts(unit: unit, at: at, in: self) }

    public func reportBody(id: UUID) throws -> Data? { try HistoryReads.reportBody(id: id, in: self) }

    public func controlStatuses(host: String, at: Date) throws -> [StatusSpan] { try SnapshotReads.controlStatuses(host: host, at: at, in: self) }

    public func recordSnapshot(_ record: SnapshotRecord, by officer: ActingOfficer, now: Date) throws {
        try SnapshotReads.recordSnapshot(record, by: officer, now: now, in: self)
    }
}
