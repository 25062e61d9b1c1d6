import CollectorAPI
import CollectorStore
import Crypto
import Foundation
import HardeningCore
import Testing

/// An incident's biên bản and báo cáo kept as issued (Điều 11 khoản 2 điểm a, b), like the periodic
/// reports: the exact bytes and their SHA-256, the audit entry in the same transaction, nothing
/// rewritten; a kept evidence manifest read back byte for byte; and when a report up is overdue.
/// Each runs on both stores.
@Suite struct IncidentDocumentStoreTests {
    let base = IncidentStoreTests()
    static let t0 = IncidentStoreTests.t0

    static func hex(_ data: Data) -> String { SHA256.hash(data: data).map { String(format: "%02x", $0) }.joined() }

    @Test(arguments: StoreEngine.allCases) func anIssuedDocumentIsKeptByteForByteWithItsAuditEntry(engine: StoreEngine) throws {
        let (store, refuses) = try engine.openWithShell()
        _ = try base.enroll(store)
        let incident = try store.recordIncident(base.request(), by: base.officer, now: Self.t0)
        let bytes = Data("%PDF-1.7 biên bản\n".utf8) + Data((0..<256).map { UInt8($0) })
        let kept = try store.keepIncidentDocument(NewIncidentDocument(incident: incident.id, kind: .record, format: "pdf", fileName: "Bien-ban-su-co_1.pdf", data: bytes),
                                                  by: base.officer, now: Self.t0.addingTimeInterval(60))
        #expect(kept.sha256 == Self.hex(bytes) && kept.size == bytes.count && kept.createdBy == "canbo" && kept.kind == .record)
        let (read, data) = try #require(try store.incidentDocument(id: kept.id))
        #expect(read == kept && data == bytes)
        // Closed, the incident still gets its documents: the biên bản is often signed after closing.
        _ = try store.reviseIncident(id: incident.id, IncidentChange(state: .closed), by: base.officer, now: Self.t0.addingTimeInterval(120))
        let report = try store.keepIncidentDocument(NewIncidentDocument(incident: incident.id, kind: .report, format: "odt", fileName: "Bao-cao-su-co_1.odt", data: Data("PK".utf8)),
                                                    by: base.officer, now: Self.t0.addingTimeInterval(180))
        #expect(try store.incidentDocuments(incident: incident.id).map(\.id) == [report.id, kept.id])
        let entry = try #require(try store.auditEntries(unit: IncidentStoreTests.unit, before: nil, limit: 1).first)
        #expect(entry.action == .incidentDocumentIssued && entry.subject == incident.id.uuidString && entry.detail["sha256"] == report.sha256
                && entry.detail["kind"] == "bao-cao" && entry.detail["document"] == report.id.uuidString)
        // What was issued stays what was issued, whatever writes to the file.
        let columns = "id, incident_id, kind, format, file_name, size, sha256, bytes, created_by, created_at"
        let copy = "INTO incident_document (\(columns)) SELECT \(columns) FROM incident_document WHERE id = '\(kept.id.uuidString)'"
        #expect(try refuses(engine == .sqlite ? "UPDATE incident_document SET bytes = x'00'" : "UPDATE incident_document SET bytes = '\\x00'"))
        #expect(try refuses("DELETE FROM incident_document"))
        #expect(try refuses(engine == .sqlite ? "INSERT OR REPLACE " + copy : "INSERT " + copy + " ON CONFLICT (id) DO UPDATE SET format = 'odt'"))
        #expect(try store.incidentDocument(id: kept.id)?.1 == bytes)
    }

    @Test(arguments: StoreEngine.allCases) func aDocumentThatCannotBeKeptIsRefusedAndNothingIsWritten(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try base.enroll(store)
        let incident = try store.recordIncident(base.request(), by: base.officer, now: Self.t0)
        func keep(_ id: UUID, format: String = "pdf", data: Data = Data("x".utf8)) throws {
            _ = try store.keepIncidentDocument(NewIncidentDocument(incident: id, kind: .record, format: format, fileName: "a.pdf", data: data), by: base.officer, now: Self.t0)
        }
        #expect { try keep(UUID()) } throws: { ($0 as? ExceptionRefusal).map { if case .notFound = $0 { true } else { false } } ?? false }
        #expect { try keep(incident.id, format: "csv") } throws: { "\($0)".contains("pdf, odt") }
        #expect { try keep(incident.id, data: Data()) } throws: { "\($0)".contains("0 bytes") }
        #expect(try store.incidentDocuments(incident: incident.id).isEmpty)
        #expect(try store.auditEntries(unit: IncidentStoreTests.unit, before: nil, limit: 5).map(\.action) == [.incidentRecorded])
    }

    @Test(arguments: StoreEngine.allCases) func aKeptManifestReadsBackAsReceivedWithItsIncidentsUnit(engine: StoreEngine) throws {
        let store = try engine.open()
        let host = try base.enroll(store)
        let id = UUID(), sha = String(repeating: "ab", count: 32)
        let bytes = Data("""
            {"schema":"attt.evidence.v1","id":"\(id.uuidString)","host":{"id":"\(host.id)","hostname":"pc-a","unit":"\(IncidentStoreTests.unit)"},"officer":"Nguyễn Văn A",\
            "startedAt":"2027-01-02T08:00:00Z","finishedAt":"2027-01-02T08:10:00Z","complete":true,\
            "destination":{"path":"/media/usb","device":"8:17","model":"USB DISK","serial":"123","filesystem":"ext4"},"sourceDisks":[],\
            "categories":[{"name":"logs","files":42,"bytes":1048576}],"live":[],"sums":{"name":"SHA256SUMS","size":4000,"sha256":"\(sha)"},\
            "files":{"name":"files.jsonl","size":9000,"sha256":"\(sha)"},"skipped":[],"excluded":[]}
            """.utf8)
        let manifest = try JSONDecoder().decode(EvidenceManifest.self, from: bytes)
        let upload = EvidenceManifestUpload(id: id, incident: nil, manifest: bytes.base64EncodedString(), signature: Data([1, 2, 3]).base64EncodedString(), certificate: "PEM", sums: "\(sha)  a\n")
        #expect(try store.ingest(CheckedManifest(upload: upload, manifestBytes: bytes, manifest: manifest, signature: Data([1, 2, 3]), serial: "0A", signatureOK: true),
                                 host: host, now: Self.t0) == .stored)
        let kept = try #require(try store.evidenceManifest(id: id))
        #expect(Data(base64Encoded: kept.manifest) == bytes && kept.manifestSHA256 == Self.hex(bytes) && kept.signatureOK && kept.serial == "0A")
        #expect(kept.unit == IncidentStoreTests.unit && kept.host == host.id && kept.sumsSHA256 == sha && kept.signature == Data([1, 2, 3]).base64EncodedString())
        let incident = try #require(try store.incident(id: kept.incident, asOf: Self.t0))
        #expect(incident.manifests.map(\.id) == [id])
        #expect(try store.evidenceManifest(id: UUID()) == nil)
    }

    @Test(arguments: StoreEngine.allCases) func aReportUpIsOverdueOnlyPastItsDeadlineWithNoneRecorded(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try base.enroll(store)
        let day: TimeInterval = 86_400
        let incident = try store.recordIncident(base.request(), by: base.officer, now: Self.t0)
        #expect(!incident.escalationOverdue(within: day, now: Self.t0.addingTimeInterval(10 * day)), "not beyond the unit's capacity: nothing is due")
        let beyond = try store.reviseIncident(id: incident.id, IncidentChange(beyondCapacityAt: Timestamp(Self.t0)), by: base.officer, now: Self.t0.addingTimeInterval(60))
        #expect(beyond.escalationDue(within: day) == Self.t0.addingTimeInterval(day))
        #expect(!beyond.escalationOverdue(within: day, now: Self.t0.addingTimeInterval(day)))
        #expect(beyond.escalationOverdue(within: day, now: Self.t0.addingTimeInterval(day + 1)))
        _ = try store.recordEscalation(incident: incident.id, EscalationRequest(recipient: "Công an xã", sentAt: Timestamp(Self.t0.addingTimeInterval(2 * day)), means: "Điện thoại"),
                                       by: base.officer, now: Self.t0.addingTimeInterval(2 * day))
        let reported = try #require(try store.incident(id: incident.id, asOf: Self.t0.addingTimeInterval(3 * day)))
        #expect(!reported.escalationOverdue(within: day, now: Self.t0.addingTimeInterval(3 * day)), "reported late is reported")
    }
}
