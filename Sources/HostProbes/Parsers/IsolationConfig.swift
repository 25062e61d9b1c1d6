import HardeningCore

/// The kernel's routing tables as /proc shows them: only default routes matter to a state-secret PC
/// (Điều 8 khoản 1 điểm a — a default route is a path to the Internet).
enum ProcRoutes {
    /// `/proc/net/route`: a header line, then `Iface Destination Gateway Flags … Mask …` in hex.
    /// A default route has destination and mask 00000000 and the RTF_UP flag (0x1).
    static func ipv4Defaults(_ text: String, path: String = "/proc/net/route") -> [RouteOut] {
        var result: [RouteOut] = []
        for (index, line) in text.lines.enumerated() where index > 0 {
            let f = String(line).fields
            guard f.count >= 8, f[1] == "00000000", f[7] == "00000000", let flags = Int(f[3], radix: 16), flags & 0x1 != 0 else { continue }
            result.append(RouteOut("\(f[0]) via \(ipv4(f[2]))", SourceLocation(path: path, line: index + 1)))
        }
        return result
    }

    /// `/proc/net/ipv6_route`: `dest plen src plen nexthop metric refcnt use flags iface`, no header.
    /// The loopback's unreachable default (RTF_REJECT 0x200) is not a way out.
    static func ipv6Defaults(_ text: String, path: String = "/proc/net/ipv6_route") -> [RouteOut] {
        var result: [RouteOut] = []
        for (index, line) in text.lines.enumerated() {
            let f = String(line).fields
            guard f.count >= 10, f[0] == String(repeating: "0", count: 32), f[1] == "00", let flags = Int(f[8], radix: 16),
                  flags & 0x1 != 0, flags & 0x200 == 0, f[9] != "lo" else { continue }
            result.append(RouteOut("\(f[9]) via \(f[4])", SourceLocation(path: path, line: index + 1)))
        }
        return result
    }

    /// `0102A8C0` (little-endian hex) → `192.168.2.1`.
    static func ipv4(_ hex: String) -> String {
        guard hex.count == 8, let n = UInt32(hex, radix: 16) else { return hex }
        return [n & 0xff, (n >> 8) & 0xff, (n >> 16) & 0xff, n >> 24].map(String.init).joined(separator: ".")
    }
}

/// NetworkManager's `NetworkManager.state` (a keyfile, `[main]`): the radio switches it restores.
enum NetworkManagerState {
    static func radio(_ key: String, in text: String?, path: String) -> Sourced<Bool> {
        guard let text, let value = IniFile.parse(text, path: path).value("main", key) else {
            // NetworkManager turns radios on when its state file does not say otherwise.
            return Sourced(true, .builtin("NetworkManager"))
        }
        return Sourced(value.value.lowercased() == "true", value.source)
    }
}

/// Routes out configured on disk: ifupdown's `gateway` and systemd-networkd's `Gateway=` / `DHCP=`.
enum ConfiguredGateways {
    /// /etc/network/interfaces: `gateway ADDRESS` inside an `iface` stanza.
    static func interfaces(_ text: String, path: String) -> [RouteOut] {
        ConfigLines.meaningful(text).compactMap { line in
            let f = line.text.fields
            guard f.count >= 2, f[0] == "gateway" else { return nil }
            return RouteOut("gateway \(f[1])", SourceLocation(path: path, line: line.number))
        }
    }

    /// A `.network` file: `[Network] Gateway=`, `DHCP=yes|ipv4|ipv6` and `[Route] Gateway=` (DHCP brings a
    /// default route with the lease).
    static func networkd(_ text: String, path: String) -> [RouteOut] {
        IniFile.parse(text, path: path).entries.compactMap { e in
            if e.key == "Gateway", e.section == "Network" || e.section == "Route", !e.value.isEmpty {
                return RouteOut("Gateway=\(e.value)", e.source)
            }
            if e.section == "Network", e.key == "DHCP", ["yes", "true", "ipv4", "ipv6", "1", "on"].contains(e.value.lowercased()) {
                return RouteOut("DHCP=\(e.value)", e.source)
            }
            return nil
        }
    }
}

/// CUPS `/etc/cups/printers.conf`: `<Printer NAME>` / `<DefaultPrinter NAME>` blocks with a `DeviceURI`.
enum CupsPrinters {
    /// Schemes of directly attached devices. `hp:` and `hpfax:` are HPLIP's, local when the URI says `usb`/`par`.
    static let localSchemes: Set<String> = ["usb", "parallel", "serial"]

    static func parse(_ text: String, path: String) -> [PrintQueue] {
        var queues: [PrintQueue] = []
        var current: String? = nil
        var device: Sourced<String>? = nil
        var local = false
        for line in ConfigLines.meaningful(text) {
            let t = line.text
            if t.hasPrefix("<Printer ") || t.hasPrefix("<DefaultPrinter ") {
                current = String(t.drop { $0 != " " }.dropFirst().prefix { $0 != ">" })
                device = nil
                local = false
            } else if t.hasPrefix("</Printer") || t.hasPrefix("</DefaultPrinter") {
                if let name = current {
                    queues.append(PrintQueue(name: name, scheme: device ?? Sourced("none", SourceLocation(path: path, line: line.number)), local: local))
                }
                current = nil
            } else if current != nil, t.hasPrefix("DeviceURI ") {
                let uri = String(t.dropFirst("DeviceURI ".count)).trimmed
                // RFC 3986 scheme characters only: what follows may hold a user name and password.
                let name = uri.prefix { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "+" || $0 == "-" || $0 == ".") }
                let scheme = uri.dropFirst(name.count).first == ":" && !name.isEmpty ? name.lowercased() : "invalid"
                device = Sourced(scheme, SourceLocation(path: path, line: line.number))
                local = Self.isLocal(scheme: scheme, uri: uri)
            }
        }
        return queues
    }

    /// `hp:/usb/…` and `hp:/par/…` are attached; `hp:/net/…` is on the network.
    static func isLocal(scheme: String, uri: String) -> Bool {
        if localSchemes.contains(scheme) { return true }
        if scheme == "hp" || scheme == "hpfax" {
            let rest = uri.drop { $0 != ":" }.dropFirst().drop { $0 == "/" }
            return rest.hasPrefix("usb/") || rest.hasPrefix("par/")
        }
        return false
    }
}
