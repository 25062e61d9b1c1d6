public import FoundationEssentials
import Glibc
import Synchronization

/// An exclusive `flock(2)` on a lock file: two attt processes never work on the same state at once
/// (two `attt run` on the outbox, recovery on a transaction another `attt fix` is still applying).
/// The kernel drops it when the process dies, so a killed run never leaves the state locked.
/// Within one process it is re-entrant: the holder can call code that takes it again.
public final class FileLock {
    let path: String

    private init(path: String) { self.path = path }

    deinit {
        FileLock.held.withLock { table in
            guard var entry = table[path] else { return }
            entry.count -= 1
            if entry.count == 0 {
                table[path] = nil
                close(entry.fd)
            } else {
                table[path] = entry
            }
        }
    }

    struct Entry { var fd: Int32; var count: Int }
    private static let held = Mutex<[String: Entry]>([:])

    /// Holds the lock, or nil when another process does.
    public static func attempt(_ path: String) throws -> FileLock? {
        try attempt(AtomicFile.name(in: path), in: OpenDirectory.open(AtomicFile.parentDirectory(of: path), create: 0o700))
    }

    /// Holds the lock on `name` in `directory` (opened there, never through a link), or nil when
    /// another process does.
    public static func attempt(_ name: String, in directory: OpenDirectory) throws -> FileLock? {
        let path = directory.path(of: name)
        return try held.withLock { table -> FileLock? in
            if var entry = table[path] {
                entry.count += 1
                table[path] = entry
                return FileLock(path: path)
            }
            let fd = openat(directory.descriptor, name, O_RDWR | O_CREAT | O_NOFOLLOW | O_NONBLOCK | O_CLOEXEC, 0o600)
            guard fd >= 0 else { throw AtomicFile.Failure(path: path, call: "open", code: errno) }
            while flock(fd, LOCK_EX | LOCK_NB) != 0 {
                if errno == EINTR { continue }
                let code = errno
                close(fd)
                if code == EWOULDBLOCK { return nil }
                throw AtomicFile.Failure(path: path, call: "flock", code: code)
            }
            table[path] = Entry(fd: fd, count: 1)
            return FileLock(path: path)
        }
    }

    /// Waits for the lock up to `timeout` seconds; `busy` is called once if another process holds it.
    /// Nil when it is still held at the end.
    public static func acquire(_ path: String, timeout: TimeInterval, busy: () -> Void = {}) throws -> FileLock? {
        try acquire(AtomicFile.name(in: path), in: OpenDirectory.open(AtomicFile.parentDirectory(of: path), create: 0o700), timeout: timeout, busy: busy)
    }

    public static func acquire(_ name: String, in directory: OpenDirectory, timeout: TimeInterval, busy: () -> Void = {}) throws -> FileLock? {
        if let lock = try attempt(name, in: directory) { return lock }
        busy()
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            usleep(100_000)
            if let lock = try attempt(name, in: directory) { return lock }
        }
        return nil
    }
}
