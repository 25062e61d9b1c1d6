import DurableFiles
import Foundation
import Testing

/// A write is either durable or an error: every fsync, close and rename result is checked, the
/// directory's fsync too (issue 12, point 5). Failures are provoked by replacing one system call.
@Suite struct DurableFilesTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-durable-\(UUID())").path

    init() throws {
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        try Data("old\n".utf8).write(to: URL(fileURLWithPath: directory + "/target"))
    }

    /// `fsync` fails with EIO on a file (`onDirectory: false`) or on the directory (`true`).
    static func failingFsync(onDirectory: Bool) -> SystemCalls {
        var calls = SystemCalls.live
        calls.fsync = { fd in
            var st = stat()
            fstat(fd, &st)
            guard (st.st_mode & S_IFMT == S_IFDIR) == onDirectory else { return Glibc.fsync(fd) }
            errno = EIO
            return -1
        }
        return calls
    }

    func write(_ calls: SystemCalls) throws {
        try AtomicFile.write(Data("new\n".utf8), to: directory + "/target", mode: 0o600, owner: getuid(), group: getgid(), calls: calls)
    }

    func leftovers() throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: directory).filter { $0.hasPrefix(AtomicFile.temporaryPrefix) }
    }

    @Test func aFailingFsyncIsAnErrorAndTheTargetIsUntouched() throws {
        let error = try #require(throws: AtomicFile.Failure.self) { try write(Self.failingFsync(onDirectory: false)) }
        #expect(error.call == "fsync" && error.code == EIO)
        #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "old\n")
        #expect(try leftovers().isEmpty)
    }

    /// The rename is done but not yet on disk: the caller must hear it (a fix then restores, a journal write fails loudly).
    @Test func aFailingDirectoryFsyncIsAnError() throws {
        let error = try #require(throws: AtomicFile.Failure.self) { try write(Self.failingFsync(onDirectory: true)) }
        #expect(error.call == "fsync" && error.path == directory && error.code == EIO)
    }

    @Test func aFailingCloseIsAnError() throws {
        var calls = SystemCalls.live
        calls.close = { fd in Glibc.close(fd); errno = EIO; return -1 }
        let error = try #require(throws: AtomicFile.Failure.self) { try write(calls) }
        #expect(error.call == "close")
        #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "old\n")
        #expect(try leftovers().isEmpty)
    }

    @Test func aFailingRenameIsAnErrorAndLeavesNoStagedFile() throws {
        var calls = SystemCalls.live
        calls.renameat = { _, _, _ in errno = EXDEV; return -1 }
        let error = try #require(throws: AtomicFile.Failure.self) { try write(calls) }
        #expect(error.call == "rename" && error.code == EXDEV)
        #expect(try String(contentsOfFile: directory + "/target", encoding: .utf8) == "old\n")
        #expect(try leftovers().isEmpty)
    }

    @Test func removingAFileThatCannotBeRemovedIsAnError() throws {
        try FileManager.default.createDirectory(atPath: directory + "/full/inner", withIntermediateDirectories: true)
        #expect(throws: AtomicFile.Failure.self) { try AtomicFile.remove(directory + "/full") }
        try AtomicFile.remove(directory + "/gone")
    }

    // MARK: Reading state

    @Test func readingAFifoNeitherBlocksNorSucceeds() throws {
        #expect(mkfifo(directory + "/fifo", 0o600) == 0)
        let error = try #require(throws: AtomicFile.Failure.self) { try RegularFile.read(directory + "/fifo", limit: 1 << 20) }
        #expect(error.description.contains("not a regular file"))
    }

    @Test func readingThroughALinkOrPastTheLimitFails() throws {
        #expect(symlink(directory + "/target", directory + "/link") == 0)
        #expect(throws: AtomicFile.Failure.self) { try RegularFile.read(directory + "/link", limit: 1 << 20) }
        let error = try #require(throws: AtomicFile.Failure.self) { try RegularFile.read(directory + "/target", limit: 2) }
        #expect(error.description.contains("larger than 2 bytes"))
        #expect(try RegularFile.read(directory + "/target", limit: 4) == Data("old\n".utf8))
        #expect(try RegularFile.read(directory + "/missing", limit: 4) == nil)
    }

    @Test func settingAsideTwiceInOneSecondKeepsBoth() throws {
        let now = Date(timeIntervalSince1970: 1_795_000_000)
        let first = try SetAside.move(directory + "/target", now: now)
        try Data("again\n".utf8).write(to: URL(fileURLWithPath: directory + "/target"))
        let second = try SetAside.move(directory + "/target", now: now)
        #expect(first.hasSuffix("/target.corrupt-20261118T110640Z") && second == first + "-2", "\(first) \(second)")
        #expect(try String(contentsOfFile: first, encoding: .utf8) == "old\n")
        #expect(!FileManager.default.fileExists(atPath: directory + "/target"))
    }
}
