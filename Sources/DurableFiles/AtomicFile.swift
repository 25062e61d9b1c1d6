public import FoundationEssentials
import Glibc

/// Writes that a crash can only leave old or new: a temporary file in the same directory, written,
/// given its owner and mode, flushed to disk, then renamed over the target, and the directory flushed.
/// Every file attt writes goes through here: fixes on a host, transaction journals, the outbox, keys.
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
        var st = stat()
        if stat(path, &st) == 0 {
            try write(data, to: path, mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid, validate: validate)
        } else {
            try write(data, to: path, mode: newFileMode, owner: getuid(), group: getgid(), validate: validate)
        }
    }

    public static func write(_ data: Data, to path: String, mode: UInt16, owner: UInt32, group: UInt32, validate: (String) throws -> Void = { _ in }) throws {
        try write(data, to: path, mode: mode, owner: owner, group: group, validate: validate, calls: .live)
    }

    /// The same write with the calls whose failure a test must be able to provoke (a disk that refuses
    /// fsync, a rename that fails): every result is checked, none is assumed.
    package static func write(_ data: Data, to path: String, mode: UInt16, owner: UInt32, group: UInt32, validate: (String) throws -> Void = { _ in }, calls: SystemCalls) throws {
        let directory = parentDirectory(of: path)
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let temporary = "\(directory)/\(temporaryPrefix)\(UUID().uuidString)"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: temporary, call: "open", code: errno) }
        var ok = false
        defer {
            if !ok { unlink(temporary) }
        }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    close(fd)
                    throw Failure(path: temporary, call: "write", code: code)
                }
                offset += n
            }
        }
        // Owner before mode: chown clears set-id bits.
        if fchown(fd, owner, group) != 0 { let c = errno; close(fd); throw Failure(path: temporary, call: "fchown", code: c) }
        if fchmod(fd, mode_t(mode)) != 0 { let c = errno; close(fd); throw Failure(path: temporary, call: "fchmod", code: c) }
        if calls.fsync(fd) != 0 { let c = errno; close(fd); throw Failure(path: temporary, call: "fsync", code: c) }
        // close(2) reports write-back errors NFS and some FUSE file systems defer to it.
        if calls.close(fd) != 0 { throw Failure(path: temporary, call: "close", code: errno) }
        try validate(temporary)
        guard calls.rename(temporary, path) == 0 else { throw Failure(path: path, call: "rename", code: errno) }
        ok = true
        try syncDirectory(directory, calls: calls)
    }

    /// Flushes a directory, so a rename or unlink in it survives a power cut (without it the new name
    /// can be lost while the data is on disk). EINVAL is a file system that has nothing to flush.
    package static func syncDirectory(_ directory: String, calls: SystemCalls = .live) throws {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Failure(path: directory, call: "open", code: errno) }
        if calls.fsync(fd) != 0, errno != EINVAL { let c = errno; close(fd); throw Failure(path: directory, call: "fsync", code: c) }
        if calls.close(fd) != 0 { throw Failure(path: directory, call: "close", code: errno) }
    }

    /// Removes a file and flushes its directory; a file already gone is not an error.
    public static func remove(_ path: String) throws {
        guard unlink(path) == 0 else {
            if errno == ENOENT { return }
            throw Failure(path: path, call: "unlink", code: errno)
        }
        try syncDirectory(parentDirectory(of: path))
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
