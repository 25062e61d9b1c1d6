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
