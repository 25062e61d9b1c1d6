import Crypto
public import Foundation
public import HardeningCore
public import CollectorAPI

/// What a store does with a report, a summary or a compacted record an agent sent (issues 4 and
/// 13), the same on SQLite and PostgreSQL: checked and clamped before any transaction, then in one
/// transaction idempotent by the report's id, bounded per host, and kept as history of changes
/// (`result_change`, `current_result`), with the days it touches marked to be rolled up again.
package struct ReportIngest: Sendable {
    package let limits: ReportLimits
    package let retention: Retention
    package let reportBodyRetention: TimeInterval

    package init(limits: ReportLimits, retention: Retention, reportBodyRetention: TimeInterval) {
        self.limits = limits
        self.retention = retention
        self.reportBodyRetention = reportBodyRetention
    }

    package func ingest(_ report: Report, host: HostIdentity, in store: some SQLTransactions) throws -> IngestOutcome {
        try limits.check(report)
        let arrival = Date()
        var report = report
        // The counts come from the results stored with them, never from the agent's summary.
        report.summary = Report.Summary(report.results)
        report.startedAt = ReportLimits.clamp(report.startedAt, toArrival: arrival)
        try checkAge(report.startedAt, arrival: arrival)
        let encoded = try EncodedReport(report)
        let body = Compressed.compress(encoded.body)
        let now = Timestamp(arrival).description
        let started = report.startedAt.description
        return try store.write { session in
            try session.serialize("host:" + host.id)
            // Idempotent: the report id decides, so a retry after a lost acknowledgement stores nothing new.
            if try Self.alreadyStored(report.reportId, host: host, in: session) { return .duplicate }
            try checkQuota(host, adding: body.count, arrival: arrival, in: session)
            try Self.touch(host, hostname: report.host.hostname, now: now, in: session)
            try Self.insert(report, host: host.id, started: started, received: now, contentDigest: encoded.contentDigest, body: body, contentFrom: nil, in: session)
            let later = try session.row("SELECT min(started_at) AS later FROM report WHERE host_id = $1 AND started_at > $2", [.text(host.id), .text(started)])?.text("later")
            try Self.recordHistory(report, encoded: encoded.results, host: host.id, at: started, before: later, in: session)
            try Self.markRolledUpDays(unit: host.unit, from: started, in: session)
            try pruneBodies(host: host.id, now: arrival, in: session)
            return .stored
        }
    }

    /// A run that repeats the content of the host's latest report: stored as a report of its own
    /// (its id, times, policy; the counts of the report it repeats, as the collector counted them),
    /// its body the header alone, naming the body that holds the results and inventory. Nothing in
    /// the history changes: the statuses are those already current. Refused (``ReportRefusal/stale``)
    /// unless the named report is the host's latest, has that content digest and its body kept, and
    /// this run is not older than it; the PC then sends the whole report.
    package func ingest(_ unchanged: UnchangedReport, host: HostIdentity, in store: some SQLTransactions) throws -> IngestOutcome {
        try limits.check(unchanged)
        let arrival = Date()
        var header = unchanged.report
        header.startedAt = ReportLimits.clamp(header.startedAt, toArrival: arrival)
        try checkAge(header.startedAt, arrival: arrival)
        let now = Timestamp(arrival).description
        let started = header.startedAt.description
        return try store.write { session in
            try session.serialize("host:" + host.id)
            if try Self.alreadyStored(header.reportId, host: host, in: session) { return .duplicate }
            let latest = try session.row("""
                SELECT r.id, r.started_at, r.content_digest, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total,
                       b.report_id AS body_id, b.content_from
                FROM report r LEFT JOIN report_body b ON b.report_id = r.id
                WHERE r.host_id = $1 ORDER BY r.started_at DESC, r.\(session.arrivalOrder) DESC LIMIT 1
                """, [.text(host.id)])
            guard let latest, latest.text("id") == unchanged.sameAs.uuidString else {
                throw ReportRefusal.stale("\(unchanged.sameAs) is not this host's latest report here: send the whole report")
            }
            guard latest.text("content_digest") == unchanged.contentDigest, latest.text("body_id") != nil else {
                throw ReportRefusal.stale("the content of \(unchanged.sameAs) is not the content named: send the whole report")
            }
            guard started >= latest.text("started_at") ?? "" else {
                throw ReportRefusal.stale("the report started before \(unchanged.sameAs): send the whole report")
            }
            // The counts are the collector's own, from the results it stored with the report repeated.
            header.summary = ReportReads.summary(latest)
            let body = Compressed.compress(try EncodedReport(header).body)
            let source = latest.text("content_from") ?? latest.text("id") ?? ""
            try checkQuota(host, adding: body.count, arrival: arrival, in: session)
            try Self.touch(host, hostname: header.host.hostname, now: now, in: session)
            try Self.insert(header, host: host.id, started: started, received: now, contentDigest: unchanged.contentDigest, body: body, contentFrom: source, in: session)
            try Self.markRolledUpDays(unit: host.unit, from: started, in: session)
            try pruneBodies(host: host.id, now: arrival, in: session)
            return .stored
        }
    }

    package func ingest(_ summary: ReportSummary, host: HostIdentity, in store: some SQLTransactions) throws -> IngestOutcome {
        try limits.check(summary)
        let arrival = Date()
        var summary = summary
        summary.startedAt = ReportLimits.clamp(summary.startedAt, toArrival: arrival)
        try checkAge(summary.startedAt, arrival: arrival)
        let body = try JSONEncoder().encode(summary)
        let now = Timestamp(arrival).description
        return try store.write { session in
            try session.serialize("host:" + host.id)
            if try Self.alreadyStored(summary.reportId, host: host, in: session) { return .duplicate }
            try checkQuota(host, adding: body.count, arrival: arrival, in: session)
            try Self.touch(host, hostname: nil, now: now, in: session)
            let s = summary.summary
            // Only the failing controls are known; the others are counted, not named. The history of
            // statuses is built from full reports only.
            try session.execute("""
                INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version,
                                    pass, fail, not_applicable, error, manual, total, summary_only, failing)
                VALUES ($1, $2, $3, $4, '', '', '', $5, $6, $7, $8, $9, $10, TRUE, $11)
                """, [.text(summary.reportId.uuidString), .text(host.id), .text(summary.startedAt.description), .text(now),
                      .integer(s.pass), .integer(s.fail), .integer(s.notApplicable), .integer(s.error), .integer(s.manual), .integer(s.total),
                      .text(Set(summary.failing).sorted().joined(separator: ","))])
            try Self.markRolledUpDays(unit: host.unit, from: summary.startedAt.description, in: session)
            return .stored
        }
    }

    package func ingest(_ compacted: CompactedReports, host: HostIdentity, in store: some SQLTransactions) throws -> IngestOutcome {
        try limits.check(compacted)
        let arrival = Date()
        let failures = String(decoding: try JSONEncoder().encode(compacted.failures), as: UTF8.self)
        let to = ReportLimits.clamp(compacted.to, toArrival: arrival), from = ReportLimits.clamp(compacted.from, toArrival: arrival)
        let now = Timestamp(arrival).description
        return try store.write { session in
            try session.serialize("host:" + host.id)
            try Self.touch(host, hostname: nil, now: now, in: session)
            if let existing = try session.row("SELECT host_id, count FROM compaction WHERE id = $1", [.text(compacted.id.uuidString)]) {
                guard existing.text("host_id") == host.id else { throw StoreError.conflict(compacted.id.uuidString) }
                // The record only grows under one id: a resend replaces it, never adds to it, and an
                // older copy arriving late changes nothing.
                guard compacted.count > existing.integer("count") ?? 0 else { return .duplicate }
            }
            try session.execute("""
                INSERT INTO compaction (id, host_id, count, first_at, last_at, failures, received_at) VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT(id) DO UPDATE SET count = excluded.count, first_at = excluded.first_at,
                    last_at = excluded.last_at, failures = excluded.failures, received_at = excluded.received_at
                """, [.text(compacted.id.uuidString), .text(host.id), .integer(compacted.count), .text(from.description),
                      .text(to.description), .text(failures), .text(now)])
            return .stored
        }
    }

    /// A report from before what the history keeps is refused for good (422), never stored and
    /// rolled up into days already pruned.
    func checkAge(_ started: Timestamp, arrival: Date) throws {
        let oldest = retention.oldestAccepted(now: arrival)
        guard started.date >= oldest else {
            throw ReportRefusal.invalid("the report started at \(started), before \(Timestamp(oldest)): older than the history this collector keeps (history.reports)")
        }
    }

    /// Per host: at most `uploadsPerHour` records stored in the last hour, at most `storedBytesPerHost`
    /// kept. A compromised or broken agent cannot fill the disk or crowd out the other hosts.
    func checkQuota(_ host: HostIdentity, adding bytes: Int, arrival: Date, in session: some SQLSession) throws {
        let hourAgo = Timestamp(arrival.addingTimeInterval(-3600)).description
        let recent = try session.row("SELECT count(*) AS n, min(received_at) AS oldest FROM report WHERE host_id = $1 AND received_at > $2",
                                     [.text(host.id), .text(hourAgo)])
        if let recent, (recent.integer("n") ?? 0) >= limits.uploadsPerHour {
            let oldest = recent.text("oldest").flatMap(Timestamp.parse) ?? arrival
            let wait = max(1, Int(oldest.addingTimeInterval(3600).timeIntervalSince(arrival).rounded(.up)))
            throw ReportRefusal.quota("this host sent \(limits.uploadsPerHour) reports within the last hour; the rest wait in its outbox", retryAfter: wait)
        }
        let stored = try session.row("SELECT CAST(coalesce(sum(length(body)), 0) AS BIGINT) AS bytes FROM report_body WHERE host_id = $1", [.text(host.id)])?.integer("bytes") ?? 0
        guard stored + bytes <= limits.storedBytesPerHost else {
            throw ReportRefusal.quota("this host already keeps \(stored >> 20) MiB at the collector (at most \(limits.storedBytesPerHost >> 20) MiB); an officer must archive its old reports", retryAfter: 86_400)
        }
    }

    /// True when this host already sent the report; another host's report with the same id is a conflict.
    static func alreadyStored(_ id: UUID, host: HostIdentity, in session: some SQLSession) throws -> Bool {
        guard let owner = try session.row("SELECT host_id FROM report WHERE id = $1", [.text(id.uuidString)])?.text("host_id") else { return false }
        guard owner == host.id else { throw StoreError.conflict(id.uuidString) }
        return true
    }

    /// The host is known from its certificate; a report refreshes when it was last seen.
    package static func touch(_ host: HostIdentity, hostname: String?, now: String, in session: some SQLSession) throws {
        try session.execute("""
            INSERT INTO host (id, unit, hostname, first_seen, last_seen) VALUES ($1, $2, $3, $4, $5)
            ON CONFLICT(id) DO UPDATE SET unit = excluded.unit, hostname = coalesce(excluded.hostname, host.hostname), last_seen = excluded.last_seen
            """, [.text(host.id), .text(host.unit), SQLValue(hostname), .text(now), .text(now)])
    }

    // MARK: History

    /// The results of a full report, in the history: only what changed is written. A report older
    /// than the host's latest (an outbox sent late) is fitted in between, and the days it touches
    /// are rolled up again.
    /// - Parameters:
    ///   - encoded: each result as JSON (``EncodedReport``), in the report's order.
    ///   - later: the start of the host's next report when this one is not its newest.
    package static func recordHistory(_ report: Report, encoded: [Data], host: String, at started: String, before later: String?, in session: some SQLSession) throws {
        let id = report.reportId.uuidString
        if let later {
            for result in report.results { try fitIn(result.control, status: result.status.rawValue, host: host, at: started, report: id, before: later, in: session) }
            return
        }
        let existing = try Dictionary(session.rows("SELECT control, status, failing_since, result_hash FROM current_result WHERE host_id = $1", [.text(host)])
            .map { ($0.text("control") ?? "", $0) }, uniquingKeysWith: { a, _ in a })
        // What is known of the report's controls, read first: an upsert locks its row even when it
        // changes nothing, and on PostgreSQL every upload would then wait for the others' commits.
        let known = try Dictionary(session.rows("""
            SELECT control, area, articles, severity, title_vi, title_en FROM control_info WHERE control IN \(session.members("$1"))
            """, [.text(HistoryReads.jsonArray(Set(report.results.map(\.control))))]).map { row in
            (row.text("control") ?? "", [row.text("area"), row.text("articles"), row.text("severity"), row.text("title_vi"), row.text("title_en")])
        }, uniquingKeysWith: { a, _ in a })
        for (result, json) in zip(report.results, encoded) {
            let info: [String?] = [result.area, ControlInfo.articles(result.references).joined(separator: ","), result.severity.rawValue, result.title.vi, result.title.en]
            if known[result.control] != info {
                try session.execute("""
                    INSERT INTO control_info (control, area, articles, severity, title_vi, title_en) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT(control) DO UPDATE SET area = excluded.area, articles = excluded.articles, severity = excluded.severity,
                        title_vi = excluded.title_vi, title_en = excluded.title_en
                    """, [.text(result.control)] + info.map { SQLValue($0) })
            }
            let hash = Data(SHA256.hash(data: json).prefix(16))
            let previous = existing[result.control]
            if let previous, previous.text("status") == result.status.rawValue {
                if previous.blob("result_hash") != hash {
                    try session.execute("UPDATE current_result SET result = $1, result_hash = $2 WHERE host_id = $3 AND control = $4",
                                        [.blob(Compressed.compress(json)), .blob(hash), .text(host), .text(result.control)])
                }
                continue
            }
            try change(result.control, to: result.status.rawValue, host: host, at: started, report: id, in: session)
            // The first failing report after the last pass: other statuses in between carry it on.
            let carried = previous?.text("failing_since")
            let failingSince: String? = switch result.status {
            case .pass: nil
            case .fail: carried ?? started
            default: carried
            }
            try session.execute("""
                INSERT INTO current_result (host_id, control, status, since_at, failing_since, result_hash, result) VALUES ($1, $2, $3, $4, $5, $6, $7)
                ON CONFLICT(host_id, control) DO UPDATE SET status = excluded.status, since_at = excluded.since_at,
                    failing_since = excluded.failing_since, result_hash = excluded.result_hash, result = excluded.result
                """, [.text(host), .text(result.control), .text(result.status.rawValue), .text(started), SQLValue(failingSince), .blob(hash),
                      .blob(Compressed.compress(json))])
        }
        // A control the host no longer reports (another role, another policy) is absent, not passing.
        let reported = Set(report.results.map(\.control))
        for (control, row) in existing where !reported.contains(control) && row.text("status") != absent {
            try change(control, to: absent, host: host, at: started, report: id, in: session)
            try session.execute("UPDATE current_result SET status = $1, since_at = $2 WHERE host_id = $3 AND control = $4",
                                [.text(absent), .text(started), .text(host), .text(control)])
        }
    }

    package static let absent = "absent"

    /// Ends the open stretch of a control and starts a new one.
    static func change(_ control: String, to status: String, host: String, at: String, report: String, in session: some SQLSession) throws {
        try session.execute("UPDATE result_change SET until_at = $1 WHERE host_id = $2 AND control = $3 AND until_at IS NULL AND since_at < $1",
                            [.text(at), .text(host), .text(control)])
        // Two reports of one run can start in the same second: the one received last wins.
        try session.execute("""
            INSERT INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES ($1, $2, $3, $4, $5, NULL)
            ON CONFLICT(host_id, control, since_at) DO UPDATE SET status = excluded.status, report_id = excluded.report_id, until_at = NULL
            """, [.text(host), .text(control), .text(at), .text(status), .text(report)])
    }

    /// A late report's status fitted between the stretches already known: it holds from its start
    /// to the host's next report, after which the status known before it resumes.
    static func fitIn(_ control: String, status: String, host: String, at: String, report: String, before next: String, in session: some SQLSession) throws {
        let covering = try session.row("""
            SELECT since_at, status, report_id, until_at FROM result_change WHERE host_id = $1 AND control = $2 AND since_at <= $3
            ORDER BY since_at DESC LIMIT 1
            """, [.text(host), .text(control), .text(at)])
        if let covering, covering.text("status") == status { return }
        // The same second as a stretch already known (two reports of one run): the one received last
        // gives that stretch its status.
        if let covering, covering.text("since_at") == at {
            try session.execute("UPDATE result_change SET status = $1, report_id = $2 WHERE host_id = $3 AND control = $4 AND since_at = $5",
                                [.text(status), .text(report), .text(host), .text(control), .text(at)])
            try refreshFailingSince(control, host: host, in: session)
            return
        }
        let following = try session.row("SELECT min(since_at) AS following FROM result_change WHERE host_id = $1 AND control = $2 AND since_at > $3",
                                        [.text(host), .text(control), .text(at)])?.text("following")
        let end = following.map { min($0, next) } ?? next
        if let covering, let since = covering.text("since_at") {
            try session.execute("UPDATE result_change SET until_at = $1 WHERE host_id = $2 AND control = $3 AND since_at = $4",
                                [.text(at), .text(host), .text(control), .text(since)])
        }
        try session.execute("""
            INSERT INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES ($1, $2, $3, $4, $5, $6)
            ON CONFLICT(host_id, control, since_at) DO UPDATE SET status = excluded.status, report_id = excluded.report_id
            """, [.text(host), .text(control), .text(at), .text(status), .text(report), .text(end)])
        if let covering, following != next {
            let resumedUntil = covering.text("until_at")
            if resumedUntil.map({ $0 > next }) ?? true {
                try session.execute("""
                    INSERT INTO result_change (host_id, control, since_at, status, report_id, until_at) VALUES ($1, $2, $3, $4, $5, $6)
                    ON CONFLICT DO NOTHING
                    """, [.text(host), .text(control), .text(next), SQLValue(covering.text("status")), SQLValue(covering.text("report_id")), SQLValue(resumedUntil)])
            }
        }
        try refreshFailingSince(control, host: host, in: session)
    }

    /// Failing since may begin earlier once a late report is fitted in.
    static func refreshFailingSince(_ control: String, host: String, in session: some SQLSession) throws {
        try session.execute("""
            UPDATE current_result SET failing_since = (
                SELECT min(since_at) FROM result_change c WHERE c.host_id = $1 AND c.control = $2 AND c.status = 'fail'
                AND c.since_at > coalesce((SELECT max(since_at) FROM result_change p WHERE p.host_id = $1 AND p.control = $2 AND p.status = 'pass'), ''))
            WHERE host_id = $1 AND control = $2 AND status = 'fail'
            """, [.text(host), .text(control)])
    }

    /// A report's row, with the collector's counts (`report.summary`, recomputed by the caller), and
    /// its compressed body; an unchanged report's body names the one holding its content.
    static func insert(_ report: Report, host: String, started: String, received: String, contentDigest: String, body: Data, contentFrom: String?,
                       in session: some SQLSession) throws {
        let s = report.summary
        try session.execute("""
            INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version,
                                pass, fail, not_applicable, error, manual, total, bundle_version, bundle_refused, content_digest)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
            """, [.text(report.reportId.uuidString), .text(host), .text(started), .text(received),
                  .text(report.policy.profile.rawValue), .text(report.policy.role.rawValue), .text(report.policy.version),
                  .integer(s.pass), .integer(s.fail), .integer(s.notApplicable), .integer(s.error), .integer(s.manual), .integer(s.total),
                  SQLValue(report.policy.bundle?.version), SQLValue(report.policy.bundleRefused?.line), .text(contentDigest)])
        try session.execute("INSERT INTO report_body (report_id, host_id, body, content_from) VALUES ($1, $2, $3, $4)",
                            [.text(report.reportId.uuidString), .text(host), .blob(body), SQLValue(contentFrom)])
    }

    /// A report for a day already rolled up makes that day and those after it be rolled up again.
    package static func markRolledUpDays(unit: String, from started: String, in session: some SQLSession) throws {
        guard let date = Timestamp.parse(started) else { return }
        let day = OfficeDay(containing: date).number
        try session.execute("""
            UPDATE rollup_state SET dirty_from = CASE WHEN dirty_from IS NULL OR dirty_from > $1 THEN $1 ELSE dirty_from END
            WHERE unit = $2 AND through_day >= $1
            """, [.integer(day), .text(unit)])
    }

    /// Whole bodies are kept for the retention period; the latest of each host always, and the body
    /// an unchanged report kept takes its results and inventory from, as long as that report's is kept.
    func pruneBodies(host: String, now: Date, in session: some SQLSession) throws {
        let cutoff = Timestamp(now.addingTimeInterval(-reportBodyRetention)).description
        // Unchanged reports' bodies first (nothing takes content from them), then whole ones no
        // longer named by a kept unchanged report: one level, as `content_from` names a whole body.
        for kind in ["content_from IS NOT NULL", "content_from IS NULL"] {
            try session.execute("""
                DELETE FROM report_body WHERE host_id = $1 AND \(kind) AND report_id IN (
                    SELECT b.report_id FROM report_body b JOIN report r ON r.id = b.report_id WHERE b.host_id = $1 AND r.started_at < $2)
                AND report_id != (SELECT id FROM report WHERE host_id = $1 ORDER BY started_at DESC, \(session.arrivalOrder) DESC LIMIT 1)
                AND report_id NOT IN (SELECT content_from FROM report_body WHERE host_id = $1 AND content_from IS NOT NULL)
                """, [.text(host), .text(cutoff)])
        }
        try Self.pruneUnreferencedBodies(host: host, in: session)
    }

    /// A body kept only because an unchanged report took its content from it goes with the last such
    /// report's body (its own report may be gone already, pruned from the history).
    package static func pruneUnreferencedBodies(host: String, in session: some SQLSession) throws {
        try session.execute("""
            DELETE FROM report_body WHERE host_id = $1 AND NOT EXISTS (SELECT 1 FROM report r WHERE r.id = report_body.report_id)
            AND report_id NOT IN (SELECT content_from FROM report_body WHERE host_id = $1 AND content_from IS NOT NULL)
            """, [.text(host)])
    }
}

/// A store's transactions, as ``SQLSession``s.
package protocol SQLTransactions {
    func write<T>(_ body: (any SQLSession) throws -> T) throws -> T
    func read<T>(_ body: (any SQLSession) throws -> T) throws -> T
}
