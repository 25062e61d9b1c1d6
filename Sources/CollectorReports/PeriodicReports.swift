public import CollectorStore
public import Foundation
import HardeningCore

/// The periodic and annual reports (issue 14): figures from the stored history, laid out as a
/// Vietnamese administrative document.
public struct PeriodicReports: Sendable {
    public let store: any CollectorDatabase
    public let settings: ReportSettings
    /// `hosts.silent-after`, as the office's pages count silent hosts.
    public let silentAfter: TimeInterval

    /// Ten years of days: the longest period a report covers, so one request cannot ask for a loop
    /// over millennia.
    public static let longestPeriod = 3_660

    public init(store: any CollectorDatabase, settings: ReportSettings, silentAfter: TimeInterval) {
        self.store = store
        self.settings = settings
        self.silentAfter = silentAfter
    }

    public enum Refusal: Error, Sendable, Hashable, CustomStringConvertible {
        case periodTooLong(days: Int)
        case periodNotStarted(OfficeDay)
        case unknownUnit(String, known: [String])

        public var description: String {
            switch self {
            case .periodTooLong(let days):
                return "Kỳ báo cáo dài \(days) ngày; một báo cáo bao quát tối đa \(PeriodicReports.longestPeriod) ngày (The period is \(days) days; a report covers at most \(PeriodicReports.longestPeriod))."
            case .periodNotStarted(let day):
                return "Kỳ báo cáo bắt đầu ngày \(day), sau hôm nay: chưa có số liệu (The period starts after today: nothing to report yet)."
            case .unknownUnit(let unit, let known):
                return "Không có đơn vị \"\(unit)\" trên bộ thu thập; các đơn vị: \(known.isEmpty ? "(chưa có)" : known.joined(separator: "; ")) (No such unit)."
            }
        }
    }

    /// Section VI's incidents from the register, as they stood at the period's end (Điều 13 khoản 9; the
    /// issue 14 rule: a closed period reads the same later): those detected in the period or still open
    /// at its start, and the users' reports received in it, with an acknowledgement made after the end
    /// not counted.
    func registered(units: Set<String>, from: Date, asOf: Date) throws -> PeriodIncidents {
        let openAtStart = Set(try store.incidents(units: units, asOf: from).filter(\.isOpen).map(\.id))
        let incidents = try store.incidents(units: units, asOf: asOf).filter { $0.detectedAt.date >= from || openAtStart.contains($0.id) }
        let reports = try store.userReports(units: units, from: from, to: asOf).map { record in
            var report = IncidentDossier.UserReport(record)
            if let at = report.acknowledgedAt, at >= asOf { report.acknowledgedAt = nil; report.acknowledgedBy = nil }
            return report
        }
        return PeriodIncidents(incidents: incidents.map(IncidentDossier.init), userReports: reports)
    }

    /// The units the collector knows, for the commune's report and for checking a unit's name.
    public func knownUnits() throws -> [String] {
        Set(try store.hosts(unit: nil).map(\.unit)).sorted()
    }

    /// - Parameter incidents: the period's incidents and user reports, each as of the period's end; those
    ///   of other units or known only after the end are left out. Nil: read from the incident register.
    public func figures(scope: ReportScope, period: ReportPeriod, now: Date, incidents: PeriodIncidents? = nil) throws -> PeriodFigures {
        let days = period.to.number - period.from.number + 1
        guard days <= Self.longestPeriod else { throw Refusal.periodTooLong(days: days) }
        let today = OfficeDay(containing: now)
        guard period.from <= today else { throw Refusal.periodNotStarted(period.from) }
        let known = try knownUnits()
        let lastDay = min(period.to, today)
        let asOf = min(period.to.end, now)
        let units: [String]
        switch scope {
        // The units with a host by the period's end: a unit enrolled later is not in last year's report.
        case .commune: units = Set(try store.hostsAt(units: Set(known), end: asOf, silentAfter: silentAfter).map(\.unit)).sorted()
        case .unit(let unit):
            guard known.contains(unit) else { throw Refusal.unknownUnit(unit, known: known) }
            units = [unit]
        }
        let unitSet = Set(units)
        let info = try store.controlInfo()
        let byControl = Dictionary(info.map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })

        // Per unit and control at the end of this period and of the one before.
        let atEnd = try store.dailyCompliance(units: unitSet, from: lastDay, to: lastDay, now: now, silentAfter: silentAfter)
        let previousDay = period.previous.to
        let atPreviousEnd = try store.dailyCompliance(units: unitSet, from: previousDay, to: previousDay, now: now, silentAfter: silentAfter)
        func grouped(_ grouping: ComplianceGrouping) -> [GroupFigure] {
            func sums(_ rows: [DailyCompliance]) -> [String: ShownCounts] {
                var out: [String: ShownCounts] = [:]
                for row in rows {
                    for key in grouping.keys(row.control, byControl[row.control]) { out[key, default: ShownCounts()].add(row.counts) }
                }
                return out
            }
            let now = sums(atEnd), before = sums(atPreviousEnd)
            return now.keys.sorted(by: grouping.order).map { key in
                GroupFigure(key: key, label: grouping.label(key, byControl[key]).vi, counts: now[key] ?? ShownCounts(),
                            compliance: now[key]?.compliance.map { $0 * 100 }, previous: before[key]?.compliance.map { $0 * 100 })
            }
        }
        func total(_ rows: [DailyCompliance]) -> ShownCounts { rows.reduce(into: ShownCounts()) { $0.add($1.counts) } }
        let totalNow = total(atEnd), totalBefore = total(atPreviousEnd)
        let byUnit: [GroupFigure] = scope == .commune ? units.map { unit in
            let now = total(atEnd.filter { $0.unit == unit }), before = total(atPreviousEnd.filter { $0.unit == unit })
            return GroupFigure(key: unit, label: unit, counts: now, compliance: now.compliance.map { $0 * 100 }, previous: before.compliance.map { $0 * 100 })
        } : []

        // Hosts at the end: the frozen day's counts, and the roles of those reporting.
        var hosts = HostCounts()
        for day in try store.unitDays(units: unitSet, from: lastDay, to: lastDay, now: now, silentAfter: silentAfter) {
            hosts.hosts += day.hosts; hosts.reporting += day.reporting; hosts.silent += day.silent
            hosts.neverReported += day.neverReported; hosts.revoked += day.revoked
        }
        let annex = try store.hostsAt(units: unitSet, end: asOf, silentAfter: silentAfter)
        for host in annex where host.state == .reporting {
            switch host.role {
            case Role.server.rawValue: hosts.servers += 1
            case Role.secret.rawValue: hosts.secret += 1
            default: hosts.workstations += 1
            }
        }

        // The controls failing most: on how many hosts at the end, and for how many host-days.
        var hostDays: [String: Int] = [:]
        for row in try store.dailyCompliance(units: unitSet, from: period.from, to: lastDay, now: now, silentAfter: silentAfter, combined: true) {
            hostDays[row.control, default: 0] += row.counts.fail
        }
        var failingAtEnd: [String: Int] = [:]
        for row in atEnd { failingAtEnd[row.control, default: 0] += row.counts.fail }
        let failing = Set(hostDays.filter { $0.value > 0 }.keys).union(failingAtEnd.filter { $0.value > 0 }.keys)
            .map { control in
                FailingControl(control: control, title: byControl[control]?.title.vi ?? control, severity: byControl[control]?.severity.rawValue ?? "",
                               hostsFailing: failingAtEnd[control] ?? 0, hostDays: hostDays[control] ?? 0)
            }
            .sorted { ($0.hostsFailing, $0.hostDays, $1.control) > ($1.hostsFailing, $1.hostDays, $0.control) }

        // Hosts quiet on a closed day of the period (today is not over: its end is not yet known).
        let lastClosed = min(period.to, today.adding(-1))
        let hostsByID = Dictionary(annex.map { ($0.host, $0) }, uniquingKeysWith: { a, _ in a })
        let quiet = try store.quietDays(units: unitSet, from: period.from, to: lastClosed, silentAfter: silentAfter)
            .map { host, days in
                let known = hostsByID[host]
                return QuietHost(host: host, hostname: known?.hostname, unit: known?.unit ?? "", days: days, lastReport: known?.latestAt, stateAtEnd: known?.state)
            }
            .sorted { ($0.days.silent + $0.days.neverReported, $1.unit, $1.host) > ($1.days.silent + $1.days.neverReported, $0.unit, $0.host) }

        // Waivers and organisational measures as they stood at the end.
        var inForce: [Waiver] = [], ended: [Waiver] = [], measures: [UnitMeasure] = []
        for unit in units {
            for waiver in try store.waivers(unit: unit, at: asOf, all: true) where waiver.recordedAt.date < asOf {
                if waiver.inForce(at: asOf) {
                    inForce.append(waiver)
                } else if let end = [Optional(waiver.expiresAt.date), waiver.endedAt?.date].compactMap({ $0 }).min(), end >= period.from.start, end < asOf {
                    ended.append(waiver)
                }
            }
            measures += try store.attestationStates(unit: unit, at: asOf).map {
                UnitMeasure(unit: unit, state: $0, title: byControl[$0.control]?.title.vi ?? $0.control)
            }
        }

        return PeriodFigures(
            scope: scope, period: period, units: units, asOf: asOf, lastDay: lastDay, hosts: hosts,
            total: GroupFigure(key: "", label: "Tổng cộng", counts: totalNow, compliance: totalNow.compliance.map { $0 * 100 }, previous: totalBefore.compliance.map { $0 * 100 }),
            byArticle: grouped(.article), byArea: grouped(.area), byUnit: byUnit, failing: Array(failing.prefix(PeriodFigures.failingShown)), quiet: quiet,
            fixes: try store.jobRecords(units: unitSet, from: period.from.start, to: asOf),
            waiversInForce: inForce, waiversEnded: ended, measures: measures, annex: annex,
            incidents: (try incidents ?? registered(units: unitSet, from: period.from.start, asOf: asOf)).scoped(units: unitSet, from: period.from.start, asOf: asOf))
    }
}
