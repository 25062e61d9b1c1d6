import AtttTestSupport
import CollectorAPI
import CollectorPostgres
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// What several collector instances share (issue 17 points 1–2): enrollment tokens, certificates,
/// jobs, the sign-in lockout, sessions and the audit log, held to the same behaviour on both
/// stores. The PostgreSQL store runs on a real server the tests start (``PostgresTestCluster``).
enum StoreEngine: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case sqlite
    case postgres

    typealias Shared = EnrollmentStore & JobStore & OfficerStore & AuditLog & ExceptionStore & CatalogueStore & IssuedReportStore & ReportStore
        & HistoryStore & PeriodHistory & RetentionStore & SnapshotStore
        & IncidentStore & IncidentDocumentStore

    var testDescription: String { rawValue }

    /// A new, empty store of this kind.
    func open(limits: ReportLimits = ReportLimits(), reportBodyRetention: TimeInterval = 14 * 86_400, retention: Retention = Retention()) throws -> any Shared {
        try openWithShell(limits: limits, reportBodyRetention: reportBodyRetention, retention: retention).store
    }

    /// A new, empty store, and the database's own shell on it (sqlite3, psql) to try a statement behind
    /// the store's back: whether the database refused it.
    func openWithShell(limits: ReportLimits = ReportLimits(), reportBodyRetention: TimeInterval = 14 * 86_400, retention: Retention = Retention())
        throws -> (store: any Shared, refuses: (String) throws -> Bool) {
        switch self {
        case .sqlite:
            let path = Self.sqliteFiles.appendingPathComponent("\(UUID()).sqlite").path
            let store = try SQLiteCollectorStore(path: path, limits: limits, reportBodyRetention: reportBodyRetention, retention: retention)
            return (store, { try ExceptionStoreTests().sqlite($0, on: path) != 0 })
        case .postgres:
            let cluster = try PostgresTestCluster.shared()
            let database = try cluster.database()
            let store = try PostgresCollectorStore(location: PostgresLocation(url: cluster.url(database)), password: nil, limits: limits,
                                                   reportBodyRetention: reportBodyRetention, retention: retention)
            return (store, { sql in
                do { try cluster.psql(sql, database: database) } catch is PostgresTestCluster.Failure { return true }
                return false
            })
        }
    }

    /// The SQLite stores of this test process, removed when it ends (as the PostgreSQL cluster is).
    static let sqliteFiles: URL = {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("attt-store-tests-\(getpid())")
        try? FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        atexit { try? FileManager.default.removeItem(at: StoreEngine.sqliteFiles) }
        return directory
    }()
}

@Suite struct SharedStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    func enroll(_ store: any StoreEngine.Shared, token: String = "t1", serial: String = "01", unit: String = "UBND xã Tứ Dân") throws -> HostIdentity {
        try? store.createToken(hash: token, unit: unit, createdBy: "officer", expiresAt: now.addingTimeInterval(3600), now: now)
        return try store.enroll(tokenHash: token, hostname: "pc01", now: now) { _ in IssuedCertificate(serial: serial, notAfter: now.addingTimeInterval(86_400)) }
    }

    @Test(arguments: StoreEngine.allCases) func aTokenIsUsedOnceAndExpires(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store)
        #expect(host.unit == "UBND xã Tứ Dân" && host.id.hasPrefix("h-"))
        #expect(throws: EnrollmentRefusal.usedToken) { try enroll(store) }
        #expect(throws: EnrollmentRefusal.unknownToken) { try store.enroll(tokenHash: "nope", hostname: "x", now: now) { _ in IssuedCertificate(serial: "9", notAfter: now) } }
        try store.createToken(hash: "old", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(60), now: now)
        #expect(throws: EnrollmentRefusal.expiredToken) {
            try store.enroll(tokenHash: "old", hostname: "x", now: now.addingTimeInterval(61)) { _ in IssuedCertificate(serial: "9", notAfter: now) }
        }
        let record = try #require(try store.host(id: host.id))
        #expect(record.hostname == "pc01" && record.enrolledAt == Timestamp(now).description && !record.revoked)
    }

    /// When signing fails, the token is not spent: the officer's PC can try again.
    @Test(arguments: StoreEngine.allCases) func aFailedIssueKeepsTheToken(engine: StoreEngine) throws {
        let store = try engine.open()
        try store.createToken(hash: "t", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(60), now: now)
        struct SigningFailed: Error {}
        #expect(throws: SigningFailed.self) { try store.enroll(tokenHash: "t", hostname: "x", now: now) { _ in throw SigningFailed() } }
        #expect(try store.hosts(unit: nil).isEmpty)
        _ = try store.enroll(tokenHash: "t", hostname: "", now: now) { _ in IssuedCertificate(serial: "5", notAfter: now) }
        #expect(try store.hosts(unit: nil).map(\.hostname) == [nil])
    }

    @Test(arguments: StoreEngine.allCases) func certificatesIdentifyHostsUntilRevoked(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store, serial: "abcd")
        let other = try enroll(store, token: "t2", serial: "beef", unit: "Trạm y tế xã")
        #expect(try store.certifiedHost(serial: "abcd") == host)
        #expect(try store.certifiedHost(serial: "ffff") == nil)
        #expect(try store.revoke(host: host.id, by: ActingOfficer(name: "nguyenvana", role: "unit-officer"), now: now) == 1)
        #expect(try store.revoke(host: host.id, by: .local("o"), now: now) == 0)
        #expect(try store.certifiedHost(serial: "abcd") == nil)
        // Ordered by unit, byte-wise on both stores ("Trạm…" before "UBND…").
        #expect(try store.hosts(unit: nil).map { [$0.id: $0.revoked] } == [[other.id: false], [host.id: true]])
        #expect(try store.hosts(unit: "Trạm y tế xã").map(\.id) == [other.id])
        // No job for a host that can no longer fetch it.
        #expect(throws: StoreError.unknownHost(host.id)) { try store.approveJob(host: host.id, controls: ["VN-TD-PW-001"], officer: .local("o"), expiresAt: now, now: now) }
        // The revocation is in the audit log, once, with who did it.
        let entries = try store.auditEntries(unit: nil, before: nil, limit: 10)
        #expect(entries.map(\.action) == [.hostRevoked])
        #expect(entries.first.map { [$0.officer, $0.role, $0.unit, $0.host, $0.detail["certificates"]] } == ["nguyenvana", "unit-officer", "UBND xã Tứ Dân", host.id, "1"])
    }

    @Test(arguments: StoreEngine.allCases) func jobsExpireAreFetchedByTheirHostAndFinishOnce(engine: StoreEngine) throws {
        let store = try engine.open()
        let a = try enroll(store, token: "a", serial: "0a"), b = try enroll(store, token: "b", serial: "0b")
        let job = try store.approveJob(host: a.id, controls: ["VN-TD-PW-001"], officer: .local("nguyenvana"), expiresAt: now.addingTimeInterval(3600), now: now)
        _ = try store.approveJob(host: a.id, controls: ["VN-TD-PW-004"], officer: .local("nguyenvana"), expiresAt: now.addingTimeInterval(60), now: now)
        #expect(throws: StoreError.unknownHost("h-none")) { try store.approveJob(host: "h-none", controls: ["x"], officer: .local("o"), expiresAt: now, now: now) }

        let later = now.addingTimeInterval(120)
        #expect(try store.pendingJobs(host: a.id, now: later).map(\.id) == [job.id])
        #expect(try store.pendingJobs(host: b.id, now: later).isEmpty)
        #expect(try store.jobs(host: a.id, now: later).map(\.state).sorted { $0.rawValue < $1.rawValue } == [.approved, .expired])

        let result = JobResult(state: .applied, transaction: "000001-x", message: nil, fixed: ["VN-TD-PW-001"])
        #expect(try store.finishJob(id: job.id, host: b.id, result: result, now: later) == .notFound)
        #expect(try store.finishJob(id: job.id, host: a.id, result: result, now: later) == .recorded)
        #expect(try store.finishJob(id: job.id, host: a.id, result: JobResult(state: .failed, transaction: nil, message: "x", fixed: nil), now: later) == .alreadyFinished)
        let finished = try #require(try store.jobs(host: a.id, now: later).first { $0.id == job.id })
        #expect(finished.state == .applied && finished.transaction == "000001-x" && finished.approvedBy == "nguyenvana")
        #expect(finished.message == "passing now: VN-TD-PW-001" && finished.kind == .fix)
        #expect(try store.pendingJobs(host: a.id, now: later).isEmpty)
        #expect(try store.jobs(host: nil, now: later).count == 2)
        // Each approval is in the audit log, newest first, a page at a time.
        let entries = try store.auditEntries(unit: "UBND xã Tứ Dân", before: nil, limit: 1)
        #expect(entries.map(\.action) == [.jobApproved] && entries.first?.detail["controls"] == "VN-TD-PW-004")
        let older = try store.auditEntries(unit: nil, before: entries.first?.id, limit: 10)
        #expect(older.map(\.subject) == [job.id.uuidString])
        #expect(try store.auditEntries(unit: "another unit", before: nil, limit: 10).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func signInFailuresAndSessions(engine: StoreEngine) throws {
        let store = try engine.open()
        for i in 0..<3 { #expect(try store.admitSignIn(user: "nguyenvana", address: "10.0.0.5", at: now.addingTimeInterval(Double(i) * 60), window: 900, limit: 3)) }
        #expect(try !store.admitSignIn(user: "nguyenvana", address: "10.0.0.5", at: now.addingTimeInterval(180), window: 900, limit: 3))
        #expect(try store.signInFailures(user: "nguyenvana", since: now.addingTimeInterval(30)) == 2)
        #expect(try store.admitSignIn(user: "other", address: nil, at: now, window: 900, limit: 3))
        #expect(try store.admitSignIn(user: "nguyenvana", address: nil, at: now.addingTimeInterval(1_100), window: 900, limit: 3))
        try store.clearSignInFailures(user: "nguyenvana")
        #expect(try store.signInFailures(user: "nguyenvana", since: now) == 0)

        try store.createSession(tokenHash: "s1", user: "nguyenvana", expiresAt: now.addingTimeInterval(60), now: now)
        #expect(try store.session(tokenHash: "s1", now: now, idle: 30)?.user == "nguyenvana")
        #expect(try store.session(tokenHash: "s1", now: now.addingTimeInterval(61), idle: 300) == nil)
        #expect(try store.session(tokenHash: "s2", now: now, idle: 30) == nil)
        try store.deleteSession(tokenHash: "s1")
        #expect(try store.session(tokenHash: "s1", now: now, idle: 30) == nil)

        try store.createSession(tokenHash: "s3", user: "nguyenvana", expiresAt: now.addingTimeInterval(3600), now: now)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(25), idle: 30)?.checkedAt == now)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(50), idle: 30) != nil)
        try store.markSessionChecked(tokenHash: "s3", at: now.addingTimeInterval(50))
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(60), idle: 30)?.checkedAt == now.addingTimeInterval(50))
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(91), idle: 30) == nil)
        #expect(try store.session(tokenHash: "s3", now: now.addingTimeInterval(92), idle: 3600) == nil)
    }

    /// Issue 17 point 4: one renewal a day, both certificates valid until revoked together.
    @Test(arguments: StoreEngine.allCases) func aRenewalADayAndARevocationEndsThemAll(engine: StoreEngine) throws {
        let store = try engine.open()
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
