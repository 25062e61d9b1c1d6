@testable import CollectorStore
import Foundation
import HardeningCore
import Testing

/// What an officer sees for a result once the office's waivers and attestations are laid over it.
@Suite struct ShownStatusTests {
    let now = Date(timeIntervalSince1970: 1_790_000_000)
    let day: TimeInterval = 86_400

    func waiver(_ control: String = "VN-TD-PW-001", host: String? = nil, recorded: Double = -1, expires: Double = 30, ended: Double? = nil) -> Waiver {
        Waiver(id: UUID(), unit: "u", host: host, control: control, justification: "j", approvedBy: "a", recordedBy: "o",
               recordedAt: Timestamp(now.addingTimeInterval(recorded * day)), expiresAt: Timestamp(now.addingTimeInterval(expires * day)),
               endedAt: ended.map { Timestamp(now.addingTimeInterval($0 * day)) }, endedBy: ended.map { _ in "o" })
    }

    func attestation(_ control: String = "VN-TD-ATT-001", validDays: Double = 30) -> Attestation {
        Attestation(id: UUID(), unit: "u", control: control, attestedOn: "2026-09-01", reference: "12/QĐ-UBND", note: nil, attestedBy: "Chủ tịch",
                    recordedBy: "o", recordedAt: Timestamp(now.addingTimeInterval(-day)), validUntil: Timestamp(now.addingTimeInterval(validDays * day)), file: nil)
    }

    @Test(arguments: [(ResultStatus.pass, "pass"), (.fail, "fail"), (.notApplicable, "not_applicable"), (.error, "error"), (.manual, "manual")])
    func withoutExceptionsTheReportDecides(status: ResultStatus, name: String) {
        #expect(ShownStatus(status, control: "VN-TD-PW-001", host: "h", waivers: [], attestation: nil, at: now).name == name)
    }

    @Test func aFailOrAnErrorUnderAWaiverIsWaivedAndAPassStaysAPass() {
        let waiver = waiver()
        #expect(ShownStatus(.fail, control: "VN-TD-PW-001", host: "h", waivers: [waiver], attestation: nil, at: now) == .waived(waiver))
        #expect(ShownStatus(.error, control: "VN-TD-PW-001", host: "h", waivers: [waiver], attestation: nil, at: now) == .waived(waiver))
        #expect(ShownStatus(.pass, control: "VN-TD-PW-001", host: "h", waivers: [waiver], attestation: nil, at: now) == .pass)
        #expect(ShownStatus(.notApplicable, control: "VN-TD-PW-001", host: "h", waivers: [waiver], attestation: nil, at: now) == .notApplicable)
        // Another control's waiver changes nothing.
        #expect(ShownStatus(.fail, control: "VN-TD-PW-002", host: "h", waivers: [waiver], attestation: nil, at: now) == .fail)
    }

    @Test func atExpiryOrOnceEndedTheResultIsWhatTheReportSays() {
        let expired = waiver(expires: 0), ended = waiver(ended: 0), future = waiver(recorded: 1)
        for waiver in [expired, ended, future] {
            #expect(ShownStatus(.fail, control: "VN-TD-PW-001", host: "h", waivers: [waiver], attestation: nil, at: now) == .fail)
        }
    }

    @Test func theHostsOwnWaiverGoesBeforeTheUnitsAndOtherHostsDoNotCount() {
        let unitWide = waiver(), own = waiver(host: "h1", recorded: -2), other = waiver(host: "h2", recorded: 0)
        #expect(ShownStatus(.fail, control: "VN-TD-PW-001", host: "h1", waivers: [unitWide, own, other], attestation: nil, at: now) == .waived(own))
        #expect(ShownStatus(.fail, control: "VN-TD-PW-001", host: "h3", waivers: [own, other], attestation: nil, at: now) == .fail)
        #expect(Waiver.inForce(for: "VN-TD-PW-001", host: "h3", among: [unitWide, own, other], at: now) == unitWide)
    }

    @Test func theOrganisationalControlsAreTheUnitsAttestation() {
        let record = attestation()
        let attested = AttestationState(control: "VN-TD-ATT-001", standing: .attested, attestation: record)
        let lapsed = AttestationState(control: "VN-TD-ATT-001", standing: .lapsed, attestation: record)
        let missing = AttestationState(control: "VN-TD-ATT-001", standing: .missing, attestation: nil)
        #expect(ShownStatus(.manual, control: "VN-TD-ATT-001", host: "h", waivers: [], attestation: attested, at: now) == .attested(record))
        #expect(ShownStatus(.manual, control: "VN-TD-ATT-001", host: "h", waivers: [], attestation: lapsed, at: now) == .due(lapsed))
        #expect(ShownStatus(.manual, control: "VN-TD-ATT-001", host: "h", waivers: [], attestation: missing, at: now) == .due(missing))
        // A tampered agent saying "pass" does not attest for the unit.
        #expect(ShownStatus(.pass, control: "VN-TD-ATT-001", host: "h", waivers: [], attestation: missing, at: now) == .due(missing))
        // A waiver can cover a measure that is due, and says so.
        let waiver = waiver("VN-TD-ATT-001")
        #expect(ShownStatus(.manual, control: "VN-TD-ATT-001", host: "h", waivers: [waiver], attestation: missing, at: now) == .waived(waiver))
    }

    @Test func countsKeepWaivedAttestedAndDueApartFromPassAndFail() {
        let waiver = waiver()
        let record = attestation()
        let shown: [ShownStatus] = [.pass, .pass, .fail, .waived(waiver), .attested(record), .due(AttestationState(control: "VN-TD-ATT-002", standing: .missing, attestation: nil)), .manual, .error, .notApplicable]
        let counts = ShownCounts(shown)
        #expect(counts.pass == 2 && counts.fail == 1 && counts.waived == 1 && counts.attested == 1 && counts.due == 1)
        #expect(counts.manual == 1 && counts.error == 1 && counts.notApplicable == 1 && counts.total == shown.count)
    }

    @Test func aHostsCurrentStateIsShownUnderItsOwnUnitsDecisions() {
        func state(_ control: String, _ status: ResultStatus) -> ControlState {
            ControlState(host: "h", hostname: "pc", unit: "u", control: control, status: status, since: Timestamp(now), failingSince: nil, result: nil)
        }
        let waiver = waiver()
        var elsewhere = waiver
        elsewhere.unit = "another unit"
        let missing = AttestationState(control: "VN-TD-ATT-001", standing: .missing, attestation: nil)
        #expect(state("VN-TD-PW-001", .fail).shown(waivers: [waiver], attestations: [missing], at: now) == .waived(waiver))
        #expect(state("VN-TD-PW-001", .fail).shown(waivers: [elsewhere], attestations: [missing], at: now) == .fail)
        #expect(state("VN-TD-ATT-001", .manual).shown(waivers: [], attestations: [missing], at: now) == .due(missing))
    }
}
