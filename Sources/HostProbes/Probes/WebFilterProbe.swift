import HardeningCore
import HostAccess

/// Browsers' DNS-over-HTTPS policies and the host's DNS servers (Điều 9 khoản 3).
extension NetworkProbe {
    /// Firefox on Linux reads /etc/firefox/policies/policies.json and, only when that file is absent,
    /// the one in its installation's distribution directory.
    static let firefoxes = [("firefox-esr", "/usr/lib/firefox-esr/distribution/policies.json"), ("firefox", "/usr/lib/firefox/distribution/policies.json")]
    static let chromiums = [("chromium", "/etc/chromium/policies/managed"), ("google-chrome-stable", "/etc/opt/chrome/policies/managed")]

    func webFilter() throws -> WebFilterFacts {
        var browsers: [BrowserDnsPolicy] = []
        for (package, distribution) in Self.firefoxes where installed.contains(package) {
            browsers.append(try firefoxPolicy(package, distribution: distribution))
        }
        for (package, dir) in Self.chromiums where installed.contains(package) {
            browsers.append(try chromiumPolicy(package, directory: dir))
        }
        return WebFilterFacts(browsers: browsers, nameservers: try nameservers())
    }

    func firefoxPolicy(_ package: String, distribution: String) throws -> BrowserDnsPolicy {
        for path in ["/etc/firefox/policies/policies.json", distribution] {
            guard let text = try host.text(path) else { continue }
            do {
                let (disabled, locked) = try BrowserPolicies.firefox(text, path: path)
                return BrowserDnsPolicy(name: package, dohDisabled: disabled, dohLocked: locked, problem: nil)
            } catch {
                let at = SourceLocation(path: path)
                return BrowserDnsPolicy(name: package, dohDisabled: Sourced(false, at), dohLocked: Sourced(false, at), problem: Sourced(error.reason, at))
            }
        }
        let none = SourceLocation(path: "/etc/firefox/policies/policies.json")
        return BrowserDnsPolicy(name: package, dohDisabled: Sourced(false, none), dohLocked: Sourced(false, none), problem: nil)
    }

    /// Every `*.json` in the managed directory counts; a file that turns DNS over HTTPS on wins over one
    /// that turns it off (Chromium's merge of conflicting files is not defined).
    func chromiumPolicy(_ package: String, directory: String) throws -> BrowserDnsPolicy {
        var mode: Sourced<String>? = nil
        var problem: Sourced<String>? = nil
        for entry in try host.list(directory) where entry.hasSuffix(".json") {
            let path = "\(directory)/\(entry)"
            guard let text = try host.text(path) else { continue }
            do {
                if let m = try BrowserPolicies.chromium(text, path: path), mode?.value != "automatic" && mode?.value != "secure" {
                    mode = m
                }
            } catch {
                problem = Sourced(error.reason, SourceLocation(path: path))
            }
        }
        let off = mode.map { Sourced($0.value == "off", $0.source) } ?? Sourced(false, SourceLocation(path: directory))
        // Managed (mandatory) policies cannot be changed in the browser.
        return BrowserDnsPolicy(name: package, dohDisabled: off, dohLocked: Sourced(mode != nil, off.source), problem: problem)
    }

    /// /etc/resolv.conf; when it names only systemd-resolved's stub, resolved.conf and its drop-ins.
    func nameservers() throws -> [Nameserver] {
        let path = "/etc/resolv.conf"
        let listed = try host.text(path).map { ResolverConfig.resolvConf($0, path: path) } ?? []
        guard !listed.isEmpty, listed.allSatisfy({ $0.address == "127.0.0.53" || $0.address == "127.0.0.54" }) else { return listed }
        var servers: [Nameserver] = []
        let dropIns = try ["/etc/systemd/resolved.conf.d", "/run/systemd/resolved.conf.d", "/usr/lib/systemd/resolved.conf.d"]
            .flatMap { dir in try host.list(dir).filter { $0.hasSuffix(".conf") }.map { (name: $0, path: "\(dir)/\($0)") } }
        var seen = Set<String>()
        let ordered = dropIns.filter { seen.insert($0.name).inserted }.sorted { $0.name < $1.name }.map(\.path)
        for file in ["/etc/systemd/resolved.conf"] + ordered {
            if let text = try host.text(file) { ResolverConfig.resolved(text, path: file, into: &servers) }
        }
        // No DNS= anywhere: resolved uses the servers the network (DHCP) gives, which is still the stub here.
        return servers.isEmpty ? listed : servers
    }
}
