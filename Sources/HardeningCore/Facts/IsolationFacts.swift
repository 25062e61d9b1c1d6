/// Paths from a state-secret PC to the outside (Điều 8 khoản 1 điểm a: "không nối mạng Internet";
/// Luật Bảo vệ bí mật nhà nước 2018 Điều 5 khoản 5). On disk for any root; live state only on `/`.
public struct IsolationFacts: Codable, Sendable, Hashable {
    /// NetworkManager profiles that can reach a wide-area network: wifi, vpn, wireguard, gsm, cdma,
    /// bluetooth (name and type only).
    public var wanProfiles: [ConnectionProfile]
    /// `gateway` lines in /etc/network/interfaces and `Gateway=` / `DHCP=` in systemd-networkd files:
    /// a configured route out of the LAN.
    public var gateways: [RouteOut]
    /// ModemManager starts at boot (enabled and not masked): it brings up 3G/4G modems.
    public var modemManager: Sourced<Bool>
    /// NetworkManager's saved radio switches (`WirelessEnabled`, `WWANEnabled` in NetworkManager.state;
    /// on when the file does not say). Absent when NetworkManager is not installed.
    public var wirelessEnabled: Sourced<Bool>?
    public var wwanEnabled: Sourced<Bool>?
    /// systemd-rfkill's saved switches (/var/lib/systemd/rfkill), restored at boot.
    public var savedRadios: [RadioSwitch]
    /// Live host only (absent under another root): default routes from /proc/net/route and
    /// /proc/net/ipv6_route, and the radios in /sys/class/rfkill.
    public var defaultRoutes: [RouteOut]?
    public var radios: [RadioSwitch]?

    public init(wanProfiles: [ConnectionProfile], gateways: [RouteOut], modemManager: Sourced<Bool>, wirelessEnabled: Sourced<Bool>?, wwanEnabled: Sourced<Bool>?, savedRadios: [RadioSwitch], defaultRoutes: [RouteOut]?, radios: [RadioSwitch]?) {
        self.wanProfiles = wanProfiles
        self.gateways = gateways
        self.modemManager = modemManager
        self.wirelessEnabled = wirelessEnabled
        self.wwanEnabled = wwanEnabled
        self.savedRadios = savedRadios
        self.defaultRoutes = defaultRoutes
        self.radios = radios
    }
}

/// A way out of the LAN: a configured gateway or DHCP (`Gateway=10.0.0.1`, `DHCP=yes`), or a default
/// route the kernel holds (`enp3s0 via 192.168.1.1`), with where it was read.
public struct RouteOut: Codable, Sendable, Hashable {
    public var name: String
    public var source: SourceLocation

    public init(_ name: String, _ source: SourceLocation) {
        self.name = name
        self.source = source
    }
}

/// A NetworkManager profile by name and type.
public struct ConnectionProfile: Codable, Sendable, Hashable {
    public var name: String
    public var type: Sourced<String>

    public init(name: String, type: Sourced<String>) {
        self.name = name
        self.type = type
    }
}

/// A radio switch: its name (`phy0`, or the saved state's device and type) and whether it is blocked.
public struct RadioSwitch: Codable, Sendable, Hashable {
    public var name: String
    /// `wlan`, `bluetooth`, `wwan`, …
    public var type: String
    public var blocked: Sourced<Bool>

    public init(name: String, type: String, blocked: Sourced<Bool>) {
        self.name = name
        self.type = type
        self.blocked = blocked
    }
}

/// A CUPS print queue (Điều 8 khoản 1 điểm b: secret documents printed only on devices not on a network).
public struct PrintQueue: Codable, Sendable, Hashable {
    public var name: String
    /// The device URI's scheme (`usb`, `ipp`, `socket`, …): user names and passwords in the URI never leave the host.
    public var scheme: Sourced<String>
    /// Directly attached: `usb`, `parallel`, `serial`, or HPLIP's `hp`/`hpfax` for a USB device.
    public var local: Bool

    public init(name: String, scheme: Sourced<String>, local: Bool) {
        self.name = name
        self.scheme = scheme
        self.local = local
    }
}
