import CollectorAPI
public import Foundation
public import HardeningCore

/// ``PeriodHistory`` on either store (issue 14 point 1): each answer fixed by the period's end, so a
/// report for last year gives the same figures whenever and wherever it is produced.
package enum PeriodReads {
    package static func hostsAt(units: Set<String>, end: Date, silentAfter: TimeInterval, in store: some SQLTransactions) throws -> [HostAtTime] {
        try store.read { session in
            try session.rows("""
                SELECT h.id, h.hostname, h.unit, r.id AS report_id, r.started_at, r.role, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total,
                       \(HistoryReads.revokedAt) AS revoked
                FROM host h LEFT JOIN report r ON r.id = (SELECT id FROM report WHERE host_id = h.id AND started_at < $2 ORDER BY started_at DESC LIMIT 1)
                WHERE h.unit IN \(session.members("$1")) AND \(HistoryReads.knownBy)
                ORDER BY h.unit, h.hostname, h.id
                """, [.text(HistoryReads.jsonArray(units)), .text(Timestamp(end).description)]).map { row in
                let started = row.text("started_at").flatMap(Timestamp.parse)
                let revoked = (row.integer("revoked") ?? 0) != 0
                return HostAtTime(
                    host: row.text("id") ?? "", hostname: row.text("hostname"), unit: row.text("unit") ?? "",
                    state: HistoryReads.activity(revoked: revoked, lastReport: started, at: end, silentAfter: silentAfter),
                    latestReport: row.text("report_id").flatMap(UUID.init(uuidString:)), latestAt: started.map(Timestamp.init),
                    role: row.text("role"), summary: row.text("report_id") == nil ? nil : ReportReads.summary(row))
            }
        }
    }

    package static func quietDays(units: Set<String>, from: OfficeDay, to: OfficeDay, silentAfter: TimeInterval,
                                  in store: some SQLTransactions) throws -> [String: QuietDays] {
        guard from <= to else { return [:] }
        let windowStart = Timestamp(from.end.addingTimeInterval(-86_400 - silentAfter)).description
        let windowEnd = Timestamp(to.end).description
        return try store.read { session in
            let unitList = SQLValue.text(HistoryReads.jsonArray(units))
            var hosts: [String: (firstSeen: String, certificates: [(issued: String, revoked: String?)], lastBefore: String?)] = [:]
            for row in try session.rows("""
                SELECT h.id, h.first_seen, (SELECT max(started_at) FROM report WHERE host_id = h.id AND started_at < $2) AS last_before
                FROM host h WHERE h.unit IN \(session.members("$1"))
                """, [unitList, .text(windowStart)]) {
                guard let id = row.text("id") else { continue }
                hosts[id] = (row.text("first_seen") ?? "", [], row.text("last_before"))
            }
            for row in try session.rows("""
                SELECT c.host_id, c.issued_at, c.revoked_at FROM host_certificate c JOIN host h ON h.id = c.host_id
                WHERE h.unit IN \(session.members("$1"))
                """, [unitList]) {
                guard let host = row.text("host_id") else { continue }
                hosts[host]?.certificates.append((row.text("issued_at") ?? "", row.text("revoked_at")))
            }
            var out: [String: QuietDays] = [:]
            // One host's report times at a time, oldest first: memory stays one host's period, whatever
            // the number of hosts.
            for (host, known) in hosts {
                let times = try session.rows("""
                    SELECT started_at FROM report WHERE host_id = $1 AND started_at >= $2 AND started_at < $3 ORDER BY started_at
                    """, [.text(host), .text(windowStart), .text(windowEnd)]).compactMap { $0.text("started_at") }
                var quiet = QuietDays(), next = 0, last = known.lastBefore
                for number in from.number...to.number {
                    let end = Timestamp(OfficeDay(number: number).end).description
                    while next < times.count, times[next] < end { last = times[next]; next += 1 }
                    guard known.firstSeen < end || last != nil else { continue }
                    // Counted as `revokedAt` counts it.
                    let revoked = known.certificates.contains { ($0.revoked ?? "~") < end }
                        && !known.certificates.contains { $0.issued < end && ($0.revoked.map { $0 >= end } ?? true) }
                    guard !revoked else { continue }
                    switch HistoryReads.activity(revoked: false, lastReport: last.flatMap(Timestamp.parse), at: OfficeDay(number: number).end, silentAfter: silentAfter) {
                    case .neverReported: quiet.neverReported += 1
                    case .silent: quiet.silent += 1
                    case .reporting, .revoked: break
                    }
                }
                if quiet != QuietDays() { out[host] = quiet }
            }
            return out
        }
    }

    package static func jobRecords(units: Set<String>, from: Date, to: Date, in store: some SQLTransactions) throws -> [JobRecord] {
        let start = Timestamp(from).description, end = Timestamp(to).description
        return try store.read { session in
            try session.rows("""
                SELECT j.id, j.host_id, j.controls, j.approved_by, j.approved_at, j.expires_at, j.state, j.transaction_id, j.message, j.kind,
                       j.incident_id, j.finished_at, h.unit, h.hostname
                FROM job j JOIN host h ON h.id = j.host_id
                WHERE h.unit IN \(session.members("$1")) AND j.kind = 'fix'
                  AND ((j.approved_at >= $2 AND j.approved_at < $3) OR (j.finished_at >= $2 AND j.finished_at < $3))
                ORDER BY j.approved_at, j.id
                """, [.text(HistoryReads.jsonArray(units)), .text(start), .text(end)]).map { row in
                let expiresAt = row.text("expires_at") ?? ""
                var job = Job(stored: row.text("id") ?? "", host: row.text("host_id") ?? "", controls: row.text("controls") ?? "",
                              approvedBy: row.text("approved_by") ?? "", approvedAt: row.text("approved_at") ?? "", expiresAt: expiresAt,
                              state: row.text("state") ?? "", transaction: row.text("transaction_id"), message: row.text("message"),
                              kind: row.text("kind"), incident: row.text("incident_id"), now: end)
                let finished = row.text("finished_at")
                // As the period's end saw it: a result sent later is not yet known.
                if let finished, finished >= end {
                    job.state = expiresAt <= end ? .expired : .approved
                    job.transaction = nil
                    job.message = nil
                }
                return JobRecord(job: job, unit: row.text("unit") ?? "", hostname: row.text("hostname"),
                                 finishedAt: finished.flatMap { $0 < end ? Timestamp.parse($0).map(Timestamp.init) : nil })
            }
        }
    }
}
