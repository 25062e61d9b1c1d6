public import DurableFiles
public import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess

/// Reports waiting to reach the collector, kept on disk so nothing is lost across crashes, reboots
/// and days offline (peers drop data when their buffer is full; attt compacts it and says so).
///
/// Layout under `<root>/var/lib/attt/outbox/`: one file per report, named so that names sort by time
/// (`<startedAt>-<reportId>.json`); every write is atomic (temp file, fsync, rename). When the outbox
/// grows past its bounds, the oldest full reports become summaries (counts and failing controls), and
/// when summaries alone are too many, the oldest are folded into one `compacted` record that counts
/// them — so the collector always learns how many reports it did not get in full.
public struct Outbox {
    public struct Limits: Sendable {
        /// Total size of the outbox.
        public var maxBytes: Int
        /// Full reports older than this become summaries.
        public var maxAge: TimeInterval
        /// At most this many summaries are kept one by one; older ones are folded into the compacted record.
        public var maxSummaries: Int

        public init(maxBytes: Int = 20 << 20, maxAge: TimeInterval = 30 * 86_400, maxSummaries: Int = 1_000) {
            self.maxBytes = maxBytes
            self.maxAge = maxAge
            self.maxSummaries = maxSummaries
        }
    }

    public typealias Summary = ReportSummary
    public typealias Compacted = CompactedReports

    public enum Item: Sendable, Hashable {
        case report(UUID, Data)
        case summary(Summary)
        case compacted(Compacted)
    }

    /// The host whose outbox this is: every item is read and written inside its root.
    public let host: HostRoot
    public var limits: Limits
    /// Told about every item that could not be read and was set aside (the command reports it).
    public var onSetAside: (String) -> Void = { _ in }

    public init(host: HostRoot, limits: Limits = Limits()) {
        self.host = host
        self.limits = limits
    }

    static let path = "/var/lib/attt/outbox"

    /// The outbox directory, opened inside the root (a link at var/lib/attt/outbox in a mounted tree
    /// leads into the tree, never out of it); nil when there is none yet.
    func box() throws -> OpenDirectory? { try host.existingDirectory(Self.path) }

    /// The outbox directory, made (0700) when absent.
    func openBox() throws -> OpenDirectory { try host.directory(Self.path, create: 0o700) }

    static let compactedName = "0000-compacted.json"

    // MARK: Writing

    /// Keeps a report until the collector has it, then enforces the bounds.
    public func enqueue(_ report: Report, now: Date = Date()) throws {
        let data = try Self.encoder.encode(report)
        try write(data, name: Self.name(report.startedAt, report.reportId, kind: "report"))
        try enforceLimits(now: now)
    }

    /// The collector confirmed it stored this item: forget it.
    public func acknowledge(_ item: Item) throws {
        let name: String
        switch item {
        case .report(let id, _): name = try files().first { $0.contains(id.uuidString) } ?? ""
        case .summary(let s): name = Self.name(s.startedAt, s.reportId, kind: "summary")
        case .compacted(let sent):
            // Grown since it was sent (more summaries folded in): the collector has not seen those yet.
            guard compactedFile()?.record == sent else { return }
            name = Self.compactedName
        }
        guard !name.isEmpty, let box = try box() else { return }
        try box.remove(name)
        if let id = item.reportId { try box.remove(Self.sendingMark(id)) }
    }

    /// Everything waiting, oldest first (the compacted record first of all).
    /// An item that cannot be read is set aside and reported; the others still go.
    public func pending() throws -> [Item] {
        try repair()
        return try files().compactMap { name in
            if name == Self.compactedName { return read(name, as: Compacted.self).map { .compacted($0.value) } }
            if name.hasSuffix("-summary.json") { return read(name, as: Summary.self).map { .summary($0.value) } }
            return read(name, as: Report.self).map { .report($0.value.reportId, $0.data) }
        }
    }

    // MARK: Bounds

    /// Oldest full reports become summaries while the outbox is too large or they are too old; then the
    /// oldest summaries fold into the compacted record while there are too many or it is still too large.
    public func enforceLimits(now: Date) throws {
        try repair()
        for name in try files() where name.hasSuffix("-report.json") {
            guard try size() > limits.maxBytes || age(of: name, now: now) > limits.maxAge else { break }
            try summarize(name)
        }
        // A summary that may have reached the collector is never folded: it would count twice.
        var summaries = try files().filter { $0.hasSuffix("-summary.json") && !isMarkedSending($0) }
        while !summaries.isEmpty {
            let tooLarge = try size() > limits.maxBytes
            guard summaries.count > limits.maxSummaries || tooLarge else { break }
            try fold(summaries.removeFirst())
        }
    }

    func summarize(_ name: String) throws {
        guard let report = read(name, as: Report.self)?.value else { return }
        let summary = Summary(report)
        // The summary is written before the report goes: a crash in between leaves both, never neither.
        try write(try Self.encoder.encode(summary), name: Self.name(report.startedAt, report.reportId, kind: "summary"))
        try box()?.remove(name)
    }

    func fold(_ name: String) throws {
        guard let summary = read(name, as: Summary.self)?.value else { return }
        var file = compactedFile() ?? CompactedFile(record: Compacted(count: 0, from: summary.startedAt, to: summary.startedAt, failures: [:]))
        file.record.count += 1
        file.record.from = min(file.record.from, summary.startedAt)
        file.record.to = max(file.record.to, summary.startedAt)
        for control in summary.failing { file.record.failures[control, default: 0] += 1 }
        // Written with the record: a crash before the summary is removed is finished by `repair`,
        // instead of folding that summary a second time.
        file.lastFolded = summary.reportId
        try write(try Self.encoder.encode(file), name: Self.compactedName)
        try box()?.remove(name)
    }

    // MARK: Files

    func files() throws -> [String] {
        guard let box = try box() else { return [] }
        let names = try box.names()
        // A hidden file is a write a crash interrupted (items are never hidden): the item it would have
        // been was never acknowledged.
        for stale in names where stale.hasPrefix(".") { try? box.removeTree(stale) }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") }
    }

    func size() throws -> Int {
        guard let box = try box() else { return 0 }
        return try files().reduce(0) { total, name in
            total + Int(((try? box.status(name)) ?? nil)?.st_size ?? 0)
        }
    }

    func age(of name: String, now: Date) throws -> TimeInterval {
        let stamp = String(name.prefix(20))
        guard let date = Timestamp.parse(stamp) else { return 0 }
        return now.timeIntervalSince(date)
    }

    /// `2026-11-25T08:00:00Z-<uuid>-report.json`: sorts by time.
    static func name(_ time: Timestamp, _ id: UUID, kind: String) -> String {
        "\(time)-\(id.uuidString)-\(kind).json"
    }

    func write(_ data: Data, name: String) throws {
        try openBox().write(data, name: name, mode: 0o600)
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder = JSONDecoder()
}
