import AtttTestSupport
import Foundation
import Testing

/// `attt check` as the officer runs it, on a tree with a user's FIFO at authorized_keys: it ends,
/// names the file and the reason, and still reports on the rest (issue 12, point 2).
@Suite struct HostileCheckTests {
    @Test func aFifoAtAuthorizedKeysDoesNotHangTheCheck() throws {
        let host = try FixtureHost()
        try host.write("/home/nguyenvana/.ssh/.keep", "")
        #expect(mkfifo(host.url("/home/nguyenvana/.ssh/authorized_keys").path, 0o644) == 0)
        // timeout(1) turns a hang into status 124 instead of a test run that never ends.
        let out = try AtttBinary.run(
            executable: URL(fileURLWithPath: "/usr/bin/timeout"),
            ["120", AtttBinary.url.path, "check", "--root", host.root.path, "--lang", "en", "--now", "2026-11-25T08:00:00Z"]
        )
        #expect(out.status != 124, "attt check hung on a FIFO")
        // 0 or 1 (failing controls): the trap is an `error` result in the report, not a failed run.
        #expect(out.status == 0 || out.status == 1, "\(out.stderr)")
        #expect(out.stdout.contains("/home/nguyenvana/.ssh/authorized_keys"))
        #expect(out.stdout.contains("FIFO"))
        #expect(out.stdout.contains("PASS"), "the other controls were still checked")
    }
}
