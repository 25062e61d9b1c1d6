import FoundationEssentials
import HardeningCore
import HostAccess

/// Local accounts from passwd, shadow and group; last logins; who holds administrative rights.
struct AccountsProbe {
    let host: HostRoot
    let uidMin: Int
    let uidMax: Int
    /// For "expired": the same time the evaluation uses.
    let now: Date
    /// Groups whose members can become root (docker is root-equivalent).
    static let adminGroups = ["sudo", "admin", "wheel", "docker"]

    func collect() throws -> AccountFacts {
        guard let passwdText = try host.text("/etc/passwd") else {
            throw ProbeError(path: "/etc/passwd", reason: "missing: the accounts database is required")
        }
        let passwd = AccountDatabase.passwd(passwdText)
        let shadowText = try host.text("/etc/shadow")
        let shadowParsed = shadowText.map(AccountDatabase.shadow)
        let shadow = shadowParsed?.entries ?? []
        let shadowByName = Dictionary(shadow.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let groupParsed = try host.text("/etc/group").map(AccountDatabase.group)
        let groupsRaw = groupParsed?.entries ?? []
        // The C library skips a malformed line; a checker must not: it hides an account from every control.
        for (path, lines) in [("/etc/passwd", passwd.malformed), ("/etc/shadow", shadowParsed?.malformed ?? []), ("/etc/group", groupParsed?.malformed ?? [])] where !lines.isEmpty {
            throw ProbeError(path: path, reason: "malformed line \(lines.map(String.init).joined(separator: ", ")): fix or remove it (vipw, vigr)")
        }
        let shells = Set(try host.text("/etc/shells").map { ConfigLines.meaningful($0).map(\.text) } ?? [])

        var lastLoginSources: [String] = []
        let lastlog = try host.records("/var/log/lastlog")
        if lastlog != nil { lastLoginSources.append("/var/log/lastlog") }
        // wtmp only grows: its last 4 MiB (about 11,000 sessions) hold months of an office PC's logins,
        // and lastlog has the newest login of every account anyway.
        let wtmp = try host.tail("/var/log/wtmp", bytes: 4 << 20).map(LoginRecords.wtmpLastLogins) ?? [:]
        if host.exists("/var/log/wtmp") { lastLoginSources.append("/var/log/wtmp") }

        // Primary-group members count as members, as the kernel sees them.
        var membersByGroup: [String: [String]] = [:]
        let groupNameByGid = Dictionary(groupsRaw.map { ($0.gid, $0.name) }, uniquingKeysWith: { first, _ in first })
        for g in groupsRaw { membersByGroup[g.name, default: []] += g.members }
        for p in passwd.entries { if let g = groupNameByGid[p.gid], !(membersByGroup[g]?.contains(p.name) ?? false) { membersByGroup[g, default: []].append(p.name) } }
        var groupsOfUser: [String: [String]] = [:]
        for (group, members) in membersByGroup { for m in members { groupsOfUser[m, default: []].append(group) } }

        let users = try passwd.entries.map { p -> UserAccount in
            let s = shadowByName[p.name]
            let classified: (state: PasswordState, scheme: String?, weak: Bool)
            if let s {
                classified = AccountDatabase.classify(s.password)
            } else if shadowText == nil, !["x", "*", "!"].contains(passwdPasswordField(passwdText, line: p.line)) {
                classified = AccountDatabase.classify(passwdPasswordField(passwdText, line: p.line))
            } else {
                classified = (.missing, nil, false)
            }
            let loginShell = Self.isLoginShell(p.shell, shells: shells)
            // A person's account, as the shadow suite counts them: UID_MIN..UID_MAX. root is handled on its own.
            let interactive = loginShell && p.uid >= uidMin && p.uid <= uidMax
            var lastLogin: Sourced<Timestamp>? = nil
            if let lastlog, let date = LoginRecords.lastlog(lastlog.read(at: LoginRecords.lastlogOffset(uid: p.uid), count: 4)) {
                lastLogin = Sourced(Timestamp(date), SourceLocation(path: "/var/log/lastlog"))
            }
            if let date = wtmp[p.name], lastLogin.map({ $0.value.date < date }) ?? true {
                lastLogin = Sourced(Timestamp(date), SourceLocation(path: "/var/log/wtmp"))
            }
            // Shadow fields are quoted from the shadow line; without one, from the passwd line.
            let where_ = s.map { SourceLocation(path: "/etc/shadow", line: $0.line) } ?? SourceLocation(path: "/etc/passwd", line: p.line)
            func field(_ value: Int?) -> Sourced<Int>? { value.map { Sourced($0, where_) } }
            let expires = s?.expire.flatMap { $0 > 0 ? Timestamp(daysSince1970: $0) : nil }
            return UserAccount(
                name: p.name, uid: p.uid, gid: p.gid, home: p.home, shell: p.shell,
                source: SourceLocation(path: "/etc/passwd", line: p.line),
                loginShell: loginShell, interactive: interactive,
                passwordState: Sourced(classified.state, where_), hashScheme: classified.scheme, weakHash: Sourced(classified.weak, where_),
                passwordChanged: s?.lastChange.flatMap { $0 > 0 ? Sourced(Timestamp(daysSince1970: $0), where_) : nil },
                mustChangePassword: s?.lastChange == 0,
                maxDays: field(s?.max), minDays: field(s?.min), warnDays: field(s?.warn),
                accountExpires: expires, expired: expires.map { $0.date < now } ?? false,
                lastLogin: lastLogin,
                groups: (groupsOfUser[p.name] ?? []).sorted(),
                authorizedKeys: interactive ? try authorizedKeys(home: p.home) : 0
            )
        }

        let groups = groupsRaw.map { g in
            GroupEntry(name: g.name, gid: g.gid, members: (membersByGroup[g.name] ?? []).sorted(), source: SourceLocation(path: "/etc/group", line: g.line))
        }
        let sudo = try sudoers()
        var admins: [AdminGrant] = []
        for g in groups where Self.adminGroups.contains(g.name) {
            for m in g.members { admins.append(AdminGrant(user: m, via: "group:\(g.name)", source: g.source)) }
        }
        // sudoers rules that give every command: to a user, a %group or a User_Alias.
        for rule in sudo.rules where rule.allCommands {
            for who in rule.who.split(separator: ",").map({ String($0).trimmed }) {
                for name in expand(who, aliases: sudo.userAliases, groups: membersByGroup) where name != "root" {
                    if !admins.contains(where: { $0.user == name && $0.via == "sudoers" }) {
                        admins.append(AdminGrant(user: name, via: "sudoers", source: rule.source))
                    }
                }
            }
        }
        return AccountFacts(
            users: users, groups: groups, administrators: admins,
            passwordlessSudo: sudo.rules.filter { $0.noPassword && $0.allCommands },
            lastLoginSources: lastLoginSources
        )
    }

    func passwdPasswordField(_ text: String, line: Int) -> String {
        let lines = text.lines
        guard line - 1 < lines.count else { return "x" }
        let fields = lines[line - 1].split(separator: ":", omittingEmptySubsequences: false)
        return fields.count > 1 ? String(fields[1]) : "x"
    }

    static func isLoginShell(_ shell: String, shells: Set<String>) -> Bool {
        let name = shell.split(separator: "/").last.map(String.init) ?? shell
        if ["nologin", "false", "sync", "halt", "shutdown"].contains(name) { return false }
        // With no /etc/shells, any real shell counts (login(1) does the same).
        return shells.isEmpty ? !shell.isEmpty : shells.contains(shell)
    }

    func expand(_ who: String, aliases: [String: [String]], groups: [String: [String]], depth: Int = 0) -> [String] {
        if who.hasPrefix("!") || depth > 8 { return [] }
        if who.hasPrefix("%") { return groups[String(who.dropFirst())] ?? [] }
        if let members = aliases[who] { return members.flatMap { expand($0, aliases: aliases, groups: groups, depth: depth + 1) } }
        if who == "ALL" { return ["ALL"] }
        return [who]
    }

    /// sudoers and everything it includes, in order.
    func sudoers() throws -> SudoersParser.Parsed {
        var result = SudoersParser.Parsed()
        var visited: Set<String> = []
        func read(_ path: String, depth: Int) throws {
            guard depth < 8, visited.insert(path).inserted, let text = try host.text(path) else { return }
            let parsed = SudoersParser.parse(text, path: path)
            result.rules += parsed.rules
            result.userAliases.merge(parsed.userAliases) { _, new in new }
            for include in parsed.includes {
                let target = include.path.hasPrefix("/") ? include.path : "/etc/\(include.path)"
                if include.directory {
                    for name in SudoersParser.includedFileNames(try host.list(target)) { try read("\(target)/\(name)", depth: depth + 1) }
                } else {
                    try read(target, depth: depth + 1)
                }
            }
        }
        try read("/etc/sudoers", depth: 0)
        return result
    }

    /// Counts keys only; their contents never leave the host. The file is the user's own: one they
    /// cannot read as keys (a FIFO, a device) fails the accounts facts with its path, never counts as none.
    func authorizedKeys(home: String) throws -> Int {
        guard home.hasPrefix("/"), home != "/" else { return 0 }
        guard let text = try host.text("\(home)/.ssh/authorized_keys") else { return 0 }
        return ConfigLines.meaningful(text).count
    }
}
