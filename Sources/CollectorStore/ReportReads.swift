public import Foundation
public import HardeningCore

/// The reads of `ReportStore` (each host's newest report, the hosts failing a control, a host's
/// reports), the same on both stores.
package enum ReportReads {
    /// A report row with its host and failing controls as of that report; callers add the WHERE clause.
    static func reportWithFailing(_ session: some SQLSession) -> String {
        """
        SELECT r.id, r.host_id, r.started_at, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total, r.summary_only, r.bundle_version, r.bundle_refused, h.unit, h.hostname,
               CASE WHEN r.summary_only THEN r.failing ELSE
                   (SELECT \(session.joined("control")) FROM (SELECT control FROM result_change WHERE host_id = r.host_id AND status = 'fail'
                    AND since_at <= r.started_at AND (until_at IS NULL OR until_at > r.started_at) ORDER BY control) AS failing_now) END AS failing
        FROM report r JOIN host h ON h.id = r.host_id
        """
    }

    /// The newest report of each host (by the agent's start time, which ingest clamps to its
    /// arrival); of two in the same second, the one received last. One look-up per host.
    static func latestPerHost(_ session: some SQLSession) -> String {
        let order = session.arrivalOrder
        return """
            SELECT r.id, r.host_id, r.started_at, r.pass, r.fail, r.not_applicable, r.error, r.manual, r.total, r.summary_only, r.bundle_version, r.bundle_refused, h.unit, h.hostname,
                   CASE WHEN r.summary_only THEN r.failing ELSE
                       (SELECT \(session.joined("control")) FROM (SELECT control FROM current_result WHERE host_id = r.host_id AND status = 'fail' ORDER BY control) AS failing_now) END AS failing
            FROM host h JOIN report r ON r.\(order) = (SELECT \(order) FROM report WHERE host_id = h.id ORDER BY started_at DESC, \(order) DESC LIMIT 1)
            WHERE TRUE
            """
    }

    package static func latestStatus(unit: String, in session: some SQLSession) throws -> [HostStatus] {
        try session.rows(latestPerHost(session) + " AND h.unit = $1 ORDER BY h.hostname, h.id", [.text(unit)]).map(status)
    }

    package static func hostsFailing(control: String, in session: some SQLSession) throws -> [HostStatus] {
        try session.rows(latestPerHost(session) + """
             AND CASE WHEN r.summary_only THEN ',' || r.failing || ',' LIKE '%,' || $1 || ',%'
                 ELSE EXISTS (SELECT 1 FROM current_result WHERE host_id = r.host_id AND control = $1 AND status = 'fail') END
             ORDER BY h.unit, h.hostname, h.id
            """, [.text(control)]).map(status)
    }

    package static func history(host: String, limit: Int, in session: some SQLSession) throws -> [HostStatus] {
        try session.rows(reportWithFailing(session) + " WHERE r.host_id = $1 ORDER BY r.started_at DESC LIMIT $2", [.text(host), .integer(limit)]).map(status)
    }

    package static func reports(host: String, from: Date, to: Date, limit: Int, in session: some SQLSession) throws -> [HostStatus] {
        try session.rows(reportWithFailing(session) + " WHERE r.host_id = $1 AND r.started_at >= $2 AND r.started_at < $3 ORDER BY r.started_at LIMIT $4",
                         [.text(host), .text(Timestamp(from).description), .text(Timestamp(to).description), .integer(limit)]).map(status)
    }

    /// Each host's newest report, with the caller's conditions (`AND …`) and parameters.
    package static func latest(_ conditions: String, _ arguments: [SQLValue], in session: some SQLSession) throws -> [HostStatus] {
        try session.rows(latestPerHost(session) + conditions, arguments).map(status)
    }

    package static func compactedCount(host: String, in session: some SQLSession) throws -> Int {
        try session.row("SELECT CAST(coalesce(sum(count), 0) AS BIGINT) AS n FROM compaction WHERE host_id = $1", [.text(host)])?.integer("n") ?? 0
    }

    static func status(_ row: SQLRow) -> HostStatus {
        HostStatus(
            host: row.text("host_id") ?? "", hostname: row.text("hostname"), unit: row.text("unit") ?? "",
            reportId: row.text("id").flatMap(UUID.init(uuidString:)) ?? UUID(),
            startedAt: Timestamp(row.text("started_at").flatMap(Timestamp.parse) ?? Date(timeIntervalSince1970: 0)),
            summary: summary(row), failing: row.text("failing").map { $0.split(separator: ",").map(String.init) } ?? [],
            summaryOnly: (row.integer("summary_only") ?? 0) != 0,
            bundleVersion: row.integer("bundle_version"), bundleRefused: row.text("bundle_refused")
        )
    }

    /// A report's counts from the `report` table's columns of the same names.
    static func summary(_ row: SQLRow) -> Report.Summary {
        var summary = Report.Summary([])
        summary.pass = row.integer("pass") ?? 0
        summary.fail = row.integer("fail") ?? 0
        summary.notApplicable = row.integer("not_applicable") ?? 0
        summary.error = row.integer("error") ?? 0
        summary.manual = row.integer("manual") ?? 0
        summary.total = row.integer("total") ?? 0
        return summary
    }
}
