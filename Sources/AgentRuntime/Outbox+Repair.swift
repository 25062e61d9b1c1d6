public import DurableFiles
public import FoundationEssentials
import HardeningCore
import HostAccess

/// What keeps the outbox honest across crashes and damage (issue 12, point 5): an item that cannot be
/// read is set aside and reported while the others go on; every window a crash can open in
/// compaction is closed, so the collector never counts a report twice; and two `attt run` never
/// work on the outbox at once.
extension Outbox {
    /// A report is well under this; anything larger is not one of attt's.
    static let itemLimit = 64 << 20

    /// Holds the outbox for as long as the value lives; waits up to `timeout` seconds for another
    /// `attt run` (`busy` is called once if it has to wait). Nil when the other run still holds it.
    /// The lock is beside the outbox (`outbox.lock`), not in it: the outbox holds only items.
    public func lock(timeout: TimeInterval, busy: () -> Void = {}) throws -> FileLock? {
        let state = try host.directory(AtomicFile.parentDirectory(of: Self.path), create: 0o755)
        return try FileLock.acquire("outbox.lock", in: state, timeout: timeout, busy: busy)
    }

    /// The item's decoded value and bytes; nil, after setting it aside, when it cannot be read.
    func read<Value: Decodable>(_ name: String, as type: Value.Type) -> (value: Value, data: Data)? {
        do {
            guard let data = try box()?.read(name, limit: Self.itemLimit) else { return nil }
            return (try Self.decoder.decode(Value.self, from: data), data)
        } catch {
            setAside(name, reason: "\(error)")
            return nil
        }
    }

    func setAside(_ name: String, reason: String) {
        do {
            guard let moved = try box()?.setAside(name) else { return }
            onSetAside("outbox item \(name) cannot be read (\(reason)); set aside at \(moved), the other reports still go")
        } catch {
            onSetAside("outbox item \(name) cannot be read (\(reason)) nor set aside (\(error))")
        }
    }

    // MARK: Sent, maybe

    /// `<report id>.sending`, written before an item goes out and removed with it once acknowledged.
    /// Left by a crash between send and acknowledgement, it says the collector may have the report:
    /// that report can be sent again (the collector knows it by id) but never folded into the count.
    static func sendingMark(_ id: UUID) -> String { "\(id.uuidString).sending" }

    public func markSending(_ item: Item) throws {
        guard let id = item.reportId else { return }
        try openBox().write(Data(), name: Self.sendingMark(id), mode: 0o600)
    }

    func unmarkSending(_ item: Item) throws {
        guard let id = item.reportId else { return }
        try box()?.remove(Self.sendingMark(id))
    }

    func isMarkedSending(_ name: String) -> Bool {
        guard let id = Self.reportId(inName: name) else { return false }
        return ((try? box())??.exists(Self.sendingMark(id))) ?? false
    }

    // MARK: Repair

    /// Finishes what a crash interrupted: a report summarised but not yet removed loses the report
    /// (the summary is its replacement), a summary folded but not yet removed is removed (the record
    /// counts it), a mark whose item is gone is removed.
    public func repair() throws {
        guard let box = try box() else { return }
        var names = try files()
        let summarized = Set(names.filter { $0.hasSuffix("-summary.json") }.compactMap(Self.reportId(inName:)))
        for name in names where name.hasSuffix("-report.json") {
            if let id = Self.reportId(inName: name), summarized.contains(id) { try box.remove(name) }
        }
        if let folded = compactedFile()?.lastFolded {
            for name in names where name.hasSuffix("-summary.json") && Self.reportId(inName: name) == folded {
                try box.remove(name)
            }
        }
        names = try files()
        let waiting = Set(names.compactMap(Self.reportId(inName:)))
        for mark in try box.names() where mark.hasSuffix(".sending") {
            if let id = UUID(uuidString: String(mark.dropLast(".sending".count))), waiting.contains(id) { continue }
            try box.remove(mark)
        }
    }

    /// The report id in `<20-character time>-<uuid>-<kind>.json`.
    static func reportId(inName name: String) -> UUID? {
        UUID(uuidString: String(name.dropFirst(21).prefix(36)))
    }

    /// The compacted record as kept on disk; nil when there is none, or (after setting it aside) when
    /// it cannot be read — the next fold then starts a new record under a new id.
    func compactedFile() -> CompactedFile? {
        read(Self.compactedName, as: CompactedFile.self)?.value
    }
}

extension Outbox.Item {
    /// The report this item stands for; nil for the compacted record (the collector replaces it by its id).
    var reportId: UUID? {
        switch self {
        case .report(let id, _): return id
        case .summary(let summary): return summary.reportId
        case .compacted: return nil
        }
    }
}

/// The compacted record with the id of the last summary folded into it, a local field the collector
/// never sees (the item sent is the record alone).
struct CompactedFile: Codable {
    var record: CompactedReports
    var lastFolded: UUID?

    init(record: CompactedReports, lastFolded: UUID? = nil) {
        self.record = record
        self.lastFolded = lastFolded
    }

    enum Keys: String, CodingKey { case lastFolded }

    init(from decoder: any Decoder) throws {
        record = try CompactedReports(from: decoder)
        lastFolded = try decoder.container(keyedBy: Keys.self).decodeIfPresent(UUID.self, forKey: .lastFolded)
    }

    func encode(to encoder: any Encoder) throws {
        try record.encode(to: encoder)
        var container = encoder.container(keyedBy: Keys.self)
        try container.encodeIfPresent(lastFolded, forKey: .lastFolded)
    }
}
