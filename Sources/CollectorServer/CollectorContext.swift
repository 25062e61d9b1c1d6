public import CollectorStore
public import Hummingbird
public import NIOCore

/// Per request: the channel (for the peer's certificate), and who is asking once a middleware has
/// established it — an enrolled host (mutual TLS) or a signed-in officer (session cookie).
public struct CollectorContext: RequestContext {
    public var coreContext: CoreRequestContextStorage
    public let channel: any Channel
    public var host: HostIdentity?
    public var officer: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// A report with every evidence item of a large server stays well under this.
    public var maxUploadSize: Int { 16 << 20 }
}
