import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// VPN configuration formats (VN-TD-NET-004, Điều 9 khoản 5): names, cipher and where the secrets are.
@Suite struct VpnParserTests {
    static let openvpn = """
    client
    dev tun
    remote vpn.tinh.example 1194
    ; cipher BF-CBC
    data-ciphers AES-256-GCM:none
    key keys/client.key
    tls-crypt /etc/openvpn/ta.key
    auth-user-pass
    <ca>
    -----BEGIN CERTIFICATE-----
    cipher none
    -----END CERTIFICATE-----
    </ca>

    """

    @Test func openVpnCipherAndKeyFiles() {
        let c = OpenVpnConfig.parse(Self.openvpn, path: "/etc/openvpn/client/tinh.conf")
        // `none` among the data ciphers lets a server fall back to plain text.
        #expect(c.cipherNone.value && c.cipherNone.source.line == 5)
        // A bare auth-user-pass asks on the console: no file.
        #expect(c.secretFiles == ["keys/client.key", "/etc/openvpn/ta.key"])
        #expect(!c.inlineSecret)
        let inline = OpenVpnConfig.parse("cipher AES-256-CBC\n<tls-crypt>\nx\n</tls-crypt>\ncipher none\n", path: "/a")
        #expect(inline.inlineSecret && inline.cipherNone.value && inline.cipherNone.source.line == 5)
        #expect(!OpenVpnConfig.parse("cipher AES-256-GCM\r\n", path: "/a").cipherNone.value)
    }

    static let ipsec = """
    config setup
        charondebug="ike 1"
    conn %default
        keyexchange=ikev2
    conn tinh
        right=vpn.tinh.example
        auto=start
    conn  "cu"
    """

    static let swanctl = """
    connections {
        tinh {
            remote_addrs = vpn.tinh.example
            children { net { remote_ts = 10.0.0.0/8 } }
        }
        cu { version = 1 }
    }
    secrets {
        ike-tinh { secret = "Fixture-PSK" }
    }
    """

    static let pptpPeer = "pty \"pptp vpn.cu.example --nolaunchpppd\"\nname ketoan\nremotename PPTP\nrequire-mppe-128\n"

    @Test func strongSwanConnections() {
        #expect(IpsecConfig.connections(Self.ipsec, path: "/etc/ipsec.conf").map { "\($0.value)@\($0.source.line ?? 0)" } == ["tinh@5", "\"cu\"@8"])
        let s = SwanctlConfig.parse(Self.swanctl, path: "/etc/swanctl/conf.d/tinh.conf")
        #expect(s.connections.map(\.value) == ["tinh", "cu"] && s.hasSecrets)
        #expect(!SwanctlConfig.parse("connections {\n a {\n }\n}\n", path: "/x").hasSecrets)
        #expect(PppPeer.pptpLine(Self.pptpPeer, path: "/etc/ppp/peers/cu")?.line == 1)
        #expect(PppPeer.pptpLine("pty \"/usr/sbin/chat -v\"\n", path: "/x") == nil)
    }
}

/// /proc routes, ifupdown and networkd gateways, NetworkManager.state and printers.conf (VN-TD-SEC-001, SEC-002).
@Suite struct IsolationParserTests {
    static let route = """
    Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT
    enp3s0\t00000000\t0101A8C0\t0003\t0\t0\t100\t00000000\t0\t0\t0
    enp3s0\t0001A8C0\t00000000\t0001\t0\t0\t100\t00FFFFFF\t0\t0\t0
    wg0\t00000000\t00000000\t0000\t0\t0\t0\t00000000\t0\t0\t0

    """

    static let ipv6Route = """
    00000000000000000000000000000000 00 00000000000000000000000000000000 00 fe800000000000000000000000000001 00000400 00000001 00000000 00000003 enp3s0
    fe800000000000000000000000000000 40 00000000000000000000000000000000 00 00000000000000000000000000000000 00000100 00000001 00000000 00000001 enp3s0
    00000000000000000000000000000000 00 00000000000000000000000000000000 00 00000000000000000000000000000000 ffffffff 00000001 00000000 00200200 lo

    """

    static let networkd = "[Match]\nName=en*\n\n[Network]\nDHCP=no\nAddress=192.168.10.5/24\nGateway=192.168.10.1\n\n[Route]\nGateway=192.168.10.254\n"

    static let printers = CupsPrintersFixture.text

    @Test func defaultRoutesFromProc() {
        let v4 = ProcRoutes.ipv4Defaults(Self.route)
        // The route that is not up (flags 0) does not count.
        #expect(v4.map(\.name) == ["enp3s0 via 192.168.1.1"] && v4.first?.source.description == "/proc/net/route:2")
        let v6 = ProcRoutes.ipv6Defaults(Self.ipv6Route)
        // The loopback's unreachable default is the kernel's own, not a way out.
        #expect(v6.map(\.name) == ["enp3s0 via fe800000000000000000000000000001"] && v6.first?.source.line == 1)
        #expect(ProcRoutes.ipv4Defaults("").isEmpty && ProcRoutes.ipv6Defaults("garbage\n").isEmpty)
    }

    @Test func configuredGateways() {
        let networkd = ConfiguredGateways.networkd(Self.networkd, path: "/etc/systemd/network/10-lan.network")
        #expect(networkd.map(\.name) == ["Gateway=192.168.10.1", "Gateway=192.168.10.254"])
        #expect(ConfiguredGateways.networkd("[Network]\nDHCP=ipv4\n", path: "/x").first?.source.line == 2)
        let ifupdown = ConfiguredGateways.interfaces("auto eth0\niface eth0 inet static\n  address 10.0.0.5/24\n  gateway 10.0.0.1\n# gateway 1.1.1.1\n", path: "/etc/network/interfaces")
        #expect(ifupdown.map(\.name) == ["gateway 10.0.0.1"] && ifupdown.first?.source.line == 4)
    }

    @Test func networkManagerRadioState() {
        let state = "[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=true\n"
        #expect(NetworkManagerState.radio("WirelessEnabled", in: state, path: "/s") == Sourced(false, SourceLocation(path: "/s", line: 3)))
        #expect(NetworkManagerState.radio("WWANEnabled", in: state, path: "/s").value)
        // No file, or no key: NetworkManager turns the radio on.
        #expect(NetworkManagerState.radio("WirelessEnabled", in: nil, path: "/s").source.description == "default:NetworkManager")
    }

    @Test func cupsQueues() {
        let queues = CupsPrinters.parse(Self.printers, path: "/etc/cups/printers.conf")
        #expect(queues.map(\.name) == ["Canon", "HP_Net", "HP_Usb", "Kho"])
        #expect(queues.map(\.scheme.value) == ["usb", "hp", "hp", "socket"])
        #expect(queues.map(\.local) == [true, false, true, false])
        #expect(queues[3].scheme.source.line == 14)
    }
}

enum CupsPrintersFixture {
    static let text = """
    # Printer configuration file for CUPS v2.4.2
    <DefaultPrinter Canon>
    DeviceURI usb://Canon/LBP2900?serial=0000A1B2C3D4
    Shared No
    </DefaultPrinter>
    <Printer HP_Net>
    DeviceURI hp:/net/HP_LaserJet_Pro?ip=192.168.1.30
    </Printer>
    <Printer HP_Usb>
    DeviceURI hp:/usb/HP_LaserJet_1020?serial=ABC
    </Printer>
    <Printer Kho>
    Info Kho
    DeviceURI socket://user:pw@192.168.1.40:9100
    </Printer>

    """
}

/// Browser policy JSON and resolver files (VN-TD-NET-005).
@Suite struct WebFilterParserTests {
    static let firefox = "{\n  \"policies\": {\n    \"DisableTelemetry\": true,\n    \"DNSOverHTTPS\": {\n      \"Enabled\": false,\n      \"Locked\": true\n    }\n  }\n}\n"

    @Test func firefoxAndChromiumPolicies() throws {
        let f = try BrowserPolicies.firefox(Self.firefox, path: "/p.json")
        #expect(f.disabled == Sourced(true, SourceLocation(path: "/p.json", line: 5)) && f.locked.value && f.locked.source.line == 6)
        let unlocked = try BrowserPolicies.firefox("{\"policies\": {\"DNSOverHTTPS\": {\"Enabled\": true}}}", path: "/p")
        #expect(!unlocked.disabled.value && !unlocked.locked.value)
        #expect(try BrowserPolicies.firefox("{}", path: "/p").disabled.value == false)
        #expect(try BrowserPolicies.chromium("{\"DnsOverHttpsMode\": \"off\", \"X\": [1, null, 2.5]}", path: "/c")?.value == "off")
        #expect(try BrowserPolicies.chromium("[1]", path: "/c") == nil)
        #expect(throws: ProbeError.self) { try BrowserPolicies.chromium("{\"DnsOverHttpsMode\": off}", path: "/c") }
        do {
            _ = try BrowserPolicies.firefox("{", path: "/etc/firefox/policies/policies.json")
            Issue.record("bad JSON accepted")
        } catch {
            #expect(error.path == "/etc/firefox/policies/policies.json" && error.reason.contains("not valid JSON"))
        }
    }

    @Test func resolvers() {
        let listed = ResolverConfig.resolvConf("# stub\nnameserver 127.0.0.53\r\noptions edns0\nnameserver  10.0.0.53 \n", path: "/etc/resolv.conf")
        #expect(listed.map(\.address) == ["127.0.0.53", "10.0.0.53"] && listed[1].source.line == 4)
        var servers: [Nameserver] = []
        ResolverConfig.resolved("[Resolve]\nDNS=1.1.1.1\n", path: "/a", into: &servers)
        ResolverConfig.resolved("[Resolve]\nDNS=\nDNS=10.0.0.53 10.0.0.54\n", path: "/b", into: &servers)
        #expect(servers.map(\.address) == ["10.0.0.53", "10.0.0.54"] && servers[0].source.description == "/b:3")
    }
}
