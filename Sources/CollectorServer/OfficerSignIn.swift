public import CollectorStore
import Crypto
public import Foundation
import Hummingbird
import LinuxPAM
import Logging

/// Officers sign in to the collector with their account on the collector host, checked through PAM
/// (service `attt-collector`, which includes the host's common-auth, so the host's own lockout
/// applies too); their groups there give their role (``access(of:settings:)``). On top of PAM, the
/// collector locks an account for the lockout window after too many failures within it (Điều 7
/// khoản 2), before PAM is even asked, so a password guesser gets nothing from the web page.
///
/// A flood of sign-ins must not keep officers out (issue 12): an account in none of the officers'
/// groups never reaches PAM, and PAM runs on a small pool of its own threads with a bounded queue, so
/// guessers wait behind each other (or get 503) while the server's threads keep serving.
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
    /// SQLite and NSS look-ups.
    let database: BlockingPool
    /// PAM conversations only.
    let pam: BlockingPool
    let logger = Logger(label: "attt-collector.officers")
    /// Shared by every copy of this authenticator (the API's and the pages').
    let accesses = SessionAccesses()

    /// Group membership is looked up again this often during a session: an officer removed from
    /// a group loses what it gave within minutes, not at the end of an 8-hour session.
    static let groupRecheck: TimeInterval = 300

    init(store: any CollectorDatabase, settings: CollectorSettings, pamConfdir: String?, database: BlockingPool,
         pam: BlockingPool = BlockingPool(name: "sign-in", threads: 4, queue: 32)) {
        self.store = store
        self.settings = settings
        self.pamConfdir = pamConfdir
        self.database = database
        self.pam = pam
    }

    public func signIn(user: String, password: String, address: String?, now: Date = Date()) async throws -> Outcome {
        let user = user.trimmingCharacters(in: .whitespaces)
        guard !user.isEmpty, user.utf8.count <= 64, !password.isEmpty, password.utf8.count <= 1024 else { return .refused }
        let (store, settings) = (store, settings)
        let admitted = try await database.run {
            try store.admitSignIn(user: user, address: address, at: now, window: settings.lockoutWindow, limit: settings.lockoutAttempts)
        }
        guard admitted else {
            logger.notice("officer sign-in refused: account locked", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
            return .locked(minutes: Int((settings.lockoutWindow / 60).rounded(.up)))
        }
        // Only members of an officers' group are worth a PAM conversation (pam_unix's delay on a failure holds a thread).
        let access = try await database.run { Self.access(of: user, settings: settings) }
        let service = settings.pamService, confdir = pamConfdir
        var accepted = false
        if !access.isEmpty {
            accepted = try await pam.run { PAMTransaction.authenticate(service: service, user: user, password: password, confdir: confdir).succeeded }
        }
        guard accepted else {
            // The attempt stays counted (admitSignIn recorded it).
            logger.notice("officer sign-in failed", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
            return .refused
        }
        let token = Self.newToken()
        let expiresAt = now.addingTimeInterval(settings.sessionLifetime)
        try await database.run {
            try store.clearSignInFailures(user: user)
            try store.createSession(tokenHash: Self.hash(token), user: user, expiresAt: expiresAt, now: now)
        }
        accesses.remember(access, session: Self.hash(token))
        logger.notice("officer signed in", metadata: ["user": "\(user)", "role": "\(access.roleName)", "address": "\(address ?? "-")"])
        return .signedIn(user: user, token: token, expiresAt: expiresAt)
    }

    /// The officer of a live session and what they may do: not expired, not idle too long, still in
    /// one of the officers' groups. Groups are looked up again every ``groupRecheck`` (and when this
    /// process does not know the session's access, after a restart); a session whose officer is in
    /// none of them any more ends.
    public func officer(session token: String, now: Date = Date()) async throws -> SignedInOfficer? {
        let (store, settings, hash) = (store, settings, Self.hash(token))
        guard let session = try await database.run({ try store.session(tokenHash: hash, now: now, idle: settings.sessionIdle) }) else {
            accesses.forget(session: hash)
            return nil
        }
        if now.timeIntervalSince(session.checkedAt) < Self.groupRecheck, let access = accesses.access(session: hash) {
            return SignedInOfficer(user: session.user, access: access)
        }
        let access = try await database.run {
            let access = Self.access(of: session.user, settings: settings)
            if access.isEmpty { try store.deleteSession(tokenHash: hash) } else { try store.markSessionChecked(tokenHash: hash, at: now) }
            return access
        }
        guard !access.isEmpty else {
            accesses.forget(session: hash)
            logger.notice("officer session ended: no longer in any officers' group", metadata: ["user": "\(session.user)"])
            return nil
        }
        accesses.remember(access, session: hash)
        return SignedInOfficer(user: session.user, access: access)
    }

    public func signOut(session token: String) async throws {
        let (store, hash) = (store, Self.hash(token))
        accesses.forget(session: hash)
        try await database.run { try store.deleteSession(tokenHash: hash) }
    }

    /// 256 random bits, URL-safe: session cookies and enrollment tokens. The prefix keeps a token
    /// from starting with `-`, which a command line would take for an option.
    public static func newToken() -> String {
        "attt_" + SymmetricKey(size: .bits256).withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "=", with: "")
    }

    /// Only hashes are stored: a copy of the database does not hand out sessions or tokens.
    public static func hash(_ token: String) -> String {
        ContentDigest.sha256(Data(token.utf8))
    }

    /// The session's anti-forgery token: derived from the session token, which only the officer's
    /// browser holds (an HttpOnly cookie), so another site can neither read nor guess it, and it
    /// needs no storage of its own.
    public static func csrfToken(session token: String) -> String {
        String(hash("attt-csrf:" + token).prefix(43))
    }

    /// `__Host-`: the browser only accepts it from this origin over HTTPS, with `Path=/` and no
    /// `Domain`, so a neighbour host or a plain-HTTP page cannot plant or overwrite it.
    static let cookieName = "__Host-attt_session"
}
