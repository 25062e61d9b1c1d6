/// Local accounts, groups and administrative rights. Password hashes never enter these facts:
/// only what kind of hash an account has.
public struct AccountFacts: Codable, Sendable, Hashable {
    public var users: [UserAccount]
    public var groups: [GroupEntry]
    /// Who can act as root, and through what (a group or a sudoers rule).
    public var administrators: [AdminGrant]
    /// sudoers rules that run every command without a password.
    public var passwordlessSudo: [SudoRule]
    /// Where last logins were read from, or why they could not be.
    public var lastLoginSources: [String]

    public init(users: [UserAccount], groups: [GroupEntry], administrators: [AdminGrant], passwordlessSudo: [SudoRule], lastLoginSources: [String]) {
        self.users = users
        self.groups = groups
        self.administrators = administrators
        self.passwordlessSudo = passwordlessSudo
        self.lastLoginSources = lastLoginSources
    }
}

/// How an account's password field reads in `/etc/shadow`, without the hash itself.
public enum PasswordState: String, Codable, Sendable, Hashable, CaseIterable {
    /// A crypt hash: the account has a password.
    case hashed
    /// Empty field: anyone can log in with no password where `nullok` allows it.
    case empty
    /// `!` or `!!` before a hash: locked with `passwd -l`.
    case locked
    /// `*`, `!` or `!*` alone: no password login ever.
    case disabled
    /// No shadow entry, or `x` in passwd with none in shadow.
    case missing
}

public struct UserAccount: Codable, Sendable, Hashable {
    public var name: String
    public var uid: Int
    public var gid: Int
    public var home: String
    public var shell: String
    /// The account's line in `/etc/passwd`.
    public var source: SourceLocation
    /// The shell is in `/etc/shells` and is not `nologin` or `false`.
    public var loginShell: Bool
    /// A person's account: UID between UID_MIN and UID_MAX with a login shell (root is not counted).
    public var interactive: Bool
    /// From the account's line in `/etc/shadow`.
    public var passwordState: Sourced<PasswordState>
    /// `yescrypt`, `sha512`, `sha256`, `bcrypt`, `md5`, `des`, … for hashed and locked accounts.
    public var hashScheme: String?
    /// MD5 and DES hashes are cracked in minutes.
    public var weakHash: Sourced<Bool>
    public var passwordChanged: Sourced<Timestamp>?
    /// `lastchg` is 0: the user must change the password at next login.
    public var mustChangePassword: Bool
    public var maxDays: Sourced<Int>?
    public var minDays: Sourced<Int>?
    public var warnDays: Sourced<Int>?
    public var accountExpires: Timestamp?
    public var expired: Bool
    /// The newest login found in lastlog or wtmp.
    public var lastLogin: Sourced<Timestamp>?
    public var groups: [String]
    public var authorizedKeys: Int

    public init(name: String, uid: Int, gid: Int, home: String, shell: String, source: SourceLocation, loginShell: Bool, interactive: Bool, passwordState: Sourced<PasswordState>, hashScheme: String?, weakHash: Sourced<Bool>, passwordChanged: Sourced<Timestamp>?, mustChangePassword: Bool, maxDays: Sourced<Int>?, minDays: Sourced<Int>?, warnDays: Sourced<Int>?, accountExpires: Timestamp?, expired: Bool, lastLogin: Sourced<Timestamp>?, groups: [String], authorizedKeys: Int) {
        self.name = name
        self.uid = uid
        self.gid = gid
        self.home = home
        self.shell = shell
        self.source = source
        self.loginShell = loginShell
        self.interactive = interactive
        self.passwordState = passwordState
        self.hashScheme = hashScheme
        self.weakHash = weakHash
        self.passwordChanged = passwordChanged
        self.mustChangePassword = mustChangePassword
        self.maxDays = maxDays
        self.minDays = minDays
        self.warnDays = warnDays
        self.accountExpires = accountExpires
        self.expired = expired
        self.lastLogin = lastLogin
        self.groups = groups
        self.authorizedKeys = authorizedKeys
    }
}

public struct GroupEntry: Codable, Sendable, Hashable {
    public var name: String
    public var gid: Int
    /// Listed members plus users whose primary group this is.
    public var members: [String]
    public var source: SourceLocation

    public init(name: String, gid: Int, members: [String], source: SourceLocation) {
        self.name = name
        self.gid = gid
        self.members = members
        self.source = source
    }
}

/// One account that holds administrative rights.
public struct AdminGrant: Codable, Sendable, Hashable {
    public var user: String
    /// `group:sudo` or `sudoers`.
    public var via: String
    public var source: SourceLocation

    public init(user: String, via: String, source: SourceLocation) {
        self.user = user
        self.via = via
        self.source = source
    }
}

/// A sudoers user specification.
public struct SudoRule: Codable, Sendable, Hashable {
    /// The user list as written: `%sudo`, `alice`, `ALL`.
    public var who: String
    public var commands: String
    public var noPassword: Bool
    public var allCommands: Bool
    public var source: SourceLocation

    public init(who: String, commands: String, noPassword: Bool, allCommands: Bool, source: SourceLocation) {
        self.who = who
        self.commands = commands
        self.noPassword = noPassword
        self.allCommands = allCommands
        self.source = source
    }
}
