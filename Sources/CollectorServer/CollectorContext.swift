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
    /// A multipart form's parts, parsed once by OfficerSessionMiddleware (it reads the anti-forgery
    /// field from them).
    var formParts: FormParts?
    /// Who the request came from, for its log line (``RequestLog``).
    let party = RequestParty()

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

/// Roles, for every route that shows or changes a unit's data (issue 13 point 6): a unit's IT
/// officer (Điều 10) reads and acts on their units, the supervisor (Điều 13) on all, an inspector
/// (Điều 13 khoản 2 điểm đ, khoản 7; Điều 14) reads all and changes nothing. The refusal says
/// why in Vietnamese first, then in English, for the officer who meets it.
extension CollectorContext {
    public func requireRead(unit: String) throws {
        guard access.canRead(unit: unit) else {
            throw HTTPError(.forbidden, message: """
                Tài khoản \(officer ?? "") không được xem đơn vị «\(unit)»: chỉ cán bộ CNTT của đơn vị, Văn phòng thống kê và đoàn kiểm tra được xem. \
                — \(officer ?? "") may not see unit \(unit): only its IT officers, the supervisors and inspectors may.
                """)
        }
    }

    public func requireAct(unit: String) throws {
        try requireActOnSomeUnit()
        guard access.canAct(unit: unit) else {
            throw HTTPError(.forbidden, message: """
                Tài khoản \(officer ?? "") không được thao tác trên đơn vị «\(unit)»: chỉ cán bộ CNTT của đơn vị và Văn phòng thống kê được phép. \
                — \(officer ?? "") may not act on unit \(unit): only its IT officers and the supervisors may.
                """)
        }
    }

    /// Refuses an inspector before anything is looked up: they change nothing anywhere.
    public func requireActOnSomeUnit() throws {
        guard access.supervisor || !access.units.isEmpty else {
            throw HTTPError(.forbidden, message: """
                Tài khoản \(officer ?? "") thuộc đoàn kiểm tra: chỉ được xem, không được thay đổi. \
                — \(officer ?? "") is an inspector: they may read, not change anything.
                """)
        }
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
