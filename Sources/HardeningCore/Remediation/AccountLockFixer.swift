import FoundationEssentials

/// VN-TD-PW-003 (Điều 9 khoản 6: every account must have a password): locks login accounts that
/// have an empty password, so the IT officer sets one, and turns display-manager auto-login off.
/// It never deletes an account and cannot repair an MD5 or DES hash (only a new password can).
public struct AccountLockFixer: Fixer {
    public let name = "lock-empty-passwords"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] {
        Array(Set(facts.authentication.value?.autoLogin.map(\.source.path) ?? [])).sorted()
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        var actions: [RemediationAction] = []
        let root = context.root == "/" ? [] : ["--root", context.root]
        for user in context.facts.accounts.value?.users ?? [] where user.loginShell && user.passwordState.value == .empty {
            actions.append(.runCommand(arguments: ["passwd"] + root + ["-l", "--", user.name], touches: ["/etc/shadow", "/etc/shadow-", "/etc/.pwd.lock"], inRoot: false))
        }
        // Auto-login: comment the line that switches it on, in the file and at the line the check found.
        let settings = context.facts.authentication.value?.autoLogin ?? []
        for path in Array(Set(settings.map(\.source.path))).sorted() {
            guard let text = context.text(path) else { continue }
            var lines = text.rawLines.map(String.init)
            for setting in settings where setting.source.path == path {
                guard let line = setting.source.line, line >= 1, line <= lines.count else { continue }
                lines[line - 1] = "# attt \(context.control.id): auto-login off (Điều 9 khoản 6)\n#" + lines[line - 1]
            }
            actions.append(.writeFile(path: path, content: Data(lines.joined(separator: "\n").utf8), mode: 0o644))
        }
        return actions
    }
}
