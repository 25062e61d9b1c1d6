public import FoundationEssentials
import CHostAccess
package import Glibc
package import SystemPackage

/// The only door to the host: every path a probe reads goes through this root prefix.
///
/// Probes name host paths (`/etc/login.defs`); `HostRoot` maps them under the root given with
/// `--root`, so the same code reads the live host, a mounted disk image or a fixture tree.
/// Nothing here writes.
public struct HostRoot: Sendable {
    /// The prefix on the machine running attt.
    public let prefix: URL
    /// Files larger than this are refused: a probe never reads an unbounded file into memory.
    public var maxFileSize: Int = 64 << 20
    /// Directories with more entries than this are refused: a user can fill a directory they own
    /// (a spool, a drop-in directory under their control) to make a listing take the check's memory.
    public var maxEntries: Int = 100_000
    /// Files read in pieces (``stream(_:chunk:_:)``: apt's package lists, checksums) may be larger
    /// than ``maxFileSize``, but not without end.
    public var maxStreamSize: Int = 1 << 30
    /// When the whole check must end (monotonic seconds): past it every read fails, so a probe that
    /// overruns ends with its facts `failed` and the report still comes out. Set by ``HostProbe``.
    public var deadline: Double? = nil

    /// The root directory, opened once: reads under another root are resolved in it by the kernel.
    let rootDirectory: RootDirectory?

    public init(_ path: String) {
        self.prefix = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
        self.rootDirectory = prefix.path == "/" ? nil : RootDirectory(prefix.path)
    }

    /// Opens a host path with `flags`: under another root through `openat2(RESOLVE_IN_ROOT)` on the
    /// root's descriptor, so `..` and absolute links stay in the root and nothing swapped in between
    /// two steps can lead out of it; where the kernel lacks openat2 (before 5.6), through the
    /// component walk of ``resolve(_:followFinal:)`` and `O_NOFOLLOW` on the result. The descriptor,
    /// or -1 with `errno` set.
    package func open(_ hostPath: String, _ flags: Int32) throws(ProbeError) -> Int32 {
        if let directory = rootDirectory {
            let fd = attt_openat_in_root(directory.descriptor, "./" + hostPath.drop { $0 == "/" }, flags, 0)
            if fd >= 0 || errno != ENOSYS { return fd }
        }
        let path = try resolve(hostPath)
        // Under another root the links were resolved above, inside it: a link at the last component
        // now would be one swapped in since, so it is refused rather than followed.
        return Glibc.open(path, flags | (isLiveHost ? 0 : O_NOFOLLOW))
    }

    /// Whether this is the live host, where live-only sources (running services) may be read.
    public var isLiveHost: Bool { prefix.path == "/" }

    /// The path on this machine for a host path.
    ///
    /// Under a root other than `/`, symbolic links are followed inside the root: an image's
    /// `/etc/foo -> /usr/share/foo` must read the image's file, never the machine running attt.
    /// `..` stops at the root. `followFinal: false` leaves a link in the last component unresolved.
    public func local(_ hostPath: String, followFinal: Bool = true) -> String {
        (try? resolve(hostPath, followFinal: followFinal)) ?? prefix.path + "/.attt-unresolvable-link"
    }

    /// Like ``local(_:followFinal:)``, but a chain of links that never ends is an error.
    package func resolve(_ hostPath: String, followFinal: Bool = true) throws(ProbeError) -> String {
        if prefix.path == "/" { return "/" + hostPath.drop { $0 == "/" } }
        return prefix.path + (try hostPathResolved(hostPath, followFinal: followFinal))
    }

    /// The host path `hostPath` names once every link on the way is followed inside the root (`..`
    /// stopping at it), on the live host too: `/etc/login.defs -> /srv/conf/login.defs` gives
    /// `/srv/conf/login.defs`. A fix that writes through a link keeps and restores this file as well.
    public func hostPathResolved(_ hostPath: String, followFinal: Bool = true) throws(ProbeError) -> String {
        let base = prefix.path == "/" ? "" : prefix.path
        var pending = hostPath.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part.isEmpty || part == "." { continue }
            if part == ".." { _ = resolved.popLast(); continue }
            let candidate = base + "/" + (resolved + [part]).joined(separator: "/")
            let isLast = pending.isEmpty
            var st = stat()
            if (!isLast || followFinal), lstat(candidate, &st) == 0, (st.st_mode & S_IFMT) == S_IFLNK,
               let target = try? FileManager.default.destinationOfSymbolicLink(atPath: candidate) {
                hops += 1
                // The kernel gives up after 40 links; so do we (the read then fails with a reason).
                if hops > 40 { throw ProbeError(path: hostPath, reason: "too many levels of symbolic links") }
                if target.hasPrefix("/") { resolved = [] }
                pending = target.split(separator: "/").map(String.init) + pending
                continue
            }
            resolved.append(part)
        }
        return "/" + resolved.joined(separator: "/")
    }

    public func exists(_ hostPath: String) -> Bool {
        var st = stat()
        return lstat(local(hostPath, followFinal: false), &st) == 0
    }

    public func isDirectory(_ hostPath: String) -> Bool {
        var st = stat()
        return stat(local(hostPath), &st) == 0 && (st.st_mode & S_IFMT) == S_IFDIR
    }

    /// Reads a file, or says why it cannot: `nil` when the file does not exist.
    public func read(_ hostPath: String) throws(ProbeError) -> Data? {
        guard let (fd, size) = try openFile(hostPath) else { return nil }
        defer { try? fd.close() }
        if size > maxFileSize { throw ProbeError(path: hostPath, reason: "larger than \(maxFileSize >> 20) MiB") }
        do {
            return try fd.readAll(upTo: maxFileSize)
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
        }
    }

    /// Opens a host file the one way probes may: `nil` when it does not exist, its descriptor and
    /// size when it is a regular file, an error naming the path and the reason otherwise.
    ///
    /// `O_NONBLOCK`: opening a FIFO a user planted (`~/.ssh/authorized_keys`) would otherwise wait
    /// for a writer for ever and switch off the check. The type is taken with `fstat` on the open
    /// descriptor, not from the path before opening, so nothing can be swapped in between; FIFOs,
    /// sockets and devices (a link to `/dev/zero` has no end) are refused.
    package func openFile(_ hostPath: String) throws(ProbeError) -> (FileDescriptor, Int)? {
        try checkDeadline(hostPath)
        let raw = try open(hostPath, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard raw >= 0 else {
            let failure = errno
            if failure == ENOENT || failure == ENOTDIR { return nil }
            if failure == ELOOP { throw ProbeError(path: hostPath, reason: "too many levels of symbolic links (a loop, or a link changed while it was read)") }
            // A socket (or a device with no driver) cannot be opened at all: ENXIO; say which it is.
            var st = stat()
            if failure == ENXIO, let path = try? resolve(hostPath), stat(path, &st) == 0, let refused = Self.refusal(mode: st.st_mode) {
                throw ProbeError(path: hostPath, reason: refused)
            }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(failure)))
        }
        let fd = FileDescriptor(rawValue: raw)
        var st = stat()
        guard fstat(raw, &st) == 0 else {
            let reason = String(cString: strerror(errno))
            try? fd.close()
            throw ProbeError(path: hostPath, reason: reason)
        }
        if let refused = Self.refusal(mode: st.st_mode) {
            try? fd.close()
            throw ProbeError(path: hostPath, reason: refused)
        }
        return (fd, Int(st.st_size))
    }

    /// Why a file of this type is not read, or `nil` for a regular file.
    package static func refusal(mode: UInt32) -> String? {
        switch mode & S_IFMT {
        case S_IFREG: nil
        case S_IFDIR: "is a directory"
        case S_IFIFO: "is a FIFO, not a regular file: refused (reading it could block the check)"
        case S_IFSOCK: "is a socket, not a regular file: refused"
        case S_IFCHR, S_IFBLK: "is a device, not a regular file: refused (a device can have no end)"
        default: "is not a regular file: refused"
        }
    }

    /// The same root, with every read failing `seconds` from now.
    public func ending(after seconds: Double) -> HostRoot {
        var bounded = self
        bounded.deadline = Subprocess.monotonicSeconds() + seconds
        return bounded
    }

    /// Fails every read once the check's deadline has passed.
    package func checkDeadline(_ hostPath: String) throws(ProbeError) {
        if let deadline, Subprocess.monotonicSeconds() > deadline {
            throw ProbeError(path: hostPath, reason: "not read: the check ran out of its time budget")
        }
    }

    /// Reads a text file; invalid UTF-8 is repaired, not refused, since config files are mostly ASCII.
    public func text(_ hostPath: String) throws(ProbeError) -> String? {
        guard let data = try read(hostPath) else { return nil }
        return String(decoding: data, as: UTF8.self)
    }

    /// Opens a file of fixed-size records (lastlog: sparse, and gigabytes long on paper when a
    /// directory user has a large UID), to read records by offset. `nil` when the file is absent.
    public func records(_ hostPath: String) throws(ProbeError) -> RecordFile? {
        guard let (fd, _) = try openFile(hostPath) else { return nil }
        return RecordFile(descriptor: fd)
    }

    /// Reads the last `count` bytes of a file (for logs that only grow, like wtmp).
    public func tail(_ hostPath: String, bytes count: Int) throws(ProbeError) -> Data? {
        guard let (fd, _) = try openFile(hostPath) else { return nil }
        defer { try? fd.close() }
        do {
            let size = try fd.seek(offset: 0, from: .end)
            try fd.seek(offset: max(0, size - Int64(count)), from: .start)
            // A log may grow while it is read: take what was there, never fail for the new lines.
            return try fd.readAll(upTo: count, beyond: .stop)
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
        }
    }

    /// When a file was last modified, or `nil` when it does not exist. Some evidence is only a
    /// time stamp (apt's `update-success-stamp` is an empty file touched after each refresh).
    public func modified(_ hostPath: String) throws(ProbeError) -> Date? {
        try status(hostPath).map { Date(timeIntervalSince1970: TimeInterval($0.st_mtim.tv_sec)) }
    }

    /// The first `count` bytes of a file (a header before a long body); `nil` when the file is absent.
    public func head(_ hostPath: String, bytes count: Int) throws(ProbeError) -> Data? {
        guard let (fd, _) = try openFile(hostPath) else { return nil }
        defer { try? fd.close() }
        do {
            return try fd.readAll(upTo: count, beyond: .stop)
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
        }
    }

    /// Reads a file in pieces of `chunk` bytes, so a large file (a 50 MB apt package list) is never
    /// held in memory whole. `false` when the file does not exist. Past `maxStreamSize` bytes (a
    /// sparse file of a terabyte reads as zeros for hours) the read stops with an error.
    public func stream(_ hostPath: String, chunk: Int = 256 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        guard let (fd, size) = try openFile(hostPath) else { return false }
        defer { try? fd.close() }
        if size > maxStreamSize { throw ProbeError(path: hostPath, reason: "larger than \(maxStreamSize >> 20) MiB") }
        var buffer = [UInt8](repeating: 0, count: chunk)
        var total = 0
        while true {
            try checkDeadline(hostPath)
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw ProbeError(path: hostPath, reason: "\(error)")
            }
            if n == 0 { return true }
            total += n
            if total > maxStreamSize { throw ProbeError(path: hostPath, reason: "larger than \(maxStreamSize >> 20) MiB") }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }

    /// Entries of a directory, sorted by name (byte order, as the C library's `alphasort` in the C
    /// locale); `[]` when absent. More than ``maxEntries`` entries is an error, not a partial list.
    public func list(_ hostPath: String) throws(ProbeError) -> [String] {
        try checkDeadline(hostPath)
        // O_NONBLOCK | O_DIRECTORY: a FIFO or device at the path fails at once instead of blocking.
        let raw = try open(hostPath, O_RDONLY | O_DIRECTORY | O_NONBLOCK | O_CLOEXEC)
        guard raw >= 0 else {
            let failure = errno
            if failure == ENOENT { return [] }
            // ENOTDIR: either the path itself is something else (an error) or a parent is (absent).
            var st = stat()
            if failure == ENOTDIR, let path = try? resolve(hostPath), stat(path, &st) != 0 { return [] }
            throw ProbeError(path: hostPath, reason: "cannot list the directory: " + String(cString: strerror(failure)))
        }
        guard let directory = fdopendir(raw) else {
            close(raw)
            throw ProbeError(path: hostPath, reason: "cannot list the directory: " + String(cString: strerror(errno)))
        }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            if names.count == maxEntries {
                throw ProbeError(path: hostPath, reason: "more than \(maxEntries) entries: refused (a directory this large is not configuration)")
            }
            names.append(name)
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// Permission bits and owner of a file (links followed inside the root); `nil` when absent.
    /// Secret files (VPN keys) must be readable by root only (Điều 9 khoản 5).
    public func attributes(_ hostPath: String) throws(ProbeError) -> FileAttributes? {
        try status(hostPath).map { FileAttributes(permissions: Int($0.st_mode & 0o7777), owner: Int($0.st_uid), group: Int($0.st_gid)) }
    }

    /// `stat(2)` of a host path, links followed inside the root; `nil` when it does not exist.
    ///
    /// Under another root the file is stat'd through the root's descriptor (``attt_stat_in_root``),
    /// not by a path resolved first: a link swapped in between the two could otherwise lead out of
    /// the root and give an outside file's owner and mode. Where the kernel lacks openat2, links are
    /// resolved inside the root and the result is `lstat`'d, so a link swapped in since is described
    /// as the link it is, never followed.
    private func status(_ hostPath: String) throws(ProbeError) -> stat? {
        var st = stat()
        var done: Int32
        if let directory = rootDirectory {
            done = attt_stat_in_root(directory.descriptor, "./" + hostPath.drop { $0 == "/" }, &st)
            if done != 0 && errno == ENOSYS { done = lstat(try resolve(hostPath), &st) }
        } else {
            done = stat(try resolve(hostPath), &st)
        }
        guard done == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(errno)))
        }
        return st
    }

    /// The target of a symbolic link, as written in the link.
    public func linkTarget(_ hostPath: String) -> String? {
        try? FileManager.default.destinationOfSymbolicLink(atPath: local(hostPath, followFinal: false))
    }
}

/// What ``HostRoot/attributes(_:)`` returns: `stat(2)`'s permission bits and owner.
public struct FileAttributes: Sendable, Hashable {
    public var permissions: Int
    public var owner: Int
    public var group: Int

    /// `0600`: the permission bits as `chmod` writes them.
    public var octal: String {
        let digits = String(permissions, radix: 8)
        return String(repeating: "0", count: max(0, 4 - digits.count)) + digits
    }

    /// Owned by root and no access for group or others.
    public var rootOnly: Bool { owner == 0 && permissions & 0o077 == 0 }
}

/// A file read by offset; closed when released.
public final class RecordFile {
    package let descriptor: FileDescriptor

    package init(descriptor: FileDescriptor) { self.descriptor = descriptor }
    deinit { try? descriptor.close() }

    /// Up to `count` bytes at `offset`; empty past the end or on a read error.
    public func read(at offset: UInt64, count: Int) -> Data {
        guard count > 0, let start = Int64(exactly: offset) else { return Data() }
        var bytes = [UInt8](repeating: 0, count: count)
        var filled = 0
        while filled < count {
            let n = (try? bytes.withUnsafeMutableBytes { buffer in
                try descriptor.read(fromAbsoluteOffset: start + Int64(filled), into: UnsafeMutableRawBufferPointer(rebasing: buffer[filled...]))
            }) ?? 0
            if n == 0 { break }
            filled += n
        }
        return Data(bytes[..<filled])
    }
}

extension FileDescriptor {
    package enum Beyond { case fail, stop }

    /// Everything from the current offset to the end; past `limit` bytes, an error (`.fail`) or only
    /// the first `limit` bytes (`.stop`).
    package func readAll(upTo limit: Int, beyond: Beyond = .fail) throws(Errno) -> Data {
        var data = Data()
        var chunk = [UInt8](repeating: 0, count: 64 << 10)
        while true {
            let n: Int
            do {
                n = try chunk.withUnsafeMutableBytes { try read(into: $0) }
            } catch let error as Errno {
                throw error
            } catch {
                throw Errno.ioError
            }
            if n == 0 { return data }
            guard data.count + n <= limit else {
                if beyond == .fail { throw Errno.fileTooLarge }
                data.append(contentsOf: chunk[..<(limit - data.count)])
                return data
            }
            data.append(contentsOf: chunk[..<n])
        }
    }
}

/// A host file that exists but could not be read.
public struct ProbeError: Error, Sendable, Hashable, CustomStringConvertible {
    public var path: String
    public var reason: String

    public init(path: String, reason: String) {
        self.path = path
        self.reason = reason
    }

    public var description: String { "\(path): \(reason)" }
}

/// A root directory opened once (`O_DIRECTORY`), shared by every copy of its ``HostRoot``.
final class RootDirectory: Sendable {
    let descriptor: Int32

    init?(_ path: String) {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        descriptor = fd
    }

    deinit { close(descriptor) }
}
