import FoundationEssentials
import HardeningCore
import HostAccess

extension FactValue {
    static func parse(_ text: String, path: String) throws(ProbeError) -> FactValue {
        do {
            return try FactValue.decode(json: text)
        } catch {
            throw ProbeError(path: path, reason: "not valid JSON, so the browser ignores every policy in it")
        }
    }
}

/// Browser enterprise policies on DNS over HTTPS (Điều 9 khoản 3: a browser that resolves names itself
/// goes around the commune's filtering resolver).
enum BrowserPolicies {
    /// Firefox `policies.json`: `{"policies": {"DNSOverHTTPS": {"Enabled": false, "Locked": true}}}`.
    static func firefox(_ text: String, path: String) throws(ProbeError) -> (disabled: Sourced<Bool>, locked: Sourced<Bool>) {
        let doh = try FactValue.parse(text, path: path)["policies"]?["DNSOverHTTPS"]
        let at = line(of: "\"DNSOverHTTPS\"", in: text)
        let enabledLine = line(of: "\"Enabled\"", in: text, after: at) ?? at
        let lockedLine = line(of: "\"Locked\"", in: text, after: at) ?? at
        return (
            Sourced(doh?["Enabled"] == .bool(false), SourceLocation(path: path, line: doh?["Enabled"] == nil ? at : enabledLine)),
            Sourced(doh?["Locked"] == .bool(true), SourceLocation(path: path, line: doh?["Locked"] == nil ? at : lockedLine))
        )
    }

    /// Chromium and Chrome managed policy files: `{"DnsOverHttpsMode": "off"}`; nil when the file does not set it.
    static func chromium(_ text: String, path: String) throws(ProbeError) -> Sourced<String>? {
        guard case .string(let mode)? = try FactValue.parse(text, path: path)["DnsOverHttpsMode"] else { return nil }
        return Sourced(mode, SourceLocation(path: path, line: line(of: "\"DnsOverHttpsMode\"", in: text)))
    }

    /// The 1-based line where `needle` first appears (after line `after`), for evidence.
    static func line(of needle: String, in text: String, after: Int? = nil) -> Int? {
        for (index, line) in text.lines.enumerated() where index + 1 >= (after ?? 1) {
            if line.contains(needle) { return index + 1 }
        }
        return nil
    }
}

/// `nameserver ADDRESS` lines of /etc/resolv.conf, and `DNS=` of systemd-resolved's resolved.conf.
enum ResolverConfig {
    static func resolvConf(_ text: String, path: String) -> [Nameserver] {
        ConfigLines.meaningful(text, comment: ["#", ";"]).compactMap { line in
            let f = line.text.fields
            guard f.count >= 2, f[0] == "nameserver" else { return nil }
            return Nameserver(address: f[1], source: SourceLocation(path: path, line: line.number))
        }
    }

    /// `[Resolve] DNS=a b` (space-separated; an empty `DNS=` resets the list).
    static func resolved(_ text: String, path: String, into servers: inout [Nameserver]) {
        for e in IniFile.parse(text, path: path).entries where e.section == "Resolve" && e.key == "DNS" {
            if e.value.isEmpty { servers = []; continue }
            servers += e.value.fields.map { Nameserver(address: $0, source: e.source) }
        }
    }
}
