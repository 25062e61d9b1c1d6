/// A saved VPN connection (Điều 9 khoản 5: "quản lý, huỷ kết nối VPN khi không sử dụng"): what it is,
/// when it was last used and who can read its secrets. Never a key, password or pre-shared key.
public struct VpnProfile: Codable, Sendable, Hashable {
    /// The name the register knows it by: NetworkManager's `connection.id`, the OpenVPN or WireGuard
    /// file name without `.conf`, the IPsec `conn` or swanctl connection, the ppp peer.
    public var name: String
    /// `openvpn`, `wireguard`, `pptp`, `l2tp`, `openconnect`, `strongswan`, `vpnc`, `fortisslvpn`, `ipsec`.
    public var kind: Sourced<String>
    /// Who starts it: `networkmanager`, `openvpn`, `wireguard`, `ipsec`, `swanctl` or `ppp`.
    public var manager: String
    /// Last connected: NetworkManager's timestamps file or the keyfile's `connection.timestamp`
    /// (whichever is later). Absent when nothing records it.
    public var lastUsed: Sourced<Timestamp>?
    /// Started at every boot (a systemd unit such as `wg-quick@wg0.service` is enabled, or NetworkManager
    /// autoconnects it): then it is in use whatever the timestamps say.
    public var startsAtBoot: Sourced<Bool>
    /// OpenVPN `cipher none` or `none` among `data-ciphers`: the tunnel carries plain text.
    public var cipherNone: Sourced<Bool>
    /// The files that hold its secrets (keyfile, WireGuard config, OpenVPN keys, ipsec.secrets).
    public var secretFiles: [SecretFile]
    public var source: SourceLocation

    public init(name: String, kind: Sourced<String>, manager: String, lastUsed: Sourced<Timestamp>?, startsAtBoot: Sourced<Bool>, cipherNone: Sourced<Bool>, secretFiles: [SecretFile], source: SourceLocation) {
        self.name = name
        self.kind = kind
        self.manager = manager
        self.lastUsed = lastUsed
        self.startsAtBoot = startsAtBoot
        self.cipherNone = cipherNone
        self.secretFiles = secretFiles
        self.source = source
    }
}

/// A file with a key or password in it: only its permissions leave the host.
public struct SecretFile: Codable, Sendable, Hashable {
    public var path: String
    /// Permission bits as `chmod` writes them (`0600`).
    public var mode: Sourced<String>
    /// Owner's user id (0 = root).
    public var owner: Sourced<Int>
    /// Owned by root with no access for group or others.
    public var rootOnly: Bool

    public init(path: String, mode: String, owner: Int, rootOnly: Bool) {
        self.path = path
        self.mode = Sourced(mode, SourceLocation(path: path))
        self.owner = Sourced(owner, SourceLocation(path: path))
        self.rootOnly = rootOnly
    }
}
