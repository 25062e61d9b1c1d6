import CollectorAPI
import CollectorStore
import Foundation
import GRDB
import HardeningCore
import Testing

/// Enrollment tokens, certificates, jobs and officer sign-ins in the SQLite store.
@Suite struct AgentStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-agents-\(UUID()).sqlite").path
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func store() throws -> SQLiteCollectorStore { try SQLiteCollectorStore(path: path) }

    func enroll(_ store: SQLiteCollectorStore, token: String = "t1", serial: String = "01", unit: String = "UBND xã Tứ Dân") throws -> HostIdentity {
        try? store.createToken(hash: token, unit: unit, createdBy: "officer", expiresAt: now.addingTimeInterval(3600), now: now)
        return try store.enroll(tokenHash: token, hostname: "pc01", now: now) { _ in IssuedCertificate(serial: serial, notAfter: now.addingTimeInterval(86_400)) }
    }

    @Test func aTokenIsUsedOnceAndExpires() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let host = try enroll(store)
        #expect(host.unit == "UBND xã Tứ Dân" && host.id.hasPrefix("h-"))
        #expect(throws: EnrollmentRefusal.usedToken) { try enroll(store) }
        #expect(throws: EnrollmentRefusal.unknownToken) { try store.enroll(tokenHash: "nope", hostname: "x", now: now) { _ in IssuedCertificate(serial: "9", notAfter: now) } }
        try store.createToken(hash: "old", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(60), now: now)
        #expect(throws: EnrollmentRefusal.expiredToken) {
            try store.enroll(tokenHash: "old", hostname: "x", now: now.addingTimeInterval(61)) { _ in IssuedCertificate(serial: "9", notAfter: now) }
        }
    }

    /// When signing fails, the token is not spent: the officer's PC can try again.
    @Test func aFailedIssueKeepsTheToken() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        try store.createToken(hash: "t", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(60), now: now)
        struct SigningFailed: Error {}
        #expect(throws: SigningFailed.self) { try store.enroll(tokenHash: "t", hostname: "x", now: now) { _ in throw SigningFailed() } }
        #expect(try store.hosts(unit: nil).isEmpty)
        _ = try store.enroll(tokenHash: "t", hostname: "x", now: now) { _ in IssuedCertificate(serial: "5", notAfter: now) }
        #expect(try store.hosts(unit: nil).count == 1)
    }

    @Test func certificatesIdentifyHostsUntilRevoked() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let host = try enroll(store, serial: "abcd")
        #expect(try store.certifiedHost(serial: "abcd") == host)
        #expect(try store.certifiedHost(serial: "ffff") == nil)
        #expect(try store.revoke(host: host.id, by: .local("o"), now: now) == 1)
        #expect(try store.certifiedHost(serial: "abcd") == nil)
        #expect(try store.hosts(unit: nil).first?.revoked == true)
        // No job for a host that can no longer fetch it.
        #expect(throws: StoreError.unknownHost(host.id)) { try store.approveJob(host: host.id, controls: ["VN-TD-PW-001"], officer: .local("o"), expiresAt: now, now: now) }
    }

    @Test func jobsExpireAreFetchedByTheirHostAndFinishOnce() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let a = try enroll(store, token: "a", serial: "0a"), b = try enroll(store, token: "b", serial: "0b")
        let job = try store.approveJob(host: a.id, controls: ["VN-TD-PW-001"], officer: .local("nguyenvana"), expiresAt: now.addingTimeInterval(3600), now: now)
        _ = try store.approveJob(host: a.id, controls: ["VN-TD-PW-004"], officer: .local("nguyenvana"), expiresAt: now.addingTimeInterval(60), now: now)
        #expect(throws: StoreError.unknownHost("h-none")) { try store.approveJob(host: "h-none", controls: ["x"], officer: .local("o"), expiresAt: now, now: now) }

        // The short job has expired an hour later; the other host sees nothing.
        let later = now.addingTimeInterval(120)
        #expect(try store.pendingJobs(host: a.id, now: later).map(\.id) == [job.id])
        #expect(try store.pendingJobs(host: b.id, now: later).isEmpty)
        #expect(try store.jobs(host: a.id, now: later).map(\.state).sorted { $0.rawValue < $1.rawValue } == [.approved, .expired])

        // Only the job's own host can finish it, and only once.
        let result = JobResult(state: .applied, transaction: "000001-x", message: nil, fixed: ["VN-TD-PW-001"])
        #expect(try store.finishJob(id: job.id, host: b.id, result: result, now: later) == .notFound)
        #expect(try store.finishJob(id: job.id, host: a.id, result: result, now: later) == .recorded)
        #expect(try store.finishJob(id: job.id, host: a.id, result: JobResult(state: .failed, transaction: nil, message: "x", fixed: nil), now: later) == .alreadyFinished)
        let finished = try #require(try store.jobs(host: a.id, now: later).first { $0.id == job.id })
        #expect(finished.state == .applied && finished.transaction == "000001-x" && finished.approvedBy == "nguyenvana")
        #expect(try store.pendingJobs(host: a.id, now: later).isEmpty)
    }

    @Test func summariesAndCompactionsAreIdempotent() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
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

    @Test func signInFailuresAndSessions() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        // Three attempts in the window are admitted (each counted until it succeeds); the fourth is not.
        for i in 0..<3 { #expect(try store.admitSignIn(user: "nguyenvana", address: "10.0.0.5", at: now.addingTimeInterval(Double(i) * 60), window: 900, limit: 3)) }
        #expect(try !store.admitSignIn(user: "nguyenvana", address: "10.0.0.5", at: now.addingTimeInterval(180), window: 900, limit: 3))
        #expect(try store.signInFailures(user: "nguyenvana", since: now.addingTimeInterval(30)) == 2)
        #expect(try store.admitSignIn(user: "other", address: nil, at: now, window: 900, limit: 3))
        // The window passes: admitted again.
        #expect(try store.admitSignIn(user: "nguyenvana", address: nil, at: now.addingTimeInterval(1_100), window: 900, limit: 3))
        try store.clearSignInFailures(user: "nguyenvana")
        #expect(try store.signInFailures(user: "nguyenvana", since: now) == 0)

        try store.createSession(tokenHash: "s1", user: "nguyenvana", expiresAt: now.addingTimeInterval(60), now: now)
        #expect(try store.session(tokenHash: "s1", now: now, idle: 30)?.user == "nguyenvana")
        #expect(try store.session(tokenHash: "s1", now: now.addingTimeInterval(61), idle: 300) == nil)
        #expect(try store.session(tokenHash: "s2", now: now, idle: 30) == nil)
        try store.deleteSession(tokenHash: "s1")
        #expect(try store.session(tokenHash: "s1", now: now, idle: 30) == nil)

        // Used within the idle time, a session lives on; left idle, it ends for good.
        try store.createSession(tokenHash: "s3", user: "nguyenvana", expiresAt: now.addingTimeInterval(3600), now: now)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(25), idle: 30)?.checkedAt == now)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(50), idle: 30) != nil)
        try store.markSessionChecked(tokenHash: "s3", at: now.addingTimeInterval(50))
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(60), idle: 30)?.checkedAt == now.addingTimeInterval(50))
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(91), idle: 30) == nil)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(92), idle: 3600) == nil)
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
        #expect(try migrated.appliedMigrations() == ["v1-reports", "v2-enrollment-jobs-officers", "v3-times-at-arrival", "v4-history", "v5-waivers-attestations-audit", "v6-audit-no-replace", "v7-issued-reports", "v8-incidents", "v9-incident-documents", "v10-catalogues", "v11-retention"])
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

    /// Issue 17 point 4: one renewal a day, both certificates valid until revoked together.
    @Test func aRenewalADayAndARevocationEndsThemAll() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        let host = try enroll(store)
        let renewed = try store.renewCertificate(host: host.id, now: now) { IssuedCertificate(serial: "02", notAfter: now.addingTimeInterval(86_400)) }
        #expect(renewed.serial == "02")
        #expect(try store.certifiedHost(serial: "01") == host && store.certifiedHost(serial: "02") == host)
        #expect(throws: RenewalRefusal.tooSoon(next: now.addingTimeInterval(86_400))) {
            try store.renewCertificate(host: host.id, now: now.addingTimeInterval(3600)) { IssuedCertificate(serial: "03", notAfter: now) }
        }
        _ = try store.renewCertificate(host: host.id, now: now.addingTimeInterval(86_400)) { IssuedCertificate(serial: "03", notAfter: now.addingTimeInterval(2 * 86_400)) }
        #expect(try store.revoke(host: host.id, by: .local("o"), now: now) == 3)
        #expect(throws: RenewalRefusal.revoked) { try store.renewCertificate(host: host.id, now: now.addingTimeInterval(3 * 86_400)) { IssuedCertificate(serial: "04", notAfter: now) } }
        #expect(try store.certifiedHost(serial: "03") == nil)
    }
}
