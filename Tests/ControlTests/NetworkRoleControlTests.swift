import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// VPN profiles (VN-TD-NET-004, Điều 9 khoản 5) and the state-secret PC (VN-TD-SEC-001 / SEC-002,
/// Điều 8 khoản 1 điểm a, b) on fixture hosts and copies of them.
@Suite struct NetworkRoleControlTests {
    let hardened = Repository.host("debian12-hardened")
    let broken = Repository.host("debian12-broken")

    // MARK: VN-TD-NET-004

    /// The hardened PC has no VPN: nothing to control, and the evidence says so.
    @Test func net004NoProfileIsNothingToControl() throws {
        let r = try result("VN-TD-NET-004", root: hardened)
        #expect(r.status == .pass)
        #expect(r.evidence("VPN profiles").first?.actual == "0")
    }

    /// One approved WireGuard tunnel started at boot with its key root-only, and a NetworkManager
    /// OpenVPN profile used last week: both pass once the register names them.
    @Test func net004ApprovedRecentRootOnlyProfilesPass() throws {
        let host = try FixtureHost()
        try host.write("/etc/wireguard/wg-tinh.conf", "[Interface]\nPrivateKey = Fixture-WG-Private-Key=\nAddress = 10.8.0.2/32\n\n[Peer]\nPublicKey = Fixture-WG-Peer-Key=\nEndpoint = vpn.tinh.example:51820\nAllowedIPs = 10.8.0.0/24\n")
        #expect(chmod(host.url("/etc/wireguard/wg-tinh.conf").path, 0o600) == 0)
        try host.symlink("/etc/systemd/system/multi-user.target.wants/wg-quick@wg-tinh.service", to: "/lib/systemd/system/wg-quick@.service")
        let keyfile = "/etc/NetworkManager/system-connections/VPN-So.nmconnection"
        try host.write(keyfile, "[connection]\nid=VPN-So\nuuid=11111111-2222-4333-8444-555555555555\ntype=vpn\nautoconnect=false\n\n[vpn]\nservice-type=org.freedesktop.NetworkManager.openvpn\nconnection-type=password\nremote=vpn.so.example\ncipher=AES-256-GCM\npassword-flags=0\n\n[vpn-secrets]\npassword=Fixture-Vpn-Password\n\n[ipv4]\nmethod=auto\n")
        #expect(chmod(host.url(keyfile).path, 0o600) == 0)
        // 2026-11-18, a week before the fixtures' "now".
        try host.write("/var/lib/NetworkManager/timestamps", "[timestamps]\n11111111-2222-4333-8444-555555555555=1794960000\n")

        let unregistered = try result("VN-TD-NET-004", root: host.root)
        #expect(unregistered.status == .fail)
        #expect(unregistered.evidence("wg-tinh · in the approved VPN register").first?.actual == "wg-tinh")
        #expect(unregistered.evidence("VPN-So · in the approved VPN register").first?.source == keyfile)

        let r = try result("VN-TD-NET-004", root: host.root, tailoring: ["VN-TD-NET-004.vpn_register": .array([.string("wg-*"), .string("VPN-So")])])
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("VPN-So · last used").first?.actual == "2026-11-18T00:00:00Z")
        #expect(r.evidence("VPN-So · last used").first?.source == "/var/lib/NetworkManager/timestamps:2")
        #expect(r.evidence("wg-tinh · started at boot").first?.source == "/etc/systemd/system/multi-user.target.wants/wg-quick@wg-tinh.service")
        #expect(r.evidence("/etc/wireguard/wg-tinh.conf · file mode").first?.actual == "0600")

        // Group-readable: the key leaks to every member of the group.
        #expect(chmod(host.url("/etc/wireguard/wg-tinh.conf").path, 0o640) == 0)
        let loose = try result("VN-TD-NET-004", root: host.root, tailoring: ["VN-TD-NET-004.vpn_register": .array([.string("*")])])
        #expect(loose.status == .fail)
        #expect(loose.evidence("/etc/wireguard/wg-tinh.conf · file mode").first.map { $0.actual == "0640" && !$0.ok } == true)

        // Secrets never reach the facts.
        let facts = try AtttBinary.run(["inventory", "--root", host.root.path, "--format", "json"])
        #expect(facts.stdout.contains("wg-tinh") && facts.stdout.contains("VPN-So"))
        for secret in ["Fixture-WG-Private-Key", "Fixture-Vpn-Password", "Fixture-WG-Peer-Key"] { #expect(!facts.stdout.contains(secret)) }
    }

    /// The broken PC: a PPTP tunnel unused since January 2025 and an unencrypted OpenVPN config
    /// readable by everyone, neither in the (empty) register.
    @Test func net004PptpStaleCipherNoneAndWorldReadable() throws {
        let r = try result("VN-TD-NET-004", root: broken)
        #expect(r.status == .fail)
        let kind = try #require(r.evidence("VPN-NhaCungCap · VPN kind").first)
        #expect(kind.actual == "pptp" && kind.source == "/etc/NetworkManager/system-connections/VPN-NhaCungCap.nmconnection:13")
        #expect(r.evidence("VPN-NhaCungCap · last used").first?.actual == "2025-01-01T00:00:00Z")
        #expect(r.evidence("VPN-NhaCungCap · in the approved VPN register").first?.ok == false)
        #expect(r.evidence("dien-dan · unencrypted OpenVPN (cipher none)").first?.source == "/etc/openvpn/client/dien-dan.conf:7")
        // git checks the file out group- and world-readable (0644 or 0664, by umask).
        #expect(r.evidence("/etc/openvpn/client/dien-dan.conf · file mode").first.map { !$0.ok && $0.actual?.hasSuffix("44") == true } == true)
        #expect(r.evidence("dien-dan · last used").first?.actual == nil || r.evidence("dien-dan · last used").first?.ok == false)
        let facts = try AtttBinary.run(["inventory", "--root", broken.path, "--format", "json"])
        #expect(!facts.stdout.contains("Fixture-Pptp-Secret") && !facts.stdout.contains("Fixture-Static-Key"))
    }

    // MARK: VN-TD-NET-005

    @Test func net005HardenedFirefoxLockedAndResolverRecorded() throws {
        let r = try result("VN-TD-NET-005", root: hardened)
        #expect(r.status == .pass, "\(r.evidence)")
        let off = try #require(r.evidence("firefox-esr · DNS over HTTPS turned off by policy").first)
        #expect(off.actual == "true" && off.source == "/etc/firefox/policies/policies.json:4")
        #expect(r.evidence("firefox-esr · locked for the user").first?.source == "/etc/firefox/policies/policies.json:5")
        #expect(r.evidence("192.168.1.1 · the unit's filtering resolver").first?.source == "/etc/resolv.conf:3")
        // Once the unit lists its filtering resolvers, another server fails.
        let tailored = try result("VN-TD-NET-005", root: hardened, tailoring: ["VN-TD-NET-005.filtering_resolvers": .array([.string("10.10.0.53")])])
        #expect(tailored.status == .fail)
        #expect(tailored.evidence("192.168.1.1 · the unit's filtering resolver").first?.ok == false)
    }

    @Test func net005NoPolicyBrokenJsonAndChromium() throws {
        let r = try result("VN-TD-NET-005", root: broken)
        #expect(r.status == .fail)
        #expect(r.evidence("firefox-esr · DNS over HTTPS turned off by policy").first.map { $0.actual == "false" && $0.source == "/etc/firefox/policies/policies.json" } == true)

        let host = try FixtureHost()
        try host.write("/etc/firefox/policies/policies.json", "{\"policies\": {\"DNSOverHTTPS\": {\"Enabled\": false\n")
        let bad = try result("VN-TD-NET-005", root: host.root)
        #expect(bad.status == .fail)
        #expect(bad.evidence("firefox-esr · broken policy file").first?.actual?.contains("not valid JSON") == true)
        #expect(bad.evidence("firefox-esr · broken policy file").first?.source == "/etc/firefox/policies/policies.json")

        // Chromium is checked only once installed; its managed policy is locked by being managed.
        try host.write("/etc/firefox/policies/policies.json", "{\"policies\": {\"DNSOverHTTPS\": {\"Enabled\": false, \"Locked\": true}}}\n")
        try host.write("/etc/chromium/policies/managed/doh.json", "{ \"DnsOverHttpsMode\": \"automatic\" }\n")
        #expect(try result("VN-TD-NET-005", root: host.root).status == .pass)
        try host.append("/var/lib/dpkg/status", "\nPackage: chromium\nStatus: install ok installed\nPriority: optional\nSection: web\nArchitecture: amd64\nVersion: 131.0.6778.85-1~deb12u1\nDescription: web browser\n")
        let chromium = try result("VN-TD-NET-005", root: host.root)
        #expect(chromium.status == .fail)
        #expect(chromium.evidence("chromium · DNS over HTTPS turned off by policy").first?.source == "/etc/chromium/policies/managed/doh.json:1")
        try host.write("/etc/chromium/policies/managed/doh.json", "{ \"DnsOverHttpsMode\": \"off\" }\n")
        #expect(try result("VN-TD-NET-005", root: host.root).status == .pass)
    }

    // MARK: VN-TD-SEC-001

    /// Workstations are not secret PCs: the control does not apply (the role decides).
    @Test func secretControlsApplyOnlyToTheSecretRole() throws {
        for id in ["VN-TD-SEC-001", "VN-TD-SEC-002"] {
            #expect(try result(id, root: hardened).status == .notApplicable)
        }
        let out = try AtttBinary.run(["check", "--root", hardened.path, "--role", "secret", "--format", "json", "--now", "2026-11-25T08:00:00Z"])
        let report = try JSONSerialization.jsonObject(with: out.data) as? [String: Any]
        let policy = report?["policy"] as? [String: Any]
        #expect(policy?["role"] as? String == "secret", "\(out.stderr)")
    }

    /// The hardened office PC keeps its Wi-Fi profile: as a secret PC, it fails.
    @Test func sec001HardenedWifiFailsOnTheSecretRole() throws {
        let r = try result("VN-TD-SEC-001", root: hardened, role: .secret)
        #expect(r.status == .fail)
        let wifi = try #require(r.evidence("UBND-Xa · connection type").first)
        #expect(wifi.actual == "wifi" && wifi.source == "/etc/NetworkManager/system-connections/UBND-Xa.nmconnection:4")
        #expect(r.evidence("Wi-Fi on (NetworkManager)").first?.source == "default:NetworkManager")
    }

    @Test func sec001IsolatedCopyPasses() throws {
        let host = try secretHost()
        let r = try result("VN-TD-SEC-001", root: host.root, role: .secret)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("Wi-Fi on (NetworkManager)").first?.source == "/var/lib/NetworkManager/NetworkManager.state:3")
        #expect(r.evidence("saved radio states").first?.actual == "2")

        // One radio left on, a DHCP network, a modem manager and a 4G profile: each is named.
        try host.write("/var/lib/systemd/rfkill/platform-thinkpad_acpi:bluetooth", "0\n")
        try host.write("/etc/systemd/network/20-wired.network", "[Match]\nName=en*\n\n[Network]\nDHCP=yes\n")
        // networkd's files count only when networkd runs (systemd ships some for containers).
        #expect(try result("VN-TD-SEC-001", root: host.root, role: .secret).evidence("DHCP=yes").isEmpty)
        try host.symlink("/etc/systemd/system/multi-user.target.wants/systemd-networkd.service", to: "/lib/systemd/system/systemd-networkd.service")
        try host.remove("/etc/systemd/system/ModemManager.service")
        try host.write("/etc/NetworkManager/system-connections/Viettel.nmconnection", "[connection]\nid=Viettel\ntype=gsm\n\n[gsm]\napn=v-internet\n")
        let f = try result("VN-TD-SEC-001", root: host.root, role: .secret)
        #expect(f.status == .fail)
        #expect(f.evidence("platform-thinkpad_acpi:bluetooth · blocked").first?.actual == "false")
        let dhcp = try #require(f.evidence("DHCP=yes · configured gateways").first)
        #expect(dhcp.actual == "DHCP=yes" && dhcp.source == "/etc/systemd/network/20-wired.network:5")
        #expect(f.evidence("ModemManager at boot").first?.actual == "true")
        #expect(f.evidence("Viettel · connection type").first?.actual == "gsm")

        // A masked ModemManager does not start, whatever the enable links say.
        try host.symlink("/etc/systemd/system/ModemManager.service", to: "/dev/null")
        #expect(try result("VN-TD-SEC-001", root: host.root, role: .secret).evidence("ModemManager at boot").first?.actual == "false")
    }

    // MARK: VN-TD-SEC-002

    @Test func sec002UsbPrinterPassesNetworkQueueFails() throws {
        let host = try secretHost()
        let r = try result("VN-TD-SEC-002", root: host.root, role: .secret)
        #expect(r.status == .pass, "\(r.evidence)")
        #expect(r.evidence("Canon_LBP2900 · device type").first?.actual == "usb")

        try host.append("/etc/cups/printers.conf", Self.networkQueue)
        try host.symlink("/etc/systemd/system/multi-user.target.wants/cups-browsed.service", to: "/lib/systemd/system/cups-browsed.service")
        let f = try result("VN-TD-SEC-002", root: host.root, role: .secret)
        #expect(f.status == .fail)
        let queue = try #require(f.evidence("HP_Tang2 · device type").first)
        #expect(queue.actual == "ipp" && queue.source == "/etc/cups/printers.conf:31")
        #expect(f.evidence("cups-browsed at boot").first?.actual == "true")
        // The password in the URI stays on the host.
        let facts = try AtttBinary.run(["inventory", "--root", host.root.path, "--format", "json"])
        #expect(facts.stdout.contains("HP_Tang2") && !facts.stdout.contains("Fixture-Print-Password"))
    }

    /// A copy of the hardened PC made into a secret PC: no Wi-Fi profile, NetworkManager's radios
    /// off, the saved radio states blocked, ModemManager masked, no cups-browsed, and one USB printer (printers.conf as CUPS 2.4.2 writes it).
    func secretHost() throws -> FixtureHost {
        let host = try FixtureHost()
        try host.remove("/etc/NetworkManager/system-connections/UBND-Xa.nmconnection")
        try host.write("/var/lib/NetworkManager/NetworkManager.state", "[main]\nNetworkingEnabled=true\nWirelessEnabled=false\nWWANEnabled=false\n")
        try host.write("/var/lib/systemd/rfkill/pci-0000:02:00.0:wlan", "1\n")
        try host.write("/var/lib/systemd/rfkill/platform-thinkpad_acpi:bluetooth", "1\n")
        try host.write("/etc/cups/printers.conf", Self.usbQueue)
        // The hardened office PC starts ModemManager and cups-browsed: masked and disabled here.
        try host.symlink("/etc/systemd/system/ModemManager.service", to: "/dev/null")
        try host.remove("/etc/systemd/system/multi-user.target.wants/cups-browsed.service")
        return host
    }

    static let usbQueue = """
    # Printer configuration file for CUPS v2.4.2
    # Written by cupsd
    # DO NOT EDIT THIS FILE WHEN CUPSD IS RUNNING
    NextPrinterId 3
    <DefaultPrinter Canon_LBP2900>
    PrinterId 1
    UUID urn:uuid:3f0c7b3e-1a2b-3c4d-8e9f-0a1b2c3d4e5f
    Info Canon LBP2900
    Location Phòng văn thư
    MakeModel Canon LBP2900 - CUPS+Gutenprint v5.3.4
    DeviceURI usb://Canon/LBP2900?serial=0000A1B2C3D4
    State Idle
    StateTime 1795478400
    ConfigTime 1795478000
    Type 8392724
    Accepting Yes
    Shared No
    JobSheets none none
    QuotaPeriod 0
    PageLimit 0
    KLimit 0
    OpPolicy default
    ErrorPolicy stop-printer
    Attribute marker-colors \\#000000
    </DefaultPrinter>

    """

    static let networkQueue = """
    <Printer HP_Tang2>
    PrinterId 2
    UUID urn:uuid:7a6b5c4d-3e2f-4a1b-9c8d-7e6f5a4b3c2d
    Info HP LaserJet tầng 2
    MakeModel HP LaserJet Pro M404-M405 Postscript (recommended)
    DeviceURI ipp://vanthu:Fixture-Print-Password@192.168.1.20/ipp/print
    State Idle
    StateTime 1795478400
    Type 8556636
    Accepting Yes
    Shared No
    JobSheets none none
    QuotaPeriod 0
    PageLimit 0
    KLimit 0
    OpPolicy default
    ErrorPolicy retry-job
    </Printer>

    """
}
