public import CollectorAPI
public import FoundationEssentials
import AgentRuntime
import Glibc
import HardeningCore
public import HostAccess

/// `attt incident collect`: Điều 11 khoản 2 điểm a, Bước 2 — "sao chép các tệp nhật ký, dữ liệu ra
/// thiết bị lưu trữ". Copies the ``EvidencePlan`` onto the officer's disk, never changing what it
/// reads (read-only, `O_NOATIME`), bounded by the disk's room, `--max-bytes` and per-category caps,
/// and resumable: a rerun for the same incident finishes what a killed or full run left.
public struct EvidenceCollection {
    public struct Options: Sendable {
        /// The directory on the officer's disk (this machine's path, not under the root).
        public var destination: String
        public var incident: UUID
        public var officer: String
        public var paths: [String] = []
        public var maxBytes: Int64 = 16 << 30
        public var allowMemoryDisk = false
        /// Bytes kept free on the destination; nil: max(256 MiB, 2 % of the disk).
        public var reserve: Int64? = nil
        /// Per-category caps (bytes); a category not named has only the overall bounds.
        public var caps: [EvidencePlan.Category: Int64] = [.attt: 1 << 30, .logs: 8 << 30, .journal: 8 << 30, .varLog: 4 << 30, .etc: 1 << 30]
        /// One file of the rest of /var/log larger than this is skipped (a runaway log is not evidence).
        public var maxVarLogFile: Int64 = 2 << 30
        /// One journal export: FAT32 holds files up to 4 GiB - 1.
        public var maxJournalFile: Int64 = (4 << 30) - 1

        public init(destination: String, incident: UUID, officer: String) {
            self.destination = destination
            self.incident = incident
            self.officer = officer
        }
    }

    /// What a collection gave.
    public struct Outcome: Sendable {
        public var directory: String
        public var manifest: EvidenceManifest
        /// `manifest.json` exactly as written and signed.
        public var manifestBytes: Data
        public var signature: Data?
        public var certificatePEM: String?
        /// `SHA256SUMS`, for the collector when small enough.
        public var sums: Data
        public var copied: Int
        public var bytes: Int64
        /// Files left for lack of room (disk, --max-bytes, a cap): a rerun with room finishes them.
        public var leftForRoom: Int
        public var leftBytes: Int64
        public var resumed: Bool
    }

    public let host: HostRoot
    public var disk: DestinationDisk
    /// Progress lines for the terminal (stderr in the command).
    public var progress: (String) -> Void = { _ in }
    /// Called after each finished file with the count so far (tests stop a run there, as a kill would).
    public var checkpoint: (Int) throws -> Void = { _ in }
    /// The live state; replaced in tests.
    public var live: LiveHostState = LiveHostState()
    public var now: () -> Date = { Date() }

    public init(host: HostRoot, disk: DestinationDisk) {
        self.host = host
        self.disk = disk
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The tops whose disks the destination must not share.
    public func sourceTops(_ options: Options) -> [String] {
        (["/", "/var", "/var/log", "/var/lib/attt", "/etc", "/home"] + options.paths).map { host.local($0) }
    }

    /// The destination, checked against the sources' disks (``DestinationDisk``); the command asks
    /// before the officer signs in, and ``run(_:)`` again before copying.
    public func checkDestination(_ options: Options) throws(Refusal) -> EvidenceManifest.Disk {
        do {
            return try disk.check(destination: options.destination, sources: sourceTops(options), allowMemory: options.allowMemoryDisk)
        } catch {
            throw Refusal(description: "\(error)")
        }
    }

    public func run(_ options: Options) throws -> Outcome {
        let destinationDisk = try checkDestination(options)
        let hostname = Self.hostname(host)
        let (directory, record, resumed) = try openCollection(options, hostname: hostname)
        progress((resumed ? "Tiếp tục bộ chứng cứ " : "Bộ chứng cứ mới ") + directory.path)

        var done = Self.progressEntries(directory)
        var finished: [EvidenceFile] = []
        var skipped: [EvidenceManifest.Left] = []
        var excluded: [EvidenceManifest.Left] = []
        var leftForRoom = 0
        var leftBytes: Int64 = 0
        var total: Int64 = 0
        var perCategory: [EvidencePlan.Category: Int64] = [:]
        if resumed { directory.removeParts() }

        func keep(_ file: EvidenceFile, fresh: Bool) throws {
            if fresh {
                try directory.appendLine(try file.line(), name: "progress.jsonl")
                done[file.name] = file
            }
            finished.append(file)
            total += file.size
            perCategory[file.category, default: 0] += file.size
            if fresh { try checkpoint(finished.count) }
        }
        /// Whether `size` more bytes fit; if not, why (and the source is listed in `skipped`).
        func room(for size: Int64, category: EvidencePlan.Category, source: String) -> Bool {
            var reason: String?
            if total + size > options.maxBytes {
                reason = "vượt giới hạn --max-bytes (\(options.maxBytes) byte)"
            } else if let cap = options.caps[category], perCategory[category, default: 0] + size > cap {
                reason = "vượt giới hạn của nhóm \(category.rawValue) (\(cap) byte)"
            } else if size > directory.available(reserve: options.reserve) {
                reason = "ổ đích không còn đủ chỗ"
            }
            guard let reason else { return true }
            skipped.append(EvidenceManifest.Left(path: source, size: size, reason: reason))
            leftForRoom += 1
            leftBytes += size
            return false
        }
        func reuse(_ name: String) -> EvidenceFile? {
            guard let entry = done[name], directory.size(name) == entry.size else { return nil }
            return entry
        }

        // 1. Live state, once: a resumed collection keeps the first run's.
        if let unavailable = LiveHostState.unavailable(host: host) {
            excluded.append(EvidenceManifest.Left(path: "live", size: nil, reason: unavailable))
        } else {
            let earlier = done.values.filter { $0.category == .live }
            if !earlier.isEmpty {
                for file in earlier.sorted(by: { $0.name < $1.name }) { try keep(file, fresh: false) }
            } else {
                progress("Ghi trạng thái đang chạy (tiến trình, kết nối, phiên)…")
                for file in live.capture(now: now()) {
                    let name = "live/" + file.name
                    let written = try directory.write(file.data, name: name)
                    try keep(EvidenceFile(name: name, source: "live:" + file.name, category: .live, size: written.size, sha256: written.sha256), fresh: true)
                }
            }
        }

        // 2–7. The plan, in order.
        let journal = JournalExport(host: host)
        let plan = EvidencePlan.make(host: host, boots: journal.boots(), evidencePaths: options.paths,
                                     skipping: [options.destination, URL(fileURLWithPath: options.destination).resolvingSymlinksInPath().path])
        excluded += plan.excluded.map { EvidenceManifest.Left(path: $0.path, size: nil, reason: $0.reason) }
        skipped += plan.unlisted.map { EvidenceManifest.Left(path: $0.path, size: nil, reason: $0.reason) }
        for (index, source) in plan.sources.enumerated() {
            if source.category == .journal {
                let boot = String(source.path.dropFirst("journal:".count))
                let name = "journal/boot-\(boot).export"
                if let earlier = reuse(name) { try keep(earlier, fresh: false); continue }
                // The export's size is known only afterwards: it needs room for a whole file.
                let bound = min(options.maxJournalFile, options.maxBytes - total,
                                (options.caps[.journal] ?? .max) - perCategory[.journal, default: 0], directory.available(reserve: options.reserve))
                guard bound > 0 else {
                    skipped.append(EvidenceManifest.Left(path: source.path, size: nil, reason: "không còn chỗ cho nhật ký journal (ổ đích, --max-bytes hoặc giới hạn nhóm)"))
                    leftForRoom += 1
                    continue
                }
                progress("[\(index + 1)/\(plan.sources.count)] journal \(boot)")
                do {
                    try keep(try journal.export(boot: boot, into: directory, name: name, maxBytes: bound), fresh: true)
                } catch let failure as CollectionDirectory.Failure where failure.isFull {
                    skipped.append(EvidenceManifest.Left(path: source.path, size: nil, reason: "ổ đích đầy"))
                    leftForRoom += 1
                } catch let failure as JournalExport.Failure {
                    skipped.append(EvidenceManifest.Left(path: source.path, size: nil, reason: failure.description))
                }
                continue
            }
            let name = "data/" + EvidenceName.encode(hostPath: source.path)
            if let earlier = reuse(name) { try keep(earlier, fresh: false); continue }
            let opened: SourceFile
            do {
                guard let file = try SourceFile.open(host: host, source.path) else {
                    skipped.append(EvidenceManifest.Left(path: source.path, size: nil, reason: "không còn khi sao chép (đã bị xoá, hoặc tên tệp không phải UTF-8)"))
                    continue
                }
                opened = file
            } catch {
                skipped.append(EvidenceManifest.Left(path: source.path, size: nil, reason: "\(error)"))
                continue
            }
            defer { opened.close() }
            if source.category == .varLog, opened.size > options.maxVarLogFile {
                skipped.append(EvidenceManifest.Left(path: source.path, size: opened.size, reason: "tệp lớn hơn \(options.maxVarLogFile >> 30) GiB trong /var/log: bỏ qua"))
                continue
            }
            guard room(for: opened.size, category: source.category, source: source.path) else { continue }
            if index % 50 == 0 || opened.size > 64 << 20 { progress("[\(index + 1)/\(plan.sources.count)] \(source.path)") }
            do {
                try keep(try opened.copy(into: directory, name: name, source: source), fresh: true)
            } catch let failure as CollectionDirectory.Failure where failure.isFull {
                skipped.append(EvidenceManifest.Left(path: source.path, size: opened.size, reason: "ổ đích đầy"))
                leftForRoom += 1
                leftBytes += opened.size
            } catch let failure as SourceFile.ReadFailure {
                skipped.append(EvidenceManifest.Left(path: source.path, size: opened.size, reason: failure.description))
            }
        }

        // The record: files.jsonl, SHA256SUMS, skipped.jsonl, then the manifest that commits to them.
        var listing = Data()
        var sums = Data()
        for file in finished {
            listing += try file.line()
            sums += Data("\(file.sha256)  \(file.name)\n".utf8)
        }
        let filesDigest = try directory.write(listing, name: "files.jsonl")
        let sumsDigest = try directory.write(sums, name: "SHA256SUMS")
        var leftLines = Data()
        for left in excluded + skipped { leftLines += try EvidenceFile.encoder.encode(left) + Data([0x0A]) }
        _ = try directory.write(leftLines, name: "skipped.jsonl")

        let categories = EvidencePlan.Category.allCases.compactMap { category -> EvidenceManifest.Category? in
            let files = finished.filter { $0.category == category }
            return files.isEmpty ? nil : EvidenceManifest.Category(name: category.rawValue, files: files.count, bytes: files.reduce(0) { $0 + $1.size })
        }
        let identity = (try? AgentIdentity.load(host: host)) ?? nil
        let manifest = EvidenceManifest(
            id: record.id, incident: options.incident,
            host: EvidenceManifest.Host(id: identity?.link.hostId, hostname: hostname, unit: identity?.link.unit),
            officer: options.officer, startedAt: record.startedAt, finishedAt: Timestamp.format(now()), complete: leftForRoom == 0,
            destination: destinationDisk, sourceDisks: disk.sourceDisks(sourceTops(options)), categories: categories,
            live: finished.filter { $0.category == .live }.map { EvidenceManifest.Digest(name: $0.name, size: $0.size, sha256: $0.sha256) },
            sums: EvidenceManifest.Digest(name: "SHA256SUMS", size: sumsDigest.size, sha256: sumsDigest.sha256),
            files: EvidenceManifest.Digest(name: "files.jsonl", size: filesDigest.size, sha256: filesDigest.sha256),
            skipped: Array(skipped.prefix(EvidenceManifest.maxListed)), excluded: Array(excluded.prefix(EvidenceManifest.maxListed)))
        let signed = try ManifestSigner(host: host).write(manifest, into: directory)
        return Outcome(directory: directory.path, manifest: manifest, manifestBytes: signed.manifest, signature: signed.signature,
                       certificatePEM: signed.certificatePEM, sums: sums, copied: finished.count, bytes: total,
                       leftForRoom: leftForRoom, leftBytes: leftBytes, resumed: resumed)
    }

    // MARK: The collection's directory

    /// `collection.json`: what the collection is, written first (design §3, "Resumable").
    struct Record: Codable {
        var id: UUID
        var incident: UUID
        var hostname: String
        var officer: String
        var startedAt: String
    }

    /// The unfinished collection of this incident on the disk, or a new one.
    func openCollection(_ options: Options, hostname: String) throws -> (CollectionDirectory, Record, resumed: Bool) {
        let prefix = "attt-\(Self.safe(hostname))-\(options.incident.uuidString.prefix(8).lowercased())-"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: options.destination)) ?? []).filter { $0.hasPrefix(prefix) }.sorted()
        for name in names {
            let directory = CollectionDirectory(path: options.destination + "/" + name)
            guard let data = directory.read("collection.json", limit: 64 << 10),
                  let record = try? JSONDecoder().decode(Record.self, from: data), record.incident == options.incident else { continue }
            if let manifest = directory.read("manifest.json", limit: EvidenceManifest.maxBytes),
               let decoded = try? JSONDecoder().decode(EvidenceManifest.self, from: manifest), decoded.complete { continue }
            return (directory, record, true)
        }
        let record = Record(id: UUID(), incident: options.incident, hostname: hostname, officer: options.officer, startedAt: Timestamp.format(now()))
        let path = options.destination + "/" + prefix + record.id.uuidString.prefix(8).lowercased()
        guard mkdir(path, 0o700) == 0 else {
            throw CollectionDirectory.Failure(path: path, call: "mkdir", code: errno)
        }
        let directory = CollectionDirectory(path: path)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        _ = try directory.write(try encoder.encode(record) + Data([0x0A]), name: "collection.json")
        return (directory, record, false)
    }

    /// The incident of an unfinished collection of this host on the destination, newest first: a run
    /// killed before any incident was recorded on the PC (which happens only after the copy) is
    /// resumed by the same command without `--incident`.
    public static func unfinishedIncident(in destination: String, host: HostRoot) -> UUID? {
        let prefix = "attt-\(safe(hostname(host)))-"
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: destination)) ?? []).filter { $0.hasPrefix(prefix) }
        var found: [(String, UUID)] = []
        for name in names {
            let directory = CollectionDirectory(path: destination + "/" + name)
            guard let data = directory.read("collection.json", limit: 64 << 10), let record = try? JSONDecoder().decode(Record.self, from: data) else { continue }
            if let manifest = directory.read("manifest.json", limit: EvidenceManifest.maxBytes),
               let decoded = try? JSONDecoder().decode(EvidenceManifest.self, from: manifest), decoded.complete { continue }
            found.append((record.startedAt, record.incident))
        }
        return found.max { $0.0 < $1.0 }?.1
    }

    /// The finished files of earlier runs; a line cut by a kill is dropped (its file is redone).
    static func progressEntries(_ directory: CollectionDirectory) -> [String: EvidenceFile] {
        guard let data = directory.read("progress.jsonl", limit: 1 << 30) else { return [:] }
        var entries: [String: EvidenceFile] = [:]
        for line in data.split(separator: 0x0A) {
            if let file = try? JSONDecoder().decode(EvidenceFile.self, from: Data(line)) { entries[file.name] = file }
        }
        return entries
    }

    /// The host's name as the tree says (`/etc/hostname`), else this machine's.
    static func hostname(_ host: HostRoot) -> String { HostName.read(host) ?? "may" }

    /// Letters, digits, `.` and `-` only: the name is part of a directory name on FAT.
    static func safe(_ name: String) -> String {
        String(name.unicodeScalars.map { scalar -> Character in
            let v = scalar.value
            let ok = (0x61...0x7A).contains(v) || (0x41...0x5A).contains(v) || (0x30...0x39).contains(v) || v == 0x2E || v == 0x2D
            return ok ? Character(scalar) : "-"
        })
    }
}
