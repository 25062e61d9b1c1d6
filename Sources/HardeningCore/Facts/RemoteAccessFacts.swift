/// Remote login to the host (Điều 7 khoản 2: "theo dõi, giám sát… đăng nhập từ xa"; Điều 9 khoản 3):
/// the SSH server's effective settings, and the other remote-access servers installed.
public struct RemoteAccessFacts: Codable, Sendable, Hashable {
    /// nil when there is no `/etc/ssh/sshd_config` (no SSH server configured).
    public var ssh: SshServerFacts?
    /// Remote-desktop servers enabled at boot (xrdp, x11vnc). Third-party tools (AnyDesk, TeamViewer,
    /// RustDesk) are on VN-TD-SW-001's deny list instead; GNOME Remote Desktop is per user, not read.
    public var remoteDesktops: [RemoteDesktopServer]

    public init(ssh: SshServerFacts?, remoteDesktops: [RemoteDesktopServer] = []) {
        self.ssh = ssh
        self.remoteDesktops = remoteDesktops
    }

    private enum CodingKeys: String, CodingKey { case ssh, remoteDesktops }

    /// Facts stored before remote desktops were read have none.
    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        ssh = try c.decodeIfPresent(SshServerFacts.self, forKey: .ssh)
        remoteDesktops = try c.decodeIfPresent([RemoteDesktopServer].self, forKey: .remoteDesktops) ?? []
    }
}

/// A remote-desktop server that starts at boot, with the settings that decide who may log in how.
public struct RemoteDesktopServer: Codable, Sendable, Hashable {
    /// `xrdp` or `x11vnc`.
    public var name: String
    /// The unit enabled at boot.
    public var unit: String
    public var source: SourceLocation
    /// xrdp: `[Globals] security_layer` of xrdp.ini (`tls`, `negotiate`, `rdp`; xrdp's default `negotiate`).
    public var securityLayer: Sourced<String>?
    /// xrdp: `[Security] AllowRootLogin` of sesman.ini (default true).
    public var allowRootLogin: Sourced<Bool>?
    /// x11vnc: the service names a password file (`-rfbauth`, `-passwdfile`) that exists, and not `-nopw`.
    public var passwordFile: Sourced<Bool>?

    public init(name: String, unit: String, source: SourceLocation, securityLayer: Sourced<String>? = nil, allowRootLogin: Sourced<Bool>? = nil, passwordFile: Sourced<Bool>? = nil) {
        self.name = name
        self.unit = unit
        self.source = source
        self.securityLayer = securityLayer
        self.allowRootLogin = allowRootLogin
        self.passwordFile = passwordFile
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
    /// The ports sshd listens on: each `ListenAddress` with its own port, the others on every `Port`
    /// (22 when none is set), as `sshd -T` lists them. Isolation keeps exactly these open to the
    /// management networks (Điều 11 khoản 2 điểm a, Bước 1).
    public var ports: Sourced<[Int]>
    public var matchBlocks: [SshMatchBlock]

    public init(
        permitRootLogin: Sourced<String>, permitEmptyPasswords: Sourced<Bool>, maxAuthTries: Sourced<Int>,
        passwordAuthentication: Sourced<Bool>, logLevel: Sourced<String>, allowGroups: Sourced<[String]>,
        allowUsers: Sourced<[String]>, ports: Sourced<[Int]> = Sourced([22], .builtin("openssh")), matchBlocks: [SshMatchBlock]
    ) {
        self.permitRootLogin = permitRootLogin
        self.permitEmptyPasswords = permitEmptyPasswords
        self.maxAuthTries = maxAuthTries
        self.passwordAuthentication = passwordAuthentication
        self.logLevel = logLevel
        self.allowGroups = allowGroups
        self.allowUsers = allowUsers
        self.ports = ports
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
