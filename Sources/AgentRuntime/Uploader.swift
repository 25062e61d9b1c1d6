public import FoundationEssentials
import Glibc

/// How the agent reaches the collector; the HTTPS client (mutual TLS) implements it, tests fake it.
public protocol CollectorTransport {
    /// Sends one outbox item. Returns when the collector has stored it (or had it already).
    /// Throws ``UploadError`` when it did not.
    func send(_ item: Outbox.Item) async throws
    /// The same, where a report with the content the collector acknowledged last may go as an
    /// ``UnchangedReport``. Returns the content the collector now holds as this PC's latest, when known.
    func send(_ item: Outbox.Item, after acknowledged: AcknowledgedContent?) async throws -> AcknowledgedContent?
}

extension CollectorTransport {
    /// Every item whole.
    public func send(_ item: Outbox.Item, after acknowledged: AcknowledgedContent?) async throws -> AcknowledgedContent? {
        try await send(item)
        return nil
    }
}

/// How the agent sends what it records about an incident; the HTTPS client implements it.
public protocol IncidentTransport {
    /// Returns when the collector has stored the item (or had it already); throws ``UploadError``.
    func send(_ item: IncidentOutbox.Item) async throws
}

public enum UploadError: Error, Sendable, Hashable {
    /// Worth trying again: no network, a timeout, the collector restarting (HTTP 5xx, 429).
    case transient(String)
    /// The collector refuses this item (HTTP 4xx): retrying will not help; it stays in the outbox and is reported.
    case rejected(String)
}

/// Exponential backoff with full jitter: attempt n waits a random time in [0, min(cap, base·2ⁿ)], so a
/// thousand PCs coming back online together do not hit the collector at the same second.
public struct Backoff: Sendable {
    public var base: TimeInterval
    public var cap: TimeInterval

    public init(base: TimeInterval = 2, cap: TimeInterval = 600) {
        self.base = base
        self.cap = cap
    }

    public func delay<R: RandomNumberGenerator>(attempt: Int, using random: inout R) -> TimeInterval {
        let ceiling = min(cap, base * pow(2, Double(max(0, attempt))))
        return Double.random(in: 0...ceiling, using: &random)
    }
}

/// Empties the outbox oldest first, acknowledging each item the collector confirmed.
public struct Uploader {
    public var backoff = Backoff()
    /// Tries per item in one run; what is left waits for the next run.
    public var attempts = 6

    public init() {}

    public struct Outcome: Sendable, Hashable {
        public var sent = 0
        public var rejected: [String] = []
        /// Items still waiting because the collector could not be reached.
        public var waiting = 0
    }

    public func drain<R: RandomNumberGenerator>(_ outbox: Outbox, to transport: any CollectorTransport, sleep: (TimeInterval) async -> Void, random: inout R) async throws -> Outcome {
        var acknowledged = outbox.acknowledgedContent()
        return try await drain(try outbox.pending(), send: { item in
            try outbox.markSending(item)
            let content = try await transport.send(item, after: acknowledged)
            try outbox.acknowledge(item)
            // After a summary the collector's latest has no content to repeat: forgotten, not kept stale.
            if content != acknowledged {
                acknowledged = content
                outbox.remember(content)
            }
        }, refused: { item in
            // The collector answered that it did not store it: it may be folded again.
            try outbox.unmarkSending(item)
        }, sleep: sleep, random: &random)
    }

    /// The incident outbox: steps, manifests and user reports, in the order they happened. A refused
    /// item stays (the officer sees why in `attt incident status`); nothing here is ever folded.
    public func drain<R: RandomNumberGenerator>(_ outbox: IncidentOutbox, to transport: any IncidentTransport, sleep: (TimeInterval) async -> Void, random: inout R) async throws -> Outcome {
        try await drain(try outbox.pending(), send: { item in
            try await transport.send(item)
            try outbox.acknowledge(item)
        }, refused: { _ in }, sleep: sleep, random: &random)
    }

    func drain<Item, R: RandomNumberGenerator>(_ items: [Item], send: (Item) async throws -> Void, refused: (Item) throws -> Void, sleep: (TimeInterval) async -> Void, random: inout R) async throws -> Outcome {
        var outcome = Outcome()
        for (index, item) in items.enumerated() {
            var attempt = 0
            while true {
                do {
                    try await send(item)
                    outcome.sent += 1
                    break
                } catch UploadError.rejected(let why) {
                    try refused(item)
                    outcome.rejected.append(why)
                    break
                } catch {
                    attempt += 1
                    guard attempt < attempts else {
                        // Unreachable for now: keep this item and the rest for the next run, in order.
                        outcome.waiting = items.count - index
                        return outcome
                    }
                    await sleep(backoff.delay(attempt: attempt, using: &random))
                }
            }
        }
        return outcome
    }
}
