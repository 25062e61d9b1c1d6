import AtttTestSupport
import Foundation
import Testing

/// Two `attt run` at once (the timer and an officer) would compact and acknowledge the outbox under
/// each other: one waits for the other through `var/lib/attt/outbox.lock` (issue 12, point 5).
@Suite struct OutboxLockTests {
    static let run = ["run", "--now", "2026-11-25T08:00:00Z"]

    func reports(_ host: FixtureHost) throws -> [String] {
        let outbox = host.url("/var/lib/attt/outbox").path
        guard FileManager.default.fileExists(atPath: outbox) else { return [] }
        return try FileManager.default.contentsOfDirectory(atPath: outbox).filter { $0.hasSuffix("-report.json") }
    }

    /// While another process holds the lock, a run waits, then gives up saying why, and touches
    /// nothing in the outbox; once the lock is free the next run keeps its report.
    @Test func aRunWaitsForTheOneHoldingTheOutbox() throws {
        let host = try FixtureHost("debian12-desktop")
        let lock = host.url("/var/lib/attt/outbox.lock").path
        try FileManager.default.createDirectory(atPath: host.url("/var/lib/attt").path, withIntermediateDirectories: true)
        let fd = open(lock, O_RDWR | O_CREAT, 0o600)
        try #require(fd >= 0 && flock(fd, LOCK_EX) == 0, "cannot take the outbox lock in the test")
        let blocked = try AtttBinary.run(Self.run + ["--root", host.root.path, "--outbox-lock-wait", "1"])
        #expect(blocked.status == 1, "\(blocked.stdout)\(blocked.stderr)")
        #expect(blocked.stdout.contains("another attt run is using the outbox; waiting"))
        #expect(blocked.stderr.contains("another attt run held the outbox for 1 s"), "\(blocked.stderr)")
        #expect(try reports(host).isEmpty)
        close(fd)
        let free = try AtttBinary.run(Self.run + ["--root", host.root.path])
        #expect(free.status == 0, "\(free.stderr)")
        #expect(try reports(host).count == 1)
    }

    /// Started together, both runs finish and both reports are kept.
    @Test func twoRunsAtOnceBothKeepTheirReport() async throws {
        let host = try FixtureHost("debian12-desktop")
        async let first = Task.detached { try AtttBinary.run(Self.run + ["--root", host.root.path]) }.value
        async let second = Task.detached { try AtttBinary.run(Self.run + ["--root", host.root.path]) }.value
        let (a, b) = try await (first, second)
        #expect(a.status == 0 && b.status == 0, "\(a.stderr)\(b.stderr)")
        #expect(try reports(host).count == 2)
    }
}
