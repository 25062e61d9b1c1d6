import CollectorStore
import Foundation
import GRDB
import HardeningCore
import Testing

/// The exception store as a careless or hostile caller would use it: the audit log rewritten with SQL
/// behind the collector's back, and a unit with waivers by the thousand.
@Suite struct ExceptionAbuseTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-exception-abuse-\(UUID()).sqlite").path
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let unit = "UBND xã Tứ Dân"
    let officer = ActingOfficer(name: "nguyenvana", access: OfficerAccess(units: ["UBND xã Tứ Dân"]))

    func store() throws -> SQLiteCollectorStore {
        let store = try SQLiteCollectorStore(path: path)
        try store.createToken(hash: "t-unit", unit: unit, createdBy: "officer", expiresAt: now.addingTimeInterval(3600), now: now)
        return store
    }

    func waiver(_ control: String) -> WaiverRequest {
        WaiverRequest(unit: unit, control: control, justification: "chờ nâng cấp", approvedBy: "Chủ tịch UBND xã", expiresAt: Timestamp(now.addingTimeInterval(30 * 86_400)))
    }

    /// Điều 13: the office answers for what is done in its name, so no entry is changed or removed,
    /// not even by `INSERT OR REPLACE` (which deletes without firing delete triggers) or an upsert.
    @Test func theAuditLogCannotBeRewrittenInPlace() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try store()
        _ = try store.recordWaiver(waiver("VN-TD-PW-001"), by: officer, now: now)
        let before = try store.auditEntries(unit: nil, before: nil, limit: 10)
        let other = try DatabaseQueue(path: path)
        for sql in ["UPDATE audit SET officer = 'ai-do'", "DELETE FROM audit",
                    "INSERT OR REPLACE INTO audit (id, at, officer, role, action, detail) VALUES (1, 'x', 'ai-do', 'supervisor', 'waiver-ended', '{}')",
                    "INSERT INTO audit (id, at, officer, role, action, detail) VALUES (1, 'x', 'ai-do', 'x', 'x', '{}') ON CONFLICT(id) DO UPDATE SET officer = 'ai-do'"] {
            #expect(throws: DatabaseError.self, "\(sql)") { try other.write { try $0.execute(sql: sql) } }
        }
        // A new entry still goes in, after the others.
        _ = try store.recordWaiver(waiver("VN-TD-PW-002"), by: officer, now: now)
        let after = try store.auditEntries(unit: nil, before: nil, limit: 10)
        #expect(Array(after.dropFirst()) == before && after.first?.id == 2)
    }

    /// A unit with 1,500 waivers in force: the look-up a view makes per host and control stays on
    /// the index, and answers with the right one.
    @Test func aUnitWithThousandsOfWaiversStaysIndexed() throws {
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try store()
        let areas = ["PW", "AC", "NET"]
        for area in areas {
            for number in 1...500 { _ = try store.recordWaiver(waiver("VN-TD-\(area)-\(String(format: "%03d", number))"), by: officer, now: now) }
        }
        #expect(try store.waivers(unit: unit, at: now, all: false).count == 1_500)
        let started = Date()
        for number in stride(from: 1, through: 500, by: 50) {
            #expect(try store.waiver(for: "VN-TD-AC-\(String(format: "%03d", number))", host: "h-x", unit: unit, at: now)?.control == "VN-TD-AC-\(String(format: "%03d", number))")
        }
        #expect(Date().timeIntervalSince(started) < 1)
        let plan = try DatabaseQueue(path: path).read { db in
            try Row.fetchAll(db, sql: """
                EXPLAIN QUERY PLAN SELECT * FROM waiver WHERE unit = ?1 AND control = ?3 AND (host_id = ?4 OR host_id IS NULL)
                AND recorded_at <= ?2 AND expires_at > ?2 AND (ended_at IS NULL OR ended_at > ?2)
                ORDER BY host_id IS NULL, recorded_at DESC, rowid DESC LIMIT 1
                """, arguments: [unit, Timestamp(now).description, "VN-TD-AC-001", "h-x"]).map { $0["detail"] as String? ?? "" }.joined(separator: "\n")
        }
        #expect(plan.contains("USING INDEX waiver_unit_control"), "\(plan)")
    }
}
