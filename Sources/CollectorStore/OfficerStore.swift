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
    /// The session, if it exists, has not expired and was used within `idle`; marks it used now.
    /// A session idle for longer is deleted.
    func session(tokenHash: String, now: Date, idle: TimeInterval) throws -> OfficerSession?
    /// Records that the session's officer was found in the officer group again at `at`.
    func markSessionChecked(tokenHash: String, at: Date) throws
    func deleteSession(tokenHash: String) throws
}

/// Everything the collector keeps, as one store the server is given.
public typealias CollectorDatabase = ReportStore & HistoryStore & PeriodHistory & EnrollmentStore & JobStore & OfficerStore & ExceptionStore & AuditLog & IssuedReportStore & SnapshotStore & IncidentStore & IncidentDocumentStore & CatalogueStore & OperationsStore & RetentionStore

/// A signed-in officer's session as the store keeps it (the token itself is never stored).
public struct OfficerSession: Sendable, Hashable {
    public var user: String
    /// When the officer's group membership was last confirmed.
    public var checkedAt: Date

    public init(user: String, checkedAt: Date) {
        self.user = user
        self.checkedAt = checkedAt
    }
}
