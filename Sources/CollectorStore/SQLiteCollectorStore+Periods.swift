public import Foundation
import CollectorAPI
import GRDB
public import HardeningCore

extension SQLiteCollectorStore: PeriodHistory {
    /// Whether a host's certificates left it revoked at `?2`: one was revoked before, and none issued
    /// before was still valid then (a re-enrolled host is back). `computeDay` counts by the same words.
    static let revokedAt = """
        EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.revoked_at < ?2)
        AND NOT EXISTS (SELECT 1 FROM host_certificate c WHERE c.host_id = h.id AND c.issued_at < ?2 AND (c.revoked_at IS NULL OR c.revoked_at >= ?2))
        """
    /// The hosts a day counts: enrolled, or reporting, before `?2`.
    static let knownBy = "(h.first_seen < ?2 OR EXISTS (SELECT 1 FROM report WHERE host_id = h.id AND started_at < ?2))"

    public func hostsAt(units: Set<String>, end: Date, silentAfter: TimeInterval) throws -> [HostAtTime] {
        try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT h.id, h.hostname, h.unit, r.id AS report_id, r.started_at, r.role, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total,
                       \(Self.revokedAt) AS revoked
                FROM host h LEFT JOIN report r ON r.id = (SELECT id FROM report WHERE host_id = h.id AND started_at < ?2 ORDER BY started_at DESC LIMIT 1)
                WHERE h.unit IN (SELECT value FROM json_each(?1)) AND \(Self.knownBy)
                ORDER BY h.unit, h.hostname, h.id
                """, arguments: [Self.jsonArray(units), Timestamp(end).description]).map { row in
                let started = (row["started_at"] as String?).flatMap(Timestamp.parse)
                let summary = row["report_id"] as String? == nil ? nil : Self.summary(row)
                return HostAtTime(
                    host: row["id"], hostname: row["hostname"], unit: row["unit"],
                    state: Self.activity(revoked: row["revoked"], lastReport: started, at: end, silentAfter: silentAfter),
                    latestReport: (row["report_id"] as String?).flatMap(UUID.init(uuidString:)), latestAt: started.map(Timestamp.init),
                    role: row["role"], summary: summary)
            }
        }
    }

    public func quietDays(units: Set<String>, from: OfficeDay, to: OfficeDay, silentAfter: TimeInterval) throws -> [String: QuietDays] {
        guard from <= to else { return [:] }
        let windowStart = Timestamp(from.end.addingTimeInterval(-86_400 - silentAfter)).description
        return try database.read { db in
            let unitList = Self.jsonArray(units)
            var hosts: [String: (firstSeen: String, certificates: [(issued: String, revoked: String?)], lastBefore: String?)] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT h.id, h.first_seen, (SELECT max(started_at) FROM report WHERE host_id = h.id AND started_at < ?2) AS last_before
                FROM host h WHERE h.unit IN (SELECT value FROM json_each(?1))
                """, arguments: [unitList, windowStart]) {
                hosts[row["id"]] = (row["first_seen"], [], row["last_before"])
            }
            for row in try Row.fetchAll(db, sql: """
                SELECT c.host_id, c.issued_at, c.revoked_at FROM host_certificate c JOIN host h ON h.id = c.host_id
                WHERE h.unit IN (SELECT value FROM json_each(?1))
                """, arguments: [unitList]) {
                hosts[row["host_id"]]?.certificates.append((row["issued_at"], row["revoked_at"]))
            }
            var out: [String: QuietDays] = [:]
            // One host's report times at a time, oldest first: memory stays one host's period.
            func count(_ host: String, _ times: [String]) {
                guard let known = hosts[host] else { return }
                var quiet = QuietDays(), next = 0, last = known.lastBefore
                for number in from.number...to.number {
                    let end = Timestamp(OfficeDay(number: number).end).description
                    while next < times.count, times[next] < end { last = times[next]; next += 1 }
                    guard known.firstSeen < end || last != nil else { continue }
                    let revoked = known.certificates.contains { ($0.revoked ?? "~") < end }
                        && !known.certificates.contains { $0.issued < end && ($0.revoked.map { $0 >= end } ?? true) }
                    guard !revoked else { continue }
                    switch Self.activity(revoked: false, lastReport: last.flatMap(Timestamp.parse), at: OfficeDay(number: number).end, silentAfter: silentAfter) {
                    case .neverReported: quiet.neverReported += 1
                    case .silent: quiet.silent += 1
                    case .reporting, .revoked: break
                    }
                }
                if quiet != QuietDays() { out[host] = quiet }
            }
            let cursor = try Row.fetchCursor(db, sql: """
                SELECT r.host_id, r.started_at FROM report r JOIN host h ON h.id = r.host_id
                WHERE h.unit IN (SELECT value FROM json_each(?1)) AND r.started_at >= ?2 AND r.started_at < ?3
                ORDER BY r.host_id, r.started_at
                """, arguments: [unitList, windowStart, Timestamp(to.end).description])
            var current: String?, times: [String] = [], seen: Set<String> = []
            while let row = try cursor.next() {
                let host: String = row[0]
                if host != current {
                    if let current { count(current, times); seen.insert(current) }
                    current = host
                    times = []
                }
                times.append(row[1])
            }
            if let current { count(current, times); seen.insert(current) }
            for host in hosts.keys where !seen.contains(host) { count(host, []) }
            return out
        }
    }

    public func jobRecords(units: Set<String>, from: Date, to: Date) throws -> [JobRecord] {
        let start = Timestamp(from).description, end = Timestamp(to).description
        return try database.read { db in
            try Row.fetchAll(db, sql: """
                SELECT j.*, h.unit, h.hostname FROM job j JOIN host h ON h.id = j.host_id
                WHERE h.unit IN (SELECT value FROM json_each(?1)) AND j.kind = 'fix'
                  AND ((j.approved_at >= ?2 AND j.approved_at < ?3) OR (j.finished_at >= ?2 AND j.finished_at < ?3))
                ORDER BY j.approved_at, j.id
                """, arguments: [Self.jsonArray(units), start, end]).map { row in
                var job = Self.job(row, now: end)
                let finished = row["finished_at"] as String?
                // As the period's end saw it: a result sent later is not yet known.
                if let finished, finished >= end {
                    job.state = (row["expires_at"] as String) <= end ? .expired : .approved
                    job.transaction = nil
                    job.message = nil
                }
                return JobRecord(job: job, unit: row["unit"], hostname: row["hostname"],
                                 finishedAt: finished.flatMap { $0 < end ? Timestamp.parse($0).map(Timestamp.init) : nil })
            }
        }
    }
}
