import AtttTestSupport
import HardeningCore
import Foundation
@testable import HostProbes
import SystemPackage
import Testing
@testable import HostAccess

/// The root prefix is the only door: links inside a host tree never lead out of it.
@Suite struct HostRootTests {
    @Test func absoluteLinksStayInsideTheRoot() throws {
        let host = try FixtureHost("debian12-desktop")
        try host.write("/usr/share/attt-test/real.conf", "inside the image\n")
        try host.symlink("/etc/linked.conf", to: "/usr/share/attt-test/real.conf")
        try host.symlink("/etc/escape.conf", to: "../../../../../../../../etc/hostname")
        try host.symlink("/etc/loop-a", to: "/etc/loop-b")
        try host.symlink("/etc/loop-b", to: "/etc/loop-a")
        let root = HostRoot(host.root.path)
        #expect(try root.text("/etc/linked.conf") == "inside the image\n")
        // `..` cannot climb above the root: this reads the fixture's own /etc/hostname.
        #expect(try root.text("/etc/escape.conf") == (try host.read("/etc/hostname")))
        #expect(throws: ProbeError.self) { try root.text("/etc/loop-a") }
        #expect(root.linkTarget("/etc/linked.conf") == "/usr/share/attt-test/real.conf")
    }

    /// The root is opened once; `..` past it and absolute links are resolved in it by the kernel.
    @Test func theRootIsOneDescriptorAndTheKernelKeepsReadsInIt() throws {
        let host = try FixtureHost("debian12-desktop")
        try host.symlink("/etc/escape-absolute", to: "/etc/hostname")
        let root = HostRoot(host.root.path)
        #expect(root.rootDirectory != nil)
        #expect(HostRoot("/").rootDirectory == nil)
        let copy = root
        #expect(copy.rootDirectory === root.rootDirectory)
        for path in ["/../../../../etc/hostname", "/etc/escape-absolute"] {
            #expect(try root.text(path) == (try host.read("/etc/hostname")), "\(path)")
        }
    }

    /// Owner, mode and time come from the file inside the root, never from the machine running attt:
    /// a link at the path out of the tree is resolved in the tree (review D8: one stat through the root).
    @Test func attributesOfALinkOutOfTheRootAreTheFileInsideIt() throws {
        let outside = try FixtureHost()
        try outside.write("/key", "outside\n")
        #expect(chmod(outside.url("/key").path, 0o741) == 0)
        let host = try FixtureHost()
        try host.symlink("/etc/secret.key", to: outside.url("/key").path)
        try host.symlink("/etc/dotdot.key", to: "../../../../../../../../../.." + outside.url("/key").path)
        try host.symlink("/etc/gone.key", to: outside.url("/key").path + ".absent")
        try host.write(outside.url("/key").path, "inside\n")
        #expect(chmod(host.url(outside.url("/key").path).path, 0o600) == 0)
        #expect(utime(host.url(outside.url("/key").path).path, [utimbuf(actime: 1_000_000_000, modtime: 1_000_000_000)]) == 0)
        let root = HostRoot(host.root.path)
        for path in ["/etc/secret.key", "/etc/dotdot.key"] {
            #expect(try root.attributes(path)?.permissions == 0o600, "\(path)")
            #expect(try root.modified(path) == Date(timeIntervalSince1970: 1_000_000_000), "\(path)")
        }
        #expect(try root.attributes("/etc/gone.key") == nil)
        #expect(try root.modified("/etc/gone.key") == nil)
        // On the live host the same call is a plain stat of the outside file.
        #expect(try HostRoot("/").attributes(outside.url("/key").path)?.permissions == 0o741)
    }

    @Test func missingFilesAreNilAndDirectoriesAreErrors() throws {
        let root = HostRoot(Repository.host("debian12-desktop").path)
        #expect(try root.text("/etc/does-not-exist") == nil)
        #expect(throws: ProbeError.self) { try root.text("/etc/pam.d") }
        #expect(try root.list("/etc/pam.d").contains("common-auth"))
        #expect(try root.list("/nope") == [])
    }
}

/// Reads through file descriptors: the end of a log, bounded reads.
@Suite struct DescriptorReadTests {
    @Test func tailAndBoundedReads() throws {
        let host = try FixtureHost()
        try host.write("/var/log/x.log", "0123456789")
        let root = HostRoot(host.root.path)
        #expect(try root.tail("/var/log/x.log", bytes: 4).map { String(decoding: $0, as: UTF8.self) } == "6789")
        #expect(try root.tail("/var/log/x.log", bytes: 100).map { String(decoding: $0, as: UTF8.self) } == "0123456789")
        #expect(try root.tail("/var/log/none.log", bytes: 4) == nil)
        let fd = try FileDescriptor.open(host.url("/var/log/x.log").path, .readOnly)
        defer { try? fd.close() }
        #expect(throws: Errno.fileTooLarge) { try fd.readAll(upTo: 5) }
        try fd.seek(offset: 0, from: .start)
        #expect(try fd.readAll(upTo: 5, beyond: .stop) == Data("01234".utf8))
    }
}

@Suite struct SparseLastlogTests {
    /// A directory user with UID 3,000,000 makes lastlog 876 MB long on paper; only its record is read.
    @Test func readsOneRecordOfAHugeSparseLastlog() throws {
        let host = try FixtureHost("debian12-hardened")
        try host.append("/etc/passwd", "ldapuser:x:3000000:3000000::/home/ldapuser:/bin/bash\n")
        try host.append("/etc/shadow", "ldapuser:*:20000:0:99999:7:::\n")
        let url = host.url("/var/log/lastlog")
        FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        let offset = UInt64(3_000_000 * LoginRecords.lastlogRecordSize)
        try handle.truncate(atOffset: offset + 292)
        try handle.seek(toOffset: offset)
        let when = Int32(1_795_000_000)
        try handle.write(contentsOf: withUnsafeBytes(of: when.littleEndian) { Data($0) })
        try handle.close()
        let facts = HostProbe(host: HostRoot(host.root.path), antivirusEngines: []).collect(now: fixtureNow)
        let user = try #require(facts.accounts.value?.users.first { $0.name == "ldapuser" })
        #expect(user.lastLogin?.value == Timestamp(secondsSince1970: 1_795_000_000))
        #expect(user.lastLogin?.source.path == "/var/log/lastlog")
    }
}
