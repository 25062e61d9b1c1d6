import CollectorAPI
import CollectorStore
import Foundation
import GRDB
import HardeningCore
import Testing

/// What only the SQLite store does; what both stores do is in SharedStoreTests.
@Suite struct AgentStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-agents-\(UUID()).sqlite").path
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func store() throws -> SQLiteCollectorStore { try SQLiteCollectorStore(path: path) }

    func enroll(_ store: any EnrollmentStore, token: String = "t1", serial: String = "01", unit: String = "UBND xã Tứ Dân") throws -> HostIdentity {
        try? store.createToken(hash: token, unit: unit, createdBy: "officer", expiresAt: now.addingTimeInterval(3600), now: now)
        return try store.enroll(tokenHash: token, hostname: "pc01", now: now) { _ in IssuedCertificate(serial: serial, notAfter: now.addingTimeInterval(86_400)) }
    }

    @Test(arguments: StoreEngine.allCases) func summariesAndCompactionsAreIdempotent(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store)
        var counts = Report.Summary([])
        counts.pass = 10
        counts.fail = 2
        counts.total = 12
        let summary = ReportSummary(reportId: UUID(), startedAt: Timestamp(now), summary: counts, failing: ["VN-TD-PW-001", "VN-TD-AV-001"])
        #expect(try store.ingest(summary, host: host) == .stored)
        #expect(try store.ingest(summary, host: host) == .duplicate)
        let latest = try #require(try store.latestStatus(unit: host.unit).first)
        #expect(latest.summaryOnly && latest.failing == ["VN-TD-AV-001", "VN-TD-PW-001"] && latest.summary.total == 12)
        #expect(try store.hostsFailing(control: "VN-TD-AV-001").map(\.host) == [host.id])

        // A compacted record grows under one id: a resend replaces, never adds.
        var record = CompactedReports(count: 3, from: Timestamp(now), to: Timestamp(now), failures: ["VN-TD-PW-001": 3])
        #expect(try store.ingest(record, host: host) == .stored)
        #expect(try store.ingest(record, host: host) == .duplicate)
        record.count = 5
        #expect(try store.ingest(record, host: host) == .stored)
        // An older copy arriving late changes nothing.
        var stale = record
        stale.count = 4
        #expect(try store.ingest(stale, host: host) == .duplicate)
        #expect(try store.ingest(CompactedReports(count: 2, from: Timestamp(now), to: Timestamp(now), failures: [:]), host: host) == .stored)
        #expect(try store.compactedCount(host: host.id) == 7)
        // Another host cannot overwrite this host's records, nor have its report counted as theirs.
        let other = try enroll(store, token: "t2", serial: "02")
        #expect(throws: StoreError.conflict(record.id.uuidString)) { try store.ingest(record, host: other) }
        #expect(throws: StoreError.conflict(summary.reportId.uuidString)) { try store.ingest(summary, host: other) }
    }

    /// A database written by released collectors (v1 reports, a v3 summary) is migrated: bodies
    /// compressed apart, results replayed into the history, the summary keeps its failing list.
    @Test func migratesAVersionOneDatabase() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try SQLiteCollectorStore(path: path, migrateUpTo: "v1-reports")
        let reports = [ReportStoreTests().report("pc01", day: 0, failing: ["VN-TD-PW-001"]),
                       ReportStoreTests().report("pc01", day: 1, failing: ["VN-TD-PW-001", "VN-TD-PW-004"])]
        // As a v1 collector wrote them: the body whole, one row per result.
        let queue = try DatabaseQueue(path: path)
        try queue.write { db in
            try db.execute(sql: "INSERT INTO host (id, unit, hostname, first_seen, last_seen) VALUES ('m', 'u', 'pc01', '2026-09-01T00:00:00Z', '2026-09-01T00:00:00Z')")
            for r in reports {
                try db.execute(sql: """
                    INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version, pass, fail, not_applicable, error, manual, total, body)
                    VALUES (?, 'm', ?, ?, 'regulation', 'workstation', '1', 0, 0, 0, 0, 0, 0, ?)
                    """, arguments: [r.reportId.uuidString, r.startedAt.description, r.startedAt.description, try JSONEncoder().encode(r)])
                for result in r.results {
                    try db.execute(sql: "INSERT INTO result (report_id, control, status, severity) VALUES (?, ?, ?, 'high')",
                                   arguments: [r.reportId.uuidString, result.control, result.status.rawValue])
                }
            }
        }
        try queue.close()
        _ = try SQLiteCollectorStore(path: path, migrateUpTo: "v3-times-at-arrival")
        let summaryId = UUID()
        let v3 = try DatabaseQueue(path: path)
        try v3.write { db in
            try db.execute(sql: """
                INSERT INTO report (id, host_id, started_at, received_at, profile, role, policy_version, pass, fail, not_applicable, error, manual, total, body, summary_only)
                VALUES (?, 'm', '2026-09-24T00:00:00Z', '2026-09-24T00:00:00Z', '', '', '', 3, 1, 0, 0, 0, 4, x'7b7d', 1)
                """, arguments: [summaryId.uuidString])
            try db.execute(sql: "INSERT INTO result (report_id, control, status, severity) VALUES (?, 'VN-TD-AUTH-001', 'fail', '')", arguments: [summaryId.uuidString])
        }
        try v3.close()
        let migrated = try SQLiteCollectorStore(path: path)
        let status = try #require(try migrated.latestStatus(unit: "u").first)
        #expect(status.failing == ["VN-TD-AUTH-001"] && status.summaryOnly)
        #expect(try migrated.history(host: "m", limit: 10).map(\.failing) == [["VN-TD-AUTH-001"], ["VN-TD-PW-001", "VN-TD-PW-004"], ["VN-TD-PW-001"]])
        #expect(try migrated.statusSpans(host: "m", control: "VN-TD-PW-004").map(\.status) == ["pass", "fail"])
        #expect(try migrated.controlStates(host: "m").first { $0.control == "VN-TD-PW-001" }?.failingSince == reports[0].startedAt)
        #expect(try migrated.storedReport(id: reports[1].reportId) == reports[1])
        #expect(try migrated.appliedMigrations() == ["v1-reports", "v2-enrollment-jobs-officers", "v3-times-at-arrival", "v4-history", "v5-waivers-attestations-audit", "v6-audit-no-replace", "v7-issued-reports", "v8-incidents", "v9-incident-documents", "v10-catalogues", "v11-retention", "v12-unchanged-reports"])
    }

    /// The metrics' counts (issue 17 point 6) are the unit pages' states, read in one query.
    @Test func fleetCountsAgreeWithThePagesStates() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let silentAfter: TimeInterval = 7 * 86_400
        func summary(_ at: Date) -> ReportSummary { ReportSummary(reportId: UUID(), startedAt: Timestamp(at), summary: Report.Summary([]), failing: []) }
        let reporting = try enroll(store, token: "t1", serial: "01")
        let silent = try enroll(store, token: "t2", serial: "02")
        _ = try enroll(store, token: "t3", serial: "03")
        let revoked = try enroll(store, token: "t4", serial: "04", unit: "Trạm y tế xã")
        _ = try store.ingest(summary(now.addingTimeInterval(-3600)), host: reporting)
        // On the line: exactly silent-after ago still reports, a second more is silent.
        _ = try store.ingest(summary(now.addingTimeInterval(-silentAfter)), host: revoked)
        _ = try store.ingest(summary(now.addingTimeInterval(-silentAfter - 1)), host: silent)
        #expect(try store.revoke(host: revoked.id, by: .local("o"), now: now) == 1)
        _ = try store.approveJob(host: reporting.id, controls: ["VN-TD-PW-001"], officer: .local("o"), expiresAt: now.addingTimeInterval(3600), now: now)
        _ = try store.approveJob(host: reporting.id, controls: ["VN-TD-PW-004"], officer: .local("o"), expiresAt: now.addingTimeInterval(-1), now: now.addingTimeInterval(-60))

        let counts = try store.fleetCounts(now: now, silentAfter: silentAfter)
        let pages = Dictionary(grouping: try store.hostActivity(units: nil, hosts: nil, now: now, silentAfter: silentAfter), by: \.state).mapValues(\.count)
        #expect(counts.hosts == [.reporting: 1, .silent: 1, .neverReported: 1, .revoked: 1])
        #expect(counts.hosts.filter { $0.value > 0 } == pages)
        #expect(counts.pendingJobs == 1)
        try store.ping()
    }
}
