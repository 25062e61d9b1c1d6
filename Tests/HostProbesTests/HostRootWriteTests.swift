import AtttTestSupport
import DurableFiles
import Foundation
import HostAccess
import Testing

/// The write side of the one door (issue 12, point 3): every file attt writes or removes on a host
/// is named in a directory opened inside the root, so neither a link planted on the way nor one
/// swapped in after the directory was opened leads a write out of the tree.
@Suite final class HostRootWriteTests {
    let root = emptyRoot("attt-write-root")
    let outside = emptyRoot("attt-write-outside")

    deinit {
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: outside)
    }

    func snapshot(_ directory: String) -> [String: Data] {
        var files: [String: Data] = [:]
        let walker = FileManager.default.enumerator(atPath: directory)
        while let name = walker?.nextObject() as? String {
            files[name] = (try? Data(contentsOf: URL(fileURLWithPath: directory + "/" + name))) ?? Data("<dir>".utf8)
        }
        return files
    }

    @Test func directoriesAreMadeInsideTheRootThroughAbsoluteLinksAndDotDot() throws {
        try FileManager.default.createDirectory(atPath: root + "/var", withIntermediateDirectories: true)
        // An image's `var/lib -> /srv/lib` (absolute, and pointing where nothing exists yet) and a
        // `..` that tries to climb out: both are taken inside the tree.
        try FileManager.default.createSymbolicLink(atPath: root + "/var/lib", withDestinationPath: outside + "/lib")
        let host = HostRoot(root)
        let state = try host.directory("/var/lib/attt", create: 0o700)
        try state.write(Data("kept\n".utf8), name: "enforcement.json", mode: 0o644)
        #expect(FileManager.default.contents(atPath: root + outside + "/lib/attt/enforcement.json") == Data("kept\n".utf8))
        let climbing = try host.directory("/../../../../tmp-in-root", create: 0o755)
        try climbing.write(Data("x".utf8), name: "f", mode: 0o600)
        #expect(FileManager.default.fileExists(atPath: root + "/tmp-in-root/f"))
        #expect(snapshot(outside).isEmpty)
    }

    /// The race a path-based write loses: the directory is opened, then a local user swaps it for a
    /// link out of the root. The write still lands in the directory that was opened.
    @Test func aDirectorySwappedForALinkAfterOpeningDoesNotLeadTheWriteOut() throws {
        let host = HostRoot(root)
        let log = try host.directory("/var/log/attt", create: 0o755)
        try FileManager.default.moveItem(atPath: root + "/var/log/attt", toPath: root + "/var/log/attt.moved")
        try FileManager.default.createSymbolicLink(atPath: root + "/var/log/attt", withDestinationPath: outside)
        try log.write(Data("line\n".utf8), name: "agent.log", mode: 0o640)
        try log.append(Data("more\n".utf8), name: "remediation.log", mode: 0o640)
        #expect(snapshot(outside).isEmpty)
        #expect(FileManager.default.contents(atPath: root + "/var/log/attt.moved/agent.log") == Data("line\n".utf8))
        #expect(FileManager.default.contents(atPath: root + "/var/log/attt.moved/remediation.log") == Data("more\n".utf8))
    }

    /// A link at the name itself is replaced by a write and removed by a removal, never followed;
    /// appending to a log that is a link is refused.
    @Test func aLinkAtTheNameIsReplacedOrRemovedNeverFollowed() throws {
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: outside + "/shadow"))
        let host = HostRoot(root)
        let state = try host.directory("/var/lib/attt/outbox", create: 0o700)
        for name in ["item.json", "gone.json", "agent.log"] {
            try FileManager.default.createSymbolicLink(atPath: state.path(of: name), withDestinationPath: outside + "/shadow")
        }
        try state.write(Data("{}".utf8), name: "item.json", mode: 0o600)
        try state.remove("gone.json")
        #expect(throws: AtomicFile.Failure.self) { try state.append(Data("x\n".utf8), name: "agent.log", mode: 0o640) }
        #expect(FileManager.default.contents(atPath: outside + "/shadow") == Data("secret\n".utf8))
        #expect(try state.status("item.json").map { $0.st_mode & S_IFMT } == S_IFREG)
        #expect(!state.exists("gone.json"))
        #expect(Set(snapshot(outside).keys) == ["shadow"])
    }

    /// Reading attt's own state through the door: only a regular file, never through a link.
    @Test func stateIsReadOnlyFromRegularFilesInTheOpenedDirectory() throws {
        try Data("secret\n".utf8).write(to: URL(fileURLWithPath: outside + "/key"))
        let state = try HostRoot(root).directory("/var/lib/attt/identity", create: 0o700)
        try FileManager.default.createSymbolicLink(atPath: state.path(of: "host.key"), withDestinationPath: outside + "/key")
        #expect(throws: AtomicFile.Failure.self) { try state.read("host.key", limit: 1 << 20) }
        #expect(mkfifo(state.path(of: "ca.pem"), 0o600) == 0)
        let error = try #require(throws: AtomicFile.Failure.self) { try state.read("ca.pem", limit: 1 << 20) }
        #expect(error.description.contains("not a regular file"))
        #expect(try state.read("absent", limit: 1) == nil)
    }

    /// A state file set aside keeps its bytes under a new name in the same directory.
    @Test func settingAsideRenamesInsideTheOpenedDirectory() throws {
        let state = try HostRoot(root).directory("/var/lib/attt/transactions", create: 0o700)
        try state.write(Data("garbled".utf8), name: "journal.json", mode: 0o600)
        let moved = try state.setAside("journal.json", now: Date(timeIntervalSince1970: 1_795_000_000))
        #expect(moved.hasPrefix(state.path + "/journal.json.corrupt-"))
        #expect(FileManager.default.contents(atPath: moved) == Data("garbled".utf8))
        #expect(!state.exists("journal.json"))
    }
}
