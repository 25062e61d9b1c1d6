import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Testing

/// Waivers, attestations and the audit log (issue 13 points 4–6), on both stores (SharedStoreTests);
/// the checks before anything is stored, and writes behind the store's back, on the SQLite file.
@Suite struct ExceptionStoreTests {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-exceptions-\(UUID()).sqlite").path
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let unit = "UBND xã Tứ Dân"
    let officer = ActingOfficer(name: "nguyenvana", access: OfficerAccess(units: ["UBND xã Tứ Dân"]))
    let day: TimeInterval = 86_400

    func store() throws -> SQLiteCollectorStore { try SQLiteCollectorStore(path: path) }

    func enroll(_ store: any StoreEngine.Shared, unit: String, serial: String) throws -> HostIdentity {
        try store.createToken(hash: "t-" + serial, unit: unit, createdBy: "officer", expiresAt: now.addingTimeInterval(3600), now: now)
        return try store.enroll(tokenHash: "t-" + serial, hostname: "pc-" + serial, now: now) { _ in IssuedCertificate(serial: serial, notAfter: now.addingTimeInterval(day)) }
    }

    func waiver(host: String? = nil, control: String = "VN-TD-PW-001", days: Double = 30) -> WaiverRequest {
        WaiverRequest(unit: unit, host: host, control: control, justification: "Máy kế toán dùng phần mềm cũ, chờ nâng cấp",
                      approvedBy: "Chủ tịch UBND xã", expiresAt: Timestamp(now.addingTimeInterval(days * day)))
    }

    @Test(arguments: StoreEngine.allCases) func aWaiverAppliesUntilExpiryAndNotAfter(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store, unit: unit, serial: "01")
        let waiver = try store.recordWaiver(waiver(days: 30), by: officer, now: now)
        #expect(waiver.recordedBy == "nguyenvana" && waiver.host == nil)
        #expect(try store.waiver(for: "VN-TD-PW-001", host: host.id, unit: unit, at: now.addingTimeInterval(29 * day)) == waiver)
        #expect(try store.waiver(for: "VN-TD-PW-001", host: host.id, unit: unit, at: now.addingTimeInterval(30 * day)) == nil)
        #expect(try store.waiver(for: "VN-TD-PW-002", host: host.id, unit: unit, at: now) == nil)
        #expect(try store.waivers(unit: unit, at: now.addingTimeInterval(31 * day), all: false).isEmpty)
        #expect(try store.waivers(unit: unit, at: now.addingTimeInterval(31 * day), all: true) == [waiver])
    }

    @Test(arguments: StoreEngine.allCases) func aHostsOwnWaiverGoesBeforeTheUnits(engine: StoreEngine) throws {
        let store = try engine.open()
        let a = try enroll(store, unit: unit, serial: "0a"), b = try enroll(store, unit: unit, serial: "0b")
        let unitWide = try store.recordWaiver(waiver(days: 60), by: officer, now: now)
        let own = try store.recordWaiver(waiver(host: a.id, days: 10), by: officer, now: now)
        #expect(try store.waiver(for: "VN-TD-PW-001", host: a.id, unit: unit, at: now) == own)
        #expect(try store.waiver(for: "VN-TD-PW-001", host: b.id, unit: unit, at: now) == unitWide)
        // Once the host's own lapses, the unit's still covers it.
        #expect(try store.waiver(for: "VN-TD-PW-001", host: a.id, unit: unit, at: now.addingTimeInterval(11 * day)) == unitWide)
    }

    @Test(arguments: StoreEngine.allCases) func anEndedWaiverStops(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store, unit: unit, serial: "01")
        let waiver = try store.recordWaiver(waiver(host: host.id), by: officer, now: now)
        let ended = try store.endWaiver(id: waiver.id, by: officer, now: now.addingTimeInterval(day))
        #expect(ended.endedBy == "nguyenvana" && ended.endedAt == Timestamp(now.addingTimeInterval(day)))
        #expect(try store.waiver(for: "VN-TD-PW-001", host: host.id, unit: unit, at: now.addingTimeInterval(day - 1))?.id == waiver.id)
        #expect(try store.waiver(for: "VN-TD-PW-001", host: host.id, unit: unit, at: now.addingTimeInterval(2 * day)) == nil)
        #expect(try store.waiver(id: waiver.id) == ended)
        #expect(throws: ExceptionRefusal.self) { try store.endWaiver(id: waiver.id, by: officer, now: now.addingTimeInterval(2 * day)) }
        #expect(throws: ExceptionRefusal.self) { try store.endWaiver(id: UUID(), by: officer, now: now) }
    }

    @Test(arguments: StoreEngine.allCases) func aWaiverForAnotherUnitsHostIsRefused(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try enroll(store, unit: unit, serial: "01")
        let elsewhere = try enroll(store, unit: "Trạm y tế xã", serial: "02")
        #expect { try store.recordWaiver(waiver(host: elsewhere.id), by: officer, now: now) } throws: { error in
            guard case ExceptionRefusal.notFound(let message) = error else { return false }
            return message.contains("is not a host of \(unit)")
        }
        #expect(throws: ExceptionRefusal.self) { try store.recordWaiver(waiver(host: "h-nobody"), by: officer, now: now) }
        var unknownUnit = waiver()
        unknownUnit.unit = "UBND xã Tứ Dânn"
        #expect(throws: ExceptionRefusal.self) { try store.recordWaiver(unknownUnit, by: officer, now: now) }
        #expect(try store.waivers(unit: unit, at: now, all: true).isEmpty)
    }

    @Test(arguments: [
        ("justification", "justification (lý do) is required"),
        ("approvedBy", "approvedBy (người phê duyệt) is required"),
        ("control", "control is an id such as VN-TD-PW-001"),
        ("past", "expiresAt must be in the future"),
        ("forever", "at most 3 years"),
        ("long", "justification (lý do) is at most 2000 bytes"),
        ("escape", "has a control character"),
    ])
    func badWaiversAreRefusedSayingWhy(field: String, message: String) throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try enroll(store, unit: unit, serial: "01")
        var request = waiver()
        switch field {
        case "justification": request.justification = "  "
        case "approvedBy": request.approvedBy = ""
        case "control": request.control = "PW-1"
        case "past": request.expiresAt = Timestamp(now.addingTimeInterval(-1))
        case "forever": request.expiresAt = Timestamp(now.addingTimeInterval(4 * 366 * day))
        case "long": request.justification = String(repeating: "ả", count: 1_001)
        default: request.approvedBy = "Chủ tịch\u{1B}[2J"
        }
        #expect { try store.recordWaiver(request, by: officer, now: now) } throws: { error in
            guard case ExceptionRefusal.invalid(let text) = error else { return false }
            return text.contains(message)
        }
        #expect(try store.auditEntries(unit: nil, before: nil, limit: 10).isEmpty)
    }

    func attestation(_ control: String = "VN-TD-ATT-003", validDays: Double = 365, file: AttachedFile? = nil) -> AttestationRequest {
        AttestationRequest(unit: unit, control: control, attestedOn: "2026-09-20", reference: "12/QĐ-UBND", attestedBy: "Chủ tịch UBND xã",
                           validUntil: Timestamp(now.addingTimeInterval(validDays * day)), file: file)
    }

    @Test(arguments: StoreEngine.allCases) func anAttestationHoldsUntilValidUntilThenIsDue(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try enroll(store, unit: unit, serial: "01")
        let recorded = try store.recordAttestation(attestation(validDays: 100), by: officer, now: now)
        let during = try store.attestationStates(unit: unit, at: now.addingTimeInterval(99 * day))
        #expect(during.map(\.control) == OrganisationalControl.all)
        #expect(during.first { $0.control == "VN-TD-ATT-003" } == AttestationState(control: "VN-TD-ATT-003", standing: .attested, attestation: recorded))
        // Never attested: due as missing.
        #expect(during.filter(\.isDue).count == 14 && during.first { $0.control == "VN-TD-ATT-001" }?.standing == .missing)
        let after = try store.attestationStates(unit: unit, at: now.addingTimeInterval(100 * day))
        #expect(after.first { $0.control == "VN-TD-ATT-003" } == AttestationState(control: "VN-TD-ATT-003", standing: .lapsed, attestation: recorded))
        // Another unit attested nothing.
        #expect(try store.attestationStates(unit: "Trạm y tế xã", at: now).allSatisfy { $0.standing == .missing })
    }

    @Test(arguments: StoreEngine.allCases) func everyAttestationIsKeptAndTheNewestInForceCounts(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try enroll(store, unit: unit, serial: "01")
        let first = try store.recordAttestation(attestation(validDays: 400), by: officer, now: now)
        var renewed = attestation(validDays: 800)
        renewed.attestedOn = "2026-09-21"
        renewed.reference = "20/QĐ-UBND"
        let second = try store.recordAttestation(renewed, by: officer, now: now.addingTimeInterval(day))
        #expect(try store.attestations(unit: unit) == [second, first])
        #expect(try store.attestationStates(unit: unit, at: now.addingTimeInterval(2 * day)).first { $0.control == "VN-TD-ATT-003" }?.attestation == second)
        // Before the renewal was recorded, the first one was the one in force.
        #expect(try store.attestationStates(unit: unit, at: now.addingTimeInterval(day / 2)).first { $0.control == "VN-TD-ATT-003" }?.attestation == first)
    }

    @Test(arguments: StoreEngine.allCases) func theAttachedFilesHashIsTheCollectors(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try enroll(store, unit: unit, serial: "01")
        let bytes = Data("%PDF-1.7 quyết định phân công cán bộ\n".utf8)
        let recorded = try store.recordAttestation(attestation(file: AttachedFile(name: "12-QD-UBND.pdf", mediaType: "Application/PDF", data: bytes)), by: officer, now: now)
        // sha256sum of those bytes, worked out apart from the collector.
        let expected = "34bb75a249a08e358c460449b788de950cf5fe7c0f7e20fd499a80de480bb300"
        #expect(recorded.file == Attestation.File(name: "12-QD-UBND.pdf", mediaType: "application/pdf", size: bytes.count, sha256: expected))
        let (stored, data) = try #require(try store.attestationFile(id: recorded.id))
        #expect(stored == recorded && data == bytes)
        let audit = try #require(try store.auditEntries(unit: unit, before: nil, limit: 1).first)
        #expect(audit.detail["fileSha256"] == expected)
        #expect(try store.attestationFile(id: UUID()) == nil)
    }

    @Test(arguments: StoreEngine.allCases) func aUnitsAttachedFilesAreBounded(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try enroll(store, unit: unit, serial: "01")
        let scan = AttachedFile(name: "scan.pdf", mediaType: "application/pdf", data: Data(count: ExceptionLimits.fileBytes))
        let fit = ExceptionLimits.fileBytesPerUnit / ExceptionLimits.fileBytes
        for _ in 0..<fit { _ = try store.recordAttestation(attestation(file: scan), by: officer, now: now) }
        #expect { try store.recordAttestation(attestation(file: scan), by: officer, now: now) } throws: { error in
            guard case ExceptionRefusal.conflict(let message) = error else { return false }
            return message.contains("already keeps \(fit * 10) MiB of attached files")
        }
        // Without a file it is still recorded.
        _ = try store.recordAttestation(attestation(), by: officer, now: now)
        #expect(try store.attestations(unit: unit).count == fit + 1)
    }

    @Test(arguments: [
        ("VN-TD-PW-001", "is checked on the PCs, not attested"),
        ("VN-TD-ATT-016", "is checked on the PCs, not attested"),
        ("VN-TD-ATT-000", "is checked on the PCs, not attested"),
        ("no-reference", "give the document number (reference) or a note"),
        ("future-day", "attestedOn is not in the future"),
        ("bad-day", "attestedOn is a date such as 2026-11-25"),
        ("lapsed", "validUntil must be in the future"),
        ("file-name", "the file's name is a plain name"),
        ("file-type", "mediaType is a media type"),
        ("file-size", "the attached file is 1 byte to 10 MiB"),
        ("empty-file", "the attached file is 1 byte to 10 MiB"),
    ])
    func badAttestationsAreRefusedSayingWhy(field: String, message: String) throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try enroll(store, unit: unit, serial: "01")
        var request = attestation()
        let pdf = AttachedFile(name: "a.pdf", mediaType: "application/pdf", data: Data([1]))
        switch field {
        case "no-reference": request.reference = " "
        case "future-day": request.attestedOn = "2027-01-01"
        case "bad-day": request.attestedOn = "2026-02-30"
        case "lapsed": request.validUntil = Timestamp(now.addingTimeInterval(-day))
        case "file-name": request.file = AttachedFile(name: "../../etc/passwd", mediaType: pdf.mediaType, data: pdf.data)
        case "file-type": request.file = AttachedFile(name: pdf.name, mediaType: "text/html; charset=utf-8", data: pdf.data)
        case "file-size": request.file = AttachedFile(name: pdf.name, mediaType: pdf.mediaType, data: Data(count: (10 << 20) + 1))
        case "empty-file": request.file = AttachedFile(name: pdf.name, mediaType: pdf.mediaType, data: Data())
        default: request.control = field
        }
        #expect { try store.recordAttestation(request, by: officer, now: now) } throws: { error in
            guard case ExceptionRefusal.invalid(let text) = error else { return false }
            return text.contains(message)
        }
        #expect(try store.attestations(unit: unit).isEmpty)
    }

    @Test(arguments: StoreEngine.allCases) func everyChangeLeavesOneAuditEntry(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try enroll(store, unit: unit, serial: "01")
        let job = try store.approveJob(host: host.id, controls: ["VN-TD-PW-004"], officer: officer, expiresAt: now.addingTimeInterval(3600), now: now)
        let waiver = try store.recordWaiver(waiver(host: host.id), by: officer, now: now)
        _ = try store.endWaiver(id: waiver.id, by: officer, now: now.addingTimeInterval(60))
        _ = try store.recordAttestation(attestation(), by: officer, now: now)
        #expect(try store.revoke(host: host.id, by: .local("root"), now: now) == 1)
        // Revoking again changes nothing, and logs nothing.
        #expect(try store.revoke(host: host.id, by: .local("root"), now: now) == 0)
        // A refused change leaves no entry either.
        #expect(throws: ExceptionRefusal.self) { try store.endWaiver(id: waiver.id, by: officer, now: now.addingTimeInterval(120)) }

        let entries = try store.auditEntries(unit: unit, before: nil, limit: 100)
        #expect(entries.map(\.action) == [.hostRevoked, .attestationRecorded, .waiverEnded, .waiverRecorded, .jobApproved])
        #expect(entries.map(\.officer) == ["root", "nguyenvana", "nguyenvana", "nguyenvana", "nguyenvana"])
        #expect(entries.map(\.role) == ["local-admin", "unit-officer", "unit-officer", "unit-officer", "unit-officer"])
        #expect(entries.last?.subject == job.id.uuidString && entries.last?.host == host.id && entries.last?.detail["controls"] == "VN-TD-PW-004")
        #expect(entries[1].subject == "VN-TD-ATT-003" && entries[3].detail["justification"] == waiver.justification)
        // Paged newest first; another unit's log is empty.
        let page = try store.auditEntries(unit: unit, before: entries[1].id, limit: 2)
        #expect(page.map(\.action) == [.waiverEnded, .waiverRecorded])
        #expect(try store.auditEntries(unit: "Trạm y tế xã", before: nil, limit: 10).isEmpty)
    }

    static let sqlite3 = "/usr/bin/sqlite3"

    /// Runs SQL on the file with the sqlite3 shell; its exit status.
    func sqlite(_ sql: String) throws -> Int32 { try sqlite(sql, on: path) }

    func sqlite(_ sql: String, on file: String) throws -> Int32 {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: Self.sqlite3)
        process.arguments = [file, sql]
        process.standardError = FileHandle.nullDevice
        try process.run()
        process.waitUntilExit()
        return process.terminationStatus
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3), "needs the sqlite3 shell (Debian's sqlite3) to write to the file behind the store's back"))
    func theAuditLogCannotBeRewritten() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try enroll(store, unit: unit, serial: "01")
        _ = try store.recordWaiver(waiver(), by: officer, now: now)
        // Straight to the file, as a bug in a later version might.
        #expect(try sqlite("UPDATE audit SET officer = 'someone-else'") != 0)
        #expect(try sqlite("DELETE FROM audit") != 0)
        #expect(try sqlite("SELECT count(*) FROM audit") == 0)
        #expect(try store.auditEntries(unit: nil, before: nil, limit: 10).map(\.officer) == ["nguyenvana"])
    }

    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3), "needs the sqlite3 shell (Debian's sqlite3) to fill the table quickly"))
    func aUnitKeepsABoundedNumberOfWaivers() throws {
        let store = try store()
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try enroll(store, unit: unit, serial: "01")
        // As many as a unit may keep, written behind the store's back (10,000 transactions would be slow).
        #expect(try sqlite("""
            WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < \(ExceptionLimits.recordsPerUnit))
            INSERT INTO waiver (id, unit, control, justification, approved_by, recorded_by, recorded_at, expires_at)
            SELECT 'w' || i, '\(unit)', 'VN-TD-PW-001', 'j', 'a', 'o', '2026-01-01T00:00:00Z', '2026-01-02T00:00:00Z' FROM n
            """) == 0)
        #expect { try store.recordWaiver(waiver(), by: officer, now: now) } throws: { error in
            guard case ExceptionRefusal.conflict(let message) = error else { return false }
            return message.contains("already keeps 10000 records")
        }
        // Another unit is not crowded out.
        _ = try enroll(store, unit: "Trạm y tế xã", serial: "02")
        var other = waiver()
        other.unit = "Trạm y tế xã"
        _ = try store.recordWaiver(other, by: officer, now: now)
    }
}
