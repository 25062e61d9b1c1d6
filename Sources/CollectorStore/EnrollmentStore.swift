public import Foundation
import HardeningCore

/// One-time enrollment tokens and the certificates issued with them.
public protocol EnrollmentStore: Sendable {
    /// Keeps a new token (only its hash: the token itself is shown once to the officer).
    func createToken(hash: String, unit: String, createdBy: String, expiresAt: Date, now: Date) throws
    /// Redeems a token and registers the host in one transaction: the token is consumed only if
    /// `issue` (which signs the certificate) succeeds, and a token is never redeemed twice.
    func enroll(tokenHash: String, hostname: String, now: Date, issue: (HostIdentity) throws -> IssuedCertificate) throws -> HostIdentity
    /// A new certificate for an enrolled host whose certificate is valid (issue 17 point 4): at most
    /// one renewal a day, so a PC taken over cannot mint certificates; the one it renews stays valid until it
    /// ends or the host is revoked. Throws ``RenewalRefusal``.
    func renewCertificate(host: String, now: Date, issue: () throws -> IssuedCertificate) throws -> IssuedCertificate
    /// The host a client certificate belongs to, or nil when the serial is unknown or revoked.
    func certifiedHost(serial: String) throws -> HostIdentity?
    /// Revokes every certificate of a host; returns how many. A revocation that changed something
    /// is kept with an audit entry in the same transaction.
    func revoke(host: String, by officer: ActingOfficer, now: Date) throws -> Int
    /// Enrolled hosts, by unit.
    func hosts(unit: String?) throws -> [HostRecord]
    /// One enrolled host (revoked or not), or nil: whose unit an officer's change is for.
    func host(id: String) throws -> HostRecord?
}

public struct IssuedCertificate: Sendable, Hashable {
    public var serial: String
    public var notAfter: Date

    public init(serial: String, notAfter: Date) {
        self.serial = serial
        self.notAfter = notAfter
    }
}

public struct HostRecord: Sendable, Hashable {
    public var id: String
    public var unit: String
    public var hostname: String?
    public var enrolledAt: String
    public var lastSeen: String
    public var revoked: Bool

    public init(id: String, unit: String, hostname: String?, enrolledAt: String, lastSeen: String, revoked: Bool) {
        self.id = id
        self.unit = unit
        self.hostname = hostname
        self.enrolledAt = enrolledAt
        self.lastSeen = lastSeen
        self.revoked = revoked
    }
}

/// Why a renewal was refused.
public enum RenewalRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    /// This host renewed less than a day before; it may ask again at `next`.
    case tooSoon(next: Date)
    case revoked

    public static let interval: TimeInterval = 86_400

    public var description: String {
        switch self {
        case .tooSoon(let next): return "this PC renewed its certificate less than a day ago; ask again after \(Timestamp(next))"
        case .revoked: return "this PC was revoked; enroll it again"
        }
    }
}

/// Why a token was not accepted; the agent's officer sees it as is.
public enum EnrollmentRefusal: Error, Sendable, Hashable, CustomStringConvertible {
    case unknownToken
    case usedToken
    case expiredToken

    public var description: String {
        switch self {
        case .unknownToken: return "the enrollment token is not known to this collector"
        case .usedToken: return "the enrollment token was already used; ask the collector's officer for a new one"
        case .expiredToken: return "the enrollment token has expired; ask the collector's officer for a new one"
        }
    }
}
