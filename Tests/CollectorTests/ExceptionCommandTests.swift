import AtttTestSupport
import Foundation
import Testing

/// `attt-collector waiver|attestation|audit` at the collector host's keyboard, on a real state
/// directory: what they record, what they refuse (exit 2, saying why) and the audit they leave.
@Suite(.serialized) struct ExceptionCommandTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-exception-commands-\(UUID())")
    let unit = "UBND xã Tứ Dân"

    @Test func waiversAttestationsAndTheirAuditFromTheCommandLine() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"))
        defer { collector.stop() }
        // A token makes the unit known to the collector.
        _ = try collector.token(unit: unit)

        let waiver = ["waiver", "add", "--unit", unit, "--control", "VN-TD-PW-001", "--justification", "Máy kế toán chờ nâng cấp", "--approved-by", "Chủ tịch UBND xã"]
        let tooLong = try collector.command(waiver + ["--expires", "2099-01-01"])
        #expect(tooLong.status == 2 && tooLong.stderr.contains("at most 3 years"), "\(tooLong.stderr)")
        let notADay = try collector.command(waiver + ["--expires", "mai"])
        #expect(notADay.status == 2 && notADay.stderr.contains("--expires mai is neither a day"), "\(notADay.stderr)")
        let foreignHost = try collector.command(waiver + ["--expires", "90d", "--host", "h-nobody"])
        #expect(foreignHost.status == 2 && foreignHost.stderr.contains("is not a host of \(unit)"), "\(foreignHost.stderr)")
        let otherUnit = try collector.command(["waiver", "add", "--unit", "Nowhere"] + waiver.dropFirst(4) + ["--expires", "90d"])
        #expect(otherUnit.status == 2 && otherUnit.stderr.contains("no unit Nowhere"), "\(otherUnit.stderr)")

        // A day is waived through its end in Việt Nam (UTC+7): until 17:00 UTC.
        let day = String(ISO8601DateFormatter().string(from: Date().addingTimeInterval(60 * 86_400)).prefix(10))
        let throughADay = try collector.command(waiver + ["--expires", day, "--control", "VN-TD-PW-002"])
        #expect(throughADay.status == 0 && throughADay.stdout.contains("VN-TD-PW-002  until \(day)T17:00:00Z"), "\(throughADay.stdout)\(throughADay.stderr)")
        let added = try collector.command(waiver + ["--expires", "90d"])
        #expect(added.status == 0, "\(added.stderr)")
        let id = try #require(added.stdout.split(separator: " ").first.map(String.init))
        #expect(added.stdout.contains("cả đơn vị") && added.stdout.contains("Máy kế toán chờ nâng cấp"))
        #expect(try collector.command(["waiver", "list", "--unit", unit]).stdout.contains(id))
        let ended = try collector.command(["waiver", "end", id])
        #expect(ended.status == 0 && ended.stdout.contains("ENDED"), "\(ended.stderr)")
        let again = try collector.command(["waiver", "end", id])
        #expect(again.status == 2 && again.stderr.contains("has already ended or expired"), "\(again.stderr)")
        #expect(try collector.command(["waiver", "end", "not-an-id"]).status == 2)
        let inForce = try collector.command(["waiver", "list", "--unit", unit]).stdout
        #expect(!inForce.contains(id) && inForce.contains("VN-TD-PW-002"))
        #expect(try collector.command(["waiver", "list", "--unit", unit, "--all"]).stdout.contains(id))

        let scan = work.appendingPathComponent("Biên bản 12.pdf")
        try Data("%PDF-1.4 biên bản kiểm tra\n".utf8).write(to: scan)
        let attestation = ["attestation", "add", "--unit", unit, "--reference", "12/QĐ-UBND", "--attested-by", "Chủ tịch UBND xã", "--valid-until", "365d"]
        let attested = try collector.command(attestation + ["--control", "VN-TD-ATT-001", "--file", scan.path])
        #expect(attested.status == 0, "\(attested.stderr)")
        // sha256sum of the file, worked out apart from the collector.
        #expect(attested.stdout.contains("sha256 015f317ba75394e52d9606ee9c12471df954ca90c610eaeb0dff1e7bc4c85911"), "\(attested.stdout)")
        let checkedOnPCs = try collector.command(attestation + ["--control", "VN-TD-PW-001"])
        #expect(checkedOnPCs.status == 2 && checkedOnPCs.stderr.contains("is checked on the PCs, not attested"), "\(checkedOnPCs.stderr)")
        let noFile = try collector.command(attestation + ["--control", "VN-TD-ATT-002", "--file", work.path])
        #expect(noFile.status == 2 && noFile.stderr.contains("is not a regular file"), "\(noFile.stderr)")
        let states = try collector.command(["attestation", "list", "--unit", unit]).stdout
        #expect(states.contains("VN-TD-ATT-001  đã xác nhận") && states.contains("VN-TD-ATT-002  CẦN XÁC NHẬN (due: never attested)"), "\(states)")

        let audit = try collector.command(["audit", "list", "--unit", unit])
        let actions = audit.stdout.split(separator: "\n").map { $0.components(separatedBy: "  ")[3] }
        #expect(actions == ["attestation-recorded", "waiver-ended", "waiver-recorded", "waiver-recorded"], "\(audit.stdout)")
        #expect(audit.stdout.split(separator: "\n").allSatisfy { $0.contains("(local-admin)") })
        #expect(try collector.command(["audit", "list", "--limit", "0"]).status == 2)
    }
}
