import DurableFiles
public import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess
public import Remediation

/// Bước 3 of Điều 11 khoản 2 điểm a: "khôi phục hệ thống … bằng dữ liệu sao lưu mới nhất". The copy is
/// staged on the file system each scope lives on (`<mount>/.attt-restore-<id>/stage`, 0700), compared
/// with the live tree (``RestoreSelection``), and put in place as one ``Applier`` transaction of
/// renames, so `attt rollback` brings the attacked state back (it is the evidence, too).
public struct Restore {
    public let host: HostRoot
    public var applier: Applier

    public init(host: HostRoot) {
        self.host = host
        self.applier = Applier(host: host)
    }

    /// What the restore will change, staged and compared; nothing live has changed yet.
    public struct Preview: Sendable {
        public var source: BackupSource
        public var scopes: [RestoreScope]
        /// `<mount>/.attt-restore-<id>`, one per file system restored to (host paths).
        public var areas: [String]
        /// Each scope root's stage directory (host path): the copy of `/etc` is `<stage>/etc`.
        public var stages: [String: String]
        public var selection: RestoreSelection
        public var plan: RemediationPlan
    }

    /// Never fill the disk being restored: this much stays free besides the copy.
    static func margin(total: Int64) -> Int64 { max(256 << 20, total / 50) }

    /// Checks the repository, stages the scopes' roots from the copy, and compares them with the live tree.
    /// - Parameter id: names the stage areas (a time, so two restores never share one).
    public func prepare(source: BackupSource, scopes: [RestoreScope], id: String) throws -> Preview {
        try source.check()
        var mounts: [String: String] = [:]
        var rootsByMount: [String: [String]] = [:]
        for root in scopes.flatMap(\.roots) {
            // A root the attacker removed whole is restored onto the file system of what holds it.
            var existing = root
            while existing != "/" && !host.isDirectory(existing) { existing = AtomicFile.parentDirectory(of: existing) }
            let mount = try applier.mountPoint(of: try host.hostPathResolved(existing), cache: &mounts)
            rootsByMount[mount, default: []].append(root)
        }
        var preview = Preview(source: source, scopes: scopes, areas: [], stages: [:], selection: RestoreSelection(changes: [], skipped: []), plan: RemediationPlan(steps: []))
        do {
            for (mount, roots) in rootsByMount.sorted(by: { $0.key < $1.key }) {
                let area = (mount == "/" ? "" : mount) + "/" + RestoreExclusions.areaPrefix + id
                let stage = area + "/stage"
                preview.areas.append(area)
                let directory = try host.directory(stage, create: 0o700)
                // What these roots hold in the copy, not the whole snapshot (/home is not staged for /etc).
                if let needed = try source.restoreSize(of: roots) { try Self.checkSpace(directory, needed: needed, mount: mount) }
                try source.stage(roots, into: stage)
                for root in roots { preview.stages[root] = stage }
            }
            try keepIsolationPins(stage: preview.stages["/etc"])
            preview.selection = try compare(preview)
        } catch {
            discard(preview)
            throw error
        }
        preview.plan = RemediationPlan(steps: preview.selection.toApply.map { change in
            if let directory = change.directory {
                return RemediationStep(
                    control: "VN-TD-INC-001", fixer: "incident-restore",
                    description: LocalizedText(vi: change.kind == .missing ? "tạo lại thư mục như trong bản sao lưu" : "trả quyền và chủ sở hữu thư mục như trong bản sao lưu",
                                               en: change.kind == .missing ? "directory made again as in the backup" : "directory's mode and owner as in the backup"),
                    action: .restoreDirectory(path: change.path, mode: UInt16(directory.mode & 0o7777), owner: directory.owner, group: directory.group))
            }
            let staged = change.kind == .notInBackup ? nil : preview.stages[Self.root(of: change.path, scopes)].map { $0 + change.path }
            return RemediationStep(
                control: "VN-TD-INC-001", fixer: "incident-restore",
                description: LocalizedText(vi: staged == nil ? "chuyển sang chỗ giữ (không có trong bản sao lưu)" : "khôi phục từ bản sao lưu",
                                           en: staged == nil ? "moved aside (not in the backup)" : "restored from the backup"),
                action: .putInPlace(path: change.path, staged: staged))
        })
        return preview
    }

    /// Applies the plan as one transaction; the stage areas are removed afterwards (what was not
    /// needed), the kept files stay in `<mount>/.attt-restore-<tx>/kept` until purged by hand.
    public func apply(_ preview: Preview, officer: String) throws -> Journal {
        defer { discard(preview) }
        return try applier.apply(preview.plan, officer: officer)
    }

    /// Removes the stage areas (a dry run, a refusal, or what an applied restore did not use).
    public func discard(_ preview: Preview) {
        for area in preview.areas {
            guard let (parent, name) = try? host.entryIfPresent(area), let parent else { continue }
            try? parent.removeTree(name, depth: 80)
        }
    }

    /// The kept directories of an applied restore (host paths).
    public static func keptDirectories(_ journal: Journal) -> [String] {
        Array(Set(journal.backups.compactMap { $0.keptAt.map(AtomicFile.parentDirectory(of:)) })).sorted()
    }

    static func root(of path: String, _ scopes: [RestoreScope]) -> String {
        scopes.flatMap(\.roots).first { RestoreScope.isWithin(path, $0) } ?? "/"
    }

    static func checkSpace(_ directory: OpenDirectory, needed: Int64, mount: String) throws {
        var fs = statvfs()
        guard fstatvfs(directory.descriptor, &fs) == 0 else { return }
        let free = Int64(fs.f_bavail) * Int64(fs.f_frsize)
        let total = Int64(fs.f_blocks) * Int64(fs.f_frsize)
        guard free >= needed + margin(total: total) else {
            throw BackupSource.Refused("\(mount): còn trống \(free >> 20) MiB, cần \(needed >> 20) MiB cho bản sao lưu (các tệp cần khôi phục trên hệ thống tệp này) và \(margin(total: total) >> 20) MiB dự phòng — not enough free space to stage the copy")
        }
    }

    /// The backup's `/etc/hosts` with the live isolation pins kept (design §4 point 7).
    func keepIsolationPins(stage: String?) throws {
        guard let stage, let live = try host.text("/etc/hosts"), live.contains(RestoreSelection.isolationMarker),
              let backup = try host.text(stage + "/etc/hosts") else { return }
        let (directory, name) = try host.entry(stage + "/etc/hosts")
        try directory.write(Data(RestoreSelection.mergeHosts(backup: backup, live: live).utf8), name: name, newFileMode: 0o644)
    }

    /// Lists both sides, hashes where the metadata cannot tell, and compares.
    func compare(_ preview: Preview) throws -> RestoreSelection {
        var listing = TreeListing(host: host)
        var staged: [RestoreEntry] = []
        var live: [RestoreEntry] = []
        for root in preview.scopes.flatMap(\.roots) {
            guard let stage = preview.stages[root] else { continue }
            staged += try listing.list(stage + root, as: root)
            live += try listing.list(root)
        }
        let mounted = listing.otherFileSystems.filter { !$0.contains("/" + RestoreExclusions.areaPrefix) }
        let liveByPath = Dictionary(live.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for i in staged.indices {
            let entry = staged[i]
            guard let current = liveByPath[entry.path], let scope = preview.scopes.first(where: { $0.roots.contains { RestoreScope.isWithin(entry.path, $0) } }),
                  RestoreSelection.needsContentHash(staged: entry, live: current, scope: scope), let stage = preview.stages[Self.root(of: entry.path, preview.scopes)] else { continue }
            staged[i].contentHash = try listing.sha256(stage + entry.path)
        }
        let stagedHashed = Dictionary(staged.map { ($0.path, $0) }, uniquingKeysWith: { a, _ in a })
        for i in live.indices where stagedHashed[live[i].path]?.contentHash != nil {
            live[i].contentHash = try listing.sha256(live[i].path)
        }
        // Another file system mounted inside a scope is not this restore's: a rename cannot cross.
        let outside = { (path: String) in mounted.contains { RestoreScope.isWithin(path, $0) } }
        var selection = RestoreSelection.compare(staged: staged.filter { !outside($0.path) }, live: live, scopes: preview.scopes)
        selection.skipped += mounted.map { RestoreSelection.Skipped(path: $0, reason: "một hệ thống tệp khác được gắn ở đây: không khôi phục (another file system)") }
        return selection
    }
}
