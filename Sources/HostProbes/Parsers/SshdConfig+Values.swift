/// The values sshd accepts for the keywords whose values attt knows. sshd checks every line as it reads the
/// file, a losing duplicate and a `Match` block's line too, and refuses to start on a bad one:
/// a check must then say `error`, never read `PermitEmptyPasswords maybe` as "no" and pass.
extension SshdConfig {
    /// Keywords that take only `yes` or `no` (any case), as Debian 12's sshd answered when offered
    /// every word of sshd_config(5); `SshdAgreementTests` asks it again.
    static let yesNo: Set<String> = [
        "allowagentforwarding", "challengeresponseauthentication", "debianbanner", "disableforwarding",
        "dsaauthentication", "exposeauthinfo", "gssapiauthentication", "gssapicleanupcredentials",
        "gssapicleanupcreds", "gssapikeyexchange", "gssapistorecredentialsonrekey", "gssapistrictacceptorcheck",
        "hostbasedauthentication", "hostbasedusesnamefrompacketonly", "ignoreuserknownhosts",
        "kbdinteractiveauthentication", "keepalive", "kerberosauthentication", "kerberosorlocalpasswd",
        "kerberosticketcleanup", "passwordauthentication", "permitemptypasswords", "permittty", "permituserrc",
        "printlastlog", "printmotd", "pubkeyauthentication", "skeyauthentication", "streamlocalbindunlink",
        "strictmodes", "tcpkeepalive", "usedns", "usepam", "x11forwarding", "x11uselocalhost"
    ]
    /// Keywords with more choices than yes and no (`without-password` is the old name of `prohibit-password`).
    static let choices: [String: Set<String>] = [
        "allowstreamlocalforwarding": ["all", "local", "no", "remote", "yes"],
        "allowtcpforwarding": ["all", "local", "no", "remote", "yes"],
        "compression": ["delayed", "no", "yes"],
        "gatewayports": ["clientspecified", "no", "yes"],
        "ignorerhosts": ["no", "shosts-only", "yes"],
        "permitrootlogin": ["forced-commands-only", "no", "prohibit-password", "without-password", "yes"],
        "permittunnel": ["ethernet", "no", "point-to-point", "yes"],
    ]
    /// `LogLevel`, as sshd's log_level_number takes them (any case).
    static let logLevels: Set<String> = ["QUIET", "FATAL", "ERROR", "INFO", "VERBOSE", "DEBUG", "DEBUG1", "DEBUG2", "DEBUG3"]

    /// Why sshd would refuse this line, in sshd's own words; `nil` when it takes it. Only keywords
    /// whose values are known here are checked: a value of another keyword is left to sshd.
    static func refusal(_ d: Directive, written keyword: String) -> String? {
        let allowed = yesNo.contains(d.keyword) ? ["yes", "no"] : choices[d.keyword]
        let single = allowed != nil || ["maxauthtries", "loglevel"].contains(d.keyword)
        guard single || ["allowgroups", "allowusers"].contains(d.keyword) else { return nil }
        guard let value = d.arguments.first else { return "no argument after keyword \"\(keyword)\"" }
        if single, d.arguments.count > 1 { return "keyword \(keyword) extra arguments at end of line" }
        if let allowed { return allowed.contains(value.lowercased()) ? nil : "unsupported option \"\(value)\"" }
        switch d.keyword {
        case "maxauthtries":
            // strtonum(0, INT_MAX): decimal digits only, no sign below zero.
            guard let n = Int(value), value.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "+" || $0 == "-") }) else { return "\(keyword) integer value invalid." }
            if n < 0 { return "\(keyword) integer value too small." }
            if n > Int(Int32.max) { return "\(keyword) integer value too large." }
            return nil
        case "loglevel":
            return logLevels.contains(value.uppercased()) ? nil : "unsupported log level '\(value)'"
        default:
            return nil
        }
    }

    /// The criteria a `Match` line may use (OpenSSH 9.2), each followed by its patterns.
    static let matchAttributes: Set<String> = ["user", "group", "host", "localaddress", "localport", "rdomain", "address"]

    /// Why sshd would refuse this `Match` line; `nil` when it takes it.
    static func matchRefusal(_ arguments: [String]) -> String? {
        if arguments.count > 1, arguments.contains(where: { $0.lowercased() == "all" }) {
            return "'all' cannot be combined with other Match attributes"
        }
        if arguments.count == 1, arguments[0].lowercased() == "all" { return nil }
        var i = 0
        while i < arguments.count {
            let attribute = arguments[i]
            guard matchAttributes.contains(attribute.lowercased()) else { return "Unsupported Match attribute \(attribute)" }
            guard i + 1 < arguments.count else { return "Missing Match criteria for \(attribute)" }
            i += 2
        }
        return nil
    }
}
