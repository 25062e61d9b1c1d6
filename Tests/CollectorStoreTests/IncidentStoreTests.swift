import CollectorAPI
import CollectorStore
import Foundation
import GRDB
import HardeningCore
import Testing

/// The incident register (Điều 11 khoản 2): revisions read as of an instant, steps kept once whatever
/// the PC resends, nothing rewritten, isolation orders as jobs, users' reports acknowledged once.
/// Each runs on both stores, but the migration from a released SQLite database.
@Suite struct IncidentStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-incidents-\(UUID()).sqlite").path
    static let unit = "UBND xã Tứ Dân", other = "Trạm y tế xã"
    static let t0 = Date(timeIntervalSince1970: 1_798_848_000) // 2027-01-02 00:00 UTC
    let officer = ActingOfficer(name: "canbo", role: "unit-officer")

    func enroll(_ store: any EnrollmentStore, unit: String = Self.unit) throws -> HostIdentity {
        let hash = UUID().uuidString
        try store.createToken(hash: hash, unit: unit, createdBy: "test", expiresAt: Self.t0.addingTimeInterval(86_400), now: Self.t0.addingTimeInterval(-60))
        return try store.enroll(tokenHash: hash, hostname: "pc-ketoan", now: Self.t0.addingTimeInterval(-60)) { _ in
            IssuedCertificate(serial: UUID().uuidString, notAfter: Self.t0.addingTimeInterval(365 * 86_400))
        }
    }

    func request(hosts: [String] = []) -> IncidentRequest {
        IncidentRequest(unit: Self.unit, title: "Trang thông tin bị thay nội dung", detectedAt: Timestamp(Self.t0.addingTimeInterval(-3600)), detectedBy: "Nguyễn Văn A",
                        detection: .officer, signs: [.contentChanged], severity: .high, hosts: hosts)
    }

    func step(_ kind: IncidentStepMessage.Kind, incident: UUID?, id: UUID = UUID(), outcome: IncidentStepMessage.Outcome = .done) -> IncidentStepMessage {
        IncidentStepMessage(id: id, incident: incident, kind: kind, at: "2027-01-02T00:05:00Z", actor: "canbo", source: .terminal, outcome: outcome, transaction: "tx-1")
    }

    @Test(arguments: StoreEngine.allCases) func anIncidentReadsAsItStoodAtAnInstant(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store)
        let recorded = try store.recordIncident(request(hosts: [host.id]), by: officer, now: Self.t0)
        #expect(recorded.current.state == .open && recorded.current.seq == 1 && recorded.hosts.map(\.host) == [host.id])
        _ = try store.reviseIncident(id: recorded.id, IncidentChange(cause: "Mật khẩu quản trị yếu", state: .contained), by: officer, now: Self.t0.addingTimeInterval(3600))
        _ = try store.reviseIncident(id: recorded.id, IncidentChange(result: "Đã khôi phục", state: .closed, reportedToHeadAt: Timestamp(Self.t0.addingTimeInterval(7000)),
                                                                     headName: "Chủ tịch UBND xã"), by: officer, now: Self.t0.addingTimeInterval(7200))
        #expect(try store.incident(id: recorded.id, asOf: Self.t0.addingTimeInterval(-1)) == nil)
        let before = try #require(try store.incident(id: recorded.id, asOf: Self.t0.addingTimeInterval(3599)))
        #expect(before.current.seq == 1 && before.current.cause == nil && before.revisions.count == 1)
        let middle = try #require(try store.incident(id: recorded.id, asOf: Self.t0.addingTimeInterval(3600)))
        #expect(middle.current.state == .contained && middle.current.cause == "Mật khẩu quản trị yếu" && middle.current.title == recorded.current.title)
        let closed = try #require(try store.incident(id: recorded.id, asOf: Self.t0.addingTimeInterval(8000)))
        #expect(closed.current.state == .closed && closed.current.cause == "Mật khẩu quản trị yếu" && closed.current.headName == "Chủ tịch UBND xã")
        #expect(closed.revisions.map(\.seq) == [1, 2, 3])
        // A closed incident is not changed any more.
        #expect(throws: ExceptionRefusal.self) { try store.reviseIncident(id: recorded.id, IncidentChange(cause: "khác"), by: officer, now: Self.t0.addingTimeInterval(9000)) }
        // Open incidents first.
        let open = try store.recordIncident(request(), by: officer, now: Self.t0.addingTimeInterval(8500))
        #expect(try store.incidents(units: [Self.unit], asOf: Self.t0.addingTimeInterval(9000)).map(\.id) == [open.id, recorded.id])
        #expect(try store.incidents(units: [Self.other], asOf: Self.t0.addingTimeInterval(9000)).isEmpty)
        let actions = try store.auditEntries(unit: Self.unit, before: nil, limit: 10).map(\.action.rawValue)
        #expect(actions == ["incident-recorded", "incident-closed", "incident-updated", "incident-recorded"])
    }

    @Test(arguments: StoreEngine.allCases) func badRecordsAreRefusedNamingTheField(engine: StoreEngine) throws {
        let store = try engine.open()
        let other = try enroll(store, unit: Self.other)
        _ = try enroll(store)
        var noSign = request()
        noSign.signs = []
        #expect { try store.recordIncident(noSign, by: officer, now: Self.t0) } throws: { "\($0)".contains("signs") }
        var future = request()
        future.detectedAt = Timestamp(Self.t0.addingTimeInterval(86_400))
        #expect { try store.recordIncident(future, by: officer, now: Self.t0) } throws: { "\($0)".contains("detectedAt") }
        // Another unit's PC is not part of this unit's incident.
        #expect { try store.recordIncident(request(hosts: [other.id]), by: officer, now: Self.t0) } throws: { "\($0)".contains(other.id) }
        var bidi = request()
        bidi.title = "abc\u{202E}def"
        #expect { try store.recordIncident(bidi, by: officer, now: Self.t0) } throws: { "\($0)".contains("title") }
        #expect(try store.incidents(units: nil, asOf: Self.t0).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func aStepSentTwiceIsKeptOnceAndFilesUnderItsIncident(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store), intruder = try enroll(store, unit: Self.other)
        let named = UUID()
        let isolate = step(.isolate, incident: named)
        #expect(try store.ingest(isolate, host: host, now: Self.t0) == .stored)
        #expect(try store.ingest(isolate, host: host, now: Self.t0.addingTimeInterval(5)) == .duplicate)
        // The same id from another host is a conflict, not a second copy.
        #expect(throws: StoreError.self) { try store.ingest(isolate, host: intruder, now: Self.t0) }
        // The PC named an incident the collector did not know: it exists now, in the host's unit.
        let created = try #require(try store.incident(id: named, asOf: Self.t0))
        #expect(created.unit == Self.unit && created.detection == .officer && created.steps.count == 1 && created.hosts.first?.isolated == true)
        #expect(created.steps[0].atHost == "2027-01-02T00:05:00Z" && created.steps[0].receivedAt.date == Self.t0)
        // A step naming no incident goes to the host's open one.
        #expect(try store.ingest(step(.release, incident: nil), host: host, now: Self.t0.addingTimeInterval(60)) == .stored)
        let after = try #require(try store.incident(id: named, asOf: Self.t0.addingTimeInterval(60)))
        #expect(after.steps.map(\.kind) == ["isolate", "release"] && after.hosts.first?.isolated == false)
        // Another unit's PC cannot file a step under this unit's incident.
        #expect(throws: StoreError.self) { try store.ingest(step(.note, incident: named), host: intruder, now: Self.t0) }
        // A failed isolation does not count as isolated.
        _ = try store.ingest(step(.isolate, incident: named, outcome: .failed), host: host, now: Self.t0.addingTimeInterval(120))
        #expect(try store.incident(id: named, asOf: Self.t0.addingTimeInterval(120))?.hosts.first?.isolated == false)
        var garbage = step(.note, incident: named)
        garbage.at = "yesterday"
        #expect(throws: ReportRefusal.self) { try store.ingest(garbage, host: host, now: Self.t0) }
    }

    @Test(arguments: StoreEngine.allCases) func theRegisterRefusesUpdatesAndDeletesEvenFromSQL(engine: StoreEngine) throws {
        let (store, refuses) = try engine.openWithShell()
        let host = try enroll(store)
        let recorded = try store.recordIncident(request(hosts: [host.id]), by: officer, now: Self.t0)
        let sent = step(.collect, incident: recorded.id)
        _ = try store.ingest(sent, host: host, now: Self.t0)
        _ = try store.recordEscalation(incident: recorded.id, EscalationRequest(recipient: "Công an xã", sentAt: Timestamp(Self.t0), means: "điện thoại"), by: officer, now: Self.t0)
        let report = UserReportMessage(uid: 1000, login: "ketoan", noticedAt: "2027-01-02T00:00:00Z", submittedAt: "2027-01-02T00:01:00Z", text: "Máy chạy rất chậm")
        _ = try store.ingest(report, host: host, now: Self.t0)
        // A step sent again under its id, replacing the first: SQLite's and PostgreSQL's ways.
        let again = "INTO incident_step (id, incident_id, host_id, kind, at_host, received_at, actor, source) VALUES ('\(sent.id.uuidString)', '\(recorded.id.uuidString)', '\(host.id)', 'note', 'x', 'x', 'x', 'x')"
        let replace = engine == .sqlite ? "INSERT OR REPLACE " + again : "INSERT " + again + " ON CONFLICT (id) DO UPDATE SET kind = 'note'"
        for sql in ["UPDATE incident SET unit = 'x'", "DELETE FROM incident", "UPDATE incident_revision SET state = 'open'", "DELETE FROM incident_revision",
                    "DELETE FROM incident_host", "UPDATE incident_step SET detail = 'sửa'", "DELETE FROM incident_step", "DELETE FROM escalation",
                    "UPDATE escalation SET recipient = 'x'", "UPDATE user_report SET text = 'khác'", "DELETE FROM user_report", replace] {
            #expect(try refuses(sql), "\(sql)")
        }
        // The acknowledgement is written once.
        _ = try store.acknowledgeUserReport(id: report.id, incident: recorded.id, by: officer, now: Self.t0.addingTimeInterval(10))
        #expect(try refuses("UPDATE user_report SET acknowledged_by = 'ai khác'"))
        #expect(try !refuses("SELECT count(*) FROM user_report"))
        #expect(throws: ExceptionRefusal.self) { try store.acknowledgeUserReport(id: report.id, incident: nil, by: officer, now: Self.t0.addingTimeInterval(20)) }
        let now = try #require(try store.incident(id: recorded.id, asOf: Self.t0.addingTimeInterval(20)))
        #expect(now.steps.map(\.detail) == [nil] && now.escalations.map(\.recipient) == ["Công an xã"] && now.userReports.map(\.id) == [report.id])
    }

    @Test(arguments: StoreEngine.allCases) func isolationOrdersAreJobsOfTheirKindAndStayOutOfThePeriodsFixes(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store), stranger = try enroll(store, unit: Self.other)
        let recorded = try store.recordIncident(request(), by: officer, now: Self.t0)
        let job = try store.orderIsolation(incident: recorded.id, host: host.id, kind: .isolate, by: officer, expiresAt: Self.t0.addingTimeInterval(7200), now: Self.t0)
        #expect(job.kind == .isolate && job.incident == recorded.id && job.controls == ["VN-TD-INC-001"])
        // A second click adds nothing while the first order waits; another unit's PC is not found.
        #expect(throws: ExceptionRefusal.self) { try store.orderIsolation(incident: recorded.id, host: host.id, kind: .isolate, by: officer, expiresAt: Self.t0.addingTimeInterval(7200), now: Self.t0) }
        #expect(throws: ExceptionRefusal.self) { try store.orderIsolation(incident: recorded.id, host: stranger.id, kind: .isolate, by: officer, expiresAt: Self.t0.addingTimeInterval(7200), now: Self.t0) }
        let pending = try store.pendingJobs(host: host.id, now: Self.t0.addingTimeInterval(1))
        #expect(pending.map(\.kind) == [.isolate] && pending.first?.incident == recorded.id)
        // Expired after its short lifetime: an old order never lands on a PC that returns next week.
        #expect(try store.pendingJobs(host: host.id, now: Self.t0.addingTimeInterval(7201)).isEmpty)
        let fix = try store.approveJob(host: host.id, controls: ["VN-TD-PW-001"], officer: officer, expiresAt: Self.t0.addingTimeInterval(86_400), now: Self.t0)
        #expect(fix.kind == .fix && fix.incident == nil)
        #expect(try store.jobRecords(units: [Self.unit], from: Self.t0.addingTimeInterval(-60), to: Self.t0.addingTimeInterval(60)).map(\.job.id) == [fix.id])
        let seen = try #require(try store.incident(id: recorded.id, asOf: Self.t0))
        #expect(seen.steps.map(\.kind) == ["isolation-ordered"] && seen.steps.first?.job == job.id && seen.hosts.map(\.host) == [host.id])
        // Ordered is not done: the PC is isolated once it says so.
        #expect(seen.hosts.first?.isolated == false)
        let entry = try #require(try store.auditEntries(unit: Self.unit, before: nil, limit: 10).first { $0.action == .isolationOrdered })
        #expect(entry.subject == job.id.uuidString && entry.detail["incident"] == recorded.id.uuidString && entry.host == host.id)
    }

    @Test(arguments: StoreEngine.allCases) func usersReportsAreBoundedPerPCAndAcknowledgedIntoAnIncidentOfTheirUnit(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store), elsewhere = try enroll(store, unit: Self.other)
        // Users 1000…: each within their share of the PC's day.
        let share = IncidentLimits.userReportsPerUserPerDay
        func report(_ n: Int, uid: Int? = nil) -> UserReportMessage {
            UserReportMessage(uid: uid ?? 1000 + n / share, login: "ketoan", noticedAt: "2027-01-02T00:00:00Z", submittedAt: "2027-01-02T00:01:00Z", text: "Báo cáo \(n)")
        }
        let first = report(0)
        #expect(try store.ingest(first, host: host, now: Self.t0) == .stored)
        #expect(try store.ingest(first, host: host, now: Self.t0) == .duplicate)
        for n in 1..<share { #expect(try store.ingest(report(n), host: host, now: Self.t0) == .stored) }
        // One user past their share is refused (kept on the PC), and does not use up the others' room.
        #expect(throws: ReportRefusal.invalid("uid 1000 sent \(share) reports from this PC within a day; this one waits in the PC's outbox and is sent again later")) {
            try store.ingest(report(98, uid: 1000), host: host, now: Self.t0)
        }
        for n in share..<IncidentLimits.userReportsPerDay { #expect(try store.ingest(report(n), host: host, now: Self.t0) == .stored) }
        #expect(throws: ReportRefusal.self) { try store.ingest(report(99), host: host, now: Self.t0) }
        #expect(try store.ingest(report(100), host: elsewhere, now: Self.t0) == .stored)
        #expect(try store.userReports(units: [Self.unit], all: false).count == IncidentLimits.userReportsPerDay)
        // A period reads its own reports, oldest first, whatever came after.
        let period = try store.userReports(units: [Self.unit], from: Self.t0, to: Self.t0.addingTimeInterval(1))
        #expect(period.count == IncidentLimits.userReportsPerDay && period.first?.id == first.id)
        #expect(try store.userReports(units: [Self.unit], from: Self.t0.addingTimeInterval(1), to: Self.t0.addingTimeInterval(86_400)).isEmpty)
        #expect(try store.userReports(units: [Self.other], from: Self.t0, to: Self.t0.addingTimeInterval(1)).count == 1)
        let foreign = try store.recordIncident(IncidentRequest(unit: Self.other, title: "x", detectedAt: Timestamp(Self.t0), detectedBy: "b", detection: .external,
                                                               signs: [.other], severity: .low), by: officer, now: Self.t0)
        #expect(throws: ExceptionRefusal.self) { try store.acknowledgeUserReport(id: first.id, incident: foreign.id, by: officer, now: Self.t0) }
        let own = try store.recordIncident(request(), by: officer, now: Self.t0)
        let acknowledged = try store.acknowledgeUserReport(id: first.id, incident: own.id, by: officer, now: Self.t0.addingTimeInterval(30))
        #expect(acknowledged.acknowledgedBy == "canbo" && acknowledged.incident == own.id)
        let incident = try #require(try store.incident(id: own.id, asOf: Self.t0.addingTimeInterval(30)))
        #expect(incident.userReports.map(\.id) == [first.id] && incident.hosts.map(\.host) == [host.id])
        #expect(try store.userReports(units: [Self.unit], all: false).count == IncidentLimits.userReportsPerDay - 1)
        #expect(try store.auditEntries(unit: Self.unit, before: nil, limit: 1).first?.action == .userReportAcknowledged)
    }

    @Test func aReleasedDatabaseMigratesToTheRegisterKeepingItsJobsAsFixes() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let host: HostIdentity
        let fix: Job
        do {
            let old = try SQLiteCollectorStore(path: path, migrateUpTo: "v7-issued-reports")
            host = try enroll(old)
            fix = try old.approveJob(host: host.id, controls: ["VN-TD-PW-001"], officer: officer, expiresAt: Self.t0.addingTimeInterval(86_400), now: Self.t0)
        }
        // A copy of that database, as an upgrade finds it.
        let copy = path + ".copy"
        defer { try? FileManager.default.removeItem(atPath: copy) }
        try DatabaseQueue(path: path).backup(to: DatabaseQueue(path: copy))
        let store = try SQLiteCollectorStore(path: copy)
        #expect(try store.appliedMigrations().suffix(5) == ["v8-incidents", "v9-incident-documents", "v10-catalogues", "v11-retention", "v12-unchanged-reports"])
        let jobs = try store.jobs(host: host.id, now: Self.t0)
        #expect(jobs.map(\.id) == [fix.id] && jobs.first?.kind == .fix && jobs.first?.incident == nil)
        #expect(try store.ingest(step(.note, incident: nil), host: host, now: Self.t0) == .stored)
    }
}
