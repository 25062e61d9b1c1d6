import Crypto
import DurableFiles
public import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess

/// Lists a tree for ``RestoreSelection``: every entry under a host directory with its type, size,
/// mode, owner and time, never following a link and never leaving the file system it starts on (a
/// mount inside a scope is its own backup's business). Bounded: at most ``limit`` entries, ``depth``
/// levels. Directories are read by descriptor, inside the host root.
public struct TreeListing {
    public let host: HostRoot
    public var limit = 1_000_000
    public var depth = 64

    /// Directories skipped because another file system is mounted there (their host paths).
    public private(set) var otherFileSystems: [String] = []

    public init(host: HostRoot) { self.host = host }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path): \(reason)" }
    }

    /// The entries of host directory `top` (itself included), named as host paths under `as` (the
    /// stage's `…/stage/etc` lists as `/etc`). Empty when `top` does not exist.
    public mutating func list(_ top: String, as named: String? = nil) throws -> [RestoreEntry] {
        guard let (parent, name) = try? host.entryIfPresent(top), let parent, let st = try parent.status(name) else { return [] }
        var entries: [RestoreEntry] = []
        let base = named ?? top
        entries.append(Self.entry(base, st, link: nil))
        guard st.st_mode & S_IFMT == S_IFDIR else { return entries }
        try walk(try parent.subdirectory(name), path: base, device: st.st_dev, level: 1, into: &entries)
        return entries
    }

    mutating func walk(_ directory: OpenDirectory, path: String, device: dev_t, level: Int, into entries: inout [RestoreEntry]) throws {
        guard level <= depth else { throw Failure(path: path, reason: "more than \(depth) levels deep: refused") }
        for name in try directory.names(limit: limit) {
            guard let st = try directory.status(name) else { continue }
            let child = path == "/" ? "/" + name : path + "/" + name
            let kind = st.st_mode & S_IFMT
            // Another file system mounted inside the scope: not this restore's (a rename cannot cross).
            if kind == S_IFDIR && st.st_dev != device {
                otherFileSystems.append(child)
                continue
            }
            guard entries.count < limit else { throw Failure(path: path, reason: "more than \(limit) entries: narrow the scope") }
            entries.append(Self.entry(child, st, link: kind == S_IFLNK ? directory.linkTarget(name) : nil))
            if kind == S_IFDIR { try walk(try directory.subdirectory(name), path: child, device: device, level: level + 1, into: &entries) }
        }
    }

    static func entry(_ path: String, _ st: stat, link: String?) -> RestoreEntry {
        let kind: RestoreEntry.Kind = switch st.st_mode & S_IFMT {
        case S_IFREG: .file
        case S_IFDIR: .directory
        case S_IFLNK: .symlink
        default: .other
        }
        return RestoreEntry(path: path, kind: kind, size: Int64(st.st_size), mode: UInt32(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid,
                            modified: Int64(st.st_mtim.tv_sec) * 1_000_000_000 + Int64(st.st_mtim.tv_nsec), linkTarget: link)
    }

    /// SHA-256 of a regular file's bytes, read in 1 MiB pieces (never through a final link, never
    /// blocking on a FIFO); nil when it is not a regular file.
    public func sha256(_ hostPath: String) throws -> String? {
        guard let (directory, name) = try? host.entryIfPresent(hostPath), let directory else { return nil }
        let fd = openat(directory.descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        do {
            return try FileDigest.sha256(of: fd)?.hex
        } catch {
            throw Failure(path: hostPath, reason: "read: " + String(cString: strerror(error.code)))
        }
    }
}
