public import CollectorStore

/// The stretch of days a report covers (issue 14 point 1): a quarter, a year, or any dates, in
/// Vietnam's calendar. Both ends are included; figures "at the end of the period" are as of the
/// last day's end.
public struct ReportPeriod: Sendable, Hashable, Codable {
    public enum Kind: Sendable, Hashable, Codable {
        case quarter(year: Int, quarter: Int)
        case year(Int)
        case dates
    }

    public var kind: Kind
    public var from: OfficeDay
    public var to: OfficeDay

    /// Any dates; nil when `to` is before `from`.
    public init?(from: OfficeDay, to: OfficeDay) {
        guard from <= to else { return nil }
        self.from = from
        self.to = to
        kind = .dates
        // Dates that make a quarter or a year are named as one.
        for candidate in [.year(from.year)] + (1...4).map({ ReportPeriod.quarter(year: from.year, $0) }) where candidate.from == from && candidate.to == to {
            kind = candidate.kind
        }
    }

    public static func quarter(year: Int, _ quarter: Int) -> ReportPeriod {
        let from = OfficeDay(year: year, month: 3 * (quarter - 1) + 1, day: 1)
        let next = quarter == 4 ? OfficeDay(year: year + 1, month: 1, day: 1) : OfficeDay(year: year, month: 3 * quarter + 1, day: 1)
        return ReportPeriod(kind: .quarter(year: year, quarter: quarter), from: from, to: next.adding(-1))
    }

    public static func year(_ year: Int) -> ReportPeriod {
        ReportPeriod(kind: .year(year), from: OfficeDay(year: year, month: 1, day: 1), to: OfficeDay(year: year, month: 12, day: 31))
    }

    init(kind: Kind, from: OfficeDay, to: OfficeDay) {
        self.kind = kind
        self.from = from
        self.to = to
    }

    /// The period before, to compare with: the previous quarter or year, or as many days just before.
    public var previous: ReportPeriod {
        switch kind {
        case .quarter(let year, let q): return q == 1 ? .quarter(year: year - 1, 4) : .quarter(year: year, q - 1)
        case .year(let year): return .year(year - 1)
        case .dates:
            let days = to.number - from.number + 1
            return ReportPeriod(kind: .dates, from: from.adding(-days), to: from.adding(-1))
        }
    }

    /// How the subject line names it: `quý IV năm 2026`, `năm 2026`, `từ ngày 01/10/2026 đến ngày 15/11/2026`.
    public var name: String {
        switch kind {
        case .quarter(let year, let q): return "quý \(["I", "II", "III", "IV"][q - 1]) năm \(year)"
        case .year(let year): return "năm \(year)"
        case .dates: return "từ ngày \(from.slashed) đến ngày \(to.slashed)"
        }
    }

    /// A file name part: `2026-Q4`, `2026`, `2026-10-01_2026-11-15`.
    public var slug: String {
        switch kind {
        case .quarter(let year, let q): return "\(year)-Q\(q)"
        case .year(let year): return "\(year)"
        case .dates: return "\(from)_\(to)"
        }
    }

    /// The periods closed by `day` that a scheduled run prepares (issue 14 point 3): the quarter
    /// that ended before it and, in the first quarter, the year before too.
    public static func closed(before day: OfficeDay) -> [ReportPeriod] {
        let (year, month, _) = day.civil
        let quarter = (month - 1) / 3 + 1
        let last = quarter == 1 ? ReportPeriod.quarter(year: year - 1, 4) : .quarter(year: year, quarter - 1)
        return quarter == 1 ? [last, .year(year - 1)] : [last]
    }
}

/// Whose report: one unit, or the whole commune (every unit the collector knows).
public enum ReportScope: Sendable, Hashable, Codable {
    case commune
    case unit(String)

    public var unit: String? { if case .unit(let unit) = self { unit } else { nil } }
}

extension OfficeDay {
    public var year: Int { civil.year }
    /// `05/01/2027`
    var slashed: String {
        let (y, m, d) = civil
        return (d < 10 ? "0" : "") + "\(d)/" + (m < 10 ? "0" : "") + "\(m)/\(y)"
    }
}
