import AtttTestSupport
import Foundation
import Testing

/// `attt check` as the officer runs it, on a tree with a user's FIFO at authorized_keys: it ends,
/// names the file and the reason, and still reports on the rest (issue 12, point 2).
@Suite struct HostileCheckTests {
    /// `fixture` with a user's FIFO at authorized_keys, checked by the `attt` process.
    static func checkWithFifo(_ fixture: String) throws -> AtttBinary.Output {
        let host = try FixtureHost(fixture)
        try host.write("/home/nguyenvana/.ssh/.keep", "")
        #expect(mkfifo(host.url("/home/nguyenvana/.ssh/authorized_keys").path, 0o644) == 0)
        // timeout(1) turns a hang into status 124 instead of a test run that never ends.
        return try AtttBinary.run(
            executable: URL(fileURLWithPath: "/usr/bin/timeout"),
            ["120", AtttBinary.url.path, "check", "--root", host.root.path, "--lang", "en", "--now", "2026-11-25T08:00:00Z"]
        )
    }

    @Test func aFifoAtAuthorizedKeysDoesNotHangTheCheck() throws {
        let out = try Self.checkWithFifo("debian12-hardened")
        #expect(out.status != 124, "attt check hung on a FIFO")
        // The hardened tree fails nothing: the trap's `error` results alone give exit 4, not 0.
        #expect(out.status == 4, "\(out.stderr)")
        #expect(out.stdout.contains("/home/nguyenvana/.ssh/authorized_keys"))
        #expect(out.stdout.contains("FIFO"))
        #expect(out.stdout.contains("PASS"), "the other controls were still checked")
    }

    /// A fail outranks a control that could not be evaluated: the desktop tree fails controls, so 1.
    @Test func failsOutrankErrorsInTheExitCode() throws {
        let out = try Self.checkWithFifo("debian12-desktop")
        #expect(out.status == 1, "\(out.stderr)")
        #expect(out.stdout.contains("FIFO") && out.stdout.contains("FAIL"))
    }

    /// The report's host section names an identity file it could not read, not an empty line.
    @Test func refusedOsReleaseIsNamedInTheReportHeader() throws {
        let host = try FixtureHost()
        try host.remove("/etc/os-release")
        #expect(mkfifo(host.url("/etc/os-release").path, 0o644) == 0)
        let out = try AtttBinary.run(["check", "--root", host.root.path, "--lang", "en", "--now", "2026-11-25T08:00:00Z"])
        #expect(out.status == 4, "\(out.stderr)")
        let header = out.stdout.split(separator: "\n").prefix(6).joined(separator: "\n")
        #expect(header.contains("Could not read: /etc/os-release: is a FIFO"), "\(header)")
    }
}
