import FoundationEssentials

/// VN-TD-AUTH-001 (Điều 7 khoản 2: lock an account after repeated failed logins). Through Debian's
/// mechanism: two pam-configs profiles (preauth before pam_unix, authfail after it, and the account
/// phase) enabled with pam-auth-update, plus faillock.conf. Root is never made lockable by it.
public struct FaillockFixer: Fixer {
    public let name = "faillock"
    public init() {}

    static let preauthProfile = """
        Name: attt: refuse locked accounts before the password is checked (VN-TD-AUTH-001)
        Default: no
        Priority: 1024
        Auth-Type: Primary
        Auth:
        \trequisite\t\t\tpam_faillock.so preauth
        Account-Type: Primary
        Account:
        \trequired\t\t\tpam_faillock.so

        """

    static let authfailProfile = """
        Name: attt: count failed logins and lock after too many (VN-TD-AUTH-001)
        Default: no
        Priority: 0
        Auth-Type: Primary
        Auth:
        \t[default=die]\t\t\tpam_faillock.so authfail

        """

    public func reads(_ facts: HostFacts) -> [String] {
        ["/etc/security/faillock.conf", "/usr/share/pam-configs/vn-td-faillock-preauth", "/usr/share/pam-configs/vn-td-faillock"]
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        let maxDeny = try context.int("max_deny"), interval = try context.int("min_fail_interval"), unlock = try context.int("min_unlock_time")
        guard let services = context.facts.authentication.value?.loginServices, let first = services.first else {
            throw FixError.cannotFix(context.control.id, "no PAM login service was found")
        }
        var actions: [RemediationAction] = []
        for (path, profile) in [("/usr/share/pam-configs/vn-td-faillock-preauth", Self.preauthProfile), ("/usr/share/pam-configs/vn-td-faillock", Self.authfailProfile)]
        where context.files[path] != Data(profile.utf8) {
            actions.append(.writeFile(path: path, content: Data(profile.utf8), mode: 0o644))
        }
        // faillock.conf: only values weaker than the profile's change; even_deny_root is left to the unit.
        let settings = first.faillock
        var text = context.text("/etc/security/faillock.conf") ?? ""
        let original = text
        let note = "attt \(context.control.id) (Điều 7 khoản 2)"
        if settings.deny.value < 1 || settings.deny.value > maxDeny { text = ConfigEdit.set("deny", to: String(maxDeny), in: text, style: .equals, comment: note) }
        if settings.failInterval.value < interval { text = ConfigEdit.set("fail_interval", to: String(interval), in: text, style: .equals, comment: note) }
        if settings.unlockTime.value != 0 && settings.unlockTime.value < unlock { text = ConfigEdit.set("unlock_time", to: String(unlock), in: text, style: .equals, comment: note) }
        if settings.evenDenyRoot.value && settings.rootUnlockTime == nil {
            // Console recovery must stay possible: a root lock gets a time limit.
            text = ConfigEdit.set("root_unlock_time", to: String(unlock), in: text, style: .equals, comment: note)
        }
        if text != original { actions.append(.writeFile(path: "/etc/security/faillock.conf", content: Data(text.utf8), mode: 0o644)) }
        if services.contains(where: { !$0.faillockPreauth.value || !$0.faillockAuthfail.value || !$0.faillockAccount.value }) {
            actions.append(try .enablePamProfiles(["vn-td-faillock-preauth", "vn-td-faillock"], control: context.control.id))
        }
        return actions
    }
}
