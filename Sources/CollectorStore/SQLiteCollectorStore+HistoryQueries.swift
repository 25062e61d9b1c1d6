public import Foundation
import GRDB
public import HardeningCore

extension SQLiteCollectorStore: HistoryStore {
    static let stateColumns = """
        SELECT c.host_id, c.control, c.status, c.since_at, c.failing_since, c.result, h.hostname, h.unit
        FROM current_result c JOIN host h ON h.id = c.host_id
        """

    public func controlStates(host: String) throws -> [ControlState] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.stateColumns + " WHERE c.host_id = ? AND c.status != 'absent' ORDER BY c.control", arguments: [host]).map(Self.state)
        }
    }

    public func controlStates(control: String, units: Set<String>?, status: ResultStatus?, limit: Int, offset: Int) throws -> [ControlState] {
        try database.read { db in
            try Row.fetchAll(db, sql: Self.stateColumns + """
                 WHERE c.control = ?1 AND c.status != 'absent' AND (?2 IS NULL OR c.status = ?2)
                 AND (?3 IS NULL OR h.unit IN (SELECT value FROM json_each(?3)))
                 ORDER BY CASE c.status WHEN 'fail' THEN 0 WHEN 'error' THEN 1 WHEN 'manual' THEN 2 WHEN 'pass' THEN 3 ELSE 4 END,
                          coalesce(c.failing_since, c.since_at), h.unit, h.hostname, h.id
                 LIMIT ?4 OFFSET ?5
                """, arguments: [control, status?.rawValue, units.map(Self.jsonArray), limit, offset]).map(Self.state)
        }
    }

    public func controlCounts(control: String, units: Set<String>?) throws -> [ResultStatus: Int] {
        try database.read { db in
            var counts: [ResultStatus: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT c.status, count(*) AS n FROM current_result c JOIN host h ON h.id = c.host_id
                WHERE c.control = ?1 AND (?2 IS NULL OR h.unit IN (SELECT value FROM json_each(?2))) AND NOT \(Self.hostIsRevoked) GROUP BY c.status
                """, arguments: [control, units.map(Self.jsonArray)]) {
                if let status = ResultStatus(rawValue: row["status"]) { counts[status] = row["n"] }
            }
            return counts
        }
    }

    public func statusSpans(host: String, control: String?) throws -> [StatusSpan] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT control, status, since_at, until_at, report_id FROM result_change WHERE host_id = ?1 AND (?2 IS NULL OR control = ?2)
                ORDER BY since_at, control
                """, arguments: [host, control]).map { row in
                StatusSpan(control: row["control"], status: row["status"], since: Self.timestamp(row["since_at"]),
                           until: (row["until_at"] as String?).map(Self.timestamp), reportId: UUID(uuidString: row["report_id"]) ?? UUID())
            }
        }
    }

    public func reports(host: String, from: Date, to: Date, limit: Int) throws -> [HostStatus] {
        try read { try ReportReads.reports(host: host, from: from, to: to, limit: limit, in: $0) }
    }

    public func storedReport(id: UUID) throws -> Report? {
        guard let body = try database.read({ db in try Data.fetchOne(db, sql: "SELECT body FROM report_body WHERE report_id = ?", arguments: [id.uuidString]) }) else { return nil }
        return try JSONDecoder().decode(Report.self, from: try Compressed.decompress(body))
    }

    public func controlInfo() throws -> [ControlInfo] {
        try database.read { db in
            try Row.fetchAll(db, sql: "SELECT * FROM control_info ORDER BY control").map { row in
                ControlInfo(control: row["control"], area: row["area"], articles: (row["articles"] as String).split(separator: ",").map(String.init),
                            severity: Severity(rawValue: row["severity"]) ?? .medium, title: LocalizedText(vi: row["title_vi"], en: row["title_en"]))
            }
        }
    }

    public func hostActivity(units: Set<String>?, hosts: Set<String>?, now: Date, silentAfter: TimeInterval) throws -> [HostActivity] {
        let filter = " AND ($1 IS NULL OR h.unit IN (SELECT value FROM json_each($1))) AND ($2 IS NULL OR h.id IN (SELECT value FROM json_each($2)))"
        let arguments = [SQLValue(units.map(Self.jsonArray)), SQLValue(hosts.map(Self.jsonArray))]
        let (records, latest) = try database.read { db in
            (try Row.fetchAll(db, sql: Self.hostRecords + " WHERE TRUE" + SQLiteSession.numbered(filter) + " ORDER BY h.unit, h.hostname, h.id",
                              arguments: SQLiteSession.arguments(arguments)).map(Self.hostRecord),
             try ReportReads.latest(filter, arguments, in: SQLiteSession(db: db)))
        }
        let byHost = Dictionary(latest.map { ($0.host, $0) }, uniquingKeysWith: { a, _ in a })
        return records.map { record in
            let status = byHost[record.id]
            return HostActivity(host: record, latest: status, state: Self.activity(revoked: record.revoked, lastReport: status?.startedAt.date, at: now, silentAfter: silentAfter))
        }
    }

    static func activity(revoked: Bool, lastReport: Date?, at: Date, silentAfter: TimeInterval) -> HostActivity.State {
        if revoked { return .revoked }
        guard let lastReport else { return .neverReported }
        return at.timeIntervalSince(lastReport) > silentAfter ? .silent : .reporting
    }

    // MARK: Daily roll-up

    public func rollUp(now: Date, silentAfter: TimeInterval) throws {
        let yesterday = OfficeDay(containing: now).adding(-1)
        try database.write { db in
            let units = try String.fetchAll(db, sql: "SELECT DISTINCT unit FROM host")
            for unit in units {
                let state = try Row.fetchOne(db, sql: "SELECT through_day, dirty_from FROM rollup_state WHERE unit = ?", arguments: [unit])
                let through: Int? = state?["through_day"], dirty: Int? = state?["dirty_from"]
                var first: OfficeDay
                if let dirty {
                    first = OfficeDay(number: dirty)
                } else if let through {
                    first = OfficeDay(number: through + 1)
                } else {
                    guard let since = try String.fetchOne(db, sql: """
                        SELECT min(min(first_seen), coalesce((SELECT min(started_at) FROM report WHERE host_id = host.id), first_seen)) FROM host WHERE unit = ?
                        """, arguments: [unit]).flatMap(Timestamp.parse) else { continue }
                    first = OfficeDay(containing: since)
                }
                guard first <= yesterday else { continue }
                var day = first
                while day <= yesterday {
                    let (hosts, controls) = try Self.computeDay(unit: unit, at: day.end, silentAfter: silentAfter, in: db)
                    try db.execute(sql: "DELETE FROM compliance_day WHERE unit = ? AND day = ?", arguments: [unit, day.number])
                    for (control, c) in controls {
                        try db.execute(sql: """
                            INSERT INTO compliance_day (unit, day, control, pass, fail, not_applicable, error, manual, waived) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
                            """, arguments: [unit, day.number, control, c.pass, c.fail, c.notApplicable, c.error, c.manual, c.waived])
                    }
                    try db.execute(sql: """
                        INSERT OR REPLACE INTO unit_day (unit, day, hosts, reporting, silent, never_reported, revoked) VALUES (?, ?, ?, ?, ?, ?, ?)
                        """, arguments: [unit, day.number, hosts.hosts, hosts.reporting, hosts.silent, hosts.neverReported, hosts.revoked])
                    day = day.adding(1)
                }
                try db.execute(sql: """
                    INSERT INTO rollup_state (unit, through_day, dirty_from) VALUES (?1, ?2, NULL)
                    ON CONFLICT(unit) DO UPDATE SET through_day = max(coalesce(through_day, ?2), ?2), dirty_from = NULL
                    """, arguments: [unit, yesterday.number])
            }
        }
    }

    /// A unit as of one instant: its hosts by activity, and for the reporting ones, how many were in
    /// each status per control. Silent, revoked and never-reporting hosts are not counted in any control.
    static func computeDay(unit: String, at end: Date, silentAfter: TimeInterval, in db: Database) throws -> (UnitDay, [String: ShownCounts]) {
        let stamp = Timestamp(end).description
        var day = UnitDay(unit: unit, day: OfficeDay(containing: end.addingTimeInterval(-1)))
        var reporting: [String] = []
        for row in try Row.fetchAll(db, sql: """
            SELECT h.id,
                   (SELECT started_at FROM report WHERE host_id = h.id AND started_at < ?2 ORDER BY started_at DESC LIMIT 1) AS last_at,
                   \(revokedAt) AS revoked
            FROM host h WHERE h.unit = ?1 AND \(knownBy)
            """, arguments: [unit, stamp]) {
            switch activity(revoked: row["revoked"], lastReport: (row["last_at"] as String?).flatMap(Timestamp.parse), at: end, silentAfter: silentAfter) {
            case .revoked: day.revoked += 1; continue
            case .neverReported: day.neverReported += 1
            case .silent: day.silent += 1
            case .reporting: day.reporting += 1; reporting.append(row["id"])
            }
            day.hosts += 1
        }
        var controls: [String: ShownCounts] = [:]
        guard !reporting.isEmpty else { return (day, controls) }
        // A fail or an error under a waiver in force at the day's end counts as waived, apart from
        // both (a waiver takes effect when recorded, so it never changes a day already past).
        for row in try Row.fetchAll(db, sql: """
            SELECT c.control, c.status, count(*) AS n,
                   c.status IN ('fail', 'error') AND EXISTS (
                       SELECT 1 FROM waiver w WHERE w.unit = ?3 AND w.control = c.control AND (w.host_id IS NULL OR w.host_id = c.host_id)
                       AND w.recorded_at < ?2 AND w.expires_at >= ?2 AND (w.ended_at IS NULL OR w.ended_at >= ?2)) AS waived
            FROM result_change c
            WHERE c.host_id IN (SELECT value FROM json_each(?1)) AND c.since_at < ?2 AND (c.until_at IS NULL OR c.until_at >= ?2)
            GROUP BY c.control, c.status, waived
            """, arguments: [jsonArray(Set(reporting)), stamp, unit]) {
            let n: Int = row["n"]
            var counts = controls[row["control"], default: ShownCounts()]
            switch (ResultStatus(rawValue: row["status"]), row["waived"] as Bool) {
            case (_, true): counts.waived += n
            case (.pass, _): counts.pass += n
            case (.fail, _): counts.fail += n
            case (.notApplicable, _): counts.notApplicable += n
            case (.error, _): counts.error += n
            case (.manual, _): counts.manual += n
            case (nil, _): continue
            }
            controls[row["control"]] = counts
        }
        return (day, controls)
    }

    public func dailyCompliance(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval, combined: Bool) throws -> [DailyCompliance] {
        try rollUp(now: now, silentAfter: silentAfter)
        let today = OfficeDay(containing: now)
        // Combined, the units are summed by SQLite: a commune's year is 15,000 rows, not 150,000.
        let sql = combined ? """
            SELECT '', day, control, sum(pass), sum(fail), sum(not_applicable), sum(error), sum(manual), sum(waived) FROM compliance_day
            WHERE unit IN (SELECT value FROM json_each(?1)) AND day BETWEEN ?2 AND ?3 GROUP BY day, control ORDER BY day, control
            """ : """
            SELECT unit, day, control, pass, fail, not_applicable, error, manual, waived FROM compliance_day
            WHERE unit IN (SELECT value FROM json_each(?1)) AND day BETWEEN ?2 AND ?3 ORDER BY day, unit, control
            """
        var rows = try database.read { db in
            try Row.fetchAll(db, sql: sql, arguments: [Self.jsonArray(units), from.number, min(to, today.adding(-1)).number]).map { row in
                var counts = ShownCounts()
                counts.pass = row[3]; counts.fail = row[4]; counts.notApplicable = row[5]
                counts.error = row[6]; counts.manual = row[7]; counts.waived = row[8]
                return DailyCompliance(unit: row[0], day: OfficeDay(number: row[1]), control: row[2], counts: counts)
            }
        }
        if (from...to).contains(today) {
            try database.read { db in
                var summed: [String: ShownCounts] = [:]
                for unit in units.sorted() {
                    let (_, controls) = try Self.computeDay(unit: unit, at: now, silentAfter: silentAfter, in: db)
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

    public func unitDays(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval) throws -> [UnitDay] {
        try rollUp(now: now, silentAfter: silentAfter)
        let today = OfficeDay(containing: now)
        var rows = try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM unit_day WHERE unit IN (SELECT value FROM json_each(?1)) AND day BETWEEN ?2 AND ?3 ORDER BY day, unit
                """, arguments: [Self.jsonArray(units), from.number, min(to, today.adding(-1)).number]).map { row in
                UnitDay(unit: row["unit"], day: OfficeDay(number: row["day"]), hosts: row["hosts"], reporting: row["reporting"],
                        silent: row["silent"], neverReported: row["never_reported"], revoked: row["revoked"])
            }
        }
        if (from...to).contains(today) {
            try database.read { db in
                for unit in units.sorted() {
                    var (day, _) = try Self.computeDay(unit: unit, at: now, silentAfter: silentAfter, in: db)
                    day.day = today
                    rows.append(day)
                }
            }
        }
        return rows
    }

    // MARK: Rows

    static func state(_ row: Row) -> ControlState {
        let blob: Data? = row["result"]
        let result = blob.flatMap { try? Compressed.decompress($0) }.flatMap { try? JSONDecoder().decode(ControlResult.self, from: $0) }
        return ControlState(host: row["host_id"], hostname: row["hostname"], unit: row["unit"], control: row["control"],
                            status: ResultStatus(rawValue: row["status"]) ?? .error, since: timestamp(row["since_at"]),
                            failingSince: (row["failing_since"] as String?).map(timestamp), result: result)
    }

    static func timestamp(_ text: String) -> Timestamp { Timestamp(Timestamp.parse(text) ?? Date(timeIntervalSince1970: 0)) }

    static func jsonArray(_ values: Set<String>) -> String {
        String(decoding: (try? JSONEncoder().encode(values.sorted())) ?? Data("[]".utf8), as: UTF8.self)
    }
}

extension SQLiteCollectorStore {
    /// Folds the write-ahead log into the database file (backups and size measurements see it whole).
    public func checkpoint() throws {
        try database.writeWithoutTransaction { db in try db.checkpoint(.truncate) }
    }
}
