public import FoundationEssentials
import Glibc
public import HardeningCore
import SystemPackage

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

    public init(_ path: String) {
        self.prefix = URL(fileURLWithPath: path, isDirectory: true).standardizedFileURL
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
    func resolve(_ hostPath: String, followFinal: Bool = true) throws(ProbeError) -> String {
        if prefix.path == "/" { return "/" + hostPath.drop { $0 == "/" } }
        var pending = hostPath.split(separator: "/").map(String.init)
        var resolved: [String] = []
        var hops = 0
        while !pending.isEmpty {
            let part = pending.removeFirst()
            if part.isEmpty || part == "." { continue }
            if part == ".." { _ = resolved.popLast(); continue }
            let candidate = prefix.path + "/" + (resolved + [part]).joined(separator: "/")
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
        return prefix.path + "/" + resolved.joined(separator: "/")
    }

    public func exists(_ hostPath: String) -> Bool {
        var st = stat()
        return lstat(local(hostPath, followFinal: false), &st) == 0
    }

    public func isDirectory(_ hostPath: String) -> Bool {
        var isDir = false
        return FileManager.default.fileExists(atPath: local(hostPath), isDirectory: &isDir) && isDir
    }

    /// Reads a file, or says why it cannot: `nil` when the file does not exist.
    public func read(_ hostPath: String) throws(ProbeError) -> Data? {
        let path = try resolve(hostPath)
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(errno)))
        }
        if (st.st_mode & S_IFMT) == S_IFDIR { throw ProbeError(path: hostPath, reason: "is a directory") }
        if Int(st.st_size) > maxFileSize { throw ProbeError(path: hostPath, reason: "larger than \(maxFileSize >> 20) MiB") }
        let fd = try open(path, hostPath)
        defer { try? fd.close() }
        do {
            return try fd.readAll(upTo: maxFileSize)
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
        }
    }

    /// Opens for reading; an `open(2)` failure becomes the reason, in the C library's words.
    func open(_ path: String, _ hostPath: String) throws(ProbeError) -> FileDescriptor {
        do {
            return try FileDescriptor.open(path, .readOnly, options: [.closeOnExec])
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
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
        let path = try resolve(hostPath)
        if !exists(hostPath) { return nil }
        return RecordFile(descriptor: try open(path, hostPath))
    }

    /// Reads the last `count` bytes of a file (for logs that only grow, like wtmp).
    public func tail(_ hostPath: String, bytes count: Int) throws(ProbeError) -> Data? {
        let path = try resolve(hostPath)
        if !exists(hostPath) { return nil }
        let fd = try open(path, hostPath)
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
        let path = try resolve(hostPath)
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(errno)))
        }
        return Date(timeIntervalSince1970: TimeInterval(st.st_mtim.tv_sec))
    }

    /// The first `count` bytes of a file (a header before a long body); `nil` when the file is absent.
    public func head(_ hostPath: String, bytes count: Int) throws(ProbeError) -> Data? {
        let path = try resolve(hostPath)
        if !exists(hostPath) { return nil }
        let fd = try open(path, hostPath)
        defer { try? fd.close() }
        do {
            return try fd.readAll(upTo: count, beyond: .stop)
        } catch {
            throw ProbeError(path: hostPath, reason: "\(error)")
        }
    }

    /// Reads a file in pieces of `chunk` bytes, so a large file (a 50 MB apt package list) is never
    /// held in memory whole. `false` when the file does not exist.
    public func stream(_ hostPath: String, chunk: Int = 256 << 10, _ body: (UnsafeRawBufferPointer) throws -> Void) throws -> Bool {
        let path = try resolve(hostPath)
        if !exists(hostPath) { return false }
        let fd = try open(path, hostPath)
        defer { try? fd.close() }
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let n: Int
            do {
                n = try buffer.withUnsafeMutableBytes { try fd.read(into: $0) }
            } catch {
                throw ProbeError(path: hostPath, reason: "\(error)")
            }
            if n == 0 { return true }
            try buffer.withUnsafeBytes { try body(UnsafeRawBufferPointer(rebasing: $0[..<n])) }
        }
    }

    /// Entries of a directory, sorted by name (byte order, as the C library's `alphasort` in the C locale); `[]` when absent.
    public func list(_ hostPath: String) throws(ProbeError) -> [String] {
        let path = try resolve(hostPath)
        do {
            return try FileManager.default.contentsOfDirectory(atPath: path).sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
        } catch {
            var isDir = false
            if !FileManager.default.fileExists(atPath: path, isDirectory: &isDir) { return [] }
            throw ProbeError(path: hostPath, reason: "cannot list the directory")
        }
    }

    /// Permission bits and owner of a file (links followed inside the root); `nil` when absent.
    /// Secret files (VPN keys) must be readable by root only (Điều 9 khoản 5).
    public func attributes(_ hostPath: String) throws(ProbeError) -> FileAttributes? {
        let path = try resolve(hostPath)
        var st = stat()
        guard stat(path, &st) == 0 else {
            if errno == ENOENT || errno == ENOTDIR { return nil }
            throw ProbeError(path: hostPath, reason: String(cString: strerror(errno)))
        }
        return FileAttributes(permissions: Int(st.st_mode & 0o7777), owner: Int(st.st_uid), group: Int(st.st_gid))
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
    let descriptor: FileDescriptor

    init(descriptor: FileDescriptor) { self.descriptor = descriptor }
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
    enum Beyond { case fail, stop }

    /// Everything from the current offset to the end; past `limit` bytes, an error (`.fail`) or only
    /// the first `limit` bytes (`.stop`).
    func readAll(upTo limit: Int, beyond: Beyond = .fail) throws(Errno) -> Data {
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

extension Probed {
    /// Runs a probe, turning a read failure into a `failed` fact with the reason.
    static func collect(_ body: () throws -> Value) -> Probed<Value> {
        do {
            return .collected(try body())
        } catch let error as ProbeError {
            return .failed(error.description)
        } catch {
            return .failed("\(error)")
        }
    }
}
