public import CollectorAPI
public import DurableFiles
public import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess

/// What the PC has to tell the collector about an incident (Điều 11): the steps taken, the evidence
/// manifests, and its users' reports. Kept under `<root>/var/lib/attt/incidents/outbox/` until the
/// collector confirms each one.
///
/// Unlike the report ``Outbox`` it is never compacted: each item is a fact of the incident record
/// (who isolated the PC, when, which evidence) that a summary would lose. It is bounded instead: steps
/// and manifests come from an officer's commands and always fit; a user report is refused when the
/// outbox is full or its user already has ``Limits/perUser`` reports waiting (a user cannot fill /var).
public struct IncidentOutbox {
    public struct Limits: Sendable {
        public var maxItems: Int
        public var maxBytes: Int
        /// Unsent user reports per uid, and in all.
        public var perUser: Int
        public var userReports: Int

        public init(maxItems: Int = 1_000, maxBytes: Int = 8 << 20, perUser: Int = 10, userReports: Int = 100) {
            self.maxItems = maxItems
            self.maxBytes = maxBytes
            self.perUser = perUser
            self.userReports = userReports
        }
    }

    public enum Item: Sendable, Hashable {
        case step(IncidentStepMessage)
        case manifest(EvidenceManifestUpload)
        case userReport(UserReportMessage)

        public var id: UUID {
            switch self {
            case .step(let step): step.id
            case .manifest(let manifest): manifest.id
            case .userReport(let report): report.id
            }
        }

        var kind: String {
            switch self {
            case .step: "step"
            case .manifest: "manifest"
            case .userReport: "user-report"
            }
        }
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        /// This user already has that many reports waiting.
        case tooManyFromUser(Int)
        /// The outbox is full; the collector has not been reached for a while.
        case full

        public var description: String {
            switch self {
            case .tooManyFromUser(let count): "bạn đã có \(count) báo cáo chưa gửi được; hãy báo trực tiếp cho cán bộ phụ trách CNTT"
            case .full: "hàng đợi báo cáo sự cố đã đầy; hãy báo trực tiếp cho cán bộ phụ trách CNTT"
            }
        }
    }

    public let host: HostRoot
    public var limits: Limits
    /// Told about every item that could not be read and was set aside.
    public var onSetAside: (String) -> Void = { _ in }

    public init(host: HostRoot, limits: Limits = Limits()) {
        self.host = host
        self.limits = limits
    }

    static let path = "/var/lib/attt/incidents/outbox"
    /// A step or a user report is a few hundred bytes; a manifest upload at most 256 KiB plus its sums.
    static let itemLimit = EvidenceManifest.maxBytes * 2 + EvidenceManifestUpload.maxSums

    // MARK: Writing

    /// Keeps a step or a manifest until the collector has it. Never refused for space: an officer's
    /// action must reach the incident record.
    public func enqueue(_ item: Item, now: Date = Date()) throws {
        if case .userReport(let report) = item {
            let waiting = try pendingNames().compactMap { name -> UserReportMessage? in
                guard name.hasSuffix("-user-report.json"), case .userReport(let r)? = read(name) else { return nil }
                return r
            }
            let mine = waiting.filter { $0.uid == report.uid }.count
            if mine >= limits.perUser { throw Refusal.tooManyFromUser(mine) }
            let size = try size(), count = try pendingNames().count
            if waiting.count >= limits.userReports || size >= limits.maxBytes || count >= limits.maxItems {
                throw Refusal.full
            }
        }
        let data = try Self.encoder.encode(Stored(item))
        try host.directory(Self.path, create: 0o700).write(data, name: Self.name(item, now: now), mode: 0o600)
    }

    /// The collector stored it (or had it): forget it.
    public func acknowledge(_ item: Item) throws {
        guard let box = try host.existingDirectory(Self.path) else { return }
        for name in try pendingNames() where name.contains(item.id.uuidString) { try box.remove(name) }
    }

    /// Everything waiting, oldest first. An item that cannot be read is set aside and reported.
    public func pending() throws -> [Item] {
        try pendingNames().compactMap { read($0) }
    }

    // MARK: Files

    /// `<seconds since 1970, 12 digits>-<uuid>-<kind>.json`: sorts by time.
    static func name(_ item: Item, now: Date) -> String {
        let seconds = String(Int(max(0, now.timeIntervalSince1970)))
        return String(repeating: "0", count: max(0, 12 - seconds.count)) + seconds + "-\(item.id.uuidString)-\(item.kind).json"
    }

    func pendingNames() throws -> [String] {
        guard let box = try host.existingDirectory(Self.path) else { return [] }
        let names = try box.names(limit: limits.maxItems * 2 + 100)
        for stale in names where stale.hasPrefix(".") { try? box.removeTree(stale) }
        return names.filter { $0.hasSuffix(".json") && !$0.hasPrefix(".") && !SetAside.isSetAside($0) }.sorted()
    }

    func size() throws -> Int {
        guard let box = try host.existingDirectory(Self.path) else { return 0 }
        return try pendingNames().reduce(0) { total, name in total + Int(((try? box.status(name)) ?? nil)?.st_size ?? 0) }
    }

    func read(_ name: String) -> Item? {
        do {
            guard let data = try host.existingDirectory(Self.path)?.read(name, limit: Self.itemLimit) else { return nil }
            guard let item = try Self.decoder.decode(Stored.self, from: data).item else { throw Unreadable.empty }
            return item
        } catch {
            do {
                if let moved = try host.existingDirectory(Self.path)?.setAside(name) {
                    onSetAside("incident outbox item \(name) cannot be read (\(error)); set aside at \(moved), the others still go")
                }
            } catch {
                onSetAside("incident outbox item \(name) cannot be read nor set aside (\(error))")
            }
            return nil
        }
    }

    enum Unreadable: Error { case empty }

    /// One item on disk: exactly one of the three.
    struct Stored: Codable {
        var step: IncidentStepMessage?
        var manifest: EvidenceManifestUpload?
        var userReport: UserReportMessage?

        init(_ item: Item) {
            switch item {
            case .step(let s): step = s
            case .manifest(let m): manifest = m
            case .userReport(let r): userReport = r
            }
        }

        var item: Item? {
            if let step { return .step(step) }
            if let manifest { return .manifest(manifest) }
            if let userReport { return .userReport(userReport) }
            return nil
        }
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys]
        return e
    }()
    static let decoder = JSONDecoder()
}
