import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore

/// What the office's pages and the officer API show (issue 13 points 1–3, 7–8): the commune, a
/// unit, a host, a control. Built from the store's answers and nothing else, so the pages and the
/// JSON say the same thing; `OfficeQuery` is the one place that asks the store.
struct OfficeQuery: Sendable {
    let store: any CollectorDatabase
    let now: Date
    /// `hosts.silent-after`: a host quieter than this is "mất liên lạc", never counted as compliant.
    let silentAfter: TimeInterval

    static let unitPageSize = 100
    static let maxPageSize = 500

    /// The units this officer reads that the collector knows of, or has been given.
    func readableUnits(_ access: OfficerAccess) throws -> [String] {
        let known = Set(try store.hosts(unit: nil).map(\.unit))
        return (access.readsAll ? known : access.units).sorted()
    }

    func commune(units: [String]) throws -> CommuneView {
        let activity = try store.hostActivity(units: Set(units), now: now, silentAfter: silentAfter)
        let byUnit = Dictionary(grouping: activity, by: \.host.unit)
        let info = try controlInfo()
        let today = OfficeDay(containing: now)
        let (current, before) = try complianceNowAndBefore(units: Set(units), today: today)
        let rows = units.map { unit in
            UnitSummary(unit: unit, hosts: byUnit[unit] ?? [], compliance: Self.total(current.filter { $0.unit == unit }).compliance)
        }
        return CommuneView(
            day: today.description, units: rows, total: UnitSummary(unit: "", hosts: activity, compliance: Self.total(current).compliance),
            byArticle: Self.grouped(current, before, by: .article, info: info), byArea: Self.grouped(current, before, by: .area, info: info))
    }

    func unit(_ unit: String, filter: HostFilter, sort: HostSort, page: Int) throws -> UnitView {
        let activity = try store.hostActivity(units: [unit], now: now, silentAfter: silentAfter)
        let shown = sort.sorted(activity.filter(filter.includes))
        let pages = max(1, (shown.count + Self.unitPageSize - 1) / Self.unitPageSize)
        let page = min(max(page, 1), pages)
        let info = try controlInfo()
        let today = OfficeDay(containing: now)
        let (current, before) = try complianceNowAndBefore(units: [unit], today: today)
        let series = Dictionary(grouping: try store.dailyCompliance(units: [unit], from: today.adding(-89), to: today, now: now, silentAfter: silentAfter), by: \.day)
            .map { day, rows in CompliancePoint(day: day.description, counts: Self.total(rows)) }.sorted { $0.day < $1.day }
        return UnitView(
            unit: unit, waivers: try store.waivers(unit: unit, at: now, all: false), attestations: try store.attestationStates(unit: unit, at: now), summary: UnitSummary(unit: unit, hosts: activity, compliance: Self.total(current).compliance),
            filter: filter, sort: sort, page: page, pages: pages, pageSize: Self.unitPageSize, matching: shown.count,
            hosts: shown.dropFirst((page - 1) * Self.unitPageSize).prefix(Self.unitPageSize).map(HostRow.init),
            byArticle: Self.grouped(current, before, by: .article, info: info), byArea: Self.grouped(current, before, by: .area, info: info),
            byControl: Self.grouped(current, before, by: .control, info: info), series: series)
    }

    /// nil: no such host (the caller answers 404 also for a host of a unit the officer may not read).
    func host(_ id: String) throws -> HostView? {
        guard let record = try store.host(id: id) else { return nil }
        guard let activity = try store.hostActivity(units: [record.unit], hosts: [id], now: now, silentAfter: silentAfter).first else { return nil }
        let info = Dictionary(try controlInfo().map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })
        let spans = Dictionary(grouping: try store.statusSpans(host: id, control: nil), by: \.control)
        let waivers = try store.waivers(unit: record.unit, at: now, all: false)
        let attestations = Dictionary(try store.attestationStates(unit: record.unit, at: now).map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })
        let reports = try store.reports(host: id, from: now.addingTimeInterval(-90 * 86_400), to: now.addingTimeInterval(60), limit: 2_000)
        return HostView(
            host: HostRow(activity),
            enrolledAt: record.enrolledAt,
            controls: try store.controlStates(host: id).map { state in
                var row = ControlRow(state, info: info[state.control], changes: max(0, (spans[state.control]?.count ?? 1) - 1))
                row.overlay(ShownStatus(state.status, control: state.control, host: id, waivers: waivers, attestation: attestations[state.control], at: now))
                return row
            },
            chart: reports.map { ChartPoint(reportId: $0.reportId, startedAt: $0.startedAt.description, pass: $0.summary.pass, fail: $0.summary.fail) },
            jobs: try store.jobs(host: id, now: now).prefix(50).map(JobRow.init))
    }

    func history(host: String, control: String?) throws -> [StatusSpan] {
        try store.statusSpans(host: host, control: control)
    }

    func control(_ id: String, units: [String], status: ResultStatus?, page: Int, pageSize: Int) throws -> ControlView? {
        let info = try controlInfo().first { $0.control == id }
        let counts = try store.controlCounts(control: id, units: Set(units))
        guard info != nil || !counts.isEmpty else { return nil }
        let matching = status.map { counts[$0] ?? 0 } ?? counts.values.reduce(0, +)
        let pages = max(1, (matching + pageSize - 1) / pageSize)
        let page = min(max(page, 1), pages)
        let states = try store.controlStates(control: id, units: Set(units), status: status, limit: pageSize, offset: (page - 1) * pageSize)
        var waivers: [String: [Waiver]] = [:], attestations: [String: AttestationState] = [:]
        for unit in Set(states.map(\.unit)) {
            waivers[unit] = try store.waivers(unit: unit, at: now, all: false)
            if OrganisationalControl.contains(id) { attestations[unit] = try store.attestationStates(unit: unit, at: now).first { $0.control == id } }
        }
        // A silent or revoked PC's last result is not today's: the rows say so (issue 13 point 2).
        let activity = Dictionary(try store.hostActivity(units: Set(states.map(\.unit)), hosts: Set(states.map(\.host)), now: now, silentAfter: silentAfter).map { ($0.host.id, $0.state) },
                                  uniquingKeysWith: { a, _ in a })
        let rows = states.map { state in
            var row = ControlHostRow(state)
            row.hostState = activity[state.host]
            row.overlay(ShownStatus(state.status, control: id, host: state.host, waivers: waivers[state.unit] ?? [], attestation: attestations[state.unit], at: now))
            return row
        }
        return ControlView(
            control: id, title: info?.title, area: info?.area, articles: (info?.articles ?? []).map(Article.init),
            counts: ShownCounts(counts), shownCounts: try shownCounts(control: id, units: units, reported: counts), status: status?.rawValue, page: page, pages: pages, pageSize: pageSize, matching: matching,
            hosts: rows)
    }

    /// Per day and control for the chosen units, grouped by control, area or article.
    func compliance(units: [String], from: OfficeDay, to: OfficeDay, by: ComplianceGrouping) throws -> ComplianceSeries {
        let info = try controlInfo()
        // Summed over the units by the store: a year of a commune is one row per day and control.
        let rows = try store.dailyCompliance(units: Set(units), from: from, to: to, now: now, silentAfter: silentAfter, combined: true)
        let days = Dictionary(grouping: rows, by: \.day).sorted { $0.key < $1.key }.map { day, rows in
            ComplianceDay(day: day.description, total: Self.total(rows), groups: Self.grouped(rows, [], by: by, info: info))
        }
        return ComplianceSeries(units: units, from: from.description, to: to.description, by: by, days: days)
    }

    func controlInfo() throws -> [ControlInfo] { try store.controlInfo() }

    /// The control's hosts counted as the office sees them (issue 13 points 4–5): failing or in error
    /// under a waiver in force counted as waived; an organisational control counted for the whole
    /// unit as attested or due. Asked per unit, since waivers and attestations are the unit's.
    func shownCounts(control: String, units: [String], reported: [ResultStatus: Int]) throws -> ShownCounts {
        var shown = ShownCounts(reported)
        let organisational = OrganisationalControl.contains(control)
        for unit in units {
            let waivers = try store.waivers(unit: unit, at: now, all: false).filter { $0.control == control }
            guard organisational || !waivers.isEmpty else { continue }
            let counts = try store.controlCounts(control: control, units: [unit])
            if organisational, let state = try store.attestationStates(unit: unit, at: now).first(where: { $0.control == control }) {
                // ShownStatus: attested while in force, else waived under a waiver, else due.
                let all = counts.values.reduce(0, +)
                shown.subtract(counts)
                if !state.isDue { shown.attested += all } else if waivers.contains(where: { $0.host == nil }) { shown.waived += all } else { shown.due += all }
                continue
            }
            if waivers.contains(where: { $0.host == nil }) {
                let undecided = [ResultStatus.fail: counts[.fail] ?? 0, .error: counts[.error] ?? 0]
                shown.subtract(undecided)
                shown.waived += undecided.values.reduce(0, +)
            } else {
                for host in Set(waivers.compactMap(\.host)) {
                    guard let status = try store.controlStates(host: host).first(where: { $0.control == control })?.status, [.fail, .error].contains(status) else { continue }
                    shown.subtract([status: 1])
                    shown.waived += 1
                }
            }
        }
        return shown
    }

    /// Today and 30 days ago, for "the change over 30 days".
    func complianceNowAndBefore(units: Set<String>, today: OfficeDay) throws -> ([DailyCompliance], [DailyCompliance]) {
        guard !units.isEmpty else { return ([], []) }
        let before = today.adding(-30)
        return (try store.dailyCompliance(units: units, from: today, to: today, now: now, silentAfter: silentAfter),
                try store.dailyCompliance(units: units, from: before, to: before, now: now, silentAfter: silentAfter, combined: true))
    }

    static func total(_ rows: [DailyCompliance]) -> ShownCounts {
        rows.reduce(into: ShownCounts()) { $0.add($1.counts) }
    }

    /// Compliance per group now, with the change against the earlier rows (nil when either is unknown).
    static func grouped(_ current: [DailyCompliance], _ before: [DailyCompliance], by grouping: ComplianceGrouping, info: [ControlInfo]) -> [ComplianceRow] {
        let byControl = Dictionary(info.map { ($0.control, $0) }, uniquingKeysWith: { a, _ in a })
        func sums(_ rows: [DailyCompliance]) -> [String: ShownCounts] {
            var out: [String: ShownCounts] = [:]
            for row in rows {
                for key in grouping.keys(row.control, byControl[row.control]) { out[key, default: ShownCounts()].add(row.counts) }
            }
            return out
        }
        let now = sums(current), then = sums(before)
        return now.keys.sorted(by: grouping.order).map { key in
            let compliance = now[key]?.compliance
            let change = compliance.flatMap { c in then[key]?.compliance.map { c - $0 } }
            return ComplianceRow(key: key, label: grouping.label(key, byControl[key]), counts: now[key] ?? ShownCounts(), compliance: compliance, change30Days: change)
        }
    }
}

enum HostFilter: String, Codable, CaseIterable {
    case all, failing, silent, revoked

    func includes(_ host: HostActivity) -> Bool {
        switch self {
        case .all: return true
        // A silent host's last failures are not today's: it is listed under silent, not here.
        case .failing: return host.state == .reporting && host.latest?.failing.isEmpty == false
        case .silent: return host.state == .silent
        case .revoked: return host.state == .revoked
        }
    }
}

enum HostSort: String, Codable, CaseIterable {
    case name, failing, latest

    func sorted(_ hosts: [HostActivity]) -> [HostActivity] {
        func name(_ h: HostActivity) -> String { (h.host.hostname ?? "").lowercased() + "\u{0}" + h.host.id }
        switch self {
        case .name: return hosts.sorted { name($0) < name($1) }
        // Most failures first; ties by name.
        case .failing: return hosts.sorted { (-($0.latest?.summary.fail ?? -1), name($0)) < (-($1.latest?.summary.fail ?? -1), name($1)) }
        case .latest: return hosts.sorted { a, b in
            let (x, y) = (a.latest?.startedAt.date ?? .distantPast, b.latest?.startedAt.date ?? .distantPast)
            return x != y ? x > y : name(a) < name(b)
        }
        }
    }
}

struct CommuneView: Encodable {
    var day: String
    var units: [UnitSummary]
    var total: UnitSummary
    var byArticle: [ComplianceRow]
    var byArea: [ComplianceRow]
}

/// A unit's hosts by state: silent and revoked are counted apart, never as compliant (issue 13 point 2).
struct UnitSummary: Encodable {
    var unit: String
    var hosts = 0
    var reporting = 0
    var silent = 0
    var neverReported = 0
    var revoked = 0
    /// Reporting hosts whose latest report fails a control.
    var failing = 0
    /// Today's share of passing results among pass and fail, of the reporting hosts.
    var compliance: Double?

    init(unit: String, hosts: [HostActivity], compliance: Double?) {
        self.unit = unit
        self.compliance = compliance
        for host in hosts {
            switch host.state {
            case .reporting: reporting += 1
            case .silent: silent += 1
            case .neverReported: neverReported += 1
            case .revoked: revoked += 1
            }
            if host.state != .revoked { self.hosts += 1 }
            if HostFilter.failing.includes(host) { failing += 1 }
        }
    }
}

struct ComplianceRow: Encodable {
    var key: String
    var label: LocalizedText
    var counts: ShownCounts
    var compliance: Double?
    var change30Days: Double?
}

struct CompliancePoint: Encodable {
    var day: String
    var counts: ShownCounts
    var compliance: Double?

    init(day: String, counts: ShownCounts) {
        self.day = day
        self.counts = counts
        compliance = counts.compliance
    }
}

struct UnitView: Encodable {
    var unit: String
    /// Waivers in force (issue 13 point 4): their results are shown as waived, counted apart.
    var waivers: [Waiver]
    /// VN-TD-ATT-001…015 for this unit: attested until they lapse, else due (issue 13 point 5).
    var attestations: [AttestationState]
    var summary: UnitSummary
    var filter: HostFilter
    var sort: HostSort
    var page: Int
    var pages: Int
    var pageSize: Int
    /// Hosts the filter keeps, over all pages.
    var matching: Int
    var hosts: [HostRow]
    var byArticle: [ComplianceRow]
    var byArea: [ComplianceRow]
    var byControl: [ComplianceRow]
    /// 90 days, oldest first.
    var series: [CompliancePoint]
}

struct HostRow: Encodable {
    var id: String
    var hostname: String?
    var unit: String
    var state: HostActivity.State
    var latestReport: String?
    var reportId: UUID?
    var summaryOnly: Bool?
    var pass: Int?
    var fail: Int?
    var failing: [String]

    init(_ activity: HostActivity) {
        id = activity.host.id
        hostname = activity.host.hostname
        unit = activity.host.unit
        state = activity.state
        latestReport = activity.latest?.startedAt.description
        reportId = activity.latest?.reportId
        summaryOnly = activity.latest?.summaryOnly
        pass = activity.latest?.summary.pass
        fail = activity.latest?.summary.fail
        failing = activity.latest?.failing ?? []
    }
}

struct HostView: Encodable {
    var host: HostRow
    var enrolledAt: String
    var controls: [ControlRow]
    /// The host's reports over 90 days, oldest first: the chart.
    var chart: [ChartPoint]
    var jobs: [JobRow]
}

struct ControlRow: Encodable {
    var control: String
    var title: LocalizedText?
    var area: String?
    var articles: [Article]
    var severity: String?
    var status: String
    var since: String
    var failingSince: String?
    /// How many times the status changed, as far as the history goes.
    var changes: Int
    var evidence: [Evidence]
    var reason: LocalizedText?
    var fixable: Bool
    /// As the office sees it: the report's status, or waived / attested / due.
    var shown = ""
    var waiver: Waiver?
    var attestation: AttestationState?

    mutating func overlay(_ status: ShownStatus) {
        (shown, waiver, attestation) = status.parts
    }

    init(_ state: ControlState, info: ControlInfo?, changes: Int) {
        control = state.control
        title = state.result?.title ?? info?.title
        area = state.result?.area ?? info?.area
        articles = (info?.articles ?? ControlInfo.articles(state.result?.references ?? [])).map(Article.init)
        severity = (state.result?.severity ?? info?.severity)?.rawValue
        status = state.status.rawValue
        since = state.since.description
        failingSince = state.failingSince?.description
        self.changes = changes
        evidence = state.result?.evidence ?? []
        reason = state.result?.reason
        fixable = state.result?.fixable ?? false
    }
}

struct ChartPoint: Encodable {
    var reportId: UUID
    var startedAt: String
    var pass: Int
    var fail: Int
}

struct JobRow: Encodable {
    var id: UUID
    var controls: [String]
    var approvedBy: String
    var approvedAt: String
    var expiresAt: String
    var state: String
    var transaction: String?
    var message: String?

    init(_ job: Job) {
        id = job.id
        controls = job.controls
        approvedBy = job.approvedBy
        approvedAt = job.approvedAt
        expiresAt = job.expiresAt
        state = job.state.rawValue
        transaction = job.transaction
        message = job.message
    }
}

struct ControlView: Encodable {
    var control: String
    var title: LocalizedText?
    var area: String?
    var articles: [Article]
    /// Hosts by what their latest report says.
    var counts: ShownCounts
    /// The same hosts as the office sees them: waived, attested and due apart.
    var shownCounts: ShownCounts
    var status: String?
    var page: Int
    var pages: Int
    var pageSize: Int
    var matching: Int
    var hosts: [ControlHostRow]
}

struct ControlHostRow: Encodable {
    var host: String
    var hostname: String?
    var unit: String
    /// Reporting, silent ("mất liên lạc"), never reported or revoked.
    var hostState: HostActivity.State?
    var status: String
    var since: String
    var failingSince: String?
    /// What makes it fail (the observations that disagree), or all of them when none does.
    var evidence: [Evidence]
    var shown = ""
    var waiver: Waiver?
    var attestation: AttestationState?

    mutating func overlay(_ status: ShownStatus) {
        (shown, waiver, attestation) = status.parts
    }

    init(_ state: ControlState) {
        host = state.host
        hostname = state.hostname
        unit = state.unit
        status = state.status.rawValue
        since = state.since.description
        failingSince = state.failingSince?.description
        let all = state.result?.evidence ?? []
        let against = all.filter { !$0.ok }
        evidence = Array((against.isEmpty ? all : against).prefix(5))
    }
}

struct ComplianceSeries: Encodable {
    var units: [String]
    var from: String
    var to: String
    var by: ComplianceGrouping
    var days: [ComplianceDay]
}

struct ComplianceDay: Encodable {
    var day: String
    var total: ShownCounts
    var groups: [ComplianceRow]
}

extension ShownCounts {
    mutating func subtract(_ counts: [ResultStatus: Int]) {
        pass -= counts[.pass] ?? 0
        fail -= counts[.fail] ?? 0
        notApplicable -= counts[.notApplicable] ?? 0
        error -= counts[.error] ?? 0
        manual -= counts[.manual] ?? 0
    }

    init(_ counts: [ResultStatus: Int]) {
        self.init()
        pass = counts[.pass] ?? 0
        fail = counts[.fail] ?? 0
        notApplicable = counts[.notApplicable] ?? 0
        error = counts[.error] ?? 0
        manual = counts[.manual] ?? 0
    }
}

extension ShownStatus {
    /// The name, and the waiver or attestation behind it, for JSON and the pages.
    var parts: (String, Waiver?, AttestationState?) {
        switch self {
        case .waived(let waiver): return (name, waiver, nil)
        case .attested(let attestation): return (name, nil, AttestationState(control: attestation.control, standing: .attested, attestation: attestation))
        case .due(let state): return (name, nil, state)
        default: return (name, nil, nil)
        }
    }
}
