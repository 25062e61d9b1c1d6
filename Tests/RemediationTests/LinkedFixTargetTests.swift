import AtttTestSupport
import Foundation
import HardeningCore
import HostAccess
import Remediation
import Testing

/// A fix whose file is a link (`/etc/login.defs -> …`): the file the link leads to is changed, and a
/// rollback puts back both the link and that file, byte for byte (issue 12, point 3).
@Suite struct LinkedFixTargetTests {
    static func write(_ path: String, _ text: String) -> RemediationPlan {
        RemediationPlan(steps: [RemediationStep(
            control: "VN-TD-PW-001", fixer: "test", description: "test",
            action: .writeFile(path: path, content: Data(text.utf8), mode: 0o644)
        )])
    }

    @Test func theFileBehindTheLinkIsChangedAndRolledBackWithTheLink() throws {
        let host = try FixtureHost()
        let original = try host.read("/etc/login.defs")
        try host.write("/srv/conf/login.defs", original)
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: "/srv/conf/login.defs")
        let before = try snapshot(host.root)
        let applier = Applier(host: HostRoot(host.root.path))

        let journal = try applier.apply(Self.write("/etc/login.defs", "PASS_MAX_DAYS 90\n"), officer: nil)
        #expect(journal.state == .applied)
        #expect(Set(journal.backups.map(\.path)) == ["/etc/login.defs", "/srv/conf/login.defs"])
        // The link stays a link; the change is in the file it leads to.
        #expect(try FileManager.default.destinationOfSymbolicLink(atPath: host.url("/etc/login.defs").path) == "/srv/conf/login.defs")
        #expect(try host.read("/srv/conf/login.defs") == "PASS_MAX_DAYS 90\n")

        _ = try applier.rollback(nil)
        #expect(try snapshot(host.root) == before)
        #expect(try host.read("/srv/conf/login.defs") == original)
    }

    /// A link out of the root leads, as the tree's own system would read it, to a file inside it.
    @Test func aLinkOutOfTheRootNeverChangesThisMachine() throws {
        let host = try FixtureHost()
        let outside = FileManager.default.temporaryDirectory.appendingPathComponent("attt-outside-\(UUID().uuidString).conf")
        defer { try? FileManager.default.removeItem(at: outside) }
        try Data("outside\n".utf8).write(to: outside)
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: outside.path)
        let before = try snapshot(host.root)
        let applier = Applier(host: HostRoot(host.root.path))
        _ = try applier.apply(Self.write("/etc/login.defs", "PASS_MAX_DAYS 90\n"), officer: nil)
        #expect(try String(contentsOf: outside, encoding: .utf8) == "outside\n")
        #expect(try host.read(outside.path) == "PASS_MAX_DAYS 90\n")
        _ = try applier.rollback(nil)
        #expect(try snapshot(host.root) == before)
        #expect(try String(contentsOf: outside, encoding: .utf8) == "outside\n")
    }

    /// A link to something that is not a regular file (a directory here; a device the same) is refused
    /// with the reason, before anything is changed or journaled.
    @Test func aLinkToSomethingElseIsRefusedBeforeAnyChange() throws {
        let host = try FixtureHost()
        try host.write("/srv/conf/.keep", "")
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: "/srv/conf")
        let before = try snapshot(host.root)
        #expect {
            try Applier(host: HostRoot(host.root.path)).apply(Self.write("/etc/login.defs", "PASS_MAX_DAYS 90\n"), officer: nil)
        } throws: { error in
            "\(error)".contains("/etc/login.defs is not changed") && "\(error)".contains("not a regular file")
        }
        #expect(try snapshot(host.root) == before)
    }

    @Test func aLinkLoopIsRefusedBeforeAnyChange() throws {
        let host = try FixtureHost()
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: "/etc/login.defs")
        let before = try snapshot(host.root)
        #expect(throws: Applier.LinkedTargetRefused.self) {
            try Applier(host: HostRoot(host.root.path)).apply(Self.write("/etc/login.defs", "x\n"), officer: nil)
        }
        #expect(try snapshot(host.root) == before)
    }
}
