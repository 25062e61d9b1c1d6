import HardeningCore
import HostAccess

/// What could connect a state-secret PC to the outside (Điều 8 khoản 1 điểm a): WAN-capable profiles,
/// configured gateways, the modem manager, radio switches; on the live host, default routes and radios.
extension NetworkProbe {
    static let wanTypes: Set<String> = ["wifi", "802-11-wireless", "vpn", "wireguard", "gsm", "cdma", "bluetooth"]

    func isolation(_ keyfiles: [(path: String, file: IniFile)]) throws -> IsolationFacts {
        let wan = keyfiles.compactMap { k -> ConnectionProfile? in
            guard let type = k.file.value("connection", "type"), Self.wanTypes.contains(type.value) else { return nil }
            return ConnectionProfile(name: k.file.value("connection", "id")?.value ?? String(k.path.split(separator: "/").last ?? ""), type: type)
        }
        var gateways: [RouteOut] = []
        let interfaces = try ["/etc/network/interfaces"] + host.list("/etc/network/interfaces.d").filter { !$0.hasPrefix(".") }.map { "/etc/network/interfaces.d/\($0)" }
        for path in interfaces {
            if let text = try host.text(path) { gateways += ConfiguredGateways.interfaces(text, path: path) }
        }
        // systemd ships .network files for containers (80-container-host0.network, DHCP=yes); they count
        // only when systemd-networkd runs at all.
        var seen = Set<String>()
        let networkd = try enabledUnit("systemd-networkd.service").value
        for dir in ["/etc/systemd/network", "/run/systemd/network", "/usr/lib/systemd/network", "/lib/systemd/network"] where networkd {
            for entry in try host.list(dir) where entry.hasSuffix(".network") && seen.insert(entry).inserted {
                let path = "\(dir)/\(entry)"
                if let text = try host.text(path) { gateways += ConfiguredGateways.networkd(text, path: path) }
            }
        }
        // `systemctl mask` leaves the enable links in place; the /dev/null link wins.
        var modem = try enabledUnit("ModemManager.service")
        let mask = "/etc/systemd/system/ModemManager.service"
        if modem.value, host.linkTarget(mask) == "/dev/null" { modem = Sourced(false, SourceLocation(path: mask)) }

        let networkManager = host.exists("/usr/sbin/NetworkManager") || host.isDirectory("/etc/NetworkManager")
        let statePath = "/var/lib/NetworkManager/NetworkManager.state"
        let state = try networkManager ? host.text(statePath) : nil
        var saved: [RadioSwitch] = []
        for entry in try host.list("/var/lib/systemd/rfkill") where !entry.hasPrefix(".") {
            let path = "/var/lib/systemd/rfkill/\(entry)"
            guard let text = try host.text(path) else { continue }
            saved.append(RadioSwitch(name: entry, type: String(entry.split(separator: ":").last ?? ""), blocked: Sourced(text.trimmed == "1", SourceLocation(path: path, line: 1))))
        }
        var routes: [RouteOut]? = nil
        var radios: [RadioSwitch]? = nil
        if host.isLiveHost {
            routes = try ProcRoutes.ipv4Defaults(host.text("/proc/net/route") ?? "") + ProcRoutes.ipv6Defaults(host.text("/proc/net/ipv6_route") ?? "")
            radios = try liveRadios()
        }
        return IsolationFacts(
            wanProfiles: wan, gateways: gateways, modemManager: modem,
            wirelessEnabled: networkManager ? NetworkManagerState.radio("WirelessEnabled", in: state, path: statePath) : nil,
            wwanEnabled: networkManager ? NetworkManagerState.radio("WWANEnabled", in: state, path: statePath) : nil,
            savedRadios: saved, defaultRoutes: routes, radios: radios
        )
    }

    /// /sys/class/rfkill/rfkillN: `type`, and `soft` / `hard` (1 = blocked by software / by a switch).
    func liveRadios() throws -> [RadioSwitch] {
        try host.list("/sys/class/rfkill").compactMap { entry in
            let base = "/sys/class/rfkill/\(entry)"
            guard let type = try host.text("\(base)/type")?.trimmed else { return nil }
            let soft = try host.text("\(base)/soft")?.trimmed == "1"
            let hard = try host.text("\(base)/hard")?.trimmed == "1"
            let name = try host.text("\(base)/name")?.trimmed ?? entry
            return RadioSwitch(name: name, type: type, blocked: Sourced(soft || hard, SourceLocation(path: "\(base)/soft")))
        }
    }

    /// /etc/cups/printers.conf (root-only on a real host: an unreadable file is an error, not "no printers").
    func printQueues() throws -> [PrintQueue] {
        let path = "/etc/cups/printers.conf"
        return try host.text(path).map { CupsPrinters.parse($0, path: path) } ?? []
    }
}
