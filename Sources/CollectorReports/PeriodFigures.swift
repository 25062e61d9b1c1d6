public import CollectorStore
public import Foundation
public import HardeningCore

/// What a periodic report says, as numbers (issue 14 point 1). Every figure is read from the stored
/// history as of the period's end (`asOf`): the frozen daily roll-up for compliance and host counts,
/// the status history for hosts, the records of jobs, waivers and attestations with their times. A
/// report for a closed period therefore says the same tomorrow as today.
public struct PeriodFigures: Sendable, Codable {
    public var scope: ReportScope
    public var period: ReportPeriod
    public var units: [String]
    /// The instant the figures are taken at: the period's end, or the moment of writing while the
    /// period has not ended.
    public var asOf: Date
    /// The day the "at the end of the period" figures are read from: the period's last day, or today.
    public var lastDay: OfficeDay
    /// The hosts at the end of the period (`unitDays` of `lastDay`, summed over the units).
    public var hosts: HostCounts
    /// Every control of every reporting host together, now and at the end of the previous period.
    public var total: GroupFigure
    public var byArticle: [GroupFigure]
    public var byArea: [GroupFigure]
    /// The commune's report only: one row per unit.
    public var byUnit: [GroupFigure]
    /// The controls failing on most hosts at the end of the period, with the host-days they failed
    /// during it (the sum of the daily counts); at most `failingShown`.
    public var failing: [FailingControl]
    /// Hosts silent or never reporting on at least one day of the period, most days first.
    public var quiet: [QuietHost]
    /// Fixes approved in the period or whose result came in it, in the state the period's end saw.
    public var fixes: [JobRecord]
    /// Waivers in force at the end of the period.
    public var waiversInForce: [Waiver]
    /// Waivers that expired or were ended during the period.
    public var waiversEnded: [Waiver]
    /// Each unit's organisational measures (Điều 12, 13, 16, 18) as they stood at the end.
    public var measures: [UnitMeasure]
    /// One line per host known at the end of the period: the report's annex.
    public var annex: [HostAtTime]
    /// Incidents and user reports of the period as they stood at `asOf` (Điều 11; section VI), as the
    /// caller read them from the incident register; none prints that none was recorded.
    public var incidents = PeriodIncidents()

    public static let failingShown = 10
}

public struct HostCounts: Sendable, Hashable, Codable {
    public var hosts = 0
    public var reporting = 0
    public var silent = 0
    public var neverReported = 0
    public var revoked = 0
    /// Among the reporting hosts, by the role of their latest report.
    public var workstations = 0
    public var servers = 0
    /// PCs that draft state-secret documents (Điều 8).
    public var secret = 0

    public init() {}
}

/// Compliance of a group (an article, an area, a unit) at the end of the period and of the one before.
public struct GroupFigure: Sendable, Hashable, Codable {
    public var key: String
    public var label: String
    public var counts: ShownCounts
    /// Percent passing of what was decided (pass and fail); nil when nothing was.
    public var compliance: Double?
    public var previous: Double?

    /// In percentage points; nil when either end is unknown.
    public var change: Double? { compliance.flatMap { c in previous.map { c - $0 } } }
}

public struct FailingControl: Sendable, Hashable, Codable {
    public var control: String
    public var title: String
    public var severity: String
    /// Hosts failing it at the end of the period.
    public var hostsFailing: Int
    /// Host-days it failed during the period.
    public var hostDays: Int
}

public struct QuietHost: Sendable, Hashable, Codable {
    public var host: String
    public var hostname: String?
    public var unit: String
    public var days: QuietDays
    /// Its latest report before the end of the period.
    public var lastReport: Timestamp?
    public var stateAtEnd: HostActivity.State?
}

public struct UnitMeasure: Sendable, Hashable, Codable {
    public var unit: String
    public var state: AttestationState
    public var title: String
}

/// The incidents a periodic report counts (section VI), given by whoever reads the incident register:
/// each as it stood at the period's end (the last revision before it), so a closed period says the
/// same whenever its report is produced.
public struct PeriodIncidents: Sendable, Hashable, Codable {
    /// Incidents detected during the period, or still open at its start.
    public var incidents: [IncidentDossier]
    /// Reports users sent during the period (Điều 11 khoản 1 điểm a), whether or not filed under an incident.
    public var userReports: [IncidentDossier.UserReport]

    public init(incidents: [IncidentDossier] = [], userReports: [IncidentDossier.UserReport] = []) {
        self.incidents = incidents
        self.userReports = userReports
    }

    /// Only what belongs to `units` and was known by `asOf`: a caller's wider list cannot put another
    /// unit's incident, or a later one, in this report.
    func scoped(units: Set<String>, from: Date, asOf: Date) -> PeriodIncidents {
        PeriodIncidents(
            incidents: incidents.filter { units.contains($0.unit) && $0.detectedAt < asOf }.sorted { ($0.detectedAt, $0.id.uuidString) < ($1.detectedAt, $1.id.uuidString) },
            userReports: userReports.filter { ($0.unit.map(units.contains) ?? true) && $0.receivedAt >= from && $0.receivedAt < asOf }.sorted { $0.receivedAt < $1.receivedAt })
    }
}

/// INC-003: a user's report is acknowledged within one working day. The deadline is the end of the
/// working day after the one it arrived on, Monday to Friday in Vietnam's calendar; public holidays
/// are not known to the collector and count as working days (the deadline errs early, never late).
/// The collector's pages flag the reports still waiting past it.
public enum AcknowledgementDeadline {
    public static func deadline(receivedAt: Date) -> Date {
        var day = OfficeDay(containing: receivedAt).adding(1)
        while isWeekend(day) { day = day.adding(1) }
        return day.end
    }

    /// 1970-01-01, day 0, was a Thursday.
    static func isWeekend(_ day: OfficeDay) -> Bool {
        let mondayBased = ((day.number + 3) % 7 + 7) % 7
        return mondayBased >= 5
    }

    /// Acknowledged by the deadline, and by `asOf` (a later acknowledgement is not yet known).
    static func onTime(_ report: IncidentDossier.UserReport, asOf: Date) -> Bool {
        guard let at = report.acknowledgedAt, at < asOf else { return false }
        return at <= deadline(receivedAt: report.receivedAt)
    }
}
