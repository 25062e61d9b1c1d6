public import Foundation
public import HardeningCore

/// The history's reads and the daily roll-up (issue 13 points 1–3), the same on both stores: the
/// officers' pages of a control, of a host, and the compliance day by day.
package enum HistoryReads {
    static func stateColumns() -> String {
        """
        SELECT c.host_id, c.control, c.status, c.since_at, c.failing_since, c.result, h.hostname, h.unit
        FROM current_result c JOIN host h ON h.id = c.host_id
        """
    }

    /// Revoked: its certificates were revoked and none is left valid (a host re-enrolled has a new id).
    package static let hostIsRevoked = """
        (EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.revoked_at IS NOT NULL)
         AND NOT EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.revoked_at IS NULL))
        """

    /// Revoked by the instant `$2`.
    static let revokedAt = """
        (EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.revoked_at < $2)
        AND NOT EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.issued_at < $2 AND (c.revoked_at IS NULL OR c.revoked_at >= $2)))
        """

    /// The hosts a day counts: enrolled, or reporting, before `$2`.
    static let knownBy = "(h.first_seen < $2 OR EXISTS (SELECT 1 FROM report WHERE host_id = h.id AND started_at < $2))"

    // A parameter tested for NULL is cast to text: PostgreSQL must know its type even then.

    package static func controlStates(host: String, in store: some SQLTransactions) throws -> [ControlState] {
        try store.read { session in
            try session.rows(stateColumns() + " WHERE c.host_id = $1 AND c.status != 'absent' ORDER BY c.control", [.text(host)]).map(state)
        }
    }

    package static func controlStates(control: String, units: Set<String>?, status: ResultStatus?, limit: Int, offset: Int,
                                      in store: some SQLTransactions) throws -> [ControlState] {
        try store.read { session in
            try session.rows(stateColumns() + """
                 WHERE c.control = $1 AND c.status != 'absent' AND (CAST($2 AS TEXT) IS NULL OR c.status = $2)
                 AND (CAST($3 AS TEXT) IS NULL OR h.unit IN \(session.members("$3")))
                 ORDER BY CASE c.status WHEN 'fail' THEN 0 WHEN 'error' THEN 1 WHEN 'manual' THEN 2 WHEN 'pass' THEN 3 ELSE 4 END,
                          coalesce(c.failing_since, c.since_at), h.unit, h.hostname, h.id
                 LIMIT $4 OFFSET $5
                """, [.text(control), SQLValue(status?.rawValue), SQLValue(units.map(jsonArray)), .integer(limit), .integer(offset)]).map(state)
        }
    }

    package static func controlCounts(control: String, units: Set<String>?, in store: some SQLTransactions) throws -> [ResultStatus: Int] {
        try store.read { session in
            var counts: [ResultStatus: Int] = [:]
            for row in try session.rows("""
                SELECT c.status, count(*) AS n FROM current_result c JOIN host h ON h.id = c.host_id
                WHERE c.control = $1 AND (CAST($2 AS TEXT) IS NULL OR h.unit IN \(session.members("$2"))) AND NOT \(hostIsRevoked) GROUP BY c.status
                """, [.text(control), SQLValue(units.map(jsonArray))]) {
                if let status = row.text("status").flatMap(ResultStatus.init(rawValue:)) { counts[status] = row.integer("n") ?? 0 }
            }
            return counts
        }
    }

    package static func statusSpans(host: String, control: String?, in store: some SQLTransactions) throws -> [StatusSpan] {
        try store.read { session in
            try session.rows("""
                SELECT control, status, since_at, until_at, report_id FROM result_change WHERE host_id = $1 AND (CAST($2 AS TEXT) IS NULL OR control = $2)
                ORDER BY since_at, control
                """, [.text(host), SQLValue(control)]).map { row in
                StatusSpan(control: row.text("control") ?? "", status: row.text("status") ?? "", since: timestamp(row.text("since_at") ?? ""),
                           until: row.text("until_at").map(timestamp), reportId: row.text("report_id").flatMap(UUID.init(uuidString:)) ?? UUID())
            }
        }
    }

    package static func storedReport(id: UUID, in store: some SQLTransactions) throws -> Report? {
        try reportBody(id: id, in: store).map { try JSONDecoder().decode(Report.self, from: $0) }
    }

    /// A kept report's JSON as it came (a full report's counts being the collector's own). An
    /// unchanged report's is its header with the results and inventory of the body it names: the
    /// same bytes the whole report would have been stored as.
    package static func reportBody(id: UUID, in store: some SQLTransactions) throws -> Data? {
        let stored = try store.read { session in
            try session.row("""
                SELECT b.body, b.content_from, c.body AS content FROM report_body b LEFT JOIN report_body c ON c.report_id = b.content_from
                WHERE b.report_id = $1
                """, [.text(id.uuidString)])
        }
        guard let stored, let body = stored.blob("body") else { return nil }
        let header = try Compressed.decompress(body)
        guard stored.text("content_from") != nil else { return header }
        guard let content = stored.blob("content") else { return nil }
        let decoder = JSONDecoder()
        var report = try decoder.decode(Report.self, from: header)
        let source = try decoder.decode(Report.self, from: try Compressed.decompress(content))
        report.results = source.results
        report.inventory = source.inventory
        return try EncodedReport(report).body
    }

    package static func controlInfo(in store: some SQLTransactions) throws -> [ControlInfo] {
        try store.read { session in
            try session.rows("SELECT control, area, articles, severity, title_vi, title_en FROM control_info ORDER BY control", []).map { row in
                ControlInfo(control: row.text("control") ?? "", area: row.text("area") ?? "", articles: (row.text("articles") ?? "").split(separator: ",").map(String.init),
                            severity: row.text("severity").flatMap(Severity.init(rawValue:)) ?? .medium,
                            title: LocalizedText(vi: row.text("title_vi") ?? "", en: row.text("title_en") ?? ""))
            }
        }
    }

    package static func hostActivity(units: Set<String>?, hosts: Set<String>?, now: Date, silentAfter: TimeInterval, in store: some SQLTransactions) throws -> [HostActivity] {
        let arguments = [SQLValue(units.map(jsonArray)), SQLValue(hosts.map(jsonArray))]
        let (records, latest) = try store.read { session in
            let filter = " AND (CAST($1 AS TEXT) IS NULL OR h.unit IN \(session.members("$1"))) AND (CAST($2 AS TEXT) IS NULL OR h.id IN \(session.members("$2")))"
            return (try session.rows("SELECT h.id, h.unit, h.hostname, h.first_seen, h.last_seen, \(hostIsRevoked) AS revoked FROM host h WHERE TRUE"
                                     + filter + " ORDER BY h.unit, h.hostname, h.id", arguments).map(hostRecord),
                    try ReportReads.latest(filter, arguments, in: session))
        }
        let byHost = Dictionary(latest.map { ($0.host, $0) }, uniquingKeysWith: { a, _ in a })
        return records.map { record in
            let status = byHost[record.id]
            return HostActivity(host: record, latest: status, state: activity(revoked: record.revoked, lastReport: status?.startedAt.date, at: now, silentAfter: silentAfter))
        }
    }

    package static func hostRecord(_ row: SQLRow) -> HostRecord {
        HostRecord(id: row.text("id") ?? "", unit: row.text("unit") ?? "", hostname: row.text("hostname"), enrolledAt: row.text("first_seen") ?? "",
                   lastSeen: row.text("last_seen") ?? "", revoked: (row.integer("revoked") ?? 0) != 0)
    }

    package static func activity(revoked: Bool, lastReport: Date?, at: Date, silentAfter: TimeInterval) -> HostActivity.State {
        if revoked { return .revoked }
        guard let lastReport else { return .neverReported }
        return at.timeIntervalSince(lastReport) > silentAfter ? .silent : .reporting
    }

    // MARK: Daily roll-up

    package static func rollUp(now: Date, silentAfter: TimeInterval, in store: some SQLTransactions) throws {
        let yesterday = OfficeDay(containing: now).adding(-1)
        try store.write { session in
            // One roll-up at a time, whichever instance runs it.
            try session.serialize("rollup")
            let units = try session.rows("SELECT DISTINCT unit FROM host", []).compactMap { $0.text("unit") }
            for unit in units {
                let state = try session.row("SELECT through_day, dirty_from FROM rollup_state WHERE unit = $1", [.text(unit)])
                let through = state?.integer("through_day"), dirty = state?.integer("dirty_from")
                var first: OfficeDay
                if let dirty {
                    first = OfficeDay(number: dirty)
                } else if let through {
                    first = OfficeDay(number: through + 1)
                } else {
                    guard let since = try session.row("""
                        SELECT min(CASE WHEN started IS NULL OR started > first_seen THEN first_seen ELSE started END) AS since
                        FROM (SELECT first_seen, (SELECT min(started_at) FROM report WHERE host_id = host.id) AS started FROM host WHERE unit = $1) AS hosts
                        """, [.text(unit)])?.text("since").flatMap(Timestamp.parse) else { continue }
                    first = OfficeDay(containing: since)
                }
                guard first <= yesterday else { continue }
                var day = first
                while day <= yesterday {
                    let (hosts, controls) = try computeDay(unit: unit, at: day.end, silentAfter: silentAfter, in: session)
                    try session.execute("DELETE FROM compliance_day WHERE unit = $1 AND day = $2", [.text(unit), .integer(day.number)])
                    for (control, c) in controls {
                        try session.execute("""
                            INSERT INTO compliance_day (unit, day, control, pass, fail, not_applicable, error, manual, waived) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
                            """, [.text(unit), .integer(day.number), .text(control), .integer(c.pass), .integer(c.fail), .integer(c.notApplicable),
                                  .integer(c.error), .integer(c.manual), .integer(c.waived)])
                    }
                    try session.execute("""
                        INSERT INTO unit_day (unit, day, hosts, reporting, silent, never_reported, revoked) VALUES ($1, $2, $3, $4, $5, $6, $7)
                        ON CONFLICT (unit, day) DO UPDATE SET hosts = excluded.hosts, reporting = excluded.reporting, silent = excluded.silent,
                            never_reported = excluded.never_reported, revoked = excluded.revoked
                        """, [.text(unit), .integer(day.number), .integer(hosts.hosts), .integer(hosts.reporting), .integer(hosts.silent),
                              .integer(hosts.neverReported), .integer(hosts.revoked)])
                    day = day.adding(1)
                }
                try session.execute("""
                    INSERT INTO rollup_state (unit, through_day, dirty_from) VALUES ($1, $2, NULL)
                    ON CONFLICT(unit) DO UPDATE SET through_day = CASE WHEN rollup_state.through_day > $2 THEN rollup_state.through_day ELSE $2 END, dirty_from = NULL
                    """, [.text(unit), .integer(yesterday.number)])
            }
        }
    }

    /// A unit as of one instant: its hosts by activity, and for the reporting ones, how many were in
    /// each status per control. Silent, revoked and never-reporting hosts are not counted in any control.
    static func computeDay(unit: String, at end: Date, silentAfter: TimeInterval, in session: some SQLSession) throws -> (UnitDay, [String: ShownCounts]) {
        let stamp = Timestamp(end).description
        var day = UnitDay(unit: unit, day: OfficeDay(containing: end.addingTimeInterval(-1)))
        var reporting: [String] = []
        for row in try session.rows("""
            SELECT h.id,
                   (SELECT started_at FROM report WHERE host_id = h.id AND started_at < $2 ORDER BY started_at DESC LIMIT 1) AS last_at,
                   \(revokedAt) AS revoked
            FROM host h WHERE h.unit = $1 AND \(knownBy)
            """, [.text(unit), .text(stamp)]) {
            switch activity(revoked: (row.integer("revoked") ?? 0) != 0, lastReport: row.text("last_at").flatMap(Timestamp.parse), at: end, silentAfter: silentAfter) {
            case .revoked: day.revoked += 1; continue
            case .neverReported: day.neverReported += 1
            case .silent: day.silent += 1
            case .reporting: day.reporting += 1; reporting.append(row.text("id") ?? "")
            }
            day.hosts += 1
        }
        var controls: [String: ShownCounts] = [:]
        guard !reporting.isEmpty else { return (day, controls) }
        // A fail or an error under a waiver in force at the day's end counts as waived, apart from
        // both (a waiver takes effect when recorded, so it never changes a day already past).
        for row in try session.rows("""
            SELECT c.control, c.status, count(*) AS n,
                   c.status IN ('fail', 'error') AND EXISTS (
                       SELECT 1 FROM waiver w WHERE w.unit = $3 AND w.control = c.control AND (w.host_id IS NULL OR w.host_id = c.host_id)
                       AND w.recorded_at < $2 AND w.expires_at >= $2 AND (w.ended_at IS NULL OR w.ended_at >= $2)) AS waived
            FROM result_change c
            WHERE c.host_id IN \(session.members("$1")) AND c.since_at < $2 AND (c.until_at IS NULL OR c.until_at >= $2)
            GROUP BY c.control, c.status, waived
            """, [.text(jsonArray(Set(reporting))), .text(stamp), .text(unit)]) {
            let n = row.integer("n") ?? 0
            guard let control = row.text("control") else { continue }
            var counts = controls[control, default: ShownCounts()]
            switch (row.text("status").flatMap(ResultStatus.init(rawValue:)), (row.integer("waived") ?? 0) != 0) {
            case (_, true): counts.waived += n
            case (.pass, _): counts.pass += n
            case (.fail, _): counts.fail += n
            case (.notApplicable, _): counts.notApplicable += n
            case (.error, _): counts.error += n
            case (.manual, _): counts.manual += n
            case (nil, _): continue
            }
            controls[control] = counts
        }
        return (day, controls)
    }

    package static func dailyCompliance(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval, combined: Bool,
                                        in store: some SQLTransactions) throws -> [DailyCompliance] {
        try rollUp(now: now, silentAfter: silentAfter, in: store)
        let today = OfficeDay(containing: now)
        var rows = try store.read { session in
            // Combined, the units are summed by the database: a commune's year is 15,000 rows, not 150,000.
            let sql = combined ? """
                SELECT '' AS unit, day, control, CAST(sum(pass) AS BIGINT) AS pass, CAST(sum(fail) AS BIGINT) AS fail,
                       CAST(sum(not_applicable) AS BIGINT) AS not_applicable, CAST(sum(error) AS BIGINT) AS error,
                       CAST(sum(manual) AS BIGINT) AS manual, CAST(sum(waived) AS BIGINT) AS waived
                FROM compliance_day WHERE unit IN \(session.members("$1")) AND day BETWEEN $2 AND $3 GROUP BY day, control ORDER BY day, control
                """ : """
                SELECT unit, day, control, pass, fail, not_applicable, error, manual, waived FROM compliance_day
                WHERE unit IN \(session.members("$1")) AND day BETWEEN $2 AND $3 ORDER BY day, unit, control
                """
            return try session.rows(sql, [.text(jsonArray(units)), .integer(from.number), .integer(min(to, today.adding(-1)).number)]).map { row in
                var counts = ShownCounts()
                counts.pass = row.integer("pass") ?? 0; counts.fail = row.integer("fail") ?? 0; counts.notApplicable = row.integer("not_applicable") ?? 0
                counts.error = row.integer("error") ?? 0; counts.manual = row.integer("manual") ?? 0; counts.waived = row.integer("waived") ?? 0
                return DailyCompliance(unit: row.text("unit") ?? "", day: OfficeDay(number: row.integer("day") ?? 0), control: row.text("control") ?? "", counts: counts)
            }
        }
        if (from...to).contains(today) {
            try store.read { session in
                var summed: [String: ShownCounts] = [:]
                for unit in units.sorted() {
                    let (_, controls) = try computeDay(unit: unit, at: now, silentAfter: silentAfter, in: session)
                    if combined {
                        for (control, counts) in controls { summed[control, default: ShownCounts()].add(counts) }
                    } else {
                        rows += controls.sorted { $0.key < $1.key }.map { DailyCompliance(unit: unit, day: today, control: $0.key, counts: $0.value) }
                    }
                }
                rows += summed.sorted { $0.key < $1.key }.map { DailyCompliance(unit: "", day: today, control: $0.key, counts: $0.value) }
            }
        }
        return rows
    }

    package static func unitDays(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval, in store: some SQLTransactions) throws -> [UnitDay] {
        try rollUp(now: now, silentAfter: silentAfter, in: store)
        let today = OfficeDay(containing: now)
        var rows = try store.read { session in
            try session.rows("""
                SELECT unit, day, hosts, reporting, silent, never_reported, revoked FROM unit_day WHERE unit IN \(session.members("$1")) AND day BETWEEN $2 AND $3 ORDER BY day, unit
                """, [.text(jsonArray(units)), .integer(from.number), .integer(min(to, today.adding(-1)).number)]).map { row in
                UnitDay(unit: row.text("unit") ?? "", day: OfficeDay(number: row.integer("day") ?? 0), hosts: row.integer("hosts") ?? 0,
                        reporting: row.integer("reporting") ?? 0, silent: row.integer("silent") ?? 0, neverReported: row.integer("never_reported") ?? 0,
                        revoked: row.integer("revoked") ?? 0)
            }
        }
        if (from...to).contains(today) {
            try store.read { session in
                for unit in units.sorted() {
                    var (day, _) = try computeDay(unit: unit, at: now, silentAfter: silentAfter, in: session)
                    day.day = today
                    rows.append(day)
                }
            }
        }
        return rows
    }

    // MARK: Rows

    static func state(_ row: SQLRow) -> ControlState {
        let result = row.blob("result").flatMap { try? Compressed.decompress($0) }.flatMap { try? JSONDecoder().decode(ControlResult.self, from: $0) }
        return ControlState(host: row.text("host_id") ?? "", hostname: row.text("hostname"), unit: row.text("unit") ?? "", control: row.text("control") ?? "",
                            status: row.text("status").flatMap(ResultStatus.init(rawValue:)) ?? .error, since: timestamp(row.text("since_at") ?? ""),
                            failingSince: row.text("failing_since").map(timestamp), result: result)
    }

    static func timestamp(_ text: String) -> Timestamp { Timestamp(Timestamp.parse(text) ?? Date(timeIntervalSince1970: 0)) }

    /// A set of names as one parameter: a JSON array, which ``SQLSession/members(_:)`` reads.
    package static func jsonArray(_ values: Set<String>) -> String {
        String(decoding: (try? JSONEncoder().encode(values.sorted())) ?? Data("[]".utf8), as: UTF8.self)
    }
}
