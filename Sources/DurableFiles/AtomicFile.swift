public import FoundationEssentials
import Glibc

/// Writes that a crash can only leave old or new (``OpenDirectory/write(_:name:mode:owner:group:validate:)``),
/// by path: for attt's files outside a host root (a report's `--output`, the collector's state).
/// Writes into a host go through ``OpenDirectory`` opened inside the root (HostAccess' `HostRoot.directory`).
public enum AtomicFile {
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var call: String
        public var code: Int32
        public var description: String { "\(path): \(call) failed: \(String(cString: strerror(code)))" }

        public init(path: String, call: String, code: Int32) {
            self.path = path
            self.call = call
            self.code = code
        }
    }

    /// Names of staged files: a crash between write and rename leaves one behind.
    public static let temporaryPrefix = ".attt-"

    /// A file of this process's user with exactly this mode (keys, the outbox): an existing file's
    /// mode is not kept.
    public static func write(_ data: Data, to path: String, mode: UInt16) throws {
        try write(data, to: path, mode: mode, owner: getuid(), group: getgid())
    }

    /// Keeps an existing file's owner, group and mode; a new file gets `newFileMode`, owned by root.
    /// `validate` sees the staged file before it replaces the target; throwing leaves the target alone.
    public static func write(_ data: Data, to path: String, newFileMode: UInt16, validate: (String) throws -> Void = { _ in }) throws {
        try OpenDirectory.open(parentDirectory(of: path), create: 0o755).write(data, name: name(in: path), newFileMode: newFileMode, validate: validate)
    }

    public static func write(_ data: Data, to path: String, mode: UInt16, owner: UInt32, group: UInt32, validate: (String) throws -> Void = { _ in }) throws {
        try write(data, to: path, mode: mode, owner: owner, group: group, validate: validate, calls: .live)
    }

    /// The same write with the calls whose failure a test must be able to provoke (a disk that refuses
    /// fsync, a rename that fails): every result is checked, none is assumed.
    package static func write(_ data: Data, to path: String, mode: UInt16, owner: UInt32, group: UInt32, validate: (String) throws -> Void = { _ in }, calls: SystemCalls) throws {
        try OpenDirectory.open(parentDirectory(of: path), create: 0o755)
            .write(data, name: name(in: path), mode: mode, owner: owner, group: group, validate: validate, calls: calls)
    }

    /// Removes a file and flushes its directory; a file already gone is not an error.
    public static func remove(_ path: String) throws {
        let directory: OpenDirectory
        do {
            directory = try OpenDirectory.open(parentDirectory(of: path))
        } catch let failure as Failure where failure.code == ENOENT {
            return
        }
        try directory.remove(name(in: path))
    }

    /// The last component of a path: `/a/b/` → `b`.
    public static func name(in path: String) -> String {
        String(path.split(separator: "/").last ?? "")
    }

    /// The directory a path is in, as `dirname` has it: `/a/b/` → `/a`, `/a` → `/`, `a` → `.`.
    public static func parentDirectory(of path: String) -> String {
        var p = Substring(path)
        while p.count > 1, p.hasSuffix("/") { p = p.dropLast() }
        guard let slash = p.lastIndex(of: "/") else { return "." }
        var parent = p[..<slash]
        while parent.hasSuffix("/") { parent = parent.dropLast() }
        return parent.isEmpty ? "/" : String(parent)
    }
}
