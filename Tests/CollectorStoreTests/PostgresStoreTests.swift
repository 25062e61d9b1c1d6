import AtttTestSupport
import CollectorPostgres
import CollectorStore
import Foundation
import HardeningCore
import Synchronization
import Testing

/// What only the PostgreSQL store has: its connection setting, its migrations run by whichever
/// instance starts first, and the records several instances share staying exact when they race.
@Suite struct PostgresStoreTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)

    @Test func theURLSaysWhereAndHowAndNeverHoldsThePassword() throws {
        let tcp = try PostgresLocation(url: "postgresql://attt@db.tinh.gov.vn:6432/attt")
        #expect(tcp.endpoint == .tcp(host: "db.tinh.gov.vn", port: 6432) && tcp.user == "attt" && tcp.database == "attt")
        // Over the network the server is verified unless the officer says otherwise.
        #expect(tcp.tls == .verifyFull)
        #expect(try PostgresLocation(url: "postgres://attt@db/attt?sslmode=require&sslrootcert=/etc/attt/db-ca.pem").rootCertificate == "/etc/attt/db-ca.pem")
        let socket = try PostgresLocation(url: "postgresql://attt@/attt?host=/run/postgresql")
        #expect(socket.socketPath == "/run/postgresql/.s.PGSQL.5432" && socket.tls == .disable)
        #expect(try PostgresLocation(url: "postgresql://attt@/attt").socketPath == "/run/postgresql/.s.PGSQL.5432")

        func refusal(_ url: String) -> String {
            do { _ = try PostgresLocation(url: url); return "" } catch { return "\(error)" }
        }
        #expect(refusal("postgresql://attt:secret@db/attt").contains("database.password-file"))
        #expect(refusal("mysql://attt@db/attt").contains("postgresql://"))
        #expect(refusal("postgresql://db/attt").contains("no user"))
        #expect(refusal("postgresql://attt@db/").contains("no database"))
        #expect(refusal("postgresql://attt@db/attt?sslmode=allow").contains("sslmode=allow"))
        #expect(refusal("postgresql://attt@db/attt?options=-c%20x").contains("options"))
        #expect(refusal("postgresql://attt@/attt?host=relative").contains("absolute"))
        #expect(refusal(String(repeating: "a", count: 5000)).contains("postgresql://"))
    }

    /// Same identifiers, same order as SQLite's, so a database's version means one thing.
    @Test func theMigrationsAreTheSQLiteStoresAndRecordedOnce() throws {
        #expect(PostgresCollectorStore.knownMigrations == SQLiteCollectorStore.knownMigrations)
        let url = try Self.newDatabase()
        let store = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil)
        #expect(try store.appliedMigrations() == SQLiteCollectorStore.knownMigrations)
        _ = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil)
        #expect(try store.appliedMigrations() == SQLiteCollectorStore.knownMigrations)
        try store.ping()
    }

    /// Two instances start at once on a new database: one migrates, the other waits and finds
    /// nothing to do; neither fails and nothing is applied twice.
    @Test func instancesStartingTogetherMigrateOnce() async throws {
        let url = try Self.newDatabase()
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<4 {
                group.addTask { _ = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil) }
            }
            try await group.waitForAll()
        }
        let store = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil)
        #expect(try store.appliedMigrations() == SQLiteCollectorStore.knownMigrations)
    }

    @Test func aNewerSchemaIsRefused() throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.database(), url = cluster.url(database)
        _ = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil)
        try cluster.psql("INSERT INTO schema_migrations (identifier, applied_at) VALUES ('v99-future', '2027-01-01T00:00:00Z')", database: database)
        #expect { _ = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil) } throws: { error in
            "\(error)".contains("v99-future") && "\(error)".contains("newer attt-collector")
        }
    }

    /// Issue 17 point 2: instances share the records, so a race between them changes nothing.
    /// Each store here is an instance of its own, with its own connections.
    @Test func racingInstancesSpendATokenOnceAndCountEveryFailedSignIn() async throws {
        let url = try Self.newDatabase()
        let instances = try (0..<4).map { _ in try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil) }
        try instances[0].createToken(hash: "t", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(3600), now: now)
        let now = now
        // Threads of their own, all let go at once: Swift's cooperative pool has only two here.
        let enrolled = Self.simultaneously(instances.count) { i in
            (try? instances[i].enroll(tokenHash: "t", hostname: "pc\(i)", now: now) { _ in IssuedCertificate(serial: "s\(i)", notAfter: now) }) != nil
        }
        #expect(enrolled == 1)
        #expect(try instances[1].hosts(unit: nil).count == 1)

        // 40 wrong passwords at once through four instances: the lockout admits exactly its limit.
        let admitted = Self.simultaneously(40) { i in
            (try? instances[i % instances.count].admitSignIn(user: "nguyenvana", address: nil, at: now, window: 900, limit: 5)) ?? false
        }
        #expect(admitted == 5)
        #expect(try instances[2].signInFailures(user: "nguyenvana", since: now.addingTimeInterval(-60)) == 5)
    }

    static func newDatabase() throws -> String {
        let cluster = try PostgresTestCluster.shared()
        return cluster.url(try cluster.database())
    }

    /// An agent whose acknowledgement was lost sends the same report again, and a load balancer
    /// gives it to the other instance while the first is still storing it: stored once, never an
    /// error; meanwhile other PCs' reports go on through both.
    @Test func oneReportSentThroughFourInstancesAtOnceIsStoredOnce() throws {
        let url = try Self.newDatabase()
        let instances = try (0..<4).map { _ in try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil) }
        let host = HostIdentity(id: "h-a", unit: "u")
        var report = ReportStoreTests().report("pc-a", day: 0, failing: ["VN-TD-PW-001"])
        report.startedAt = Timestamp(Date().addingTimeInterval(-60))
        let sent = report
        let outcomes = Mutex<[String]>([])
        let stored = Self.simultaneously(12) { i in
            let others = ReportStoreTests().report("pc-\(i)", day: 0, failing: [])
            var other = others
            other.startedAt = sent.startedAt
            let mine = (try? instances[i % 4].ingest(sent, host: host)).map { "\($0)" } ?? "error"
            let theirs = (try? instances[(i + 1) % 4].ingest(other, host: HostIdentity(id: "h-\(i)", unit: "u"))).map { "\($0)" } ?? "error"
            outcomes.withLock { $0.append(contentsOf: [mine, theirs]) }
            return mine == "stored"
        }
        #expect(stored == 1)
        #expect(outcomes.withLock { $0 }.filter { $0 == "error" }.isEmpty)
        #expect(try instances[0].history(host: host.id, limit: 10).count == 1)
        #expect(try instances[3].latestStatus(unit: "u").count == 13)
    }

    /// Runs `body` on `count` threads released together; how many returned true.
    static func simultaneously(_ count: Int, _ body: @escaping @Sendable (Int) -> Bool) -> Int {
        let start = DispatchSemaphore(value: 0), done = DispatchGroup()
        let successes = Mutex(0)
        for i in 0..<count {
            done.enter()
            Thread {
                start.wait()
                if body(i) { successes.withLock { $0 += 1 } }
                done.leave()
            }.start()
        }
        for _ in 0..<count { start.signal() }
        done.wait()
        return successes.withLock { $0 }
    }

    /// The audit log and the published catalogues and bundles refuse a change made behind the
    /// store's back, as SQLite's triggers do, and TRUNCATE too (which skips row triggers).
    @Test func theAuditLogAndPublishedBundlesCannotBeRewrittenWithPsql() throws {
        let cluster = try PostgresTestCluster.shared()
        let database = try cluster.database(), url = cluster.url(database)
        let store = try PostgresCollectorStore(location: PostgresLocation(url: url), password: nil)
        try store.createToken(hash: "t", unit: "u", createdBy: "o", expiresAt: now.addingTimeInterval(60), now: now)
        let host = try store.enroll(tokenHash: "t", hostname: "pc", now: now) { _ in IssuedCertificate(serial: "1", notAfter: now) }
        #expect(try store.revoke(host: host.id, by: .local("nguyenvana"), now: now) == 1)
        _ = try store.publishCatalogueLayer(CatalogueEdit(scope: .unit("u"), parameters: [:], catalogs: ["software.denied": .object(["all": .array([.string("anydesk")])])],
                                                          note: nil, policy: CatalogueBundle.PolicyName(id: "vn-td", version: "2026.11")),
                                            by: .local("nguyenvana"), now: now) { SealedBundle(envelope: Data($0.unit.utf8), sha256: "x") }
        let day = OfficeDay(year: 2026, month: 12, day: 1)
        _ = try store.keepReport(NewIssuedReport(unit: "u", periodKind: "month", from: day, to: day, format: "pdf", fileName: "b.pdf", data: Data([1])),
                                 by: .local("vpxa"), now: now)
        for sql in ["UPDATE audit SET officer = 'someone-else'", "DELETE FROM audit", "TRUNCATE audit",
                    "UPDATE bundle SET envelope = '\\x00'", "DELETE FROM bundle", "UPDATE catalogue_layer SET content = '\\x00'", "DELETE FROM catalogue_layer",
                    "INSERT INTO bundle SELECT * FROM bundle", "UPDATE issued_report SET body = '\\x00'", "DELETE FROM issued_report"] {
            #expect(throws: PostgresTestCluster.Failure.self) { try cluster.psql(sql, database: database) }
        }
        #expect(try store.auditEntries(unit: nil, before: nil, limit: 10).map(\.action) == [.reportIssued, .cataloguePublished, .hostRevoked])
        #expect(try store.latestBundle(unit: "u")?.envelope == Data("u".utf8))
    }
}
