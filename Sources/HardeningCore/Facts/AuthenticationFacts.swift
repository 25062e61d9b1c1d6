/// Password quality, lockout and login settings, as PAM and the shadow suite would apply them.
public struct AuthenticationFacts: Codable, Sendable, Hashable {
    /// The `password` stack of the `passwd` PAM service: what runs when a user changes a password.
    public var passwordChange: PasswordChangeFacts
    /// Every interactive login service present (`login`, `gdm-password`, `sshd`, …).
    public var loginServices: [LoginServiceFacts]
    public var loginDefs: LoginDefs
    /// Display-manager auto-login settings that are switched on.
    public var autoLogin: [AutoLoginSetting]

    public init(passwordChange: PasswordChangeFacts, loginServices: [LoginServiceFacts], loginDefs: LoginDefs, autoLogin: [AutoLoginSetting]) {
        self.passwordChange = passwordChange
        self.loginServices = loginServices
        self.loginDefs = loginDefs
        self.autoLogin = autoLogin
    }
}

/// One line of a resolved PAM stack.
public struct PamRule: Codable, Sendable, Hashable {
    public var type: String
    public var control: String
    public var module: String
    public var arguments: [String]
    public var source: SourceLocation

    public init(type: String, control: String, module: String, arguments: [String], source: SourceLocation) {
        self.type = type
        self.control = control
        self.module = module
        self.arguments = arguments
        self.source = source
    }
}

public struct PasswordChangeFacts: Codable, Sendable, Hashable {
    public var service: String
    public var stack: [PamRule]
    /// `pam_pwquality.so` (or `pam_cracklib.so`) in the password stack, with where.
    public var qualityModule: Sourced<String>?
    /// Simulating the stack with the quality module refusing a password: does the change fail?
    /// `false` when the module is absent, `optional`, or jumped over.
    public var weakPasswordRejected: Sourced<Bool>
    /// The effective libpwquality settings (files, then module arguments).
    public var pwquality: PwqualitySettings

    public init(service: String, stack: [PamRule], qualityModule: Sourced<String>?, weakPasswordRejected: Sourced<Bool>, pwquality: PwqualitySettings) {
        self.service = service
        self.stack = stack
        self.qualityModule = qualityModule
        self.weakPasswordRejected = weakPasswordRejected
        self.pwquality = pwquality
    }
}

/// libpwquality's effective settings; each value says which file and line set it.
public struct PwqualitySettings: Codable, Sendable, Hashable {
    public var minlen: Sourced<Int>
    public var dcredit: Sourced<Int>
    public var ucredit: Sourced<Int>
    public var lcredit: Sourced<Int>
    public var ocredit: Sourced<Int>
    public var minclass: Sourced<Int>
    public var maxrepeat: Sourced<Int>
    public var dictcheck: Sourced<Int>
    public var usercheck: Sourced<Int>
    public var enforcing: Sourced<Int>
    public var enforceForRoot: Sourced<Bool>

    public init(minlen: Sourced<Int>, dcredit: Sourced<Int>, ucredit: Sourced<Int>, lcredit: Sourced<Int>, ocredit: Sourced<Int>, minclass: Sourced<Int>, maxrepeat: Sourced<Int>, dictcheck: Sourced<Int>, usercheck: Sourced<Int>, enforcing: Sourced<Int>, enforceForRoot: Sourced<Bool>) {
        self.minlen = minlen
        self.dcredit = dcredit
        self.ucredit = ucredit
        self.lcredit = lcredit
        self.ocredit = ocredit
        self.minclass = minclass
        self.maxrepeat = maxrepeat
        self.dictcheck = dictcheck
        self.usercheck = usercheck
        self.enforcing = enforcing
        self.enforceForRoot = enforceForRoot
    }
}

/// One PAM service people log in through, and how its stacks treat failed logins.
public struct LoginServiceFacts: Codable, Sendable, Hashable {
    public var service: String
    public var authStack: [PamRule]
    public var accountStack: [PamRule]
    /// `pam_faillock.so preauth` runs before the password is checked.
    public var faillockPreauth: Sourced<Bool>
    /// `pam_faillock.so authfail` runs after a wrong password, and the login is refused.
    public var faillockAuthfail: Sourced<Bool>
    /// `pam_faillock.so` in the account stack with a control that can refuse the login.
    public var faillockAccount: Sourced<Bool>
    /// `nullok` on `pam_unix.so` in the auth stack: an empty password is accepted.
    public var unixNullok: Sourced<Bool>
    /// faillock.conf, then module arguments.
    public var faillock: FaillockSettings

    public init(service: String, authStack: [PamRule], accountStack: [PamRule], faillockPreauth: Sourced<Bool>, faillockAuthfail: Sourced<Bool>, faillockAccount: Sourced<Bool>, unixNullok: Sourced<Bool>, faillock: FaillockSettings) {
        self.service = service
        self.authStack = authStack
        self.accountStack = accountStack
        self.faillockPreauth = faillockPreauth
        self.faillockAuthfail = faillockAuthfail
        self.faillockAccount = faillockAccount
        self.unixNullok = unixNullok
        self.faillock = faillock
    }
}

/// pam_faillock's effective settings.
public struct FaillockSettings: Codable, Sendable, Hashable {
    public var deny: Sourced<Int>
    public var failInterval: Sourced<Int>
    public var unlockTime: Sourced<Int>
    public var evenDenyRoot: Sourced<Bool>
    public var rootUnlockTime: Sourced<Int>?

    public init(deny: Sourced<Int>, failInterval: Sourced<Int>, unlockTime: Sourced<Int>, evenDenyRoot: Sourced<Bool>, rootUnlockTime: Sourced<Int>?) {
        self.deny = deny
        self.failInterval = failInterval
        self.unlockTime = unlockTime
        self.evenDenyRoot = evenDenyRoot
        self.rootUnlockTime = rootUnlockTime
    }
}

/// The settings of `/etc/login.defs` that controls read.
public struct LoginDefs: Codable, Sendable, Hashable {
    public var passMaxDays: Sourced<Int>
    public var passMinDays: Sourced<Int>
    public var passWarnAge: Sourced<Int>
    public var uidMin: Sourced<Int>
    public var uidMax: Sourced<Int>
    public var encryptMethod: Sourced<String>

    public init(passMaxDays: Sourced<Int>, passMinDays: Sourced<Int>, passWarnAge: Sourced<Int>, uidMin: Sourced<Int>, uidMax: Sourced<Int>, encryptMethod: Sourced<String>) {
        self.passMaxDays = passMaxDays
        self.passMinDays = passMinDays
        self.passWarnAge = passWarnAge
        self.uidMin = uidMin
        self.uidMax = uidMax
        self.encryptMethod = encryptMethod
    }
}

/// A display manager set to log a user in without a password.
public struct AutoLoginSetting: Codable, Sendable, Hashable {
    public var displayManager: String
    public var user: String?
    public var source: SourceLocation

    public init(displayManager: String, user: String?, source: SourceLocation) {
        self.displayManager = displayManager
        self.user = user
        self.source = source
    }
}
