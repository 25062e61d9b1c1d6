import FoundationEssentials
import Glibc
import HostAccess

/// A host file opened to be copied as evidence: read-only, inside the root, `O_NOATIME` (the access
/// time is itself a trace: when the intruder last read it), `O_NONBLOCK` (a planted FIFO must not
/// hang the collection), and of the size it had when opened.
struct SourceFile {
    /// `O_NOATIME` from <fcntl.h>, which Swift's Glibc module leaves out (it needs _GNU_SOURCE);
    /// the same value on every Linux architecture Debian ships.
    static let noAccessTime: Int32 = 0o1000000

    let descriptor: Int32
    let size: Int64
    let status: stat
    let path: String

    struct ReadFailure: Error, CustomStringConvertible {
        var path: String
        var reason: String
        var description: String { "\(path): \(reason)" }
    }

    /// nil when the file is gone since the plan was made; an error (the type, the reason) when it
    /// cannot be read as a regular file.
    static func open(host: HostRoot, _ hostPath: String) throws(ProbeError) -> SourceFile? {
        let flags = O_RDONLY | O_NONBLOCK | O_CLOEXEC | O_NOFOLLOW
        var fd = try host.open(hostPath, flags | noAccessTime)
        // O_NOATIME is refused (EPERM) on a file the caller does not own, unless root (CAP_FOWNER).
        if fd < 0 && errno == EPERM { fd = try host.open(hostPath, flags) }
        guard fd >= 0 else {
            let failure = errno
            if failure == ENOENT || failure == ENOTDIR { return nil }
            if failure == ELOOP { throw ProbeError(path: hostPath, reason: "là liên kết tượng trưng (có thể vừa bị thay): không đi theo") }
            if failure == ENXIO { throw ProbeError(path: hostPath, reason: "là socket hoặc thiết bị: không sao chép") }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(failure)))
        }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            Glibc.close(fd)
            throw ProbeError(path: hostPath, reason: reason)
        }
        if let refused = HostRoot.refusal(mode: st.st_mode) {
            Glibc.close(fd)
            throw ProbeError(path: hostPath, reason: refused)
        }
        return SourceFile(descriptor: fd, size: Int64(st.st_size), status: st, path: hostPath)
    }

    func close() { Glibc.close(descriptor) }

    /// Copies the bytes up to the size at open, in 1 MiB pieces, into `name` of the collection.
    func copy(into directory: CollectionDirectory, name: String, source: EvidencePlan.Source) throws -> EvidenceFile {
        var part = try directory.create(name)
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        var offset: Int64 = 0
        var shrank = false
        do {
            while offset < size {
                let want = Int(min(Int64(buffer.count), size - offset))
                let n = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, want, off_t(offset)) }
                if n < 0 {
                    if errno == EINTR { continue }
                    throw ReadFailure(path: path, reason: "đọc lỗi: " + String(cString: strerror(errno)))
                }
                if n == 0 { shrank = true; break }
                try buffer.withUnsafeBytes { raw in try part.write(UnsafeRawBufferPointer(rebasing: raw[..<n])) }
                offset += Int64(n)
            }
        } catch {
            part.abandon()
            throw error
        }
        var probe: UInt8 = 0
        let grew = pread(descriptor, &probe, 1, off_t(offset)) > 0
        let written = try part.finish()
        return EvidenceFile(name: name, source: source.path, category: source.category, size: written.size, sha256: written.sha256,
                            mode: String(Int(status.st_mode & 0o7777), radix: 8).leftPadded(4), uid: Int(status.st_uid), gid: Int(status.st_gid),
                            mtime: Double(status.st_mtim.tv_sec) + Double(status.st_mtim.tv_nsec) / 1e9,
                            grew: grew ? true : nil, truncated: shrank ? true : nil)
    }
}
