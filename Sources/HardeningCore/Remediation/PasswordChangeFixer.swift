import FoundationEssentials

/// VN-TD-PW-002 (Điều 9 khoản 6): makes the named people change their password at the next login
/// (`chage -d 0 USER`), so the new one passes the policy. Opt-in, account by account: only the
/// accounts the unit lists in `force_change_accounts` are touched, only people's accounts (never a
/// system or service account), and only those whose password predates the policy. sudo stops
/// working for them until they log in and change it.
public struct PasswordChangeFixer: Fixer {
    public let name = "force-password-change"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { [] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        var approved: Set<String> = []
        if case .array(let names)? = context.parameters["force_change_accounts"] {
            approved = Set(names.compactMap(\.stringValue))
        }
        guard !approved.isEmpty else {
            throw FixError.cannotFix(context.control.id, "no account is named in force_change_accounts: forcing a change is decided account by account")
        }
        let root = context.root == "/" ? [] : ["--root", context.root]
        return (context.facts.enforcement.value?.accounts ?? [])
            .filter { approved.contains($0.name) && !$0.setUnderPolicy.value }
            .map { .runCommand(arguments: ["chage"] + root + ["-d", "0", "--", $0.name], touches: ["/etc/shadow", "/etc/shadow-", "/etc/.pwd.lock"], inRoot: false) }
    }
}
