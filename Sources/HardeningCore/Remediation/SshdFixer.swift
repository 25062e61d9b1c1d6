import FoundationEssentials

/// VN-TD-AUTH-002 (Điều 7 khoản 2: remote logins watched; Điều 9 khoản 3): a drop-in in
/// `/etc/ssh/sshd_config.d/` with the settings the control asks for. sshd keeps the FIRST value it
/// reads, so a line read before the drop-in that sets one of these keys (a vendor drop-in that sorts
/// first, a line above the `Include`) and a `Match` block that loosens one are commented out, with a
/// note, instead of being left to win. The result is checked with `sshd -t` before the fix is kept;
/// a running sshd is reloaded, which leaves open sessions — the officer's own — as they are.
///
/// What could cut the management path is never written: no `AllowGroups`/`AllowUsers` (the unit
/// must name who may log in) and no `PasswordAuthentication no`; `PermitRootLogin no` (recommended
/// profile) only when another administrator can still log in.
public struct SshdFixer: Fixer {
    public let name = "sshd"
    public init() {}

    public static let dropIn = "/etc/ssh/sshd_config.d/50-vn-td.conf"
    static let mainFile = "/etc/ssh/sshd_config"
    static let acceptedLogLevels: Set<String> = ["INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"]

    public func reads(_ facts: HostFacts) -> [String] {
        guard let ssh = facts.remoteAccess.value?.ssh else { return [] }
        var paths = [Self.dropIn, Self.mainFile]
        for source in Self.overriding(ssh, maxAuthTries: 0).map(\.source) where !paths.contains(source.path) && !source.path.hasPrefix("default:") {
            paths.append(source.path)
        }
        return paths
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let ssh = context.facts.remoteAccess.value?.ssh else {
            throw FixError.cannotFix(context.control.id, "there is no SSH server configuration to fix")
        }
        let maxTries = try context.int("max_auth_tries")
        let recommended = context.profile == .recommended
        var wanted: [(key: String, value: String)] = []
        if ssh.permitEmptyPasswords.value { wanted.append(("PermitEmptyPasswords", "no")) }
        if ssh.maxAuthTries.value > maxTries || ssh.maxAuthTries.value < 1 { wanted.append(("MaxAuthTries", String(maxTries))) }
        // VERBOSE also logs the key each login used, which an incident report (Điều 11) needs.
        if !Self.acceptedLogLevels.contains(ssh.logLevel.value) { wanted.append(("LogLevel", "VERBOSE")) }
        var refused: [String] = []
        if recommended && ssh.permitRootLogin.value != "no" {
            if Self.anotherAdministratorCanLogIn(context.facts) {
                wanted.append(("PermitRootLogin", "no"))
            } else {
                refused.append("PermitRootLogin stays: no administrator but root could log in afterwards")
            }
        }
        if recommended && ssh.allowGroups.value.isEmpty {
            refused.append("AllowGroups needs the unit's list of groups allowed to log in over SSH; set it in \(Self.dropIn)")
        }

        var actions: [RemediationAction] = []
        var edits: [String: [Int]] = [:]
        for line in Self.overriding(ssh, maxAuthTries: maxTries) where line.source.path != Self.dropIn && wanted.contains(where: { $0.key == line.key }) || line.inMatch {
            guard let number = line.source.line, !line.source.path.hasPrefix("default:") else { continue }
            edits[line.source.path, default: []].append(number)
        }
        // The drop-in only counts if sshd_config includes its directory (Debian's does, at the top).
        let main = context.text(Self.mainFile) ?? ""
        var mainText = main
        if !wanted.isEmpty && !Self.includesDropIns(main) {
            mainText = "# attt \(context.control.id): read the drop-ins first, as Debian's own sshd_config does.\nInclude /etc/ssh/sshd_config.d/*.conf\n\n" + main
            edits[Self.mainFile] = (edits[Self.mainFile] ?? []).map { $0 + 3 }
        }
        for (path, numbers) in edits.sorted(by: { $0.key < $1.key }) {
            let text = path == Self.mainFile ? mainText : (context.text(path) ?? "")
            let edited = ConfigEdit.commentOut(lines: Set(numbers), in: text, note: "attt \(context.control.id) (Điều 9 khoản 3): overrides the remote-login limits")
            actions.append(.writeFile(path: path, content: Data(edited.utf8), mode: 0o644))
        }
        if mainText != main && edits[Self.mainFile] == nil {
            actions.append(.writeFile(path: Self.mainFile, content: Data(mainText.utf8), mode: 0o644))
        }
        if !wanted.isEmpty {
            var text: String
            if let current = context.text(Self.dropIn) {
                text = current
                let own = Self.settings(text)
                // A stricter value already in attt's own file stays (MaxAuthTries 3 under a floor of 5).
                for (key, value) in wanted where !(own[key.lowercased()].map { Self.acceptable(key, $0, maxAuthTries: maxTries) } ?? false) {
                    text = ConfigEdit.set(key, to: value, in: text, style: .whitespace)
                }
            } else {
                text = "# attt \(context.control.id) (Điều 7 khoản 2, Điều 9 khoản 3): remote logins are limited and logged.\n"
                    + wanted.map { "\($0.key) \($0.value)\n" }.joined()
            }
            actions.append(.writeFile(path: Self.dropIn, content: Data(text.replacing("\t", with: " ").utf8), mode: 0o644))
        }
        if actions.isEmpty {
            throw FixError.cannotFix(context.control.id, refused.isEmpty ? "nothing attt can change safely" : refused.joined(separator: "; "))
        }
        // sshd refuses to test without its privilege-separation directory, which systemd makes at start.
        actions.append(.runCommand(arguments: ["/bin/sh", "-c", "mkdir -p -m 0755 /run/sshd && exec /usr/sbin/sshd -t"], touches: [], inRoot: true))
        if context.root == "/" {
            actions.append(.runCommand(arguments: ["systemctl", "try-reload-or-restart", "ssh.service"], touches: [], inRoot: false))
        }
        return actions
    }

    struct OverridingLine { var key: String; var source: SourceLocation; var inMatch: Bool }

    /// Lines that decide a failing setting: the winning global value, and every Match block's loosening.
    static func overriding(_ ssh: SshServerFacts, maxAuthTries: Int) -> [OverridingLine] {
        var lines: [OverridingLine] = []
        if ssh.permitEmptyPasswords.value { lines.append(.init(key: "PermitEmptyPasswords", source: ssh.permitEmptyPasswords.source, inMatch: false)) }
        if ssh.maxAuthTries.value > maxAuthTries || ssh.maxAuthTries.value < 1 { lines.append(.init(key: "MaxAuthTries", source: ssh.maxAuthTries.source, inMatch: false)) }
        if !acceptedLogLevels.contains(ssh.logLevel.value) { lines.append(.init(key: "LogLevel", source: ssh.logLevel.source, inMatch: false)) }
        if ssh.permitRootLogin.value != "no" { lines.append(.init(key: "PermitRootLogin", source: ssh.permitRootLogin.source, inMatch: false)) }
        for block in ssh.matchBlocks {
            if let v = block.permitEmptyPasswords, v.value { lines.append(.init(key: "PermitEmptyPasswords", source: v.source, inMatch: true)) }
            if let v = block.maxAuthTries, v.value > maxAuthTries { lines.append(.init(key: "MaxAuthTries", source: v.source, inMatch: true)) }
            if let v = block.logLevel, ["QUIET", "FATAL", "ERROR"].contains(v.value) { lines.append(.init(key: "LogLevel", source: v.source, inMatch: true)) }
        }
        return lines
    }

    /// `keyword value` lines of a file without Match blocks, keywords in lower case.
    static func settings(_ text: String) -> [String: String] {
        var values: [String: String] = [:]
        for line in text.lines {
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" })
            guard words.count >= 2, !words[0].hasPrefix("#") else { continue }
            values[words[0].lowercased()] = values[words[0].lowercased()] ?? String(words[1])
        }
        return values
    }

    static func acceptable(_ key: String, _ value: String, maxAuthTries: Int) -> Bool {
        switch key {
        case "MaxAuthTries": return Int(value).map { $0 >= 1 && $0 <= maxAuthTries } ?? false
        case "LogLevel": return acceptedLogLevels.contains(value.uppercased())
        default: return value.lowercased() == "no"
        }
    }

    static func includesDropIns(_ text: String) -> Bool {
        text.lines.contains { line in
            let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "=" })
            return words.count >= 2 && words[0].lowercased() == "include" && words.dropFirst().contains { $0.contains("sshd_config.d") }
        }
    }

    /// An account other than root holds administrator rights, has a login shell, and has a password
    /// or an SSH key: after `PermitRootLogin no` the officer still has a way in.
    static func anotherAdministratorCanLogIn(_ facts: HostFacts) -> Bool {
        guard let accounts = facts.accounts.value else { return false }
        let admins = Set(accounts.administrators.map(\.user)).subtracting(["root"])
        return accounts.users.contains { user in
            admins.contains(user.name) && user.uid != 0 && user.loginShell && !user.expired
                && (user.passwordState.value == .hashed || user.authorizedKeys > 0)
        }
    }
}
