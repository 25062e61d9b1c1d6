import FoundationEssentials
import HardeningCore
import HostAccess

/// Reads the agent's enforcement record and sets each person's last password change against it
/// (VN-TD-PW-002, Điều 9 khoản 6). The accounts come from ``AccountsProbe``.
struct EnforcementProbe {
    let host: HostRoot
    let users: [UserAccount]

    func collect() throws -> EnforcementFacts {
        let path = EnforcementRecord.path
        var since: Sourced<String>? = nil
        if let data = try host.read(path) {
            let record: EnforcementRecord
            do {
                record = try JSONDecoder().decode(EnforcementRecord.self, from: data)
            } catch {
                throw ProbeError(path: path, reason: "not an attt enforcement record: \(error)")
            }
            if let date = record.firstPassed["VN-TD-PW-001"] {
                guard Timestamp.parse(date) != nil else { throw ProbeError(path: path, reason: "VN-TD-PW-001: not an ISO 8601 time: \(date)") }
                since = Sourced(date, SourceLocation(path: path))
            }
        }
        // shadow counts whole days: a change on the day the policy took effect counts as under it.
        let sinceDay = since.flatMap { Timestamp.parse($0.value) }.map { Int($0.timeIntervalSince1970 / 86_400) }
        let accounts = users.filter(\.interactive).map { user -> PasswordAge in
            let changed = user.passwordChanged
            let changedDay = changed.map { Int($0.value.date.timeIntervalSince1970 / 86_400) }
            let under = user.mustChangePassword || (sinceDay != nil && changedDay != nil && changedDay! >= sinceDay!)
            return PasswordAge(
                name: user.name, passwordChanged: changed.map { Sourced($0.value.description, $0.source) },
                changePending: user.mustChangePassword,
                setUnderPolicy: Sourced(under, changed?.source ?? user.passwordState.source)
            )
        }
        return EnforcementFacts(passwordPolicySince: since, accounts: accounts)
    }
}
