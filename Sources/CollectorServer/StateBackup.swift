public import CollectorStore
import Crypto
import DurableFiles
public import Foundation
import HardeningCore

/// `attt-collector backup` and `restore` (issue 17 point 6): everything a collector cannot be
/// rebuilt without, in one directory an operator can put on other media.
///
/// - the database, copied with SQLite's online backup while `serve` goes on;
/// - the CA's key and certificate (every enrolled PC trusts that CA: a new one means enrolling every
///   PC again), the server's, and the bundle signing key and ring (PCs trust only those for their
///   unit's catalogues);
/// - `MANIFEST.json`: each file's size and SHA-256, so a copy damaged on its way is found before it
///   replaces anything.
///
/// A restore needs `serve` stopped (it holds `serve.lock`), checks the backup whole first, and moves
/// what it replaces aside into `replaced-<UTC time>/` in the state directory; nothing is deleted.
public enum StateBackup {
    public static let manifestName = "MANIFEST.json"
    public static let format = "attt.collector-backup.v1"
    static let databaseName = "collector.sqlite"
    /// The state's files beside the database, relative to the state directory. Only these names are
    /// ever read from a backup, whatever its manifest lists.
    static let keyFiles = ["ca/ca.pem", "ca/ca.key", "ca/server.pem", "ca/server.key", "bundle-signing.key", "bundle-keys.json"]
    /// Secrets are written 0600, certificates and the ring 0644, as `serve` makes them.
    static func mode(_ name: String) -> UInt16 { name.hasSuffix(".pem") || name.hasSuffix(".json") ? 0o644 : 0o600 }
    /// The key files are a few KiB; the manifest lists seven files.
    static let smallFileLimit = 1 << 20

    public struct Manifest: Codable, Sendable, Equatable {
        public var format: String
        public var createdAt: String
        public var collectorVersion: String
        /// The database's schema migrations: a restore refuses a backup from a newer collector.
        public var migrations: [String]
        public var files: [File]

        public struct File: Codable, Sendable, Equatable {
            public var path: String
            public var bytes: Int64
            public var sha256: String
        }
    }

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// The name of the lock `serve` holds for as long as it runs on a state directory.
    public static func serveLockPath(_ settings: CollectorSettings) -> String { settings.stateDirectory + "/serve.lock" }

    // MARK: Backup

    /// Writes the backup into `directory`, which must not exist yet (it is made 0700).
    public static func write(settings: CollectorSettings, store: SQLiteCollectorStore, to directory: String,
                             version: String, now: Date = Date()) throws -> Manifest {
        guard !FileManager.default.fileExists(atPath: directory) else {
            throw Problem(description: "\(directory) already exists: name a new directory for the backup, so no earlier backup is overwritten")
        }
        let target = try OpenDirectory.open(directory, create: 0o700)
        try store.backup(to: target.path(of: databaseName))
        var files = [try describe(databaseName, in: target)]
        let state = try OpenDirectory.open(settings.stateDirectory)
        for name in keyFiles {
            guard let data = try RegularFile.read(state.path(of: name), limit: smallFileLimit) else { continue }
            let (folder, file) = split(name)
            try (folder.map { try target.subdirectory($0, create: 0o700) } ?? target).write(data, name: file, mode: mode(name))
            files.append(Manifest.File(path: name, bytes: Int64(data.count), sha256: ContentDigest.sha256(data)))
        }
        let manifest = Manifest(format: format, createdAt: Timestamp(now).description, collectorVersion: version,
                                migrations: try store.appliedMigrations(), files: files)
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try target.write(try encoder.encode(manifest), name: manifestName, mode: 0o600)
        return manifest
    }

    // MARK: Restore

    public struct Restored: Sendable {
        public var manifest: Manifest
        /// Where the files it replaced were moved; nil when the state directory held none of them.
        public var replaced: String?
    }

    /// Checks the backup in `directory` whole, then puts it in place of the state directory's
    /// database and keys. `knownMigrations` are this collector's, oldest first.
    public static func restore(settings: CollectorSettings, from directory: String,
                               knownMigrations: [String] = SQLiteCollectorStore.knownMigrations, now: Date = Date()) throws -> Restored {
        let source = try OpenDirectory.open(directory)
        let manifest = try verify(source, knownMigrations: knownMigrations)
        let state = try OpenDirectory.open(settings.stateDirectory, create: 0o700)
        // Run as root on a packaged collector, what it writes must stay the service user's.
        let attributes = try FileManager.default.attributesOfItem(atPath: settings.stateDirectory)
        guard let uid = (attributes[.ownerAccountID] as? NSNumber)?.uint32Value, let gid = (attributes[.groupOwnerAccountID] as? NSNumber)?.uint32Value else {
            throw Problem(description: "cannot read who owns \(settings.stateDirectory)")
        }
        func owned(_ directory: OpenDirectory) throws -> OpenDirectory {
            guard fchown(directory.descriptor, uid, gid) == 0 else {
                throw Problem(description: "cannot give \(directory.path) to the state directory's owner: \(String(cString: strerror(errno)))")
            }
            return directory
        }
        guard let lock = try FileLock.attempt(serveLockPath(settings)) else {
            throw Problem(description: "attt-collector serve is running on \(settings.stateDirectory): stop it (systemctl stop attt-collector) and restore again")
        }
        defer { withExtendedLifetime(lock) {} }

        // Aside first: the database with its journal files, and every key file the backup replaces.
        let present = ([databaseName, databaseName + "-wal", databaseName + "-shm"] + keyFiles).filter { state.exists($0) }
        var replaced: String?
        if !present.isEmpty {
            // Never into an earlier restore's folder: a rename there would overwrite what it kept.
            let base = "replaced-" + SetAside.stamp(now)
            var name = base, n = 1
            while state.exists(name) {
                n += 1
                name = "\(base)-\(n)"
            }
            let aside = try owned(state.subdirectory(name, create: 0o700))
            for entry in present {
                let (folder, file) = split(entry)
                let from = try folder.map { try state.subdirectory($0) } ?? state
                let to = try folder.map { try owned(aside.subdirectory($0, create: 0o700)) } ?? aside
                guard renameat(from.descriptor, file, to.descriptor, file) == 0 else {
                    throw Problem(description: "cannot move \(state.path(of: entry)) aside to \(aside.path(of: entry)): \(String(cString: strerror(errno)))")
                }
                try from.sync()
                try to.sync()
            }
            replaced = aside.path
        }
        for file in manifest.files {
            let (folder, name) = split(file.path)
            let to = try folder.map { try owned(state.subdirectory($0, create: 0o700)) } ?? state
            // Checked again as it is copied: the backup's folder may have changed since it was verified.
            if file.path == databaseName {
                try copy(databaseName, from: source, to: to, name: name, expected: file, owner: (uid, gid))
            } else {
                let data = try open(file.path, in: source).read(upToCount: smallFileLimit) ?? Data()
                guard ContentDigest.sha256(data) == file.sha256 else { throw changed(source.path(of: file.path)) }
                try to.write(data, name: name, mode: mode(file.path), owner: uid, group: gid)
            }
        }
        return Restored(manifest: manifest, replaced: replaced)
    }

    /// The manifest, once every file it lists matches it and the database is whole and not newer
    /// than this collector. Nothing in the state directory is touched before this returns.
    static func verify(_ source: OpenDirectory, knownMigrations: [String]) throws -> Manifest {
        guard let data = try source.read(manifestName, limit: 64 << 10) else {
            throw Problem(description: "\(source.path(of: manifestName)) is missing: \(source.path) is not a backup made by attt-collector backup")
        }
        let manifest: Manifest
        do { manifest = try JSONDecoder().decode(Manifest.self, from: data) } catch {
            throw Problem(description: "\(source.path(of: manifestName)) is not a backup manifest: \(error)")
        }
        guard manifest.format == format else { throw Problem(description: "\(source.path(of: manifestName)): format \(manifest.format), expected \(format)") }
        let allowed = Set([databaseName] + keyFiles)
        guard manifest.files.count <= allowed.count, manifest.files.allSatisfy({ allowed.contains($0.path) }),
              Set(manifest.files.map(\.path)).count == manifest.files.count else {
            throw Problem(description: "\(source.path(of: manifestName)) lists files a collector backup does not hold (\(manifest.files.map(\.path).filter { !allowed.contains($0) }.prefix(3).joined(separator: ", ")))")
        }
        for required in [databaseName, "ca/ca.pem", "ca/ca.key"] where !manifest.files.contains(where: { $0.path == required }) {
            throw Problem(description: "the backup has no \(required): without it the PCs enrolled at this collector cannot be served")
        }
        for file in manifest.files {
            let found = try describe(file.path, in: source)
            guard found == file else {
                throw Problem(description: "\(source.path(of: file.path)) does not match the manifest (\(found.bytes) bytes, sha256 \(found.sha256); the manifest says \(file.bytes) bytes, \(file.sha256)): the backup was damaged or changed; use another copy")
            }
        }
        let newer = manifest.migrations.filter { !knownMigrations.contains($0) }
        guard newer.isEmpty else {
            throw Problem(description: "the backup's database was made by a newer attt-collector (\(manifest.collectorVersion); migrations \(newer.joined(separator: ", "))): install that version or newer, then restore")
        }
        let database = try SQLiteCollectorStore.check(source.path(of: databaseName))
        guard database.problems.isEmpty else {
            throw Problem(description: "\(source.path(of: databaseName)) fails SQLite's integrity check: \(database.problems.prefix(3).joined(separator: "; "))")
        }
        guard Set(database.migrations) == Set(manifest.migrations) else {
            throw Problem(description: "\(source.path(of: databaseName)) holds migrations \(database.migrations.joined(separator: ", ")), the manifest \(manifest.migrations.joined(separator: ", "))")
        }
        return manifest
    }

    /// A regular file of a backup or state folder, never through a link (nor a linked folder): a
    /// crafted backup cannot make a restore read `/etc/shadow` into the CA's key.
    static func open(_ relative: String, in directory: OpenDirectory) throws -> FileHandle {
        let (folder, name) = split(relative)
        let parent = try folder.map { try directory.subdirectory($0) } ?? directory
        do {
            return FileHandle(fileDescriptor: try parent.openRegularFile(name), closeOnDealloc: true)
        } catch {
            throw Problem(description: "\(directory.path(of: relative)) is not a regular file (missing, a link or something else): \(error)")
        }
    }

    /// Size and SHA-256 of a file, read 1 MiB at a time (a database is many times that).
    static func describe(_ relative: String, in directory: OpenDirectory) throws -> Manifest.File {
        let handle = try open(relative, in: directory)
        var hash = SHA256()
        var bytes: Int64 = 0
        while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            bytes += Int64(chunk.count)
        }
        return Manifest.File(path: relative, bytes: bytes, sha256: ContentDigest.hex(hash.finalize()))
    }

    static func changed(_ path: String) -> Problem {
        Problem(description: "\(path) changed while it was restored: the state directory holds part of the backup; restore again from a copy nobody writes to")
    }

    /// Copies the database under a temporary name, flushes it and renames it into place if it is
    /// still what the manifest says.
    static func copy(_ relative: String, from source: OpenDirectory, to directory: OpenDirectory, name: String, expected: Manifest.File, owner: (uid_t, gid_t)) throws {
        let path = source.path(of: relative)
        let temporary = name + ".restoring"
        try directory.remove(temporary)
        let input = try open(relative, in: source)
        let fd = openat(directory.descriptor, temporary, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0, fchown(fd, owner.0, owner.1) == 0 else {
            if fd >= 0 { close(fd) }
            throw Problem(description: "cannot create \(directory.path(of: temporary)): \(String(cString: strerror(errno)))")
        }
        let output = FileHandle(fileDescriptor: fd, closeOnDealloc: true)
        var hash = SHA256()
        while let chunk = try input.read(upToCount: 1 << 20), !chunk.isEmpty {
            hash.update(data: chunk)
            try output.write(contentsOf: chunk)
        }
        try output.synchronize()
        try output.close()
        guard ContentDigest.hex(hash.finalize()) == expected.sha256 else {
            try? directory.remove(temporary)
            throw changed(path)
        }
        guard renameat(directory.descriptor, temporary, directory.descriptor, name) == 0 else {
            throw Problem(description: "cannot rename \(directory.path(of: temporary)) into place: \(String(cString: strerror(errno)))")
        }
        try directory.sync()
    }

    static func split(_ name: String) -> (folder: String?, file: String) {
        guard let slash = name.lastIndex(of: "/") else { return (nil, name) }
        return (String(name[..<slash]), String(name[name.index(after: slash)...]))
    }
}
