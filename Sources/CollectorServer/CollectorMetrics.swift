import CollectorAPI
import CollectorStore
import Foundation
public import Hummingbird
import Logging
import NIOCore
import Prometheus

/// What the collector counts for its operators (issue 17 point 6), in Prometheus's text format on
/// their own listener (`metrics.listen`): every request by route and answer with its time, every
/// upload kept or acknowledged again, and, read at each scrape, the PCs by state, the fixes waiting
/// for their PC and whether the database answers.
///
/// Label values come from the collector, never from a request: a route is the pattern it matched
/// (`/v1/jobs/{id}/result`), a path nothing matched is `unmatched`, an unusual method `other`, so a
/// client cannot grow the number of series.
public final class CollectorMetrics: Sendable {
    let registry = PrometheusCollectorRegistry()

    static var requests: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "requests", unitName: "total",
                                               helpText: "HTTP requests answered, by route pattern, method and status code.") }
    static var requestSeconds: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "request_duration", unitName: "seconds",
                                                     helpText: "Time from a request's head to the start of its answer, by route pattern (TLS handshake not included).") }
    static var uploads: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "uploads", unitName: "total",
                                              helpText: "Uploads from agents taken by the store, by kind and outcome (stored, or duplicate: sent again and acknowledged).") }
    static var hosts: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "hosts",
                                            helpText: "Enrolled PCs by state: reporting, silent (no report within hosts.silent-after), never-reported, revoked.") }
    static var pendingJobs: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "jobs_pending",
                                                  helpText: "Approved fixes and isolation orders not yet finished or expired.") }
    static var databaseUp: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "database_up",
                                                 helpText: "1 when the database answered this scrape, 0 when it did not.") }
    static var databaseQueue: MetricNameDescriptor { MetricNameDescriptor(namespace: "attt_collector", metricName: "database_calls_in_flight",
                                                    helpText: "Store calls running or waiting for one of the database threads.") }
    /// Seconds: most answers are milliseconds; a report rendered to PDF takes seconds.
    static let buckets: [Double] = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]
    static let methods: Set<String> = ["GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS"]

    public init() {}

    func answered(route: String?, method: HTTPRequest.Method, status: HTTPResponse.Status, seconds: Double) {
        // Hummingbird names a path its files middleware found nothing for `NotFound`.
        let route = route.flatMap { $0 == "NotFound" ? nil : $0 } ?? "unmatched", method = Self.methods.contains(method.rawValue) ? method.rawValue : "other"
        registry.makeCounter(descriptor: Self.requests, labels: [("route", route), ("method", method), ("code", String(status.code))]).increment()
        registry.makeValueHistogram(descriptor: Self.requestSeconds, labels: [("route", route)], buckets: Self.buckets).record(seconds)
    }

    func uploaded(_ kind: String, _ outcome: IngestOutcome) {
        registry.makeCounter(descriptor: Self.uploads, labels: [("kind", kind), ("outcome", outcome.rawValue)]).increment()
    }

    /// The text a scrape gets: the gauges are set from the store first. A database that does not
    /// answer leaves the fleet's gauges as they were and says so in `database_up`.
    func exposition(store: any CollectorDatabase, database: BlockingPool, silentAfter: TimeInterval) async -> [UInt8] {
        registry.makeGauge(descriptor: Self.databaseQueue).set(to: Double(database.inFlight))
        do {
            let counts = try await database.run { try store.fleetCounts(now: Date(), silentAfter: silentAfter) }
            for (state, count) in counts.hosts {
                registry.makeGauge(descriptor: Self.hosts, labels: [("state", state.rawValue)]).set(to: Double(count))
            }
            registry.makeGauge(descriptor: Self.pendingJobs).set(to: Double(counts.pendingJobs))
            registry.makeGauge(descriptor: Self.databaseUp).set(to: 1)
        } catch {
            registry.makeGauge(descriptor: Self.databaseUp).set(to: 0)
        }
        return registry.emitToBuffer()
    }

    /// The scrape endpoint on its own plain-HTTP listener: `GET /metrics`, nothing else.
    func application(address: (host: String, port: Int), store: any CollectorDatabase, database: BlockingPool, settings: CollectorSettings,
                     logger: Logger, onRunning: @escaping @Sendable (Int) async -> Void) -> some ApplicationProtocol {
        let router = Router()
        router.get("/metrics") { _, _ -> Response in
            let text = await self.exposition(store: store, database: database, silentAfter: settings.silentAfter)
            return Response(status: .ok, headers: [.contentType: "text/plain; version=0.0.4; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(bytes: text)))
        }
        return Application(router: router, server: .http1(configuration: CollectorServer.http1(settings)),
                           configuration: .init(address: .hostname(address.host, port: address.port), serverName: "attt-collector-metrics"),
                           onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? address.port) },
                           logger: logger)
    }
}

/// Times every request of the collector's main listener for ``CollectorMetrics``.
/// Every request counted, and logged when refused or failed (``RequestLog``).
struct RequestMetricsMiddleware: RouterMiddleware {
    typealias Context = CollectorContext
    let metrics: CollectorMetrics

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = ContinuousClock.now
        func seconds() -> Double {
            let elapsed = ContinuousClock.now - start
            return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        }
        do {
            let response = try await next(request, context)
            let elapsed = seconds()
            metrics.answered(route: context.endpointPath, method: request.method, status: response.status, seconds: elapsed)
            RequestLog.record(request, context, status: response.status, seconds: elapsed, message: nil)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            let elapsed = seconds()
            metrics.answered(route: context.endpointPath, method: request.method, status: status, seconds: elapsed)
            RequestLog.record(request, context, status: status, seconds: elapsed, message: (error as? HTTPError)?.body ?? (status.code >= 500 ? "\(error)" : nil))
            throw error
        }
    }
}
