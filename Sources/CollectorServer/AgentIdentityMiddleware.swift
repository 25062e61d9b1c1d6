import CollectorStore
import Enrollment
import Hummingbird
import NIOSSL
import SwiftASN1
import X509

/// Every agent route runs behind this: the host is the subject of the client certificate the TLS
/// layer verified against the collector's CA, and that certificate must be one the collector issued
/// and has not revoked. The host is never taken from the request body, so an agent can only write
/// its own host's data.
struct AgentIdentityMiddleware: RouterMiddleware {
    typealias Context = CollectorContext
    let store: any CollectorDatabase
    let database: BlockingPool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let peer = try? await context.channel.nioSSL_peerCertificate().get(),
              let certificate = try? Certificate(derEncoded: peer.toDERBytes()),
              let hostId = certificate.commonName
        else {
            throw HTTPError(.unauthorized, message: "a client certificate from this collector is required (run attt enroll on the PC)")
        }
        context.party.set(host: hostId)
        let (store, serial) = (store, certificate.serialHex)
        guard let host = try await database.run({ try store.certifiedHost(serial: serial) }), host.id == hostId else {
            throw HTTPError(.forbidden, message: "this host's certificate is unknown or revoked; enroll the PC again")
        }
        var context = context
        context.host = host
        return try await next(request, context)
    }
}
