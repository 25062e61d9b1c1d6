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
    /// What the signed-in officer may read and change (their groups on the collector host).
    public var access = OfficerAccess()
    /// The signed-in officer's anti-forgery token, for the forms a page renders.
    public var csrfToken: String?

    public init(source: ApplicationRequestContextSource) {
        coreContext = .init(source: source)
        channel = source.channel
    }

    /// How much of a body is read, by who is asking (issue 12): the middlewares establish the agent
    /// (from the TLS layer) or the officer (from the cookie) before any body is read, so nobody
    /// unauthenticated makes the collector hold more than a sign-in form or an enrollment request.
    public var maxUploadSize: Int {
        if host != nil { return BodyLimits.agent }
        if officer != nil { return BodyLimits.officer }
        return BodyLimits.anonymous
    }
}

/// Body sizes the collector reads.
public enum BodyLimits {
    /// A report with every evidence item of a large server stays well under this.
    public static let agent = 16 << 20
    /// An approval names a host and a few controls.
    public static let officer = 64 << 10
    /// A sign-in form or an enrollment request (a token and a PEM certificate request).
    public static let anonymous = 8 << 10
}
