public import Foundation

/// Officers' web sessions and failed sign-ins, for the lockout the regulation asks of any system
/// (Điều 7 khoản 2: lock after repeated failed sign-ins).
public protocol OfficerStore: Sendable {
    /// Counts this attempt as a failure before the password is even checked, in one transaction with
    /// the check, so that parallel guesses cannot slip past the limit; false when the account is
    /// locked (`limit` attempts within `window`). A successful sign-in clears the count.
    func admitSignIn(user: String, address: String?, at: Date, window: TimeInterval, limit: Int) throws -> Bool
    func signInFailures(user: String, since: Date) throws -> Int
    func clearSignInFailures(user: String) throws
    func createSession(tokenHash: String, user: String, expiresAt: Date, now: Date) throws
    /// The officer a session belongs to, if it exists and has not expired.
    func sessionUser(tokenHash: String, now: Date) throws -> String?
    func deleteSession(tokenHash: String) throws
}

/// Everything the collector keeps, as one store the server is given.
public typealias CollectorDatabase = ReportStore & EnrollmentStore & JobStore & OfficerStore
