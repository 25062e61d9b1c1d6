import FoundationEssentials

/// VN-TD-SEC-001 (Điều 8 khoản 1 điểm a): cut a state-secret PC's paths to the outside. Opt-in: it is
/// only planned for hosts checked with the `secret` role, and it deletes network profiles (the
/// transaction keeps a copy of every file, so `attt rollback` brings them back).
///
/// - NetworkManager's saved radio switches off (`NetworkManager.state`), and on the live host
///   `nmcli radio all off` and `rfkill block wlan bluetooth` now;
/// - systemd-rfkill's saved states set to blocked, so the radios stay off after a reboot;
/// - Wi-Fi, VPN, WireGuard, mobile and Bluetooth profiles deleted (NetworkManager keyfiles, OpenVPN and
///   WireGuard configs); IPsec and PPTP peers live in shared files and are left to the officer;
/// - ModemManager masked; radio and tethering modules refused by /etc/modprobe.d/50-vn-td-radios.conf.
public struct SecretIsolationFixer: Fixer {
    public let name = "isolate-secret-pc"
    public init() {}

    static let statePath = "/var/lib/NetworkManager/NetworkManager.state"
    static let modprobePath = "/etc/modprobe.d/50-vn-td-radios.conf"
    /// Wi-Fi (cfg80211 underlies every Wi-Fi driver), Bluetooth, mobile broadband and phone tethering.
    static let radioModules = ["cfg80211", "mac80211", "bluetooth", "btusb", "cdc_mbim", "qmi_wwan", "option", "rndis_host", "ipheth"]

    public func reads(_ facts: HostFacts) -> [String] { [Self.statePath] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let network = context.facts.network.value, let isolation = network.isolation else {
            throw FixError.cannotFix(context.control.id, "the network facts could not be collected")
        }
        let live = context.root == "/"
        var actions: [RemediationAction] = []
        if isolation.wirelessEnabled?.value == true || isolation.wwanEnabled?.value == true {
            actions.append(.writeFile(path: Self.statePath, content: Data(Self.radiosOff(context.text(Self.statePath)).utf8), mode: 0o644))
            if live, context.facts.services.active.value?.contains("NetworkManager.service") == true {
                actions.append(.runCommand(arguments: ["nmcli", "radio", "all", "off"], touches: [Self.statePath], inRoot: false))
            }
        }
        for radio in isolation.savedRadios where !radio.blocked.value {
            actions.append(.writeFile(path: radio.blocked.source.path, content: Data("1\n".utf8), mode: 0o644))
        }
        if live, isolation.radios?.contains(where: { !$0.blocked.value }) == true {
            actions.append(.runCommand(arguments: ["rfkill", "block", "wlan", "bluetooth", "wwan"], touches: [], inRoot: false))
        }
        // Removed inside the root (a link in the tree cannot lead out of it); the journal keeps each first.
        var profiles = isolation.wanProfiles.map(\.type.source.path)
        profiles += network.vpnProfiles.filter { ["openvpn", "wireguard"].contains($0.manager) }.map(\.source.path)
        for profile in Set(profiles).sorted() { actions.append(.removeFile(path: profile)) }
        if isolation.modemManager.value {
            let root = live ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["mask", "ModemManager.service"], touches: ["/etc/systemd/system/ModemManager.service"], inRoot: false))
        }
        actions.append(.writeFile(path: Self.modprobePath, content: Data(Self.blacklist(context.control.id).utf8), mode: 0o644))
        return actions
    }

    /// NetworkManager.state with `WirelessEnabled=false` and `WWANEnabled=false` in `[main]`; every
    /// other line as it was.
    public static func radiosOff(_ text: String?) -> String {
        var lines = (text ?? "").lines.map(String.init)
        if lines.last == "" { lines.removeLast() }
        var section = ""
        lines.removeAll { line in
            let t = line.trimmed
            if t.hasPrefix("[") { section = t; return false }
            return section == "[main]" && (t.hasPrefix("WirelessEnabled=") || t.hasPrefix("WWANEnabled="))
        }
        let settings = ["WirelessEnabled=false", "WWANEnabled=false"]
        if let main = lines.firstIndex(where: { $0.trimmed == "[main]" }) {
            lines.insert(contentsOf: settings, at: main + 1)
        } else {
            lines = ["[main]", "NetworkingEnabled=true"] + settings + (lines.isEmpty ? [] : [""] + lines)
        }
        return lines.joined(separator: "\n") + "\n"
    }

    /// `blacklist` stops loading by alias (a device appearing); `install … /bin/false` stops loading by name too.
    static func blacklist(_ control: String) -> String {
        var text = "# attt \(control) (Điều 8 khoản 1 điểm a): a state-secret PC has no radio and no phone tethering.\n"
        for module in radioModules { text += "blacklist \(module)\ninstall \(module) /bin/false\n" }
        return text
    }
}
