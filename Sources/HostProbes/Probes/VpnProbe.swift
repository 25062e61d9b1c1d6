import HardeningCore
import HostAccess

/// Saved VPN connections (Điều 9 khoản 5): NetworkManager profiles of type vpn and wireguard, OpenVPN
/// and WireGuard configs, strongSwan connections and PPTP peers. Only names, kinds, last use and the
/// permissions of the files holding secrets are kept — never a key, password or pre-shared key.
extension NetworkProbe {
    func vpnProfiles(_ keyfiles: [(path: String, file: IniFile)]) throws -> [VpnProfile] {
        var profiles = try networkManagerVpns(keyfiles)
        profiles += try openVpnProfiles()
        profiles += try wireGuardProfiles()
        profiles += try strongSwanProfiles()
        profiles += try pptpPeers()
        return profiles
    }

    /// `type=vpn` (a plugin named by `[vpn] service-type`) and `type=wireguard` keyfiles. Last use is the
    /// later of the keyfile's `connection.timestamp` and NetworkManager's timestamps file.
    func networkManagerVpns(_ keyfiles: [(path: String, file: IniFile)]) throws -> [VpnProfile] {
        let timestampsPath = "/var/lib/NetworkManager/timestamps"
        let timestamps = try host.text(timestampsPath).map { IniFile.parse($0, path: timestampsPath) }
        var profiles: [VpnProfile] = []
        for (path, file) in keyfiles {
            guard let type = file.value("connection", "type") else { continue }
            let kind: Sourced<String>
            switch type.value {
            case "vpn":
                let service = file.value("vpn", "service-type")
                let plugin = service.map { String($0.value.split(separator: ".").last ?? "") } ?? "unknown"
                kind = Sourced(plugin, service?.source ?? type.source)
            case "wireguard":
                kind = Sourced("wireguard", type.source)
            default:
                continue
            }
            var used: [Sourced<Timestamp>] = []
            if let t = file.value("connection", "timestamp"), let seconds = Int(t.value), seconds > 0 {
                used.append(Sourced(Timestamp(secondsSince1970: seconds), t.source))
            }
            if let uuid = file.value("connection", "uuid")?.value, let t = timestamps?.value("timestamps", uuid), let seconds = Int(t.value), seconds > 0 {
                used.append(Sourced(Timestamp(secondsSince1970: seconds), t.source))
            }
            let cipher = file.value("vpn", "cipher")
            let dataCiphers = file.value("vpn", "data-ciphers")
            var cipherNone = Sourced(false, SourceLocation(path: path))
            if let c = cipher, c.value.lowercased() == "none" { cipherNone = Sourced(true, c.source) }
            if let d = dataCiphers, d.value.split(separator: ":").contains(where: { $0.lowercased() == "none" }) { cipherNone = Sourced(true, d.source) }
            // Key files the OpenVPN plugin names by absolute path.
            let referenced = ["key", "ta", "static-key", "tls-crypt", "tls-crypt-v2"].compactMap { file.value("vpn", $0)?.value }.filter { $0.hasPrefix("/") }
            profiles.append(VpnProfile(
                name: file.value("connection", "id")?.value ?? String(path.split(separator: "/").last ?? ""),
                kind: kind, manager: "networkmanager",
                lastUsed: used.max { $0.value < $1.value },
                startsAtBoot: Sourced(false, SourceLocation(path: path)),
                cipherNone: cipherNone,
                secretFiles: try secretFiles([path] + referenced),
                source: SourceLocation(path: path)
            ))
        }
        return profiles
    }

    /// `/etc/openvpn/client/*.conf` (openvpn-client@), `/etc/openvpn/server/*.conf` (openvpn-server@) and
    /// the older `/etc/openvpn/*.conf` (openvpn@). Relative key paths are relative to the config's directory,
    /// where the systemd units start OpenVPN.
    func openVpnProfiles() throws -> [VpnProfile] {
        var profiles: [VpnProfile] = []
        for (dir, unit) in [("/etc/openvpn/client", "openvpn-client@"), ("/etc/openvpn/server", "openvpn-server@"), ("/etc/openvpn", "openvpn@")] {
            for entry in try host.list(dir) where entry.hasSuffix(".conf") {
                let path = "\(dir)/\(entry)"
                guard let text = try host.text(path) else { continue }
                let name = String(entry.dropLast(5))
                let config = OpenVpnConfig.parse(text, path: path)
                var secrets = config.secretFiles.map { $0.hasPrefix("/") ? $0 : "\(dir)/\($0)" }
                if config.inlineSecret { secrets.insert(path, at: 0) }
                profiles.append(VpnProfile(
                    name: name, kind: Sourced("openvpn", SourceLocation(path: path)), manager: "openvpn",
                    lastUsed: nil, startsAtBoot: try enabledUnit("\(unit)\(name).service"),
                    cipherNone: config.cipherNone, secretFiles: try secretFiles(secrets), source: SourceLocation(path: path)
                ))
            }
        }
        return profiles
    }

    /// `/etc/wireguard/NAME.conf`, brought up by `wg-quick@NAME`: the file holds the interface's private key.
    func wireGuardProfiles() throws -> [VpnProfile] {
        try host.list("/etc/wireguard").filter { $0.hasSuffix(".conf") }.map { entry in
            let path = "/etc/wireguard/\(entry)"
            let name = String(entry.dropLast(5))
            return VpnProfile(
                name: name, kind: Sourced("wireguard", SourceLocation(path: path)), manager: "wireguard",
                lastUsed: nil, startsAtBoot: try enabledUnit("wg-quick@\(name).service"),
                cipherNone: Sourced(false, SourceLocation(path: path)), secretFiles: try secretFiles([path]), source: SourceLocation(path: path)
            )
        }
    }

    /// strongSwan: `conn` sections of /etc/ipsec.conf (secrets in /etc/ipsec.secrets) and connections in
    /// /etc/swanctl/swanctl.conf and /etc/swanctl/conf.d/*.conf (secrets in the same files).
    func strongSwanProfiles() throws -> [VpnProfile] {
        var profiles: [VpnProfile] = []
        if let text = try host.text("/etc/ipsec.conf") {
            let starter = try enabledUnit("strongswan-starter.service").value ? enabledUnit("strongswan-starter.service") : enabledUnit("ipsec.service")
            let secrets = try secretFiles(["/etc/ipsec.secrets"])
            for conn in IpsecConfig.connections(text, path: "/etc/ipsec.conf") {
                profiles.append(VpnProfile(
                    name: conn.value, kind: Sourced("ipsec", conn.source), manager: "ipsec", lastUsed: nil, startsAtBoot: starter,
                    cipherNone: Sourced(false, conn.source), secretFiles: secrets, source: conn.source
                ))
            }
        }
        let paths = try ["/etc/swanctl/swanctl.conf"] + host.list("/etc/swanctl/conf.d").filter { $0.hasSuffix(".conf") }.map { "/etc/swanctl/conf.d/\($0)" }
        for path in paths {
            guard let text = try host.text(path) else { continue }
            let parsed = SwanctlConfig.parse(text, path: path)
            let secrets = try parsed.hasSecrets ? secretFiles([path]) : []
            for conn in parsed.connections {
                profiles.append(VpnProfile(
                    name: conn.value, kind: Sourced("ipsec", conn.source), manager: "swanctl", lastUsed: nil,
                    startsAtBoot: try enabledUnit("strongswan.service"), cipherNone: Sourced(false, conn.source), secretFiles: secrets, source: conn.source
                ))
            }
        }
        return profiles
    }

    /// pppd peers that run over `pty "pptp …"`; their passwords are in /etc/ppp/chap-secrets.
    func pptpPeers() throws -> [VpnProfile] {
        var profiles: [VpnProfile] = []
        for entry in try host.list("/etc/ppp/peers") where !entry.hasPrefix(".") && !entry.hasSuffix("~") {
            let path = "/etc/ppp/peers/\(entry)"
            guard let text = try host.text(path), let line = PppPeer.pptpLine(text, path: path) else { continue }
            profiles.append(VpnProfile(
                name: entry, kind: Sourced("pptp", line), manager: "ppp", lastUsed: nil, startsAtBoot: Sourced(false, line),
                cipherNone: Sourced(false, line), secretFiles: try secretFiles(["/etc/ppp/chap-secrets"]), source: line
            ))
        }
        return profiles
    }

    /// Permissions of the files that exist among `paths` (a key named but missing is OpenVPN's problem).
    func secretFiles(_ paths: [String]) throws -> [SecretFile] {
        var seen = Set<String>()
        return try paths.filter { seen.insert($0).inserted }.compactMap { path in
            try host.attributes(path).map { SecretFile(path: path, mode: $0.octal, owner: $0.owner, rootOnly: $0.rootOnly) }
        }
    }
}
