import HardeningCore
import HostAccess

/// Password quality, lockout and login settings, read as PAM, libpwquality and the shadow suite read them.
struct AuthenticationProbe {
    let host: HostRoot

    /// Services people log in through; those present on the host are checked.
    static let loginServices = ["login", "gdm-password", "lightdm", "sddm", "sshd", "xrdp-sesman"]

    func collect() throws -> AuthenticationFacts {
        var resolver = PamStackResolver { path throws(ProbeError) in try host.text(path) }
        let passwordChange = try passwordChangeFacts(&resolver)
        var services: [LoginServiceFacts] = []
        for service in Self.loginServices where host.exists("/etc/pam.d/\(service)") {
            services.append(try loginServiceFacts(service, &resolver))
        }
        // Linux-PAM fails a whole stack that holds a line it cannot parse: report it, do not guess.
        if !resolver.problems.isEmpty {
            throw ProbeError(path: "/etc/pam.d", reason: resolver.problems.joined(separator: "; "))
        }
        return AuthenticationFacts(
            passwordChange: passwordChange,
            loginServices: services,
            loginDefs: try loginDefs(),
            autoLogin: try autoLogin()
        )
    }

    // MARK: Password change (VN-TD-PW-001)

    func passwordChangeFacts(_ resolver: inout PamStackResolver) throws -> PasswordChangeFacts {
        let stack = try resolver.stack(service: "passwd", type: "password")
        let rules = stack.flatMap(\.rules)
        let quality = rules.first { ["pam_pwquality.so", "pam_cracklib.so"].contains($0.moduleName) }
        // Simulate a weak password: the quality module refuses it, everything else goes along.
        let simulated = PamSimulator.run(stack) { rule in
            if rule == quality { return "authtok_err" }
            switch rule.moduleName {
            case "pam_deny.so": return "authtok_err"
            case "pam_unix.so", "pam_permit.so": return "success"
            default: return "ignore"
            }
        }
        let rejected: Sourced<Bool>
        if let quality {
            rejected = Sourced(!simulated.succeeded && simulated.executed.contains(quality), quality.source)
        } else {
            let where_ = rules.first { $0.moduleName == "pam_unix.so" }?.source ?? SourceLocation(path: "/etc/pam.d/passwd")
            rejected = Sourced(false, where_)
        }
        return PasswordChangeFacts(
            service: "passwd",
            stack: rules,
            qualityModule: quality.map { Sourced($0.moduleName, $0.source) },
            weakPasswordRejected: rejected,
            pwquality: try pwqualitySettings(moduleRule: quality)
        )
    }

    /// The files as libpwquality reads them (``PwqualityConfig``); the PAM module's arguments win over both.
    func pwqualitySettings(moduleRule: PamRule?) throws -> PwqualitySettings {
        // pam_cracklib reads no file.
        let files = moduleRule?.moduleName == "pam_cracklib.so" ? nil : try PwqualityConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) }
        )
        return Self.pwquality(files: files, moduleRule: moduleRule)
    }

    /// The settings in force: the module's defaults, then the files' settings, then its arguments.
    static func pwquality(files: PwqualityConfig?, moduleRule: PamRule?) -> PwqualitySettings {
        let cracklib = moduleRule?.moduleName == "pam_cracklib.so"
        let program = cracklib ? "pam_cracklib" : "libpwquality"
        func d<V>(_ v: V) -> Sourced<V> { Sourced(v, .builtin(program)) }
        var ints: [String: Sourced<Int>] = [
            "minlen": d(cracklib ? 9 : 8), "dcredit": d(cracklib ? 1 : 0), "ucredit": d(cracklib ? 1 : 0),
            "lcredit": d(cracklib ? 1 : 0), "ocredit": d(cracklib ? 1 : 0), "minclass": d(0), "maxrepeat": d(0),
            "dictcheck": d(1), "usercheck": d(cracklib ? 0 : 1), "enforcing": d(1),
        ]
        var enforceForRoot = d(false)
        func apply(_ key: String, _ value: String?, _ source: SourceLocation) {
            let key = key.lowercased()
            if key == "enforce_for_root" { enforceForRoot = Sourced(true, source); return }
            guard ints[key] != nil, let text = value, let n = PwqualityConfig.integer(text) else { return }
            ints[key] = Sourced(n, source)
        }
        for setting in files?.settings ?? [] { apply(setting.name, setting.value, setting.source) }
        if let rule = moduleRule {
            for (key, value) in rule.keyedArguments { apply(key, value, rule.source) }
        }
        // libpwquality raises any minlen below 6 to 6 (PWQ_BASE_MIN_LENGTH).
        if var minlen = ints["minlen"], minlen.value < 6, !cracklib {
            minlen.value = 6
            ints["minlen"] = minlen
        }
        return PwqualitySettings(
            minlen: ints["minlen"]!, dcredit: ints["dcredit"]!, ucredit: ints["ucredit"]!, lcredit: ints["lcredit"]!,
            ocredit: ints["ocredit"]!, minclass: ints["minclass"]!, maxrepeat: ints["maxrepeat"]!,
            dictcheck: ints["dictcheck"]!, usercheck: ints["usercheck"]!, enforcing: ints["enforcing"]!,
            enforceForRoot: enforceForRoot
        )
    }

    // MARK: Login services (VN-TD-AUTH-001, VN-TD-PW-003)

    func loginServiceFacts(_ service: String, _ resolver: inout PamStackResolver) throws -> LoginServiceFacts {
        let auth = try resolver.stack(service: service, type: "auth")
        let account = try resolver.stack(service: service, type: "account")
        let authRules = auth.flatMap(\.rules)
        let accountRules = account.flatMap(\.rules)
        let serviceFile = SourceLocation(path: "/etc/pam.d/\(service)")
        let faillockRules = authRules.filter { $0.moduleName == "pam_faillock.so" }

        // A locked account with the right password: preauth must refuse the login.
        let locked = PamSimulator.run(auth, returns: LoginAttempt(passwordCorrect: true, locked: true).result)
        let preauth = faillockRules.first { $0.has("preauth") }
        let preauthWorks = preauth.map { !locked.succeeded && locked.executed.contains($0) } ?? false

        // A wrong password: authfail must run (to count the failure) and the login must fail.
        let wrong = PamSimulator.run(auth, returns: LoginAttempt(passwordCorrect: false, locked: false).result)
        let authfail = faillockRules.first { $0.has("authfail") }
        let authfailWorks = authfail.map { !wrong.succeeded && wrong.executed.contains($0) } ?? false

        // The account phase must let pam_faillock refuse a locked account.
        let accountRule = accountRules.first { $0.moduleName == "pam_faillock.so" }
        let accountRun = PamSimulator.run(account, returns: LoginAttempt(passwordCorrect: true, locked: true).result)
        let accountWorks = accountRule.map { !accountRun.succeeded && accountRun.executed.contains($0) } ?? false

        // Debian's common-auth carries `nullok`; with it an empty password logs in.
        let right = PamSimulator.run(auth, returns: LoginAttempt(passwordCorrect: true, locked: false).result)
        let unix = right.executed.first { $0.moduleName == "pam_unix.so" } ?? authRules.first { $0.moduleName == "pam_unix.so" }
        let nullok = Sourced(unix.map { $0.has("nullok") || $0.has("nullok_secure") } ?? false, unix?.source ?? serviceFile)

        return LoginServiceFacts(
            service: service,
            authStack: authRules,
            accountStack: accountRules,
            faillockPreauth: Sourced(preauthWorks, preauth?.source ?? serviceFile),
            faillockAuthfail: Sourced(authfailWorks, authfail?.source ?? serviceFile),
            faillockAccount: Sourced(accountWorks, accountRule?.source ?? serviceFile),
            unixNullok: nullok,
            faillock: try faillockSettings(rules: faillockRules)
        )
    }

    /// pam_faillock reads `faillock.conf` (or the file named by `conf=`), then its own arguments.
    func faillockSettings(rules: [PamRule]) throws -> FaillockSettings {
        let d = SourceLocation.builtin("pam_faillock")
        var deny = Sourced(3, d), interval = Sourced(900, d), unlock = Sourced(600, d)
        var evenDenyRoot = Sourced(false, d)
        var rootUnlock: Sourced<Int>? = nil
        func apply(_ key: String, _ value: String?, _ source: SourceLocation) {
            let n = value.flatMap { Int($0) }
            switch key {
            case "deny": if let n { deny = Sourced(n, source) }
            case "fail_interval": if let n { interval = Sourced(n, source) }
            case "unlock_time":
                if value == "never" { unlock = Sourced(0, source) } else if let n { unlock = Sourced(n, source) }
            case "even_deny_root": evenDenyRoot = Sourced(true, source)
            case "root_unlock_time": if let n { rootUnlock = Sourced(n, source) }
            default: break
            }
        }
        let conf = rules.lazy.compactMap { rule in rule.keyedArguments.first { $0.0 == "conf" }?.1 }.first ?? "/etc/security/faillock.conf"
        if let text = try host.text(conf) {
            for a in ConfigLines.assignments(text, path: conf) { apply(a.key, a.value, a.source) }
        }
        for rule in rules {
            for (key, value) in rule.keyedArguments { apply(key, value, rule.source) }
        }
        return FaillockSettings(deny: deny, failInterval: interval, unlockTime: unlock, evenDenyRoot: evenDenyRoot, rootUnlockTime: rootUnlock)
    }

    // MARK: login.defs (VN-TD-PW-004)

    func loginDefs() throws -> LoginDefs {
        let path = "/etc/login.defs"
        let defs = try host.text(path).map { LoginDefsConfig.parse($0, path: path) } ?? LoginDefsConfig()
        // The defaults are the tools' own (useradd's new_spent, find_new_uid), not attt's wishes.
        return LoginDefs(
            passMaxDays: defs.number("PASS_MAX_DAYS", default: -1),
            passMinDays: Self.minimumDays(defs.number("PASS_MIN_DAYS", default: -1)),
            passWarnAge: defs.number("PASS_WARN_AGE", default: -1),
            uidMin: defs.number("UID_MIN", default: 1000),
            uidMax: defs.number("UID_MAX", default: 60000),
            encryptMethod: defs.values["ENCRYPT_METHOD"] ?? Sourced("DES", .builtin("shadow"))
        )
    }

    /// A negative minimum (shadow's default -1 is an empty field) lets passwd change a password at
    /// any time, as 0 does: reported as 0, so a regulation floor of 0 days reads as met.
    static func minimumDays(_ days: Sourced<Int>) -> Sourced<Int> {
        days.value < 0 ? Sourced(0, days.source) : days
    }

    // MARK: Auto-login (VN-TD-PW-003)

    func autoLogin() throws -> [AutoLoginSetting] {
        var found: [AutoLoginSetting] = []
        // GDM: Debian's file is daemon.conf, Red Hat's custom.conf; both use [daemon].
        for path in ["/etc/gdm3/daemon.conf", "/etc/gdm3/custom.conf", "/etc/gdm/custom.conf"] {
            guard let text = try host.text(path) else { continue }
            let ini = IniFile.parse(text, path: path)
            for key in ["AutomaticLoginEnable", "TimedLoginEnable"] {
                if let v = ini.value("daemon", key), FactValue.string(v.value).boolValue == true {
                    let userKey = key == "AutomaticLoginEnable" ? "AutomaticLogin" : "TimedLogin"
                    found.append(AutoLoginSetting(displayManager: "gdm", user: ini.value("daemon", userKey)?.value, source: v.source))
                }
            }
        }
        // LightDM reads lightdm.conf.d/*.conf, then lightdm.conf.
        var lightdm: [String] = try host.list("/etc/lightdm/lightdm.conf.d").filter { $0.hasSuffix(".conf") }.map { "/etc/lightdm/lightdm.conf.d/\($0)" }
        lightdm.append("/etc/lightdm/lightdm.conf")
        for path in lightdm {
            guard let text = try host.text(path) else { continue }
            for entry in IniFile.parse(text, path: path).entries where entry.key == "autologin-user" && !entry.value.isEmpty {
                guard entry.section.hasPrefix("Seat") else { continue }
                found.append(AutoLoginSetting(displayManager: "lightdm", user: entry.value, source: entry.source))
            }
        }
        var sddm: [String] = try host.list("/etc/sddm.conf.d").filter { $0.hasSuffix(".conf") }.map { "/etc/sddm.conf.d/\($0)" }
        sddm.append("/etc/sddm.conf")
        for path in sddm {
            guard let text = try host.text(path) else { continue }
            if let user = IniFile.parse(text, path: path).value("Autologin", "User"), !user.value.isEmpty {
                found.append(AutoLoginSetting(displayManager: "sddm", user: user.value, source: user.source))
            }
        }
        return found
    }
}

/// One login the PAM simulator plays: what each module would return for it. Modules attt does not
/// model return `ignore` in the auth phase (they neither grant nor refuse) and `success` in the account phase.
struct LoginAttempt {
    var passwordCorrect: Bool
    var locked: Bool

    func result(_ rule: PamRule) -> String {
        switch rule.moduleName {
        case "pam_unix.so":
            return rule.type == "auth" && !passwordCorrect ? "auth_err" : "success"
        case "pam_faillock.so":
            if rule.type == "account" { return locked ? "perm_denied" : "success" }
            if rule.has("preauth") { return locked ? "auth_err" : "success" }
            // authfail records the failure and fails; it only matters when it runs.
            if rule.has("authfail") { return "auth_err" }
            return "success"
        case "pam_deny.so":
            return rule.type == "account" ? "perm_denied" : "auth_err"
        case "pam_permit.so":
            return "success"
        default:
            return rule.type == "account" ? "success" : "ignore"
        }
    }
}
