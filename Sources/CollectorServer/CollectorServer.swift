public import CollectorStore
public import Hummingbird
import HummingbirdTLS
import Logging
import NIOSSL

/// The collector as one Hummingbird application: HTTPS only, mutual TLS offered to every client
/// (agents must present their certificate on agent routes; browsers present none and sign in).
public enum CollectorServer {
    public static func application(state: CollectorState, store: any CollectorDatabase, pamConfdir: String? = nil,
                                   onRunning: @escaping @Sendable (Int) async -> Void = { _ in }) throws -> some ApplicationProtocol {
        let settings = state.settings
        let officers = OfficerAuthenticator(store: store, settings: settings, pamConfdir: pamConfdir)
        let routes = CollectorRoutes(store: store, authority: state.authority, settings: settings, officers: officers)
        var tls = TLSConfiguration.makeServerConfiguration(
            certificateChain: try NIOSSLCertificate.fromPEMFile(settings.serverCertificatePath).map { .certificate($0) },
            privateKey: .privateKey(try NIOSSLPrivateKey(file: settings.serverKeyPath, format: .pem))
        )
        tls.minimumTLSVersion = .tlsv12
        // A client certificate, when presented, must chain to the collector's CA; routes decide whether one is required.
        tls.certificateVerification = .optionalVerification
        tls.trustRoots = .certificates(try NIOSSLCertificate.fromPEMFile(settings.caCertificatePath))
        var logger = Logger(label: "attt-collector")
        logger.logLevel = .notice
        return Application(
            router: routes.router(),
            server: try .tls(.http1(), tlsConfiguration: tls),
            configuration: .init(address: .hostname(settings.listenHost, port: settings.listenPort), serverName: "attt-collector"),
            onServerRunning: { channel in await onRunning(channel.localAddress?.port ?? settings.listenPort) },
            logger: logger
        )
    }
}
