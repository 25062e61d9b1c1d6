import FoundationEssentials

/// Tries a staged `pam.d` before it replaces the live one: every login service must still run and
/// refuse a user that does not exist. A stack that cannot run (a missing module, a broken line) or
/// that lets an unknown user in would lock people out or let anyone in: the change is refused.
public enum StackValidator {
    /// A user name no system has, with a password nobody uses.
    static let probeUser = "attt-pam-probe-0"

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var service: String
        public var outcome: String
        public var description: String { "PAM service \(service) in the staged configuration: \(outcome)" }
    }

    /// Checks `services` (those present in `confdir`); returns the problems found.
    public static func problems(confdir: String, services: [String]) -> [Problem] {
        var problems: [Problem] = []
        let password = "attt-" + UUID().uuidString
        for service in services where FileManager.default.fileExists(atPath: "\(confdir)/\(service)") {
            let outcome = PAMTransaction.authenticate(service: service, user: probeUser, password: password, confdir: confdir)
            if outcome.succeeded {
                problems.append(Problem(service: service, outcome: "an unknown user with any password is let in"))
            } else if !outcome.refused {
                problems.append(Problem(service: service, outcome: "the stack cannot run: \(outcome)"))
            }
        }
        return problems
    }
}
