public import Foundation

/// What the collector's operators ask of the store (issue 17 point 6): is the database there, how
/// many PCs are in each state and how many fixes wait for their PC.
public protocol OperationsStore: Sendable {
    /// Reads from the database; throws when it cannot (the health endpoint's question).
    func ping() throws
    /// PCs by state as the unit pages count them (`hosts.silent-after`), and approved jobs not yet
    /// finished or expired, at `now`.
    func fleetCounts(now: Date, silentAfter: TimeInterval) throws -> FleetCounts
}

public struct FleetCounts: Sendable, Hashable {
    public var hosts: [HostActivity.State: Int]
    public var pendingJobs: Int

    public init(hosts: [HostActivity.State: Int], pendingJobs: Int) {
        self.hosts = hosts
        self.pendingJobs = pendingJobs
    }
}
