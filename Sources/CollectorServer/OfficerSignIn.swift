public import CollectorStore
import Crypto
public import Foundation
import Hummingbird
import LinuxPAM
import Logging
import NIOPosix

/// Officers sign in to the collector with their account on the collector host, checked through PAM
/// (service `attt-collector`, which includes the host's common-auth, so the host's own lockout
/// applies too) and membership of the officer group. On top of PAM, the collector locks an account
/// for the lockout window after too many failures within it (Điều 7 khoản 2), before PAM is even asked,
/// so a password guesser gets nothing from the web page.
public struct OfficerAuthenticator: Sendable {
    public enum Outcome: Sendable, Hashable {
        case signedIn(user: String, token: String, expiresAt: Date)
        case refused
        case locked(minutes: Int)
    }

    let store: any CollectorDatabase
    let settings: CollectorSettings
    /// Staged PAM service files (tests); nil uses /etc/pam.d.
    let pamConfdir: String?
    let logger = Logger(label: "attt-collector.officers")

    public init(store: any CollectorDatabase, settings: CollectorSettings, pamConfdir: String?) {
        self.store = store
        self.settings = settings
        self.pamConfdir = pamConfdir
    }

    public func signIn(user: String, password: String, address: String?, now: Date = Date()) async throws -> Outcome {
        let user = user.trimmingCharacters(in: .whitespaces)
        guard !user.isEmpty, user.utf8.count <= 64, !password.isEmpty else { return .refused }
        guard try store.admitSignIn(user: user, address: address, at: now, window: settings.lockoutWindow, limit: settings.lockoutAttempts) else {
            logger.notice("officer sign-in refused: account locked", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
            return .locked(minutes: Int((settings.lockoutWindow / 60).rounded(.up)))
        }
        let (service, confdir, group) = (settings.pamService, pamConfdir, settings.officerGroup)
        // PAM blocks (pam_unix waits on a failure): it runs on NIO's thread pool, not on the server's threads.
        let accepted = try await NIOThreadPool.singleton.runIfActive {
            PAMTransaction.authenticate(service: service, user: user, password: password, confdir: confdir).succeeded
                && SystemGroup.isMember(user, of: group)
        }
        guard accepted else {
            // The attempt stays counted (admitSignIn recorded it).
            logger.notice("officer sign-in failed", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
            return .refused
        }
        try store.clearSignInFailures(user: user)
        logger.notice("officer signed in", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
        let token = Self.newToken()
        let expiresAt = now.addingTimeInterval(settings.sessionLifetime)
        try store.createSession(tokenHash: Self.hash(token), user: user, expiresAt: expiresAt, now: now)
        return .signedIn(user: user, token: token, expiresAt: expiresAt)
    }

    public func officer(session token: String, now: Date = Date()) throws -> String? {
        try store.sessionUser(tokenHash: Self.hash(token), now: now)
    }

    public func signOut(session token: String) throws {
        try store.deleteSession(tokenHash: Self.hash(token))
    }

    /// 256 random bits, URL-safe: session cookies and enrollment tokens. The prefix keeps a token
    /// from starting with `-`, which a command line would take for an option.
    public static func newToken() -> String {
        "attt_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Only hashes are stored: a copy of the database does not hand out sessions or tokens.
    public static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    static let cookieName = "attt_session"
}

/// Sets `context.officer` from the session cookie; routes behind it refuse when there is none.
struct OfficerSessionMiddleware: RouterMiddleware {
    typealias Context = CollectorContext
    let authenticator: OfficerAuthenticator
    /// Web pages send the browser to the sign-in page; the API answers 401.
    let redirect: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        if let token = request.cookies[OfficerAuthenticator.cookieName]?.value, let officer = try authenticator.officer(session: token) {
            var context = context
            context.officer = officer
            return try await next(request, context)
        }
        if redirect { return .redirect(to: "/sign-in", type: .found) }
        throw HTTPError(.unauthorized, message: "sign in as an officer first (POST /v1/officer/session)")
    }
}
