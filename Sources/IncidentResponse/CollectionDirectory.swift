import Crypto
public import FoundationEssentials
import DurableFiles
import Glibc

/// The collection's directory on the officer's disk, `DIR/attt-<hostname>-<inc8>-<coll8>/`: every write
/// of a collection goes through here. Each file is written as `name.part`, synced, then renamed, so a
/// name without `.part` is always a whole copy; `progress.jsonl` gets one synced line per finished file.
public struct CollectionDirectory: Sendable {
    public let path: String

    public init(path: String) {
        self.path = path
    }

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var path: String
        public var call: String
        public var code: Int32
        public var description: String { "\(path): \(call): \(String(cString: strerror(code)))" }
        /// ENOSPC / EDQUOT / EFBIG: the disk (or FAT32's 4 GiB) is full, not broken.
        public var isFull: Bool { code == ENOSPC || code == EDQUOT || code == EFBIG }
    }

    /// Bytes the collection may still use: what statvfs gives unprivileged writers, less a reserve
    /// (the filesystem must keep room for its own metadata and the manifest written at the end).
    public func available(reserve: Int64?) -> Int64 {
        var fs = statvfs()
        guard statvfs(path, &fs) == 0 else { return 0 }
        let free = Int64(fs.f_bavail) * Int64(fs.f_frsize)
        let total = Int64(fs.f_blocks) * Int64(fs.f_frsize)
        return free - (reserve ?? max(256 << 20, total / 50))
    }

    /// Makes the directories of a relative name (0700 each).
    func makeParents(_ name: String) throws(Failure) {
        var current = path
        for part in name.split(separator: "/").dropLast() {
            current += "/" + part
            if mkdir(current, 0o700) != 0 && errno != EEXIST { throw Failure(path: current, call: "mkdir", code: errno) }
        }
    }

    /// A writer for `name.part`.
    func create(_ name: String) throws(Failure) -> PartFile {
        try makeParents(name)
        let part = path + "/" + name + ".part"
        let fd = open(part, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: part, call: "open", code: errno) }
        return PartFile(descriptor: fd, path: part, final: path + "/" + name)
    }

    /// Writes a small file whole (collection.json, SHA256SUMS, manifest.json) the same safe way.
    func write(_ data: Data, name: String) throws -> (size: Int64, sha256: String) {
        var file = try create(name)
        do {
            try data.withUnsafeBytes { raw in try file.write(raw) }
        } catch {
            file.abandon()
            throw error
        }
        return try file.finish()
    }

    /// Appends one line and syncs it (progress.jsonl): a line is there whole, or the file is cut
    /// inside it (the reader drops a last line without its newline).
    func appendLine(_ line: Data, name: String) throws(Failure) {
        let file = path + "/" + name
        let fd = open(file, O_WRONLY | O_CREAT | O_APPEND | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw Failure(path: file, call: "open", code: errno) }
        defer { close(fd) }
        let written = line.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard written == line.count else { throw Failure(path: file, call: "write", code: written < 0 ? errno : ENOSPC) }
        guard fsync(fd) == 0 else { throw Failure(path: file, call: "fsync", code: errno) }
    }

    /// A file of the collection, bounded; nil when absent.
    func read(_ name: String, limit: Int) -> Data? {
        RegularFile.prefix(path + "/" + name, limit: limit)
    }

    /// Size of a finished file, nil when absent or not a regular file.
    func size(_ name: String) -> Int64? {
        var st = stat()
        guard lstat(path + "/" + name, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Int64(st.st_size)
    }

    /// Removes the `*.part` files a killed run left (bounded walk).
    func removeParts() {
        func walk(_ directory: String, depth: Int) {
            guard depth < 40, let handle = opendir(directory) else { return }
            var entries: [(String, UInt8)] = []
            while let entry = readdir(handle), entries.count < 1_000_000 {
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                if name != "." && name != ".." { entries.append((name, entry.pointee.d_type)) }
            }
            closedir(handle)
            for (name, type) in entries {
                if type == UInt8(DT_DIR) { walk(directory + "/" + name, depth: depth + 1) }
                else if name.hasSuffix(".part") { unlink(directory + "/" + name) }
            }
        }
        walk(path, depth: 0)
    }
}

/// A copy being written: the SHA-256 of the bytes written, not of what was read, so the digest is of
/// what is on the disk.
struct PartFile {
    let descriptor: Int32
    let path: String
    let final: String
    var hash = SHA256()
    var size: Int64 = 0

    init(descriptor: Int32, path: String, final: String) {
        self.descriptor = descriptor
        self.path = path
        self.final = final
    }

    mutating func write(_ bytes: UnsafeRawBufferPointer) throws(CollectionDirectory.Failure) {
        var offset = 0
        while offset < bytes.count {
            let n = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
            if n < 0 {
                if errno == EINTR { continue }
                throw CollectionDirectory.Failure(path: path, call: "write", code: errno)
            }
            offset += n
        }
        hash.update(bufferPointer: bytes)
        size += Int64(bytes.count)
    }

    /// fsync, rename into place, fsync the directory: the copy is durable under its final name.
    func finish() throws(CollectionDirectory.Failure) -> (size: Int64, sha256: String) {
        defer { close(descriptor) }
        guard fsync(descriptor) == 0 else {
            let failure = CollectionDirectory.Failure(path: path, call: "fsync", code: errno)
            unlink(path)
            throw failure
        }
        guard rename(path, final) == 0 else {
            let failure = CollectionDirectory.Failure(path: final, call: "rename", code: errno)
            unlink(path)
            throw failure
        }
        let parent = AtomicPath.parent(final)
        let directory = open(parent, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if directory >= 0 {
            fsync(directory)
            close(directory)
        }
        return (size, FileDigest.hex(hash.finalize()))
    }

    func abandon() {
        close(descriptor)
        unlink(path)
    }
}
