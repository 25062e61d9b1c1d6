import HardeningCore

/// OpenVPN configuration (`/etc/openvpn/client/*.conf`): the cipher settings and where its secrets are.
/// Options are `name arg…` lines; `#` and `;` start comments; `<key>…</key>` blocks hold inline files.
struct OpenVpnConfig {
    /// `cipher none`, or `none` among `data-ciphers` / `ncp-ciphers` (colon-separated).
    var cipherNone: Sourced<Bool>
    /// Files named by `key`, `secret`, `tls-auth`, `tls-crypt`, `tls-crypt-v2`, `pkcs12`, `auth-user-pass`,
    /// `askpass` (as written: relative paths are relative to the config's directory).
    var secretFiles: [String]
    /// An inline `<key>`, `<secret>`, `<tls-auth>`, `<tls-crypt>` or `<pkcs12>` block: the file itself is secret.
    var inlineSecret: Bool

    static let secretOptions: Set<String> = ["key", "secret", "tls-auth", "tls-crypt", "tls-crypt-v2", "pkcs12", "auth-user-pass", "askpass", "http-proxy-user-pass"]
    static let secretBlocks: Set<String> = ["key", "secret", "tls-auth", "tls-crypt", "tls-crypt-v2", "pkcs12", "auth-user-pass"]

    static func parse(_ text: String, path: String) -> OpenVpnConfig {
        var config = OpenVpnConfig(cipherNone: Sourced(false, SourceLocation(path: path)), secretFiles: [], inlineSecret: false)
        var block: String? = nil
        for line in ConfigLines.meaningful(text, comment: ["#", ";"]) {
            if let open = block {
                if line.text.lowercased() == "</\(open)>" { block = nil }
                continue
            }
            if line.text.hasPrefix("<"), line.text.hasSuffix(">"), !line.text.hasPrefix("</") {
                let name = String(line.text.dropFirst().dropLast()).lowercased()
                block = name
                if secretBlocks.contains(name) { config.inlineSecret = true }
                continue
            }
            let words = line.text.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { String($0).unquoted }
            guard let option = words.first?.lowercased().drop(while: { $0 == "-" }) else { continue }
            let source = SourceLocation(path: path, line: line.number)
            switch option {
            case "cipher":
                config.cipherNone = Sourced(words.count > 1 && words[1].lowercased() == "none", source)
            case "data-ciphers", "ncp-ciphers":
                let none = words.count > 1 && words[1].split(separator: ":").contains { $0.lowercased() == "none" }
                if none || !config.cipherNone.value { config.cipherNone = Sourced(none, source) }
            default:
                // `auth-user-pass` alone asks on the console; with a file, that file holds the password.
                if secretOptions.contains(String(option)), words.count > 1, words[1] != "[inline]" {
                    config.secretFiles.append(words[1])
                }
            }
        }
        return config
    }
}

/// strongSwan's legacy `/etc/ipsec.conf`: `conn NAME` sections (`%default` only sets defaults).
enum IpsecConfig {
    static func connections(_ text: String, path: String) -> [Sourced<String>] {
        var result: [Sourced<String>] = []
        for line in ConfigLines.meaningful(text) {
            let words = line.text.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count >= 2, words[0] == "conn", words[1] != "%default" else { continue }
            result.append(Sourced(String(words[1]), SourceLocation(path: path, line: line.number)))
        }
        return result
    }
}

/// strongSwan's `swanctl.conf` format: the children of the top-level `connections { }` block, and
/// whether a `secrets { }` block (keys, EAP passwords) is in the same file.
enum SwanctlConfig {
    static func parse(_ text: String, path: String) -> (connections: [Sourced<String>], hasSecrets: Bool) {
        var connections: [Sourced<String>] = []
        var hasSecrets = false
        var stack: [String] = []
        for line in ConfigLines.meaningful(text) {
            var rest = Substring(line.text)
            // `name {`, `}` and `key = value` may share a line in hand-written files; read them in order.
            while !rest.isEmpty {
                rest = rest.drop { $0 == " " || $0 == "\t" }
                if rest.first == "}" {
                    _ = stack.popLast()
                    rest = rest.dropFirst()
                } else if let brace = rest.firstIndex(of: "{"), !rest[..<brace].contains("=") {
                    let name = String(rest[..<brace]).trimmed
                    if stack.isEmpty, name == "secrets" { hasSecrets = true }
                    if stack == ["connections"], !name.isEmpty {
                        connections.append(Sourced(name, SourceLocation(path: path, line: line.number)))
                    }
                    stack.append(name)
                    rest = rest[rest.index(after: brace)...]
                } else {
                    rest = rest.drop { $0 != "}" }
                }
            }
        }
        return (connections, hasSecrets)
    }
}

/// A pppd peer file (`/etc/ppp/peers/NAME`): a PPTP tunnel runs pppd over `pty "pptp SERVER …"`.
enum PppPeer {
    static func pptpLine(_ text: String, path: String) -> SourceLocation? {
        for line in ConfigLines.meaningful(text) {
            let words = line.text.split(maxSplits: 1, whereSeparator: { $0 == " " || $0 == "\t" })
            guard words.count == 2, words[0] == "pty" else { continue }
            let command = String(words[1]).unquoted.trimmed
            if command.hasPrefix("pptp ") || command.hasPrefix("/usr/sbin/pptp ") {
                return SourceLocation(path: path, line: line.number)
            }
        }
        return nil
    }
}
