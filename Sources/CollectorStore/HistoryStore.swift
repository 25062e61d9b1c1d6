public import Foundation
public import HardeningCore

/// What the office asks of the past (issue 13 point 1): when did this PC start failing, how did the
/// unit do this year. Answered from one row per host × control per status change and a daily
/// roll-up per unit, not from every report kept whole (ARCHITECTURE.md, "History from changes").
public protocol HistoryStore: Sendable {
    /// A host's current state of every control it reports, with the latest evidence and, for a
    /// failing control, since when it fails.
    func controlStates(host: String) throws -> [ControlState]
    /// Every host's current state of one control, in the given units (nil: all), newest first within
    /// each status; `status` narrows it; `limit`/`offset` page it.
    func controlStates(control: String, units: Set<String>?, status: ResultStatus?, limit: Int, offset: Int) throws -> [ControlState]
    /// How many hosts of those units are in each status for one control, revoked hosts left out.
    func controlCounts(control: String, units: Set<String>?) throws -> [ResultStatus: Int]
    /// The stretches of one control's status on a host (or of all its controls), oldest first.
    func statusSpans(host: String, control: String?) throws -> [StatusSpan]
    /// A host's reports between two times, oldest first (the host's chart).
    func reports(host: String, from: Date, to: Date, limit: Int) throws -> [HostStatus]
    /// A report as the host sent it, while its body is kept (`reportBodyRetention`; a host's latest always).
    func storedReport(id: UUID) throws -> Report?
    /// The controls reports have named, with their area and articles (from the agents' results).
    func controlInfo() throws -> [ControlInfo]
    /// Every enrolled host of the units (nil: all), or only the hosts named, with its latest report
    /// and whether it is silent.
    func hostActivity(units: Set<String>?, hosts: Set<String>?, now: Date, silentAfter: TimeInterval) throws -> [HostActivity]
    /// Freezes each closed day (Vietnam's calendar) that has not been, and any a late report changed.
    func rollUp(now: Date, silentAfter: TimeInterval) throws
    /// Per day and control, how many hosts of each unit were in each status at the day's end.
    /// Closed days come from the roll-up; today is computed as of `now`. `combined` sums the units
    /// into one row per day and control (its `unit` is empty).
    func dailyCompliance(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval, combined: Bool) throws -> [DailyCompliance]
    /// Per day, how many hosts of each unit reported, were silent or revoked.
    func unitDays(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval) throws -> [UnitDay]
}

extension HistoryStore {
    public func hostActivity(units: Set<String>?, now: Date, silentAfter: TimeInterval) throws -> [HostActivity] {
        try hostActivity(units: units, hosts: nil, now: now, silentAfter: silentAfter)
    }

    /// One row per unit, day and control.
    public func dailyCompliance(units: Set<String>, from: OfficeDay, to: OfficeDay, now: Date, silentAfter: TimeInterval) throws -> [DailyCompliance] {
        try dailyCompliance(units: units, from: from, to: to, now: now, silentAfter: silentAfter, combined: false)
    }
}

/// One stretch of a control's status on a host: from the report that changed it to the next change.
public struct StatusSpan: Sendable, Hashable, Codable {
    public var control: String
    /// A result status, or `absent` while the host's reports did not include the control.
    public var status: String
    public var since: Timestamp
    public var until: Timestamp?
    public var reportId: UUID
}

/// A host's current state of one control.
public struct ControlState: Sendable, Hashable {
    public var host: String
    public var hostname: String?
    public var unit: String
    public var control: String
    public var status: ResultStatus
    /// When this status began (the report that changed it).
    public var since: Timestamp
    /// For a failing control: the first failing report after the last pass.
    public var failingSince: Timestamp?
    /// The latest result with its evidence.
    public var result: ControlResult?
}

/// What reports say about a control: its area and the articles (Điều) of the regulation it answers.
public struct ControlInfo: Sendable, Hashable, Codable {
    public var control: String
    public var area: String
    public var articles: [String]
    public var severity: Severity
    public var title: LocalizedText

    /// `D7.K3` → `D7`; `D6A.K5.dd` → `D6A` (CONTROLS.md: the text has two articles numbered 6).
    /// Policies write references as the regulation reads, `Điều 7 khoản 3`; the first article 6 is
    /// `Điều 6 (Điều kiện đảm bảo …)` → `D6A`, the second `Điều 6 (Trang thiết bị …)` → `D6B`.
    public static func articles(_ references: [String]) -> [String] {
        var seen: [String] = []
        for reference in references {
            var article = String(reference.prefix { $0 != "." })
            if reference.hasPrefix("Điều ") {
                let number = reference.dropFirst(5).prefix { $0.isNumber }
                guard !number.isEmpty else { continue }
                article = "D" + number
                if number == "6" { article += reference.contains("(Trang thiết bị") ? "B" : reference.contains("(Điều kiện") ? "A" : "" }
            }
            if article.hasPrefix("D"), !seen.contains(article) { seen.append(article) }
        }
        return seen
    }
}

/// An enrolled host as the office sees it today.
public struct HostActivity: Sendable, Hashable {
    public enum State: String, Sendable, Hashable, Codable {
        case reporting
        /// No report for longer than the collector's `hosts.silent-after` ("mất liên lạc"): counted
        /// apart, never as compliant.
        case silent
        case neverReported = "never-reported"
        case revoked
    }

    public var host: HostRecord
    public var latest: HostStatus?
    public var state: State
}

/// A day as the offices count it: Vietnam's calendar (UTC+7, no daylight saving).
public struct OfficeDay: Sendable, Hashable, Comparable, Codable, CustomStringConvertible {
    /// Days since 1970-01-01 in Vietnam.
    public var number: Int

    public init(number: Int) { self.number = number }
    public init(containing date: Date) { number = Int(((date.timeIntervalSince1970 + Self.offset) / 86_400).rounded(.down)) }

    /// `2026-12-06`; nil for anything else.
    public init?(_ text: String) {
        let parts = text.split(separator: "-", omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].count == 4, parts[1].count == 2, parts[2].count == 2,
              let y = Int(parts[0]), let m = Int(parts[1]), let d = Int(parts[2]), (1970...9999).contains(y), (1...12).contains(m), (1...31).contains(d)
        else { return nil }
        let day = CivilDate.daysSince1970(year: y, month: m, day: d)
        guard Self(number: day).description == text else { return nil }
        number = day
    }

    public init(year: Int, month: Int, day: Int) { number = CivilDate.daysSince1970(year: year, month: month, day: day) }

    /// Year, month and day of the month.
    public var civil: (year: Int, month: Int, day: Int) { Self.civil(number) }

    static let offset: TimeInterval = 7 * 3600

    /// The first instant of the next day: states "at the end of the day" are those before it.
    public var end: Date { Date(timeIntervalSince1970: TimeInterval(number + 1) * 86_400 - Self.offset) }
    public var start: Date { Date(timeIntervalSince1970: TimeInterval(number) * 86_400 - Self.offset) }
    public func adding(_ days: Int) -> OfficeDay { OfficeDay(number: number + days) }
    public static func < (a: OfficeDay, b: OfficeDay) -> Bool { a.number < b.number }

    public var description: String {
        let (y, m, d) = Self.civil(number)
        return String(format: "%04d-%02d-%02d", y, m, d)
    }

    /// The inverse of `CivilDate.daysSince1970` (Howard Hinnant's `civil_from_days`).
    static func civil(_ days: Int) -> (Int, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp + (mp < 10 ? 3 : -9)
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }
}

public struct DailyCompliance: Sendable, Hashable, Codable {
    public var unit: String
    public var day: OfficeDay
    public var control: String
    public var counts: ShownCounts
}

public struct UnitDay: Sendable, Hashable, Codable {
    public var unit: String
    public var day: OfficeDay
    /// Enrolled and not revoked at the day's end.
    public var hosts = 0
    public var reporting = 0
    public var silent = 0
    public var neverReported = 0
    public var revoked = 0
}
