public import FoundationEssentials

/// `/var/lib/attt/enforcement.json`: when each control first passed on this host, as the scheduled
/// `attt run` recorded it. VN-TD-PW-002 (Điều 9 khoản 6) needs the day the password policy (PW-001)
/// took effect: a password set before it was never checked against the policy.
public struct EnforcementRecord: Codable, Sendable, Hashable {
    public static let path = "/var/lib/attt/enforcement.json"
    public var schema = "attt.enforcement.v1"
    /// Control id → the first time it passed, in ISO 8601.
    public var firstPassed: [String: String]

    public init(firstPassed: [String: String] = [:]) { self.firstPassed = firstPassed }

    /// Adds the controls that pass now and had no date yet; `nil` when nothing changed.
    public func adding(passing controls: [String], at now: Date) -> EnforcementRecord? {
        var next = self
        for id in controls where next.firstPassed[id] == nil { next.firstPassed[id] = Timestamp(now).description }
        return next == self ? nil : next
    }
}

/// Existing passwords against the day the password policy took effect (VN-TD-PW-002).
public struct EnforcementFacts: Codable, Sendable, Hashable {
    /// When VN-TD-PW-001 first passed, from the record; absent when attt never saw it pass.
    public var passwordPolicySince: Sourced<String>?
    /// People's accounts (interactive: UID ≥ UID_MIN, shell in /etc/shells).
    public var accounts: [PasswordAge]

    public init(passwordPolicySince: Sourced<String>?, accounts: [PasswordAge]) {
        self.passwordPolicySince = passwordPolicySince
        self.accounts = accounts
    }
}

public struct PasswordAge: Codable, Sendable, Hashable {
    public var name: String
    /// shadow's lastchg as a date (absent when the field is empty).
    public var passwordChanged: Sourced<String>?
    /// lastchg = 0: the user must change the password at the next login, under the policy.
    public var changePending: Bool
    /// Changed on or after the day the policy took effect (lastchg counts days, so the same day counts),
    /// or a change is pending. The source is the account's line in /etc/shadow.
    public var setUnderPolicy: Sourced<Bool>

    public init(name: String, passwordChanged: Sourced<String>?, changePending: Bool, setUnderPolicy: Sourced<Bool>) {
        self.name = name
        self.passwordChanged = passwordChanged
        self.changePending = changePending
        self.setUnderPolicy = setUnderPolicy
    }
}
