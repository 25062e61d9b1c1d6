/// The host's own network defences (Điều 6 — the second one, on equipment — khoản 4; Điều 9 khoản 2).
public struct NetworkFacts: Codable, Sendable, Hashable {
    public var kernel: KernelNetworkParameters
    /// ufw, firewalld and nftables: each one configured on the host, whether it starts at boot, and
    /// the default it gives incoming packets.
    public var firewalls: [FirewallManager]
    /// How many of them start at boot (two managers fight over the same kernel tables).
    public var firewallsEnabled: Int
    /// NetworkManager's saved Wi-Fi profiles (never their keys).
    public var wifiProfiles: [WifiProfile]
    /// Saved VPN connections of every kind (never their secrets).
    public var vpnProfiles: [VpnProfile]
    /// Paths to the outside a state-secret PC must not have.
    public var isolation: IsolationFacts?
    /// CUPS print queues and whether cups-browsed (which adds network queues by itself) starts at boot.
    public var printQueues: [PrintQueue]
    public var cupsBrowsed: Sourced<Bool>
    /// Browsers' DNS-over-HTTPS policies and the host's DNS servers.
    public var webFilter: WebFilterFacts?
    /// What the kernel enforces now (`nft list ruleset`, which shows ufw's and firewalld's tables too):
    /// only on the live host, as root, with nft installed; absent otherwise.
    public var runningFirewall: Probed<RunningFirewall>? = nil

    public init(
        kernel: KernelNetworkParameters, firewalls: [FirewallManager], wifiProfiles: [WifiProfile],
        vpnProfiles: [VpnProfile] = [], isolation: IsolationFacts? = nil,
        printQueues: [PrintQueue] = [], cupsBrowsed: Sourced<Bool> = Sourced(false, .builtin("cups-browsed")),
        webFilter: WebFilterFacts? = nil
    ) {
        self.kernel = kernel
        self.firewalls = firewalls
        self.firewallsEnabled = firewalls.filter(\.enabled.value).count
        self.wifiProfiles = wifiProfiles
        self.vpnProfiles = vpnProfiles
        self.isolation = isolation
        self.printQueues = printQueues
        self.cupsBrowsed = cupsBrowsed
        self.webFilter = webFilter
    }
}

/// A saved Wi-Fi connection (Điều 9 khoản 4: "mạng không dây… khoá tối thiểu 8 ký tự"). Only the
/// key's length and where it is kept leave the host, never the key.
public struct WifiProfile: Codable, Sendable, Hashable {
    /// The profile's name (`connection.id`).
    public var name: String
    public var ssid: String?
    /// `open`, `wep`, `owe`, `wpa-psk`, `sae`, `wpa-eap` (`[wifi-security] key-mgmt`; no section = open).
    public var security: Sourced<String>
    /// Characters in the saved pre-shared key; absent when none is saved in the file.
    public var keyLength: Sourced<Int>?
    /// `psk-flags` says the key is kept by the user's keyring (its length cannot be read here).
    public var keyInUserKeyring: Bool
    /// `[wifi] mode=ap`: the PC shares its connection as a hotspot.
    public var hotspot: Sourced<Bool>
    public var autoconnect: Bool
    public var source: SourceLocation

    public init(name: String, ssid: String?, security: Sourced<String>, keyLength: Sourced<Int>?, keyInUserKeyring: Bool, hotspot: Sourced<Bool>, autoconnect: Bool, source: SourceLocation) {
        self.name = name
        self.ssid = ssid
        self.security = security
        self.keyLength = keyLength
        self.keyInUserKeyring = keyInUserKeyring
        self.hotspot = hotspot
        self.autoconnect = autoconnect
        self.source = source
    }
}

public struct FirewallManager: Codable, Sendable, Hashable {
    /// `ufw`, `firewalld` or `nftables`.
    public var name: String
    /// Starts at boot: ufw's `ENABLED=yes`, or the systemd unit enabled (firewalld, nftables).
    public var enabled: Sourced<Bool>
    /// What happens to an incoming packet no rule matches: `drop`, `reject` or `accept` (lower case),
    /// for IPv4 and IPv6; absent when the manager does not filter that version at all.
    public var inputIPv4: Sourced<String>?
    public var inputIPv6: Sourced<String>?

    public init(name: String, enabled: Sourced<Bool>, inputIPv4: Sourced<String>?, inputIPv6: Sourced<String>?) {
        self.name = name
        self.enabled = enabled
        self.inputIPv4 = inputIPv4
        self.inputIPv6 = inputIPv6
    }
}

/// The kernel parameters that blunt floods and redirect tricks, as they will be after the next boot
/// (sysctl.d, with the line that sets each, or `default:linux`) and, on the live host, as they are now.
public struct KernelNetworkParameters: Codable, Sendable, Hashable {
    /// `net.ipv4.tcp_syncookies`: SYN cookies keep the host answering during a SYN flood.
    public var tcpSyncookies: KernelParameter
    /// `net.ipv4.conf.all.accept_redirects` and `….default.…`: ICMP redirects can reroute traffic.
    public var acceptRedirects: KernelParameter
    public var defaultAcceptRedirects: KernelParameter
    /// `net.ipv6.conf.all.accept_redirects`.
    public var ipv6AcceptRedirects: KernelParameter
    /// `net.ipv4.conf.all.rp_filter`: 1 strict, 2 loose (what VPN and multi-homed hosts need), 0 off.
    public var rpFilter: KernelParameter
    /// The `*.conf` files read, in the order `systemd-sysctl` applies them.
    public var files: [String]

    public init(
        tcpSyncookies: KernelParameter, acceptRedirects: KernelParameter, defaultAcceptRedirects: KernelParameter,
        ipv6AcceptRedirects: KernelParameter, rpFilter: KernelParameter, files: [String]
    ) {
        self.tcpSyncookies = tcpSyncookies
        self.acceptRedirects = acceptRedirects
        self.defaultAcceptRedirects = defaultAcceptRedirects
        self.ipv6AcceptRedirects = ipv6AcceptRedirects
        self.rpFilter = rpFilter
        self.files = files
    }
}

public struct KernelParameter: Codable, Sendable, Hashable {
    /// Dotted name, `net.ipv4.tcp_syncookies`.
    public var name: String
    /// After the next boot: the last sysctl.d line that sets it, or the kernel's default.
    public var configured: Sourced<String>
    /// `/proc/sys` now; only on the live host (absent under another root).
    public var running: Sourced<String>?

    public init(name: String, configured: Sourced<String>, running: Sourced<String>?) {
        self.name = name
        self.configured = configured
        self.running = running
    }
}

/// The default the running kernel gives incoming packets, per IP version: `drop` when an input base
/// chain drops by default, `accept` when none does or there is no input chain at all (an empty
/// ruleset accepts everything), with the chain's line in the listing.
public struct RunningFirewall: Codable, Sendable, Hashable {
    /// The host's own firewall: attt's isolation table is not counted (an isolated PC without a
    /// firewall of its own still fails NET-001).
    public var inputIPv4: Sourced<String>
    public var inputIPv6: Sourced<String>
    /// attt's isolation table (`inet attt_isolation`, Điều 11 khoản 2 điểm a, Bước 1) is loaded.
    public var isolationLoaded: Bool?

    public init(inputIPv4: Sourced<String>, inputIPv6: Sourced<String>, isolationLoaded: Bool? = nil) {
        self.inputIPv4 = inputIPv4
        self.inputIPv6 = inputIPv6
        self.isolationLoaded = isolationLoaded
    }
}
