import HardeningCore
import HostAccess

/// Kernel network parameters from sysctl.d (``SysctlConfig``) and, on the live host, /proc/sys; the
/// host firewall managers' configuration on disk (ufw, firewalld, nftables).
struct NetworkProbe {
    let host: HostRoot
    let services: ServiceFacts
    /// Names of the installed packages (browsers are checked only when installed).
    var installed: Set<String> = []

    /// Debian 12's kernel defaults, for what no file sets.
    static let linux = SourceLocation.builtin("linux")
    /// The values Debian 12's kernel starts with (`SysctlAgreementTests` reads them from a fresh
    /// network namespace).
    static let kernelDefaults = [
        "net.ipv4.tcp_syncookies": "1", "net.ipv4.conf.all.accept_redirects": "1", "net.ipv4.conf.default.accept_redirects": "1",
        "net.ipv6.conf.all.accept_redirects": "1", "net.ipv4.conf.all.rp_filter": "0",
    ]

    /// The value a parameter will have after boot: what the kernel takes from the last line that sets
    /// it (one it refuses leaves the default in force), else the kernel's default.
    static func configured(_ name: String, in config: SysctlConfig) -> Sourced<String> {
        let fallback = kernelDefaults[name] ?? ""
        guard let line = config.value(name) else { return Sourced(fallback, linux) }
        let range = name == "net.ipv4.tcp_syncookies" ? 0...255 : Int(Int32.min)...Int(Int32.max)
        return Sourced(SysctlConfig.kernelInteger(line.value, range: range).map(String.init) ?? fallback, line.source)
    }

    func collect() throws -> NetworkFacts {
        let config = try SysctlConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) },
            linkTarget: { host.linkTarget($0) }
        )
        func parameter(_ name: String) throws -> KernelParameter {
            let configured = Self.configured(name, in: config)
            var running: Sourced<String>? = nil
            if host.isLiveHost {
                let path = "/proc/sys/" + SysctlConfig.normalize(name)
                running = try host.text(path).map { Sourced($0.trimmed, SourceLocation(path: path)) }
            }
            return KernelParameter(name: name, configured: configured, running: running)
        }
        let keyfiles = try networkManagerKeyfiles()
        var facts = NetworkFacts(
            kernel: KernelNetworkParameters(
                tcpSyncookies: try parameter("net.ipv4.tcp_syncookies"),
                acceptRedirects: try parameter("net.ipv4.conf.all.accept_redirects"),
                defaultAcceptRedirects: try parameter("net.ipv4.conf.default.accept_redirects"),
                ipv6AcceptRedirects: try parameter("net.ipv6.conf.all.accept_redirects"),
                rpFilter: try parameter("net.ipv4.conf.all.rp_filter"),
                files: config.files
            ),
            firewalls: try [ufw(), firewalld(), nftables()].compactMap { $0 },
            wifiProfiles: wifiProfiles(keyfiles),
            vpnProfiles: try vpnProfiles(keyfiles),
            isolation: try isolation(keyfiles),
            printQueues: try printQueues(),
            cupsBrowsed: try enabledUnit("cups-browsed.service"),
            webFilter: try webFilter()
        )
        facts.runningFirewall = runningFirewall()
        return facts
    }

    /// NetworkManager keyfiles: /etc first, then /run, then /usr/lib; a name found earlier hides the
    /// same name later. Backup and editor files are skipped, as NetworkManager skips them.
    func networkManagerKeyfiles() throws -> [(path: String, file: IniFile)] {
        var seen = Set<String>()
        var files: [(path: String, file: IniFile)] = []
        for dir in ["/etc/NetworkManager/system-connections", "/run/NetworkManager/system-connections", "/usr/lib/NetworkManager/system-connections"] {
            for name in try host.list(dir) where !name.hasPrefix(".") && !name.hasSuffix("~") && !name.hasSuffix(".bak") && !name.hasSuffix(".swp") && seen.insert(name).inserted {
                let path = "\(dir)/\(name)"
                guard let text = try host.text(path) else { continue }
                files.append((path, IniFile.parse(text, path: path)))
            }
        }
        return files
    }

    func wifiProfiles(_ keyfiles: [(path: String, file: IniFile)]) -> [WifiProfile] {
        keyfiles.compactMap { Self.wifiProfile($0.file, path: $0.path) }
    }

    static func wifiProfile(_ file: IniFile, path: String) -> WifiProfile? {
        guard file.value("connection", "type")?.value == "wifi" || file.value("connection", "type")?.value == "802-11-wireless" else { return nil }
        let source = SourceLocation(path: path)
        let security: Sourced<String>
        if let mgmt = file.value("wifi-security", "key-mgmt") {
            let m = mgmt.value.lowercased()
            security = Sourced(m == "none" ? (file.value("wifi-security", "wep-key0") != nil || file.value("wifi-security", "wep-key-type") != nil ? "wep" : "open") : m, mgmt.source)
        } else {
            security = Sourced("open", source)
        }
        let psk = file.value("wifi-security", "psk")
        let flags = Int(file.value("wifi-security", "psk-flags")?.value ?? "0") ?? 0
        let mode = file.value("wifi", "mode")
        return WifiProfile(
            name: file.value("connection", "id")?.value ?? String(path.split(separator: "/").last ?? ""),
            ssid: file.value("wifi", "ssid")?.value,
            security: security,
            keyLength: psk.map { Sourced(keyfileUnescaped($0.value).count, $0.source) },
            keyInUserKeyring: flags & 1 != 0,
            hotspot: mode.map { Sourced($0.value == "ap", $0.source) } ?? Sourced(false, source),
            autoconnect: file.value("connection", "autoconnect")?.value.lowercased() != "false",
            source: source
        )
    }

    /// GKeyFile's escapes (`\s`, `\t`, `\n`, `\r`, `\\`), so a key's length is counted as typed.
    static func keyfileUnescaped(_ value: String) -> String {
        var out = ""
        var escaped = false
        for c in value {
            if escaped {
                switch c {
                case "s": out.append(" ")
                case "t": out.append("\t")
                case "n": out.append("\n")
                case "r": out.append("\r")
                default: out.append(c)
                }
                escaped = false
            } else if c == "\\" {
                escaped = true
            } else {
                out.append(c)
            }
        }
        return out
    }

    func enabledUnit(_ unit: String) throws -> Sourced<Bool> {
        if let link = try services.enabled.collectedValue().first(where: { $0.unit == unit }) { return Sourced(true, link.source) }
        return Sourced(false, SourceLocation(path: "/etc/systemd/system/multi-user.target.wants/\(unit)"))
    }

    /// ufw: `ENABLED` in ufw.conf, and `DEFAULT_INPUT_POLICY` and `IPV6` in /etc/default/ufw (ufw
    /// applies the input policy to IPv6 too unless `IPV6=no`). nil when ufw is not configured.
    func ufw() throws -> FirewallManager? {
        guard let conf = try host.text("/etc/ufw/ufw.conf") else { return nil }
        func values(_ text: String?, _ path: String) -> [String: Sourced<String>] {
            var result: [String: Sourced<String>] = [:]
            for a in ConfigLines.assignments(text ?? "", path: path) { result[a.key] = Sourced((a.value ?? "").lowercased(), a.source) }
            return result
        }
        let settings = values(conf, "/etc/ufw/ufw.conf")
        let defaults = values(try host.text("/etc/default/ufw"), "/etc/default/ufw")
        let enabled = settings["ENABLED"].map { Sourced($0.value == "yes", $0.source) } ?? Sourced(false, .builtin("ufw"))
        let policy = defaults["DEFAULT_INPUT_POLICY"] ?? Sourced("drop", .builtin("ufw"))
        let ipv6 = defaults["IPV6"].map { $0.value != "no" } ?? true
        return FirewallManager(name: "ufw", enabled: enabled, inputIPv4: policy, inputIPv6: ipv6 ? policy : nil)
    }

    /// firewalld: the unit, `DefaultZone` in firewalld.conf, and that zone's `target` (an /etc zone file
    /// overrides the package's). A zone's `default` target rejects what no service allows.
    func firewalld() throws -> FirewallManager? {
        let confPath = "/etc/firewalld/firewalld.conf"
        guard let conf = try host.text(confPath) else { return nil }
        let zone = ConfigLines.assignments(conf, path: confPath).last { $0.key == "DefaultZone" }.flatMap(\.value) ?? "public"
        var target = Sourced("reject", SourceLocation.builtin("firewalld"))
        for dir in ["/etc/firewalld/zones", "/usr/lib/firewalld/zones"] {
            let path = "\(dir)/\(zone).xml"
            guard let xml = try host.text(path) else { continue }
            if let value = Self.attribute("target", ofFirst: "zone", in: xml) {
                let t = value.lowercased()
                target = Sourced(t == "default" || t == "%%reject%%" ? "reject" : t == "%%drop%%" ? "drop" : t, SourceLocation(path: path))
            }
            break
        }
        return FirewallManager(name: "firewalld", enabled: try enabledUnit("firewalld.service"), inputIPv4: target, inputIPv6: target)
    }

    /// nftables: the unit and `/etc/nftables.conf` (with its includes), which the unit loads at boot.
    func nftables() throws -> FirewallManager? {
        let path = "/etc/nftables.conf"
        guard let config = try NftablesConfig.load(path: path, readFile: { p throws(ProbeError) in try host.text(p) }, list: { p throws(ProbeError) in try host.list(p) }) else { return nil }
        if !config.problems.isEmpty {
            throw ProbeError(path: path, reason: config.problems.joined(separator: "; ") + " — check it with nft -c -f /etc/nftables.conf")
        }
        func policy(_ ipv6: Bool) -> Sourced<String>? {
            config.inputPolicy(ipv6: ipv6).map { Sourced($0.policy.lowercased(), $0.source) }
        }
        return FirewallManager(name: "nftables", enabled: try enabledUnit("nftables.service"), inputIPv4: policy(false), inputIPv6: policy(true))
    }

    /// `<zone target="DROP">` → `DROP`: the attribute of the first such element, without an XML library
    /// (zone files are small and generated by firewalld).
    static func attribute(_ name: String, ofFirst element: String, in xml: String) -> String? {
        guard let start = xml.firstRange(of: "<" + element) else { return nil }
        let tag = xml[start.upperBound...].prefix { $0 != ">" }
        for quote in ["\"", "'"] {
            if let a = tag.firstRange(of: " \(name)=\(quote)") {
                return String(tag[a.upperBound...].prefix { String($0) != quote })
            }
        }
        return nil
    }
}
