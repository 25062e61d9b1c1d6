public import Foundation

/// Files holding keys: written whole (temp, fsync, rename) with their mode set before any byte is in them.
public enum SecretFile {
    public static func write(_ text: String, to path: String, mode: mode_t) throws {
        let temporary = path + ".tmp-\(getpid())"
        let fd = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode)
        guard fd >= 0 else { throw EnrollmentError.unreadable(path: path, reason: "cannot be written: \(String(cString: strerror(errno)))") }
        fchmod(fd, mode)
        let data = Array(text.utf8)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        let synced = fsync(fd)
        close(fd)
        guard written == data.count, synced == 0, rename(temporary, path) == 0 else {
            unlink(temporary)
            throw EnrollmentError.unreadable(path: path, reason: "cannot be written: \(String(cString: strerror(errno)))")
        }
    }
}
