public import CollectorStore
import Crypto
public import Foundation
import Hummingbird
import LinuxPAM
import Logging

/// Officers sign in to the collector with their account on the collector host, checked through PAM
/// (service `attt-collector`, which includes the host's common-auth, so the host's own lockout
/// applies too) and membership of the officer group. On top of PAM, the collector locks an account
/// for the lockout window after too many failures within it (Điều 7 khoản 2), before PAM is even asked,
/// so a password guesser gets nothing from the web page.
///
/// A flood of sign-ins must not keep officers out (issue 12): an account outside the officer group
/// never reaches PAM, and PAM runs on a small pool of its own threads with a bounded queue, so
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

    /// Group membership is looked up again this often during a session: an officer removed from
    /// the group loses access within minutes, not at the end of an 8-hour session.
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
        let (store, settings, group) = (store, settings, settings.officerGroup)
        let admitted = try await database.run {
            try store.admitSignIn(user: user, address: address, at: now, window: settings.lockoutWindow, limit: settings.lockoutAttempts)
        }
        guard admitted else {
            logger.notice("officer sign-in refused: account locked", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
            return .locked(minutes: Int((settings.lockoutWindow / 60).rounded(.up)))
        }
        // Only the group's members are worth a PAM conversation (pam_unix's delay on a failure holds a thread).
        let member = try await database.run { SystemGroup.isMember(user, of: group) }
        let service = settings.pamService, confdir = pamConfdir
        var accepted = false
        if member {
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
        logger.notice("officer signed in", metadata: ["user": "\(user)", "address": "\(address ?? "-")"])
        return .signedIn(user: user, token: token, expiresAt: expiresAt)
    }

    /// The officer of a live session: not expired, not idle too long, still in the officer group
    /// (looked up again every ``groupRecheck``; a session whose officer left the group ends).
    public func officer(session token: String, now: Date = Date()) async throws -> String? {
        let (store, settings, hash) = (store, settings, Self.hash(token))
        guard let session = try await database.run({ try store.session(tokenHash: hash, now: now, idle: settings.sessionIdle) }) else { return nil }
        if now.timeIntervalSince(session.checkedAt) >= Self.groupRecheck {
            let stillMember = try await database.run {
                let member = SystemGroup.isMember(session.user, of: settings.officerGroup)
                if member { try store.markSessionChecked(tokenHash: hash, at: now) } else { try store.deleteSession(tokenHash: hash) }
                return member
            }
            guard stillMember else {
                logger.notice("officer session ended: no longer in the officer group", metadata: ["user": "\(session.user)"])
                return nil
            }
        }
        return session.user
    }

    public func signOut(session token: String) async throws {
        let (store, hash) = (store, Self.hash(token))
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
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
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
