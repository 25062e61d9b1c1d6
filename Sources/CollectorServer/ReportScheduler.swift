public import CollectorReports
public import CollectorStore
public import Foundation
import HardeningCore
public import Logging
public import OfficeDocuments

/// The scheduled run of the periodic reports (issue 14 point 3; Điều 13 khoản 9: the office reports
/// each quarter and each year): once when the collector starts and then at the start of each day in
/// Việt Nam, it prepares the reports of the periods just closed — the last quarter and, in the first
/// quarter, the last year — for the commune and for each unit that had a host enrolled before the
/// period's end, in every format this machine makes, and keeps each with its SHA-256. A report
/// already kept is never made again; one that fails is logged and tried again the next day.
public struct ReportScheduler: Sendable {
    public let delivery: ReportDelivery
    public let logger: Logger

    public init(delivery: ReportDelivery, logger: Logger) {
        self.delivery = delivery
        self.logger = logger
    }

    /// One report the run should make.
    public struct Due: Sendable, Hashable, CustomStringConvertible {
        public var scope: ReportScope
        public var period: ReportPeriod
        public var format: DocumentFormat

        public var description: String { "\(scope.unit ?? "commune") \(period.slug) \(format.rawValue)" }
    }

    /// What is due at `now` and not kept yet, commune first, then the units by name.
    public func due(now: Date, formats: [DocumentFormat]? = nil) throws -> [Due] {
        let formats = formats ?? DocumentFormat.allCases.filter(delivery.renderer.available.contains)
        var due: [Due] = []
        for period in ReportPeriod.closed(before: OfficeDay(containing: now)) {
            let units = try delivery.store.unitsEnrolled(before: period.to.end)
            // No PC enrolled by the period's end: nothing to report on, not even for the commune.
            guard !units.isEmpty else { continue }
            for scope in [ReportScope.commune] + units.map(ReportScope.unit) {
                for format in formats {
                    let kept = try delivery.store.scheduledReportKept(unit: scope.unit, from: period.from, to: period.to, format: format.rawValue)
                    if !kept { due.append(Due(scope: scope, period: period, format: format)) }
                }
            }
        }
        return due
    }

    /// One pass at `now`, one report at a time on the calling thread (it blocks: rendering runs
    /// LibreOffice). Returns what it kept; a failure is logged and left for the next pass.
    @discardableResult
    public func prepare(now: Date, formats: [DocumentFormat]? = nil) throws -> [IssuedReport] {
        var kept: [IssuedReport] = []
        for item in try due(now: now, formats: formats) {
            if let report = make(item, now: now) { kept.append(report) }
        }
        return kept
    }

    /// Makes and keeps one report; nil (and a log line) when it failed or was kept meanwhile.
    public func make(_ item: Due, now: Date) -> IssuedReport? {
        do {
            let (report, _) = try delivery.produce(scope: item.scope, period: item.period, format: item.format,
                                                   by: ActingOfficer(name: IssuedReport.scheduled, role: "collector"), now: now)
            if let report {
                logger.notice("periodic report kept", metadata: ["report.id": "\(report.id)", "report.what": "\(item)", "report.sha256": "\(report.sha256)"])
            }
            return report
        } catch {
            logger.error("periodic report failed; tried again tomorrow", metadata: ["report.what": "\(item)", "error": "\(error)"])
            return nil
        }
    }

    /// The first instant of the next day in Việt Nam (00:00 UTC+7) after `now`.
    public static func nextRun(after now: Date) -> Date { OfficeDay(containing: now).end }

    /// Runs until cancelled: a pass now, then one at each day's start. Each report is made on
    /// `pool` (at most as many at once as the web's own reports allow, never on the event loops);
    /// when the pool is busy with officers' reports, it waits a minute and tries again.
    func run(on pool: BlockingPool) async {
        while !Task.isCancelled {
            let now = Date()
            do {
                let items = try await pool.waitingRun { try due(now: now) }
                for item in items {
                    try Task.checkCancellation()
                    // Kept at the time it is made: a pass of many PDFs takes minutes.
                    _ = try await pool.waitingRun { make(item, now: Date()) }
                }
            } catch is CancellationError {
                return
            } catch {
                logger.error("periodic reports: the scheduled run failed; tried again tomorrow", metadata: ["error": "\(error)"])
            }
            let wait = Self.nextRun(after: Date()).timeIntervalSinceNow
            do {
                try await Task.sleep(for: .seconds(max(1, wait)))
            } catch {
                return
            }
        }
    }
}

extension BlockingPool {
    /// `run`, but a full pool is waited for (a minute at a time, cancellable) instead of refused:
    /// for background work that has all day.
    func waitingRun<T: Sendable>(_ work: @escaping @Sendable () throws -> T) async throws -> T {
        while true {
            do {
                return try await run(work)
            } catch is Busy {
                try await Task.sleep(for: .seconds(60))
            }
        }
    }
}
