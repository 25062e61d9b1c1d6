// attt-history-year: a year of daily reports from many PCs into a fresh collector store, then the
// size on disk and the time of the history queries an office asks (issue 13 point 1).
//
//   attt-history-year --report REPORT.json --database OUT.sqlite [--hosts 1000] [--days 365] [--units 10]
//                     [--evidence-changes 3] [--flips-per-year 12] [--seed 1] [--measure-only]
//
// --measure-only keeps the database as it is (a year takes about half an hour to generate) and only
// measures it again, after a change to the queries.
//
// Every host starts from the same real agent report (`attt check --format json`), with its own
// hostname and ids. Each day, each host sends one report: a few results' evidence changes (login
// times, signature dates, package versions do) and now and then a control's status flips, at a rate
// of about `--flips-per-year` per host. Reports go straight into SQLiteCollectorStore (the store's
// own ingest: compression, history, quotas), not over HTTPS: this measures storage, and
// benchmarks/collector-load.sh measures the network path. Prints JSON on standard output.
import CollectorReports
import CollectorStore
import Foundation
import HardeningCore

struct Options {
    var report = ""
    var database = ""
    var hosts = 1000
    var days = 365
    var units = 10
    var evidenceChanges = 3
    var flipsPerYear = 12.0
    var seed: UInt64 = 1
    var measureOnly = false

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let flag = it.next() {
            if flag == "--measure-only" { measureOnly = true; continue }
            let value = it.next() ?? ""
            switch flag {
            case "--report": report = value
            case "--database": database = value
            case "--hosts": hosts = Int(value) ?? hosts
            case "--days": days = Int(value) ?? days
            case "--units": units = Int(value) ?? units
            case "--evidence-changes": evidenceChanges = Int(value) ?? evidenceChanges
            case "--flips-per-year": flipsPerYear = Double(value) ?? flipsPerYear
            case "--seed": seed = UInt64(value) ?? seed
            default: fail("unknown option \(flag)")
            }
        }
        if report.isEmpty || database.isEmpty { fail("--report and --database are required") }
    }
}

func fail(_ message: String) -> Never {
    FileHandle.standardError.write(Data("attt-history-year: \(message)\n".utf8))
    exit(2)
}

/// SplitMix64: the same year for the same seed.
struct Random {
    var state: UInt64
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
    mutating func below(_ n: Int) -> Int { Int(next() % UInt64(n)) }
    mutating func chance(_ p: Double) -> Bool { Double(next() >> 11) / Double(1 << 53) < p }
}

func seconds(_ body: () throws -> Void) rethrows -> Double {
    let start = DispatchTime.now().uptimeNanoseconds
    try body()
    return Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
}

let options = Options(CommandLine.arguments)
guard let data = FileManager.default.contents(atPath: options.report) else { fail("cannot read \(options.report)") }
let template: Report
do { template = try JSONDecoder().decode(Report.self, from: data) } catch { fail("\(options.report) is not an attt report: \(error)") }
if !options.measureOnly { try? FileManager.default.removeItem(atPath: options.database) }

var limits = ReportLimits()
limits.uploadsPerHour = 1_000_000
let store = try SQLiteCollectorStore(path: options.database, limits: limits)
var random = Random(state: options.seed)
// The year ends yesterday, so every report is in the past and every day but today can be rolled up.
var units = (1...options.units).map { "Đơn vị \($0)" }
let firstDay = Date().addingTimeInterval(-Double(options.days) * 86_400)
// Enrolled as the collector enrolls them: a one-time token each, a certificate on record.
var hosts: [HostIdentity] = options.measureOnly ? [] : try (0..<options.hosts).map { index in
    let token = "bench-\(index)"
    try store.createToken(hash: token, unit: units[index % units.count], createdBy: "benchmark", expiresAt: firstDay.addingTimeInterval(3600), now: firstDay)
    return try store.enroll(tokenHash: token, hostname: String(format: "pc%04d", index), now: firstDay) { _ in
        IssuedCertificate(serial: String(format: "%08x", index), notAfter: firstDay.addingTimeInterval(2 * 365 * 86_400))
    }
}
var current = Array(repeating: template, count: options.hosts)
let flipChance = options.flipsPerYear / 365.0 / Double(template.results.count)
var ingestSeconds = 0.0
var stored = 0
if options.measureOnly {
    let known = try store.hosts(unit: nil)
    hosts = known.map { HostIdentity(id: $0.id, unit: $0.unit) }
    units = Array(Set(known.map(\.unit))).sorted()
    if hosts.isEmpty { fail("\(options.database) holds no hosts to measure") }
}
for day in 0..<(options.measureOnly ? 0 : options.days) {
    for (index, host) in hosts.enumerated() {
        var report = current[index]
        report.reportId = UUID()
        report.host.hostname = String(format: "pc%04d", index)
        report.startedAt = Timestamp(firstDay.addingTimeInterval(Double(day) * 86_400 + Double(index % 3600)))
        for _ in 0..<options.evidenceChanges {
            let r = random.below(report.results.count)
            if !report.results[r].evidence.isEmpty { report.results[r].evidence[0].actual = "day \(day) value \(random.below(1000))" }
        }
        for r in report.results.indices where report.results[r].status == .pass || report.results[r].status == .fail {
            if random.chance(flipChance) { report.results[r].status = report.results[r].status == .pass ? .fail : .pass }
        }
        report.summary = Report.Summary(report.results)
        current[index] = report
        ingestSeconds += try seconds { _ = try store.ingest(report, host: host) }
        stored += 1
    }
    if day % 30 == 29 { FileHandle.standardError.write(Data("day \(day + 1): \(stored) reports, \(String(format: "%.1f", Double(stored) / ingestSeconds)) reports/s\n".utf8)) }
}

let silent: TimeInterval = 7 * 86_400
let now = Date()
let rollUp = try seconds { try store.rollUp(now: now, silentAfter: silent) }
try store.checkpoint()
func size(_ path: String) -> Int { ((try? FileManager.default.attributesOfItem(atPath: path))?[.size] as? Int) ?? 0 }
let bytes = size(options.database) + size(options.database + "-wal")

// The queries, each the median of 5 runs.
func median(_ body: () throws -> Void) rethrows -> Double {
    var times: [Double] = []
    for _ in 0..<5 { times.append(try seconds(body) * 1000) }
    return times.sorted()[2]
}
let host = hosts[hosts.count / 2]
let control = template.results.first { $0.status == .fail }?.control ?? template.results[0].control
let year = (OfficeDay(containing: firstDay), OfficeDay(containing: now))
let reports = PeriodicReports(store: store, settings: ReportSettings(), silentAfter: silent)
let quarter = ReportPeriod.closed(before: OfficeDay(containing: now))[0]
let span = ReportPeriod(from: year.0, to: year.1)!
let queries: [(String, Double)] = [
    ("host: current state with evidence and failing since", try median { _ = try store.controlStates(host: host.id) }),
    ("host: status changes of every control over the year", try median { _ = try store.statusSpans(host: host.id, control: nil) }),
    ("host: the year's reports for its chart", try median { _ = try store.reports(host: host.id, from: firstDay, to: now, limit: 1000) }),
    ("control: first 50 failing hosts of the commune with evidence", try median { _ = try store.controlStates(control: control, units: nil, status: .fail, limit: 50, offset: 0) }),
    ("control: counts by status in the commune", try median { _ = try store.controlCounts(control: control, units: nil) }),
    ("unit: hosts with latest report and silent state", try median { _ = try store.hostActivity(units: [units[0]], now: now, silentAfter: silent) }),
    ("unit: daily compliance per control over the year", try median { _ = try store.dailyCompliance(units: [units[0]], from: year.0, to: year.1, now: now, silentAfter: silent) }),
    ("commune: daily compliance per control over the year, per unit", try median { _ = try store.dailyCompliance(units: Set(units), from: year.0, to: year.1, now: now, silentAfter: silent) }),
    ("commune: daily compliance per control over the year, units summed", try median { _ = try store.dailyCompliance(units: Set(units), from: year.0, to: year.1, now: now, silentAfter: silent, combined: true) }),
    ("commune: hosts per day over the year", try median { _ = try store.unitDays(units: Set(units), from: year.0, to: year.1, now: now, silentAfter: silent) }),
    // The periodic reports (issue 14): the last closed quarter's figures, and the whole span as one period.
    ("report: figures of the last quarter, one unit", try median { _ = try reports.figures(scope: .unit(units[0]), period: quarter, now: now) }),
    ("report: figures of the last quarter, commune", try median { _ = try reports.figures(scope: .commune, period: quarter, now: now) }),
    ("report: figures of the whole span, commune", try median { _ = try reports.figures(scope: .commune, period: span, now: now) }),
    ("report: the commune's document of the whole span", try median { _ = try reports.document(scope: .commune, period: span, now: now) }),
]
let result: [String: Any] = [
    "hosts": options.hosts, "days": options.days, "reports": stored, "templateBytes": data.count,
    "databaseBytes": bytes, "bytesPerReport": bytes / max(stored, 1),
    "ingestReportsPerSecond": stored == 0 ? "not measured (--measure-only)" as Any : Double(stored) / ingestSeconds, "rollUpSeconds": rollUp,
    "queriesMs": Dictionary(uniqueKeysWithValues: queries),
]
print(String(decoding: try JSONSerialization.data(withJSONObject: result, options: [.prettyPrinted, .sortedKeys]), as: UTF8.self))
