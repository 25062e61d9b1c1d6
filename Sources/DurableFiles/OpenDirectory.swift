public import FoundationEssentials
public import Glibc

/// A directory held open by its descriptor; every write, removal and read below names one entry of
/// it (`openat`, `renameat`, `unlinkat`), never a path.
///
/// Issue 12, point 3: once the directory was opened inside the host's root, nothing swapped in on the
/// way to it afterwards (a parent replaced by a link out of the root) can lead a write elsewhere, and
/// an entry that is a link is replaced or removed itself, never followed.
public final class OpenDirectory: Sendable {
    public let descriptor: Int32
    /// Where it is on this machine, for messages and for programs that take a path (a validator).
    public let path: String

    /// Takes ownership of `descriptor` (an `O_DIRECTORY` descriptor).
    public init(descriptor: Int32, path: String) {
        self.descriptor = descriptor
        self.path = path
    }

    deinit { close(descriptor) }

    /// Opens a directory by path (attt's own files outside any host root: a report's `--output`, the
    /// collector's state), creating it and its parents with `mode` when `create` is set.
    public static func open(_ path: String, create mode: mode_t? = nil) throws -> OpenDirectory {
        let fd = Glibc.open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        if fd >= 0 { return OpenDirectory(descriptor: fd, path: path) }
        guard errno == ENOENT, let mode, path != "/" else { throw AtomicFile.Failure(path: path, call: "open", code: errno) }
        let parent = try open(AtomicFile.parentDirectory(of: path), create: mode)
        let name = String(path.split(separator: "/").last ?? "")
        return try parent.subdirectory(name, create: mode)
    }

    /// `name`'s full path, for messages.
    public func path(of name: String) -> String {
        name == "." ? path : path == "/" ? "/" + name : path + "/" + name
    }

    func failure(_ name: String, _ call: String, _ code: Int32 = errno) -> AtomicFile.Failure {
        AtomicFile.Failure(path: path(of: name), call: call, code: code)
    }

    // MARK: Entries

    /// The entry itself (`fstatat` without following a final link); nil when it does not exist.
    public func status(_ name: String) throws -> stat? {
        var st = stat()
        guard fstatat(descriptor, name, &st, AT_SYMLINK_NOFOLLOW) == 0 else {
            if errno == ENOENT { return nil }
            throw failure(name, "stat")
        }
        return st
    }

    public func exists(_ name: String) -> Bool { ((try? status(name)) ?? nil) != nil }

    /// Names in the directory, `.` and `..` left out, in byte order; at most `limit` of them.
    public func names(limit: Int = 100_000) throws -> [String] {
        let fd = openat(descriptor, ".", O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0, let stream = fdopendir(fd) else {
            let code = errno
            if fd >= 0 { close(fd) }
            throw failure(".", "open", code)
        }
        defer { closedir(stream) }
        var names: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name == "." || name == ".." { continue }
            guard names.count < limit else { throw failure(".", "list (more than \(limit) entries)", E2BIG) }
            names.append(name)
        }
        return names.sorted { Array($0.utf8).lexicographicallyPrecedes(Array($1.utf8)) }
    }

    /// A directory in this one, not through a link; created with `mode` when absent and `create` is set.
    public func subdirectory(_ name: String, create mode: mode_t? = nil) throws -> OpenDirectory {
        if let mode, mkdirat(descriptor, name, mode) == 0 {
            // The new entry must outlive a power cut like any other.
            try sync()
        } else if mode != nil, errno != EEXIST {
            throw failure(name, "mkdir")
        }
        let fd = openat(descriptor, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure(name, "open") }
        return OpenDirectory(descriptor: fd, path: path(of: name))
    }

    // MARK: Reading

    /// A regular file's bytes, not through a final link, never blocking on a FIFO, at most `limit`
    /// bytes; nil when nothing is there. Anything else is an error naming the file.
    public func read(_ name: String, limit: Int) throws -> Data? {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == ENOENT { return nil }
            throw failure(name, "open")
        }
        defer { close(fd) }
        return try RegularFile.readAll(fd, path: path(of: name), limit: limit)
    }

    /// A descriptor for reading a regular file, not through a final link, never blocking on a FIFO
    /// (for files too large to read whole); the caller closes it. Anything else is an error naming it.
    public func openRegularFile(_ name: String) throws -> Int32 {
        let fd = openat(descriptor, name, O_RDONLY | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { throw failure(name, "open") }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else {
            close(fd)
            throw failure(name, "open (not a regular file)", EINVAL)
        }
        return fd
    }

    /// The target written in a symbolic link; nil when the entry is not a link.
    public func linkTarget(_ name: String) -> String? {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let n = readlinkat(descriptor, name, &buffer, buffer.count - 1)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    // MARK: Writing

    /// Writes a file atomically: a staged `.attt-<uuid>` in this directory, written in full, given its
    /// owner and mode, flushed, shown to `validate` (by path), renamed over `name` (a link there is
    /// replaced, never followed), and the directory flushed. A crash leaves the old file or the new.
    public func write(_ data: Data, name: String, mode: UInt16, owner: UInt32, group: UInt32,
                      validate: (String) throws -> Void = { _ in }) throws {
        try write(data, name: name, mode: mode, owner: owner, group: group, validate: validate, calls: .live)
    }

    /// A file of this process's user with exactly this mode (keys, the outbox).
    public func write(_ data: Data, name: String, mode: UInt16) throws {
        try write(data, name: name, mode: mode, owner: getuid(), group: getgid())
    }

    /// Keeps an existing regular file's owner, group and mode; a new file gets `newFileMode`, owned by
    /// this process's user.
    public func write(_ data: Data, name: String, newFileMode: UInt16, validate: (String) throws -> Void = { _ in }) throws {
        if let st = try status(name), st.st_mode & S_IFMT == S_IFREG {
            try write(data, name: name, mode: UInt16(st.st_mode & 0o7777), owner: st.st_uid, group: st.st_gid, validate: validate)
        } else {
            try write(data, name: name, mode: newFileMode, owner: getuid(), group: getgid(), validate: validate)
        }
    }

    package func write(_ data: Data, name: String, mode: UInt16, owner: UInt32, group: UInt32,
                       validate: (String) throws -> Void = { _ in }, calls: SystemCalls) throws {
        let staged = AtomicFile.temporaryPrefix + UUID().uuidString
        let fd = openat(descriptor, staged, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw failure(staged, "open") }
        var renamed = false
        defer {
            if !renamed { unlinkat(descriptor, staged, 0) }
        }
        try data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = Glibc.write(fd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 {
                    if errno == EINTR { continue }
                    let code = errno
                    close(fd)
                    throw failure(staged, "write", code)
                }
                offset += n
            }
        }
        // Owner before mode: chown clears set-id bits.
        if fchown(fd, owner, group) != 0 { let c = errno; close(fd); throw failure(staged, "fchown", c) }
        if fchmod(fd, mode_t(mode)) != 0 { let c = errno; close(fd); throw failure(staged, "fchmod", c) }
        if calls.fsync(fd) != 0 { let c = errno; close(fd); throw failure(staged, "fsync", c) }
        // close(2) reports write-back errors NFS and some FUSE file systems defer to it.
        if calls.close(fd) != 0 { throw failure(staged, "close") }
        try validate(path(of: staged))
        guard calls.renameat(descriptor, staged, name) == 0 else { throw failure(name, "rename") }
        renamed = true
        try sync(calls: calls)
    }

    /// Appends `data` with one `write(2)` in append mode (a log: concurrent writers never interleave
    /// inside a line), creating the file with `mode`; never through a link.
    public func append(_ data: Data, name: String, mode: mode_t) throws {
        let fd = openat(descriptor, name, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, mode)
        guard fd >= 0 else { throw failure(name, "open") }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { throw failure(name, "append (not a regular file)", EINVAL) }
        let n = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        guard n == data.count else { throw failure(name, "write", n < 0 ? errno : EIO) }
    }

    /// Makes a symbolic link `name -> target` owned by `owner`:`group` (the link itself).
    public func makeLink(_ name: String, to target: String, owner: UInt32, group: UInt32) throws {
        guard symlinkat(target, descriptor, name) == 0 else { throw failure(name, "symlink") }
        guard fchownat(descriptor, name, owner, group, AT_SYMLINK_NOFOLLOW) == 0 else { throw failure(name, "lchown") }
        try sync()
    }

    // MARK: Removing and renaming

    /// Removes a file or link (never what a link leads to) and flushes the directory; a file already
    /// gone is not an error.
    public func remove(_ name: String) throws {
        guard unlinkat(descriptor, name, 0) == 0 else {
            if errno == ENOENT { return }
            throw failure(name, "unlink")
        }
        try sync()
    }

    /// Removes an empty directory; false when it is not empty or not there (whatever was put in it stays).
    @discardableResult
    public func removeEmptyDirectory(_ name: String) -> Bool {
        guard unlinkat(descriptor, name, AT_REMOVEDIR) == 0 else { return false }
        try? sync()
        return true
    }

    /// Removes `name` and, if it is a directory, everything in it, never following a link; at most
    /// `depth` levels down (attt's own staging directories are one or two).
    public func removeTree(_ name: String, depth: Int = 8) throws {
        guard let st = try status(name) else { return }
        if st.st_mode & S_IFMT == S_IFDIR, depth > 0 {
            let inner = try subdirectory(name)
            for entry in try inner.names() { try inner.removeTree(entry, depth: depth - 1) }
            guard unlinkat(descriptor, name, AT_REMOVEDIR) == 0 else { throw failure(name, "rmdir") }
        } else {
            guard unlinkat(descriptor, name, 0) == 0 || errno == ENOENT else { throw failure(name, "unlink") }
        }
    }

    /// Renames `name` aside to `<name>.corrupt-<UTC time>` (see ``SetAside``) and flushes the
    /// directory; returns the new path.
    public func setAside(_ name: String, now: Date = Date()) throws -> String {
        let base = name + SetAside.marker + SetAside.stamp(now)
        var target = base
        var n = 1
        // Two in the same second keep both: never rename over an earlier set-aside copy.
        while exists(target) {
            n += 1
            target = "\(base)-\(n)"
        }
        guard renameat(descriptor, name, descriptor, target) == 0 else { throw failure(name, "rename") }
        try sync()
        return path(of: target)
    }

    /// Flushes the directory, so a rename or unlink in it survives a power cut (without it the new
    /// name can be lost while the data is on disk). EINVAL is a file system with nothing to flush.
    public func sync() throws { try sync(calls: .live) }

    package func sync(calls: SystemCalls) throws {
        if calls.fsync(descriptor) != 0, errno != EINVAL { throw failure(".", "fsync") }
    }
}
