/// File sharing: Samba shares and user shares, NFS exports, FTP.
public struct ShareFacts: Codable, Sendable, Hashable {
    public var samba: SambaFacts?
    public var nfsExports: [NfsExport]
    /// vsftpd's `anonymous_enable`, when vsftpd is configured.
    public var ftpAnonymous: Sourced<Bool>?
    /// Paths that are whole disks or partitions: `/`, mount points from fstab, `/home`, `/media/*`, `/mnt/*`.
    public var wholeDiskPaths: [String]

    public init(samba: SambaFacts?, nfsExports: [NfsExport], ftpAnonymous: Sourced<Bool>?, wholeDiskPaths: [String]) {
        self.samba = samba
        self.nfsExports = nfsExports
        self.ftpAnonymous = ftpAnonymous
        self.wholeDiskPaths = wholeDiskPaths
    }
}

public struct SambaFacts: Codable, Sendable, Hashable {
    public var security: Sourced<String>
    public var mapToGuest: Sourced<String>
    public var usershareAllowGuests: Sourced<Bool>
    public var usershareMaxShares: Sourced<Int>
    public var serverMinProtocol: Sourced<String>
    public var shares: [SambaShare]
    /// Shares made from the file manager (`net usershare`).
    public var usershares: [SambaShare]

    public init(security: Sourced<String>, mapToGuest: Sourced<String>, usershareAllowGuests: Sourced<Bool>, usershareMaxShares: Sourced<Int>, serverMinProtocol: Sourced<String>, shares: [SambaShare], usershares: [SambaShare]) {
        self.security = security
        self.mapToGuest = mapToGuest
        self.usershareAllowGuests = usershareAllowGuests
        self.usershareMaxShares = usershareMaxShares
        self.serverMinProtocol = serverMinProtocol
        self.shares = shares
        self.usershares = usershares
    }
}

public struct SambaShare: Codable, Sendable, Hashable {
    public var name: String
    public var path: String?
    public var guestOk: Bool
    public var readOnly: Bool
    public var validUsers: String?
    public var available: Bool
    /// The path is `/` or the root of a disk or partition.
    public var wholeDisk: Bool
    public var source: SourceLocation

    public init(name: String, path: String?, guestOk: Bool, readOnly: Bool, validUsers: String?, available: Bool, wholeDisk: Bool, source: SourceLocation) {
        self.name = name
        self.path = path
        self.guestOk = guestOk
        self.readOnly = readOnly
        self.validUsers = validUsers
        self.available = available
        self.wholeDisk = wholeDisk
        self.source = source
    }
}

public struct NfsExport: Codable, Sendable, Hashable {
    public var path: String
    public var clients: [NfsClient]
    /// Exported to every host (`*`, or no host given).
    public var world: Bool
    /// Some client has `no_root_squash`.
    public var noRootSquash: Bool
    public var wholeDisk: Bool
    public var source: SourceLocation

    public init(path: String, clients: [NfsClient], world: Bool, noRootSquash: Bool, wholeDisk: Bool, source: SourceLocation) {
        self.path = path
        self.clients = clients
        self.world = world
        self.noRootSquash = noRootSquash
        self.wholeDisk = wholeDisk
        self.source = source
    }
}

public struct NfsClient: Codable, Sendable, Hashable {
    public var host: String
    public var options: [String]

    public init(host: String, options: [String]) {
        self.host = host
        self.options = options
    }
}
