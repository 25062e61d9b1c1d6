import CollectorStore
@testable import CollectorServer
import Foundation
import Testing

/// The collector's bounds as settings and as the pool that keeps blocking work in line (issue 12).
@Suite struct AbuseLimitsTests {
    @Test func theShippedBounds() async throws {
        let settings = try await SettingsLoader.load(file: nil, flags: [:], environment: [:])
        #expect(settings.idleTimeout == 30 && settings.requestTimeout == 120 && settings.maxConnections == 512 && settings.sessionIdle == 1800)
        #expect(BodyLimits.anonymous == 8 << 10 && BodyLimits.officer == 64 << 10 && BodyLimits.agent == 16 << 20)
        let tuned = try await SettingsLoader.load(file: nil, flags: [:], environment: [
            "ATTT_COLLECTOR_SERVER_IDLE_TIMEOUT": "5s", "ATTT_COLLECTOR_SERVER_REQUEST_TIMEOUT": "1m",
            "ATTT_COLLECTOR_SERVER_MAX_CONNECTIONS": "64", "ATTT_COLLECTOR_OFFICERS_SESSION_IDLE": "10m",
        ])
        #expect(tuned.idleTimeout == 5 && tuned.requestTimeout == 60 && tuned.maxConnections == 64 && tuned.sessionIdle == 600)
        await #expect(throws: SettingsLoader.Problem.self) {
            _ = try await SettingsLoader.load(file: nil, flags: [:], environment: ["ATTT_COLLECTOR_SERVER_MAX_CONNECTIONS": "0"])
        }
    }

    /// Past its threads and queue, the pool answers "busy" at once instead of piling work up.
    @Test func aFullPoolRefusesInsteadOfQueueingForEver() async throws {
        let pool = BlockingPool(name: "sign-in", threads: 1, queue: 1)
        let release = DispatchSemaphore(value: 0), started = DispatchSemaphore(value: 0)
        let running = Task { try await pool.run { started.signal(); release.wait(); return 1 } }
        started.wait()
        let queued = Task { try await pool.run { 2 } }
        // The queued call has been admitted once the count says so; wait for that, not for a time.
        while pool.inFlight < 2 { await Task.yield() }
        await #expect(throws: BlockingPool.Busy.self) { try await pool.run { 3 } }
        release.signal()
        #expect(try await running.value == 1)
        #expect(try await queued.value == 2)
        #expect(try await pool.run { 4 } == 4)
    }
}

/// A session ends when it is left idle, and when its officer leaves the officer group (looked up
/// again every 5 minutes), whatever its lifetime.
@Suite struct OfficerSessionTests {
    @Test func idleSessionsAndFormerOfficersAreSignedOut() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-sessions-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteCollectorStore(path: path)
        var settings = CollectorSettings()
        settings.officerGroup = "attt-no-such-group-\(UUID().uuidString.prefix(8))"
        let officers = OfficerAuthenticator(store: store, settings: settings, pamConfdir: nil, database: BlockingPool(name: "database", threads: 1, queue: 8))
        let now = Date()

        // Idle for longer than officers.session-idle (30 min): gone.
        try store.createSession(tokenHash: OfficerAuthenticator.hash("idle"), user: "nguyenvana", expiresAt: now.addingTimeInterval(8 * 3600), now: now)
        #expect(try await officers.officer(session: "idle", now: now.addingTimeInterval(1_801)) == nil)

        // Used every minute, it lives until the group is looked up again and the officer is not in it
        // (signed in as a supervisor, as far as this process remembers).
        try store.createSession(tokenHash: OfficerAuthenticator.hash("s"), user: "nguyenvana", expiresAt: now.addingTimeInterval(8 * 3600), now: now)
        officers.accesses.remember(OfficerAccess(supervisor: true), session: OfficerAuthenticator.hash("s"))
        for minute in 1...4 { #expect(try await officers.officer(session: "s", now: now.addingTimeInterval(Double(minute) * 60))?.user == "nguyenvana") }
        #expect(try await officers.officer(session: "s", now: now.addingTimeInterval(300)) == nil)
        #expect(try store.session(tokenHash: OfficerAuthenticator.hash("s"), now: now.addingTimeInterval(301), idle: 1800) == nil)
    }
}
