/// The keywords sshd accepts, and those it accepts inside a `Match` block.
///
/// Taken from Debian 12's sshd (OpenSSH 9.2p1 with Debian's patches: `DebianBanner`, the GSSAPI
/// key exchange) by offering it each candidate under `sshd -T`, and checked against sshd_config(5).
/// Deprecated and compiled-out keywords are here too: sshd warns about them and starts. Any other
/// keyword makes sshd refuse to start ("Bad configuration option"), so a check must not read a
/// meaning into such a file. `SshdAgreementTests` holds this list against the installed sshd.
enum SshdKeywords {
    static let known: Set<String> = [
        "acceptenv", "addressfamily", "afstokenpassing", "allowagentforwarding", "allowgroups",
        "allowstreamlocalforwarding", "allowtcpforwarding", "allowusers", "authenticationmethods",
        "authorizedkeyscommand", "authorizedkeyscommanduser", "authorizedkeysfile", "authorizedkeysfile2",
        "authorizedprincipalscommand", "authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner",
        "casignaturealgorithms", "challengeresponseauthentication", "channeltimeout", "checkmail", "chrootdirectory",
        "ciphers", "clientalivecountmax", "clientaliveinterval", "compression", "debianbanner", "denygroups",
        "denyusers", "disableforwarding", "dsaauthentication", "exposeauthinfo", "fingerprinthash", "forcecommand",
        "gatewayports", "gssapiauthentication", "gssapicleanupcredentials", "gssapicleanupcreds",
        "gssapikexalgorithms", "gssapikeyexchange", "gssapistorecredentialsonrekey", "gssapistrictacceptorcheck",
        "gssapiusesessioncredcache", "gssusesessionccache", "hostbasedacceptedalgorithms",
        "hostbasedacceptedkeytypes", "hostbasedauthentication", "hostbasedusesnamefrompacketonly", "hostcertificate",
        "hostdsakey", "hostkey", "hostkeyagent", "hostkeyalgorithms", "ignorerhosts", "ignoreuserknownhosts",
        "include", "ipqos", "kbdinteractiveauthentication", "keepalive", "kerberosauthentication",
        "kerberosgetafstoken", "kerberosorlocalpasswd", "kerberostgtpassing", "kerberosticketcleanup",
        "kexalgorithms", "keyregenerationinterval", "listenaddress", "logingracetime", "loglevel", "logverbose",
        "macs", "match", "maxauthtries", "maxsessions", "maxstartups", "modulifile", "pamauthenticationviakbdint",
        "passwordauthentication", "permitblacklistedkeys", "permitemptypasswords", "permitlisten", "permitopen",
        "permitrootlogin", "permittty", "permittunnel", "permituserenvironment", "permituserrc",
        "persourcemaxstartups", "persourcenetblocksize", "pidfile", "port", "printlastlog", "printmotd", "protocol",
        "pubkeyacceptedalgorithms", "pubkeyacceptedkeytypes", "pubkeyauthentication", "pubkeyauthoptions", "rdomain",
        "rekeylimit", "requiredrsasize", "reversemappingcheck", "revokedkeys", "rhostsauthentication",
        "rhostsrsaauthentication", "rsaauthentication", "securitykeyprovider", "serverkeybits", "setenv",
        "skeyauthentication", "streamlocalbindmask", "streamlocalbindunlink", "strictmodes", "subsystem",
        "syslogfacility", "tcpkeepalive", "trustedusercakeys", "unusedconnectiontimeout", "usedns", "uselogin",
        "usepam", "useprivilegeseparation", "verifyreversemapping", "versionaddendum", "x11displayoffset",
        "x11forwarding", "x11uselocalhost", "xauthlocation"
    ]

    /// Keywords a `Match` block may set; any other there is refused ("not allowed within a Match block").
    static let allowedInMatch: Set<String> = [
        "acceptenv", "allowagentforwarding", "allowgroups", "allowstreamlocalforwarding", "allowtcpforwarding",
        "allowusers", "authenticationmethods", "authorizedkeyscommand", "authorizedkeyscommanduser",
        "authorizedkeysfile", "authorizedkeysfile2", "authorizedprincipalscommand",
        "authorizedprincipalscommanduser", "authorizedprincipalsfile", "banner", "casignaturealgorithms",
        "challengeresponseauthentication", "channeltimeout", "chrootdirectory", "clientalivecountmax",
        "clientaliveinterval", "denygroups", "denyusers", "disableforwarding", "exposeauthinfo", "forcecommand",
        "gatewayports", "gssapiauthentication", "hostbasedacceptedalgorithms", "hostbasedacceptedkeytypes",
        "hostbasedauthentication", "hostbasedusesnamefrompacketonly", "ignorerhosts", "include", "ipqos",
        "kbdinteractiveauthentication", "kerberosauthentication", "loglevel", "logverbose", "maxauthtries",
        "maxsessions", "passwordauthentication", "permitemptypasswords", "permitlisten", "permitopen",
        "permitrootlogin", "permittty", "permittunnel", "permituserrc", "pubkeyacceptedalgorithms",
        "pubkeyacceptedkeytypes", "pubkeyauthentication", "pubkeyauthoptions", "rdomain", "rekeylimit",
        "requiredrsasize", "revokedkeys", "rhostsrsaauthentication", "rsaauthentication", "setenv",
        "skeyauthentication", "streamlocalbindmask", "streamlocalbindunlink", "trustedusercakeys",
        "unusedconnectiontimeout", "x11displayoffset", "x11forwarding", "x11uselocalhost"
    ]
}
