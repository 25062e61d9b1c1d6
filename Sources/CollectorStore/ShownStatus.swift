public import Foundation
public import HardeningCore

/// What an officer sees for one result of one host: the report's status, with the office's own
/// decisions laid over it (issue 13 points 4 and 5). Pure: the waivers and attestations in force
/// and the time are inputs. Nothing is hidden: a waived result still says which waiver, and every
/// view can count waived, attested and due apart from pass and fail.
public enum ShownStatus: Sendable, Hashable {
    case pass
    case fail
    case notApplicable
    case error
    case manual
    /// A fail or an error under a waiver in force: shown with its justification, counted apart.
    case waived(Waiver)
    /// An organisational control the unit attested, in force.
    case attested(Attestation)
    /// An organisational control whose attestation lapsed or was never made.
    case due(AttestationState)

    /// - Parameters:
    ///   - status: what the host's report says.
    ///   - control: the result's control.
    ///   - waivers: waivers of the host's unit (any; those not in force at `at`, for another control
    ///     or another host are passed over).
    ///   - attestation: the unit's state of this control when it is organisational.
    public init(_ status: ResultStatus, control: String, host: String, waivers: [Waiver], attestation: AttestationState?, at time: Date) {
        let waiver = Waiver.inForce(for: control, host: host, among: waivers, at: time)
        // The organisational measures are the unit's to attest at the collector, once for all its
        // PCs: what an agent says of them (`manual`, or anything a tampered agent might claim)
        // does not decide.
        if OrganisationalControl.contains(control), let attestation {
            if attestation.standing == .attested, let record = attestation.attestation {
                self = .attested(record)
            } else if let waiver {
                self = .waived(waiver)
            } else {
                self = .due(attestation)
            }
            return
        }
        switch status {
        case .pass: self = .pass
        case .notApplicable: self = .notApplicable
        case .manual: self = .manual
        // An exception is only needed for what fails: a passing result stays a pass.
        case .fail: self = waiver.map(ShownStatus.waived) ?? .fail
        case .error: self = waiver.map(ShownStatus.waived) ?? .error
        }
    }

    /// The name in JSON and in counts.
    public var name: String {
        switch self {
        case .pass: return "pass"
        case .fail: return "fail"
        case .notApplicable: return "not_applicable"
        case .error: return "error"
        case .manual: return "manual"
        case .waived: return "waived"
        case .attested: return "attested"
        case .due: return "due"
        }
    }
}

/// A host's or a unit's results counted as shown: waived, attested and due apart from pass and fail,
/// so a waiver never makes a unit look compliant.
public struct ShownCounts: Sendable, Hashable, Codable {
    public var pass = 0
    public var fail = 0
    public var notApplicable = 0
    public var error = 0
    public var manual = 0
    public var waived = 0
    public var attested = 0
    public var due = 0

    public init() {}

    public init(_ shown: some Sequence<ShownStatus>) {
        for status in shown { add(status) }
    }

    public mutating func add(_ status: ShownStatus) {
        switch status {
        case .pass: pass += 1
        case .fail: fail += 1
        case .notApplicable: notApplicable += 1
        case .error: error += 1
        case .manual: manual += 1
        case .waived: waived += 1
        case .attested: attested += 1
        case .due: due += 1
        }
    }

    public var total: Int { pass + fail + notApplicable + error + manual + waived + attested + due }

    public mutating func add(_ other: ShownCounts) {
        pass += other.pass; fail += other.fail; notApplicable += other.notApplicable; error += other.error
        manual += other.manual; waived += other.waived; attested += other.attested; due += other.due
    }

    /// Passing share of what was decided (pass and fail); nil when nothing was. Waived, attested and
    /// due are apart: a waiver never makes a unit look compliant.
    public var compliance: Double? { pass + fail == 0 ? nil : Double(pass) / Double(pass + fail) }
}

extension Waiver {
    /// The waiver in force for a control on a host: the host's own before the unit's, then the newest.
    /// The same choice as `ExceptionStore.waiver(for:host:unit:at:)`, over waivers already read.
    public static func inForce(for control: String, host: String, among waivers: [Waiver], at time: Date) -> Waiver? {
        let applicable = waivers.filter { $0.control == control && ($0.host == nil || $0.host == host) && $0.inForce(at: time) }
        return applicable.max { a, b in
            if (a.host != nil) != (b.host != nil) { return a.host == nil }
            return a.recordedAt < b.recordedAt
        }
    }
}

extension ControlState {
    /// This control of this host as an officer sees it, under its unit's waivers and the unit's
    /// attestation states (`ExceptionStore.waivers(unit:at:all:)`, `attestationStates(unit:at:)`).
    public func shown(waivers: [Waiver], attestations: [AttestationState], at time: Date) -> ShownStatus {
        ShownStatus(status, control: control, host: host, waivers: waivers.filter { $0.unit == unit },
                    attestation: attestations.first { $0.control == control }, at: time)
    }
}
