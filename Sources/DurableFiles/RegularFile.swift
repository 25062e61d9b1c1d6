public import FoundationEssentials
import Glibc

/// Reads attt's own state (journals, outbox items, identity) without trusting what sits at the path:
/// only a regular file, not through a final link, never blocking on a FIFO, at most `limit` bytes.
public enum RegularFile {
    /// The file's bytes; nil when nothing is there. Throws ``AtomicFile/Failure`` for anything that is
    /// not a regular file of at most `limit` bytes, or that cannot be read.
    public static func read(_ path: String, limit: Int) throws -> Data? {
        try OpenDirectory.open(AtomicFile.parentDirectory(of: path)).read(AtomicFile.name(in: path), limit: limit)
    }

    /// At most the first `limit` bytes of the regular file at `path` (procfs and sysfs files say size 0,
    /// so the limit holds on what is read); nil when nothing readable is there, a final link or anything
    /// but a regular file. Never blocks on a FIFO.
    public static func prefix(_ path: String, limit: Int) -> Data? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while data.count < limit {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            data.append(contentsOf: buffer[0..<min(n, limit - data.count)])
        }
        return data
    }

    /// Reads an open descriptor to its end, if it is a regular file of at most `limit` bytes.
    static func readAll(_ fd: Int32, path: String, limit: Int) throws -> Data {
        var st = stat()
        guard fstat(fd, &st) == 0 else { throw AtomicFile.Failure(path: path, call: "fstat", code: errno) }
        guard st.st_mode & S_IFMT == S_IFREG else { throw AtomicFile.Failure(path: path, call: "read (not a regular file)", code: EINVAL) }
        guard Int(st.st_size) <= limit else { throw AtomicFile.Failure(path: path, call: "read (larger than \(limit) bytes)", code: EFBIG) }
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw AtomicFile.Failure(path: path, call: "read", code: errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            // The size can grow after fstat: the limit holds on what is read, not on what was announced.
            guard data.count <= limit else { throw AtomicFile.Failure(path: path, call: "read (larger than \(limit) bytes)", code: EFBIG) }
        }
    }
}
