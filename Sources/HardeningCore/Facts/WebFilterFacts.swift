/// What lets a PC get around the commune's web filter (Điều 9 khoản 3, "chặn truy cập website không
/// phù hợp"): browsers that resolve names over HTTPS themselves, and the DNS servers the host uses.
public struct WebFilterFacts: Codable, Sendable, Hashable {
    /// Installed browsers and their enterprise policy for DNS over HTTPS.
    public var browsers: [BrowserDnsPolicy]
    /// The DNS servers the host asks: /etc/resolv.conf, or systemd-resolved's `DNS=` when resolv.conf
    /// points at its stub (127.0.0.53).
    public var nameservers: [Nameserver]

    public init(browsers: [BrowserDnsPolicy], nameservers: [Nameserver]) {
        self.browsers = browsers
        self.nameservers = nameservers
    }
}

public struct BrowserDnsPolicy: Codable, Sendable, Hashable {
    /// The package: `firefox-esr`, `firefox`, `chromium`, `google-chrome-stable`.
    public var name: String
    /// DNS over HTTPS turned off by policy (Firefox `DNSOverHTTPS.Enabled: false`, Chromium
    /// `DnsOverHttpsMode: "off"`), with the file and line that say so.
    public var dohDisabled: Sourced<Bool>
    /// The user cannot turn it back on (Firefox `Locked: true`; Chromium's managed policies always are).
    public var dohLocked: Sourced<Bool>
    /// A policy file the browser cannot read (bad JSON): the browser then ignores every policy in it.
    public var problem: Sourced<String>?

    public init(name: String, dohDisabled: Sourced<Bool>, dohLocked: Sourced<Bool>, problem: Sourced<String>?) {
        self.name = name
        self.dohDisabled = dohDisabled
        self.dohLocked = dohLocked
        self.problem = problem
    }
}

public struct Nameserver: Codable, Sendable, Hashable {
    public var address: String
    public var source: SourceLocation

    public init(address: String, source: SourceLocation) {
        self.address = address
        self.source = source
    }
}
