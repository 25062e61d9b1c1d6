import AtttTestSupport
import Foundation
@testable import HostProbes
import Testing

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

    @Test func missingFilesAreNilAndDirectoriesAreErrors() throws {
        let root = HostRoot(Repository.host("debian12-desktop").path)
        #expect(try root.text("/etc/does-not-exist") == nil)
        #expect(throws: ProbeError.self) { try root.text("/etc/pam.d") }
        #expect(try root.list("/etc/pam.d").contains("common-auth"))
        #expect(try root.list("/nope") == [])
    }
}
