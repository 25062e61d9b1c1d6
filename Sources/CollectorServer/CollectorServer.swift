public import CollectorStore
public import Hummingbird
import Enrollment
import HummingbirdCore
import HummingbirdTLS
import Logging
import NIOCore
import NIOSSL
import ServiceLifecycle

/// The collector as one Hummingbird application: HTTPS only, mutual TLS offered to every client
/// (agents must present their certificate on agent routes; browsers present none and sign in).
public enum CollectorServer {
    public static func application(state: CollectorState, store: any CollectorDatabase, pamConfdir: String? = nil,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                                   onMetrics: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let settings = state.settings
        // SQLite allows one writer and a few readers; more threads would only wait on its lock.
        let database = BlockingPool(name: "database", threads: 4, queue: 1024)
        let officers = OfficerAuthenticator(store: store, settings: settings, pamConfdir: pamConfdir, database: database)
        var logger = Logger(label: "attt-collector")
        logger.logLevel = .notice
        // The unit's catalogues are checked against the shipped policy; without it the collector
        // still serves everything else, and publishing says why it cannot.
        var publisher: CataloguePublisher?
        do {
            publisher = CataloguePublisher(store: store, policy: try CataloguePublisher.loadPolicy(settings), key: state.bundleKey)
        } catch {
            logger.error("catalogues cannot be published: the policy could not be loaded (setting policy.directory): \(error)")
        }
        let metrics = CollectorMetrics()
        let routes = CollectorRoutes(store: store, authority: state.authority, bundleRing: state.bundleRing, publisher: publisher, settings: settings,
                                     officers: officers, database: database, metrics: metrics)
        // The metrics listener runs and stops with the server, as one of its services.
        let services: [any Service] = settings.metricsListen.map { address in
            [metrics.application(address: (address.host, address.port), store: store, database: database, settings: settings, logger: logger, onRunning: onMetrics)]
        } ?? []
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(settings.serverCertificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: settings.serverKeyPath, format: .pem))
        )
        tls.minimumTLSVersion = .tlsv12
        // A client certificate, when presented, must chain to the collector's CA; routes decide whether one is required.
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(settings.caCertificatePath))
        return Application(
            router: routes.router(),
            server: try .tls(.http1(configuration: http1(settings)), tlsConfiguration: tls),
            configuration: .init(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "attt-collector",
                                 availableConnectionsDelegate: MaximumAvailableConnections(settings.maxConnections)),
            services: services,
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.listenPort) },
            logger: logger
        )
    }

    /// Runs the collector until SIGTERM or SIGINT: the application and, beside it, the scheduled
    /// periodic reports (`reports.schedule`, issue 14 point 3) and the nightly pruning (issue 17
    /// point 5), which stop when the server stops.
    public static func run(state: CollectorState, store: any CollectorDatabase, pamConfdir: String? = nil,
                           onRunning: @escaping @Sendable (Int) async -> Void = { _ in },
                           onMetrics: @escaping @Sendable (Int) async -> Void = { _ in }) async throws {
        let app = try application(state: state, store: store, pamConfdir: pamConfdir, onRunning: onRunning, onMetrics: onMetrics)
        var logger = Logger(label: "attt-collector")
        logger.logLevel = .notice
        let pruning = RetentionScheduler(store: store, retention: state.settings.retention, logger: logger)
        let reports = state.settings.reportSchedule ? ReportScheduler(delivery: ReportDelivery(store: store, settings: state.settings), logger: logger) : nil
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await pruning.run(on: BlockingPool(name: "retention", threads: 1, queue: 1)) }
            if let reports { group.addTask { await reports.run(on: ReportPools.rendering) } }
            try await app.runService()
            group.cancelAll()
        }
    }

    /// Bounds on what one connection may hold (issue 12): the idle timeout starts when the
    /// connection opens, so it also ends a TLS handshake or a request head that never completes;
    /// a request head is at most 16 KiB; a request is answered within the deadline or dropped.
    static func http1(_ settings: CollectorSettings) -> HTTP1Channel.Configuration {
        let deadline = TimeAmount.milliseconds(Int64(settings.requestTimeout * 1000))
        return HTTP1Channel.Configuration(
            additionalChannelHandlers: [RequestDeadlineHandler(deadline: deadline)],
            idleTimeout: .milliseconds(Int64(settings.idleTimeout * 1000)),
            httpDecoderConfiguration: .init(maxHeaderFieldSize: 16 << 10, maxHeaderListSize: 16 << 10, maxHeaderFieldCount: 100)
        )
    }
}
