public import DurableFiles
public import Glibc

/// The write side of the door (issue 12, point 3): a host directory opened inside the root, for every
/// file attt writes or removes on a host — fixes and their rollback, transaction journals, the outbox,
/// the identity, the enforcement ledger, logs. Under another root the directory is found by the kernel
/// in the root's descriptor (`openat2(RESOLVE_IN_ROOT)`: `..` and absolute links stay in the tree);
/// the writes then name entries of that open directory, so nothing swapped in afterwards leads out.
extension HostRoot {
    /// Opens the host directory `hostPath`, links followed inside the root. With `create`, missing
    /// directories on the way are made with `mode`, one at a time, each inside the root.
    public func directory(_ hostPath: String, create mode: mode_t? = nil) throws -> OpenDirectory {
        let fd = try openDirectory(hostPath)
        if fd >= 0 { return OpenDirectory(descriptor: fd, path: local(hostPath)) }
        let failure = errno
        guard failure == ENOENT, let mode, hostPath.contains(where: { $0 != "/" }) else {
            throw AtomicFile.Failure(path: local(hostPath), call: "open", code: failure)
        }
        // A link on the way that leads to a directory not made yet (`var/lib/attt/outbox -> /srv/outbox`
        // in a mounted tree): the directories made are the ones it leads to, inside the root.
        let resolved = (try? hostPathResolved(hostPath)) ?? hostPath
        if resolved != hostPath { return try directory(resolved, create: mode) }
        let parent = try directory(AtomicFile.parentDirectory(of: hostPath), create: mode)
        let name = AtomicFile.name(in: hostPath)
        if mkdirat(parent.descriptor, name, mode) == 0 {
            try parent.sync()
        } else if errno != EEXIST {
            throw AtomicFile.Failure(path: parent.path(of: name), call: "mkdir", code: errno)
        }
        // Opened again through the root: the name may be a link (made by someone else meanwhile),
        // which must still lead inside the tree.
        return try directory(hostPath)
    }

    /// The host directory, or nil when it does not exist (nothing is created to find that out).
    public func existingDirectory(_ hostPath: String) throws -> OpenDirectory? {
        do {
            return try directory(hostPath)
        } catch let failure as AtomicFile.Failure where failure.code == ENOENT {
            return nil
        }
    }

    /// The directory holding `hostPath` and the name of `hostPath` in it: where a file is written or removed.
    public func entry(_ hostPath: String, create mode: mode_t? = nil) throws -> (directory: OpenDirectory, name: String) {
        (try directory(AtomicFile.parentDirectory(of: hostPath), create: mode), AtomicFile.name(in: hostPath))
    }

    /// Like ``entry(_:create:)``, with no directory when the one holding `hostPath` does not exist.
    public func entryIfPresent(_ hostPath: String) throws -> (directory: OpenDirectory?, name: String) {
        (try existingDirectory(AtomicFile.parentDirectory(of: hostPath)), AtomicFile.name(in: hostPath))
    }

    private func openDirectory(_ hostPath: String) throws -> Int32 {
        do {
            return try open(hostPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        } catch {
            throw AtomicFile.Failure(path: local(hostPath, followFinal: false), call: "open (\(error.reason))", code: ELOOP)
        }
    }
}
