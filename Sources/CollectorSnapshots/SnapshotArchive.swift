import CollectorStore
import Crypto
import DurableFiles
import Foundation
import Glibc
import ZIPFoundation

/// The ZIP being written: a staged file next to the output (`.attt-snapshot-<uuid>.zip`), entries
/// added one at a time with their SHA-256, and only once complete, flushed and renamed to its name.
/// Nothing under the final name is ever half an archive; a failure removes the staged file.
final class SnapshotArchive {
    let directory: OpenDirectory
    let staged: String
    private var archive: Archive?
    private(set) var files: [SnapshotManifest.File] = []
    private(set) var bytes: Int64 = 0
    let maxBytes: Int64
    let modified: Date

    /// - Parameters:
    ///   - directory: where the output goes; the staged file is made there, so the rename stays on one file system.
    ///   - maxBytes: the most the entries may hold, uncompressed: a unit's size never becomes the disk's.
    init(in directory: OpenDirectory, maxBytes: Int64, modified: Date) throws {
        self.directory = directory
        self.maxBytes = maxBytes
        self.modified = modified
        staged = AtomicFile.temporaryPrefix + "snapshot-" + UUID().uuidString + ".zip"
        do {
            archive = try Archive(url: URL(fileURLWithPath: directory.path(of: staged)), accessMode: .create, pathEncoding: nil)
        } catch {
            throw SnapshotProblem(.output, "không tạo được tệp tạm trong \(directory.path) — cannot create a file in \(directory.path): \(error)")
        }
    }

    deinit {
        // Still staged: the snapshot failed part way. The half archive goes.
        if !finished {
            archive = nil
            unlinkat(directory.descriptor, staged, 0)
        }
    }

    private var finished = false

    /// Adds one file; `path` is built by the snapshot from ids, never from what an agent chose.
    func add(_ path: String, _ data: Data) throws {
        guard let archive else { throw SnapshotProblem(.output, "the archive is already closed") }
        guard bytes + Int64(data.count) <= maxBytes else {
            throw SnapshotProblem(.tooLarge, "bản chụp vượt quá \(maxBytes >> 20) MiB — the snapshot would pass \(maxBytes >> 20) MiB; take it on the collector host with attt-collector snapshot (a larger --max-size)")
        }
        let digest = ContentDigest.sha256(data)
        do {
            try archive.addEntry(with: path, type: .file, uncompressedSize: Int64(data.count), modificationDate: modified, permissions: 0o644,
                                 compressionMethod: .deflate) { position, size in
                let start = data.startIndex + Int(position)
                return data.subdata(in: start..<min(start + size, data.endIndex))
            }
        } catch {
            throw SnapshotProblem(.output, "ghi \(path) vào bản chụp thất bại — writing \(path) into the archive failed: \(error)")
        }
        bytes += Int64(data.count)
        files.append(SnapshotManifest.File(path: path, bytes: Int64(data.count), sha256: digest))
    }

    /// Closes the archive, flushes it to disk and hashes it, still under its staged name.
    func seal() throws -> (sha256: String, bytes: Int64) {
        archive = nil
        let fd = openat(directory.descriptor, staged, O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { throw failure(staged, "open") }
        defer { close(fd) }
        guard fsync(fd) == 0 else { throw failure(staged, "fsync") }
        var hash = SHA256()
        var total: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0, errno == EINTR { continue }
            guard n >= 0 else { throw failure(staged, "read") }
            if n == 0 { break }
            hash.update(data: buffer[..<n])
            total += Int64(n)
        }
        return (ContentDigest.hex(hash.finalize()), total)
    }

    /// Gives the sealed archive its name: `replace` renames over an existing file; otherwise an
    /// existing file is left alone and refused (a hard link never replaces, so a file made meanwhile
    /// is not overwritten either).
    func publish(as name: String, replace: Bool) throws {
        if replace {
            guard renameat(directory.descriptor, staged, directory.descriptor, name) == 0 else { throw failure(name, "rename") }
        } else {
            guard linkat(directory.descriptor, staged, directory.descriptor, name, 0) == 0 else {
                if errno == EEXIST { throw Self.exists(directory.path(of: name)) }
                throw failure(name, "link")
            }
            unlinkat(directory.descriptor, staged, 0)
        }
        finished = true
        try? directory.sync()
    }

    /// Takes a published archive back (its audit entry could not be written): a snapshot given out
    /// is always one the audit log names.
    func withdraw(_ name: String) {
        unlinkat(directory.descriptor, name, 0)
        try? directory.sync()
    }

    func failure(_ name: String, _ call: String) -> SnapshotProblem {
        SnapshotProblem(.output, "\(directory.path(of: name)): \(call) failed: \(String(cString: strerror(errno)))")
    }

    static func exists(_ path: String) -> SnapshotProblem {
        SnapshotProblem(.outputExists, "\(path) đã có; thêm --force để ghi đè — \(path) exists; choose another --output, or add --force to replace it")
    }
}
