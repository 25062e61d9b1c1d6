public import Foundation
public import HardeningCore

/// What an inspection snapshot (issue 14 point 4) asks of the store: one unit as the collector knew
/// it at an instant. Inspection teams (Điều 13 khoản 2 điểm đ, khoản 7) need that record frozen, so
/// every answer here is "as of `at`": hosts enrolled by then, the report each had sent by then.
public protocol SnapshotStore: Sendable {
    /// Every unit the collector knows (a host enrolled in it, or a token made for it), sorted.
    func knownUnits() throws -> [String]
    /// The unit's hosts enrolled before `at`, each with its newest report received before `at`.
    func snapshotHosts(unit: String, at: Date) throws -> [SnapshotHost]
    /// A report's body exactly as the collector keeps it (the report the host sent, as JSON), while
    /// it is kept; nil once pruned (`history.report-bodies`) or for a summary, which has none.
    func reportBody(id: UUID) throws -> Data?
    /// The host's status of each control at `at`, from the history of changes (kept for ever): one
    /// stretch per control, the one covering `at`.
    func controlStatuses(host: String, at: Date) throws -> [StatusSpan]
    /// Appends the audit entry that says a snapshot was made and what its SHA-256 is, so what was
    /// handed to an inspection team can be checked later.
    func recordSnapshot(_ record: SnapshotRecord, by officer: ActingOfficer, now: Date) throws
}

/// A host of a unit as the collector knew it at an instant.
public struct SnapshotHost: Sendable, Hashable {
    public var id: String
    /// What the PC calls itself: the agent's word, shown, never used to name a file.
    public var hostname: String?
    public var enrolledAt: Timestamp
    /// When its last certificate was revoked, if that was before the instant and no other was valid.
    public var revokedAt: Timestamp?
    public var latest: SnapshotReport?

    public init(id: String, hostname: String?, enrolledAt: Timestamp, revokedAt: Timestamp?, latest: SnapshotReport?) {
        self.id = id
        self.hostname = hostname
        self.enrolledAt = enrolledAt
        self.revokedAt = revokedAt
        self.latest = latest
    }
}

/// The row of a report (never its body): enough to name it and to say what it counted.
public struct SnapshotReport: Sendable, Hashable, Codable {
    public var id: UUID
    public var startedAt: Timestamp
    public var receivedAt: Timestamp
    public var summary: Report.Summary
    /// A summary the agent sent when its outbox was full: counts and failing controls only.
    public var summaryOnly: Bool
    /// For a summary, the controls it said fail.
    public var failing: [String]
    /// The body is still kept: `reportBody(id:)` returns it.
    public var bodyKept: Bool

    public init(id: UUID, startedAt: Timestamp, receivedAt: Timestamp, summary: Report.Summary, summaryOnly: Bool, failing: [String], bodyKept: Bool) {
        self.id = id
        self.startedAt = startedAt
        self.receivedAt = receivedAt
        self.summary = summary
        self.summaryOnly = summaryOnly
        self.failing = failing
        self.bodyKept = bodyKept
    }
}

/// What the audit log keeps of a snapshot.
public struct SnapshotRecord: Sendable, Hashable {
    public var unit: String
    /// The day the snapshot is of, `YYYY-MM-DD`.
    public var day: String
    public var sha256: String
    public var bytes: Int64
    public var files: Int
    /// `cli` or `web`.
    public var channel: String

    public init(unit: String, day: String, sha256: String, bytes: Int64, files: Int, channel: String) {
        self.unit = unit
        self.day = day
        self.sha256 = sha256
        self.bytes = bytes
        self.files = files
        self.channel = channel
    }
}

extension AuditEntry.Action {
    /// An inspection snapshot was made; the entry's detail holds its SHA-256.
    public static let snapshotTaken = AuditEntry.Action(rawValue: "snapshot-taken")
}

/// The snapshot's reads on either store.
package enum SnapshotReads {
    package static func knownUnits(in store: some SQLTransactions) throws -> [String] {
        try store.read { session in
            try session.rows("SELECT unit FROM host UNION SELECT unit FROM enrollment_token ORDER BY 1 LIMIT 10000", []).compactMap { $0.text("unit") }
        }
    }

    package static func snapshotHosts(unit: String, at: Date, in store: some SQLTransactions) throws -> [SnapshotHost] {
        try store.read { session in
            let order = session.arrivalOrder
            // Revoked as of `at`: as the daily roll-up counts it (computeDay), a revocation before
            // the instant and no certificate valid at it.
            return try session.rows("""
                SELECT h.id, h.hostname, h.first_seen,
                       CASE WHEN NOT EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.issued_at < $2 AND (c.revoked_at IS NULL OR c.revoked_at >= $2))
                            THEN (SELECT max(revoked_at) FROM host_certificate c WHERE c.host_id = h.id AND c.revoked_at < $2) END AS revoked_at,
                       r.id AS report_id, r.started_at, r.received_at, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total,
                       r.summary_only, r.failing, EXISTS (SELECT 1 FROM report_body b WHERE b.report_id = r.id) AS body_kept
                FROM host h LEFT JOIN report r ON r.\(order) = (
                    SELECT \(order) FROM report WHERE host_id = h.id AND received_at < $2 ORDER BY started_at DESC, \(order) DESC LIMIT 1)
                WHERE h.unit = $1 AND h.first_seen < $2
                ORDER BY h.id
                """, [.text(unit), .text(Timestamp(at).description)]).map(snapshotHost)
        }
    }

    static func snapshotHost(_ row: SQLRow) -> SnapshotHost {
        var latest: SnapshotReport?
        if let id = row.text("report_id").flatMap(UUID.init(uuidString:)) {
            let summaryOnly = (row.integer("summary_only") ?? 0) != 0
            latest = SnapshotReport(id: id, startedAt: HistoryReads.timestamp(row.text("started_at") ?? ""),
                                    receivedAt: HistoryReads.timestamp(row.text("received_at") ?? ""), summary: ReportReads.summary(row),
                                    summaryOnly: summaryOnly, failing: summaryOnly ? (row.text("failing") ?? "").split(separator: ",").map(String.init) : [],
                                    bodyKept: (row.integer("body_kept") ?? 0) != 0)
        }
        return SnapshotHost(id: row.text("id") ?? "", hostname: row.text("hostname"), enrolledAt: HistoryReads.timestamp(row.text("first_seen") ?? ""),
                            revokedAt: row.text("revoked_at").map(HistoryReads.timestamp), latest: latest)
    }

    package static func controlStatuses(host: String, at: Date, in store: some SQLTransactions) throws -> [StatusSpan] {
        try store.read { session in
            try session.rows("""
                SELECT control, status, since_at, until_at, report_id FROM result_change
                WHERE host_id = $1 AND since_at < $2 AND (until_at IS NULL OR until_at >= $2) AND status != 'absent'
                ORDER BY control, since_at DESC
                """, [.text(host), .text(Timestamp(at).description)]).reduce(into: [StatusSpan]()) { spans, row in
                // Two stretches can touch at `at`; the later one is the status then.
                let control = row.text("control") ?? ""
                guard spans.last?.control != control else { return }
                spans.append(StatusSpan(control: control, status: row.text("status") ?? "", since: HistoryReads.timestamp(row.text("since_at") ?? ""),
                                        until: row.text("until_at").map(HistoryReads.timestamp),
                                        reportId: row.text("report_id").flatMap(UUID.init(uuidString:)) ?? UUID()))
            }
        }
    }

    package static func recordSnapshot(_ record: SnapshotRecord, by officer: ActingOfficer, now: Date, in store: some SQLTransactions) throws {
        try store.write { session in
            try AuditEntry.record(.snapshotTaken, by: officer, unit: record.unit, host: nil, subject: record.day,
                                  detail: ["sha256": record.sha256, "bytes": String(record.bytes), "files": String(record.files), "channel": record.channel],
                                  at: now, in: session)
        }
    }
}

extension SQLiteCollectorStore: SnapshotStore {
    public func knownUnits() throws -> [String] { try SnapshotReads.knownUnits(in: self) }

    public func snapshotHosts(unit: String, at: Date) throws -> [SnapshotHost] { try SnapshotReads.snapshotHosts(unit: unit, at: at, in: self) }

    public func reportBody(id: UUID) throws -> Data? { try HistoryReads.reportBody(id: id, in: self) }

    public func controlStatuses(host: String, at: Date) throws -> [StatusSpan] { try SnapshotReads.controlStatuses(host: host, at: at, in: self) }

    public func recordSnapshot(_ record: SnapshotRecord, by officer: ActingOfficer, now: Date) throws {
        try SnapshotReads.recordSnapshot(record, by: officer, now: now, in: self)
    }
}
