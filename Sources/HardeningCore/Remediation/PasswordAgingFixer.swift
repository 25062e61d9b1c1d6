import FoundationEssentials

/// VN-TD-PW-004 (Điều 9 khoản 6, Điều 7 khoản 2): password aging in login.defs for new accounts, and
/// `chage` for people's existing accounts. Only values weaker than the profile's are changed; it never
/// sets an inactivity period or an expiry date (those lock people out).
public struct PasswordAgingFixer: Fixer {
    public let name = "password-aging"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] { ["/etc/login.defs"] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        let maxDays = try context.int("max_days"), warnDays = try context.int("warn_days"), minDays = try context.int("min_days")
        var actions: [RemediationAction] = []
        guard let auth = context.facts.authentication.value else {
            throw FixError.cannotFix(context.control.id, "login.defs could not be read")
        }
        let defs = auth.loginDefs
        var text = context.text("/etc/login.defs") ?? ""
        let original = text
        let note = "attt \(context.control.id) (Điều 9 khoản 6)"
        if defs.passMaxDays.value < 0 || defs.passMaxDays.value > maxDays { text = ConfigEdit.set("PASS_MAX_DAYS", to: String(maxDays), in: text, style: .whitespace, comment: note) }
        if defs.passMinDays.value < minDays { text = ConfigEdit.set("PASS_MIN_DAYS", to: String(minDays), in: text, style: .whitespace, comment: note) }
        if defs.passWarnAge.value < warnDays { text = ConfigEdit.set("PASS_WARN_AGE", to: String(warnDays), in: text, style: .whitespace, comment: note) }
        if text != original {
            actions.append(.writeFile(path: "/etc/login.defs", content: Data(text.utf8), mode: 0o644))
        }
        // login.defs applies to new accounts only; people's accounts get their own aging with chage.
        for user in context.facts.accounts.value?.users ?? [] where user.interactive && user.passwordState.value == .hashed {
            var arguments: [String] = []
            if (user.maxDays?.value ?? Int.max) > maxDays { arguments += ["-M", String(maxDays)] }
            if (user.warnDays?.value ?? 0) < warnDays { arguments += ["-W", String(warnDays)] }
            guard !arguments.isEmpty else { continue }
            let root = context.root == "/" ? [] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["chage"] + root + arguments + ["--", user.name], touches: ["/etc/shadow", "/etc/shadow-", "/etc/.pwd.lock"], inRoot: false))
        }
        return actions
    }
}
