import NIOConcurrencyHelpers
import NIOPosix

/// Threads of their own for work that blocks: SQLite through GRDB, PAM (pam_unix sleeps after a
/// wrong password), group look-ups through NSS. Such work never runs on NIO's event loops (every
/// connection would wait) nor on Swift's cooperative pool (a few slow calls would stall every task).
/// The queue is bounded: past it the caller is told to come back (503), so a flood of requests
/// cannot pile up unbounded work behind the ones already waiting.
final class BlockingPool: Sendable {
    let name: String
    let threads: Int
    /// Calls running or waiting; at most `threads + queue`.
    let capacity: Int
    let pool: NIOThreadPool
    let admission: Admission

    /// The threads live as long as the process: the collector has one pool of each kind.
    init(name: String, threads: Int, queue: Int) {
        self.name = name
        self.threads = threads
        self.capacity = threads + queue
        admission = Admission(name: name, capacity: threads + queue)
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
    }

    /// Calls running or waiting now.
    var inFlight: Int { admission.inFlight }

    struct Busy: Error, CustomStringConvertible {
        var pool: String
        var description: String { "the collector is busy (\(pool)); try again in a few seconds" }
    }

    /// Runs `work` on one of the pool's threads, or throws ``Busy`` when `capacity` calls are already in.
    func run<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        try await admission.run { try await pool.runIfActive(work) }
    }
}

/// At most `capacity` callers in at once; past it ``BlockingPool/Busy`` (503, come back shortly).
final class Admission: Sendable {
    let name: String
    let capacity: Int
    private let admitted = NIOLockedValueBox(0)

    init(name: String, capacity: Int) {
        self.name = name
        self.capacity = capacity
    }

    var inFlight: Int { admitted.withLockedValue { $0 } }

    func run<T>(_ body: () async throws -> T) async throws -> T {
        try enter()
        defer { leave() }
        return try await body()
    }

    func enter() throws {
        let capacity = capacity
        let entered = admitted.withLockedValue { count -> Bool in
            guard count < capacity else { return false }
            count += 1
            return true
        }
        guard entered else { throw BlockingPool.Busy(pool: name) }
    }

    func leave() { admitted.withLockedValue { $0 -= 1 } }

    /// A place kept until the returned value is gone: a response body holding it gives it back once
    /// the response is written, or dropped unwritten.
    func place() throws -> Place {
        try enter()
        return Place(self)
    }

    final class Place: Sendable {
        let admission: Admission
        fileprivate init(_ admission: Admission) { self.admission = admission }
        deinit { admission.leave() }
    }
}
