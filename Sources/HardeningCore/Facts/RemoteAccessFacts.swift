/// Remote login to the host (Điều 7 khoản 2: "theo dõi, giám sát… đăng nhập từ xa"; Điều 9 khoản 3):
/// the SSH server's effective settings, and the other remote-access servers installed.
public struct RemoteAccessFacts: Codable, Sendable, Hashable {
    /// nil when there is no `/etc/ssh/sshd_config` (no SSH server configured).
    public var ssh: SshServerFacts?

    public init(ssh: SshServerFacts?) {
        self.ssh = ssh
    }
}

/// The settings sshd applies to a connection that no `Match` block selects, each with the line it
/// came from (or OpenSSH's default), and what each `Match` block changes.
public struct SshServerFacts: Codable, Sendable, Hashable {
    /// `prohibit-password`, `yes`, `no` or `forced-commands-only` (lower case).
    public var permitRootLogin: Sourced<String>
    public var permitEmptyPasswords: Sourced<Bool>
    public var maxAuthTries: Sourced<Int>
    public var passwordAuthentication: Sourced<Bool>
    /// `QUIET` … `DEBUG3` (upper case).
    public var logLevel: Sourced<String>
    /// Empty when the keyword is not set (everyone may log in).
    public var allowGroups: Sourced<[String]>
    public var allowUsers: Sourced<[String]>
    public var matchBlocks: [SshMatchBlock]

    public init(
        permitRootLogin: Sourced<String>, permitEmptyPasswords: Sourced<Bool>, maxAuthTries: Sourced<Int>,
        passwordAuthentication: Sourced<Bool>, logLevel: Sourced<String>, allowGroups: Sourced<[String]>,
        allowUsers: Sourced<[String]>, matchBlocks: [SshMatchBlock]
    ) {
        self.permitRootLogin = permitRootLogin
        self.permitEmptyPasswords = permitEmptyPasswords
        self.maxAuthTries = maxAuthTries
        self.passwordAuthentication = passwordAuthentication
        self.logLevel = logLevel
        self.allowGroups = allowGroups
        self.allowUsers = allowUsers
        self.matchBlocks = matchBlocks
    }
}

/// A `Match` block: the connections it selects, and the settings it sets for them (absent when it
/// leaves one alone).
public struct SshMatchBlock: Codable, Sendable, Hashable {
    public var criteria: String
    public var source: SourceLocation
    public var permitRootLogin: Sourced<String>?
    public var permitEmptyPasswords: Sourced<Bool>?
    public var maxAuthTries: Sourced<Int>?
    public var passwordAuthentication: Sourced<Bool>?
    public var logLevel: Sourced<String>?

    public init(
        criteria: String, source: SourceLocation, permitRootLogin: Sourced<String>?, permitEmptyPasswords: Sourced<Bool>?,
        maxAuthTries: Sourced<Int>?, passwordAuthentication: Sourced<Bool>?, logLevel: Sourced<String>?
    ) {
        self.criteria = criteria
        self.source = source
        self.permitRootLogin = permitRootLogin
        self.permitEmptyPasswords = permitEmptyPasswords
        self.maxAuthTries = maxAuthTries
        self.passwordAuthentication = passwordAuthentication
        self.logLevel = logLevel
    }
}
