public import FoundationEssentials

/// What a restore from the latest backup changes (Điều 11 khoản 2 điểm a, Bước 3: "khôi phục hệ thống
/// … bằng dữ liệu sao lưu mới nhất"): the staged copy (restored from the backup into a stage) and the
/// live tree of a scope, compared entry by entry. Pure: the listings are made at the edge.
public struct RestoreSelection: Sendable, Hashable {
    /// One path that differs between the backup and the live tree, and what the restore does with it.
    public struct Change: Sendable, Hashable {
        public enum Kind: String, Sendable, Hashable, Codable {
            /// In both, different: the backup's copy replaces the live one.
            case changed
            /// In the backup, gone from the live tree (deleted by the attacker): put back.
            case missing
            /// In the live tree, not in the backup (`/etc/cron.d/evil`).
            case notInBackup = "not-in-backup"
        }

        public var path: String
        public var kind: Kind
        /// For `changed`: what differs (`content`, `size`, `mode`, `owner`, `group`, `type`, `link`, `mtime`).
        public var differences: [String]
        /// False for a file not in the backup in the users' scope: listed only, today's work stays.
        public var applied: Bool
        /// For a directory: the backup's entry, whose mode, owner and group the restore gives it (the
        /// directory is made when it is `missing`); nil for a file or a link.
        public var directory: RestoreEntry?

        public init(path: String, kind: Kind, differences: [String] = [], applied: Bool = true, directory: RestoreEntry? = nil) {
            self.path = path
            self.kind = kind
            self.differences = differences
            self.applied = applied
            self.directory = directory
        }
    }

    /// A path left alone, and why (the regulation's evidence, attt's own state, an entry a file cannot replace).
    public struct Skipped: Sendable, Hashable {
        public var path: String
        public var reason: String

        public init(path: String, reason: String) {
            self.path = path
            self.reason = reason
        }
    }

    /// Sorted by path.
    public var changes: [Change]
    public var skipped: [Skipped]

    public init(changes: [Change], skipped: [Skipped]) {
        self.changes = changes
        self.skipped = skipped
    }

    public var toApply: [Change] { changes.filter(\.applied) }
    public func count(_ kind: Change.Kind) -> Int { changes.filter { $0.kind == kind }.count }

    // MARK: Comparing

    /// Compares the staged and live listings of `scopes`. Entries outside the scopes and
    /// always-excluded paths are not changes. A directory is compared by its mode, owner and group
    /// only (what it holds is compared entry by entry), and one the backup has is made when it is
    /// gone; a directory the backup does not have stays (its files are moved aside). A scope root
    /// missing from the backup is skipped whole: "not in the backup" must never mean "move all of
    /// /opt aside" because the backup job did not copy /opt.
    public static func compare(staged: [RestoreEntry], live: [RestoreEntry], scopes: [RestoreScope]) -> RestoreSelection {
        let roots = scopes.flatMap(\.roots)
        let stagedByPath = Dictionary(staged.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        let liveByPath = Dictionary(live.map { ($0.path, $0) }, uniquingKeysWith: { first, _ in first })
        var changes: [Change] = []
        var skipped: [Skipped] = []
        let absentRoots = roots.filter { root in !staged.contains { RestoreScope.isWithin($0.path, root) } }
        for root in absentRoots where liveByPath[root] != nil {
            skipped.append(Skipped(path: root, reason: "không có trong bản sao lưu: giữ nguyên (not in the backup)"))
        }
        func inScope(_ path: String) -> RestoreScope? {
            guard !absentRoots.contains(where: { RestoreScope.isWithin(path, $0) }) else { return nil }
            return scopes.first { scope in scope.roots.contains { RestoreScope.isWithin(path, $0) } }
        }
        for path in Set(stagedByPath.keys).union(liveByPath.keys).sorted() {
            guard let scope = inScope(path) else { continue }
            let backup = stagedByPath[path]
            let current = liveByPath[path]
            if let (excluded, reason) = RestoreExclusions.excluded(path) {
                // Reported once per excluded tree or file (a /var/log differs in thousands of lines).
                if backup != current, backup?.kind != .directory || current?.kind != .directory, !skipped.contains(where: { $0.path == excluded }) {
                    skipped.append(Skipped(path: excluded, reason: reason))
                }
                continue
            }
            switch (backup, current) {
            case (let b?, nil):
                if b.kind == .directory {
                    changes.append(Change(path: path, kind: .missing, directory: b))
                    continue
                }
                guard b.kind.isReplaceable else { skipped.append(Skipped(path: path, reason: "\(b.kind.rawValue) in the backup: not restored")); continue }
                changes.append(Change(path: path, kind: .missing))
            case (nil, let c?):
                if c.kind == .directory { continue }
                changes.append(Change(path: path, kind: .notInBackup, applied: scope.movesAsideExtraFiles))
            case (let b?, let c?):
                if b.kind == .directory && c.kind == .directory {
                    let differences = ownership(b, c)
                    if !differences.isEmpty { changes.append(Change(path: path, kind: .changed, differences: differences, directory: b)) }
                    continue
                }
                // A live directory where the backup has a file (or the reverse) is not swapped whole:
                // it could hold anything; the officer decides.
                guard b.kind.isReplaceable, c.kind.isReplaceable else {
                    skipped.append(Skipped(path: path, reason: "\(c.kind.rawValue) here, \(b.kind.rawValue) in the backup: restore it by hand"))
                    continue
                }
                let differences = differences(b, c)
                if !differences.isEmpty { changes.append(Change(path: path, kind: .changed, differences: differences)) }
            case (nil, nil):
                continue
            }
        }
        return RestoreSelection(changes: changes, skipped: skipped)
    }

    /// Whether the edge must hash both files before ``compare(staged:live:scopes:)`` can tell: the
    /// metadata agree on everything a quick check sees except perhaps the time. In the system scope
    /// files are small and an attacker who resets a changed file's mtime (timestomping) must still be
    /// caught, so equal-looking files there are always hashed.
    public static func needsContentHash(staged: RestoreEntry, live: RestoreEntry, scope: RestoreScope) -> Bool {
        guard staged.kind == .file, live.kind == .file, staged.size == live.size else { return false }
        return scope == .system || staged.modified != live.modified
    }

    /// What differs between the backup's entry and the live one; empty when they are the same.
    static func differences(_ b: RestoreEntry, _ c: RestoreEntry) -> [String] {
        if b.kind != c.kind { return ["type"] }
        var found: [String] = []
        if b.kind == .symlink {
            if b.linkTarget != c.linkTarget { found.append("link") }
        } else {
            if b.size != c.size {
                found.append("size")
            } else if let x = b.contentHash, let y = c.contentHash {
                if x != y { found.append("content") }
            } else if b.modified != c.modified {
                // Not hashed by the edge: same size, other time. Restoring an equal file is harmless;
                // keeping a changed one is not.
                found.append("mtime")
            }
        }
        return found + ownership(b, c, mode: b.kind != .symlink)
    }

    /// Mode (not for a link, whose mode means nothing), owner and group.
    static func ownership(_ b: RestoreEntry, _ c: RestoreEntry, mode: Bool = true) -> [String] {
        var found: [String] = []
        if mode && b.mode != c.mode { found.append("mode") }
        if b.owner != c.owner { found.append("owner") }
        if b.group != c.group { found.append("group") }
        return found
    }

    // MARK: /etc/hosts

    /// The marker on the lines attt's isolation pins in `/etc/hosts` (design §2).
    public static let isolationMarker = "# attt-isolation"

    /// The backup's `/etc/hosts` with the live isolation pins kept: restoring the old file would silently
    /// un-isolate the PC (the collector's name would resolve elsewhere). The backup's own marked lines
    /// (from an older isolation) are dropped; the live ones are appended.
    public static func mergeHosts(backup: String, live: String) -> String {
        func marked(_ line: Substring) -> Bool { line.contains(isolationMarker) }
        var kept = backup.split(separator: "\n", omittingEmptySubsequences: false).filter { !marked($0) }
        if kept.last == "" { kept.removeLast() }
        let pins = live.split(separator: "\n").filter(marked)
        let lines = kept + pins
        return lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n"
    }
}

/// One entry of a listing: the live tree, or the stage mapped back to host paths.
public struct RestoreEntry: Sendable, Hashable, Codable {
    public enum Kind: String, Sendable, Hashable, Codable {
        case file, directory, symlink
        /// A FIFO, socket or device: never restored.
        case other

        /// What a restore may rename into place.
        var isReplaceable: Bool { self == .file || self == .symlink }
    }

    /// The host path (`/etc/passwd`).
    public var path: String
    public var kind: Kind
    public var size: Int64
    /// The permission bits (`st_mode & 07777`).
    public var mode: UInt32
    public var owner: UInt32
    public var group: UInt32
    /// Modification time in nanoseconds since 1970.
    public var modified: Int64
    public var linkTarget: String?
    /// SHA-256 of the bytes, when the edge hashed it (``RestoreSelection/needsContentHash(staged:live:scope:)``).
    public var contentHash: String?

    public init(path: String, kind: Kind, size: Int64 = 0, mode: UInt32 = 0o644, owner: UInt32 = 0, group: UInt32 = 0, modified: Int64 = 0, linkTarget: String? = nil, contentHash: String? = nil) {
        self.path = path
        self.kind = kind
        self.size = size
        self.mode = mode
        self.owner = owner
        self.group = group
        self.modified = modified
        self.linkTarget = linkTarget
        self.contentHash = contentHash
    }
}

/// The three scopes the regulation asks the backup to hold, as BAK-001 counts them (Điều 9 khoản 1).
public enum RestoreScope: String, Sendable, Hashable, Codable, CaseIterable {
    /// System configuration.
    case system
    /// Application data.
    case applications
    /// Users' data.
    case users

    public var roots: [String] {
        switch self {
        case .system: ["/etc"]
        case .applications: ["/var/lib", "/srv", "/opt", "/var/opt", "/var/www"]
        case .users: ["/home"]
        }
    }

    /// Files not in the backup are moved aside (kept, restorable by rollback) in the system and
    /// application scopes; in /home they are only listed: a user's work since the backup stays.
    public var movesAsideExtraFiles: Bool { self != .users }

    public var label: String {
        switch self {
        case .system: "cấu hình hệ thống"
        case .applications: "dữ liệu ứng dụng"
        case .users: "dữ liệu người dùng"
        }
    }

    /// `path` is `root` or lies under it.
    public static func isWithin(_ path: String, _ root: String) -> Bool {
        path == root || path.hasPrefix(root.hasSuffix("/") ? root : root + "/")
    }
}

/// Paths a restore never touches, whatever the backup holds.
public enum RestoreExclusions {
    /// The agent's own state: the journals that make the restore undoable, the incident's record, the
    /// backup status. Logs are the incident's evidence (Bước 2), and the old ones must not overwrite
    /// them. The isolation ruleset: the old /etc would silently un-isolate the PC at boot. The machine
    /// id names this installation, not the backup's.
    public static let trees = ["/var/lib/attt", "/var/log"]
    public static let files = ["/etc/attt/isolation.nft", "/etc/machine-id"]
    /// attt's restore areas at the top of each file system.
    public static let areaPrefix = ".attt-restore-"

    /// The excluded tree or file `path` belongs to and why it is never restored, or nil.
    public static func excluded(_ path: String) -> (path: String, reason: String)? {
        if let tree = trees.first(where: { RestoreScope.isWithin(path, $0) }) {
            return (tree, tree == "/var/log" ? "nhật ký là chứng cứ: không khôi phục (logs are evidence)" : "trạng thái của attt: không khôi phục (attt's own state)")
        }
        if files.contains(path) { return (path, "luôn giữ bản hiện tại (always kept)") }
        let parts = path.split(separator: "/")
        if let area = parts.firstIndex(where: { $0.hasPrefix(areaPrefix) }) {
            return ("/" + parts[...area].joined(separator: "/"), "vùng khôi phục của attt (attt's restore area)")
        }
        return nil
    }
}
