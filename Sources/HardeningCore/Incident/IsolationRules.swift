/// What an isolated PC may still reach (Điều 11 khoản 2 điểm a, Bước 1: "ngắt kết nối máy khỏi mạng"),
/// as the nftables table `inet attt_isolation` and as a sentence for the officer.
///
/// Only attt's own table: the file deletes and recreates that table in one `nft -f` transaction and
/// never touches ufw's, firewalld's or the unit's. The chains hook at `filter - 10`: after conntrack
/// (−200, which `ct state` needs), before ufw (0) and firewalld (+10). A drop on a hook is final and an
/// accept ends only its own chain, so this table only ever adds restrictions to the host's firewall.
///
/// Every value is validated when the rules are made and written in its canonical form: nothing a
/// file, a client or the network gave reaches the ruleset as text.
public struct IsolationRules: Sendable, Hashable {
    public static let family = "inet"
    public static let table = "attt_isolation"

    /// The collector's host name as enrolled (for the summary and the `/etc/hosts` pin); nil when the
    /// enrollment named an address.
    public let collectorName: String?
    /// Every address the collector's name resolved to, resolved when the plan is made so that a boot
    /// needs no DNS. Empty only when isolating without a collector: then nothing at all is reachable.
    public let collectorAddresses: [IPAddress]
    public let collectorPort: Int
    /// The unit's management networks (NET-001's `management_networks`): SSH and ping in, nothing else.
    public let managementNetworks: [IPNetwork]
    /// The ports sshd listens on (the facts), 22 when they are not known.
    public let sshPorts: [Int]
    /// Resolvers port 53 stays open to (`isolation_allow_dns`); empty, the default, blocks DNS, a common
    /// channel for command and exfiltration.
    public let dnsResolvers: [IPAddress]

    public struct Refused: Error, Sendable, Hashable, CustomStringConvertible {
        /// What the value was for (`collector address`, `management_networks`, …).
        public var field: String
        public var value: String
        public var reason: String

        public var description: String {
            "\(field): '\(Self.printable(value))' \(reason); nothing was changed"
        }

        /// The value with control characters shown, so a newline in it cannot forge a line of output.
        static func printable(_ value: String) -> String {
            String(value.prefix(120).unicodeScalars.map { $0.properties.generalCategory == .control ? "?" : Character($0) })
        }
    }

    /// - Throws: ``Refused`` naming the first value that is not an address, a network, a port or a host
    ///   name; nothing of it is ever written.
    public init(collectorName: String?, collectorAddresses: [String], collectorPort: Int, managementNetworks: [String], sshPorts: [Int] = [22], dnsResolvers: [String] = []) throws(Refused) {
        if let name = collectorName, !Self.isHostName(name) {
            throw Refused(field: "collector name", value: name, reason: "is not a host name (letters, digits, '-' and '.' only)")
        }
        self.collectorName = collectorName
        func addresses(_ texts: [String], field: String) throws(Refused) -> [IPAddress] {
            var parsed: [IPAddress] = []
            for text in texts {
                guard let address = IPAddress(text) else { throw Refused(field: field, value: text, reason: "is not an IPv4 or IPv6 address") }
                parsed.append(address)
            }
            return Array(Set(parsed)).sorted()
        }
        // Empty only for `--without-collector` on a PC that is not enrolled: nothing at all is reachable.
        self.collectorAddresses = try addresses(collectorAddresses, field: "collector address")
        guard (1...65535).contains(collectorPort) else {
            throw Refused(field: "collector port", value: String(collectorPort), reason: "is not a port (1–65535)")
        }
        self.collectorPort = collectorPort
        var networks: [IPNetwork] = []
        for text in managementNetworks {
            guard let network = IPNetwork(text) else {
                throw Refused(field: "management_networks", value: text, reason: "is not a network in CIDR notation (10.20.0.0/24, fd00:20::/64)")
            }
            networks.append(network)
        }
        self.managementNetworks = Array(Set(networks)).sorted()
        if let bad = sshPorts.first(where: { !(1...65535).contains($0) }) {
            throw Refused(field: "ssh port", value: String(bad), reason: "is not a port (1–65535)")
        }
        self.sshPorts = Array(Set(sshPorts.isEmpty ? [22] : sshPorts)).sorted()
        self.dnsResolvers = try addresses(dnsResolvers, field: "DNS resolver")
    }

    /// RFC 1123 host names: what /etc/hosts and a URL may hold, and nothing a file could misread.
    public static func isHostName(_ name: String) -> Bool {
        guard (1...253).contains(name.utf8.count) else { return false }
        let labels = name.split(separator: ".", omittingEmptySubsequences: false)
        return labels.allSatisfy { label in
            (1...63).contains(label.utf8.count) && label.first != "-" && label.last != "-"
                && label.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || ("0"..."9").contains($0) || $0 == "-") }
        }
    }

    // MARK: The ruleset

    /// The file `nft -f` loads: it creates the table, deletes it (with whatever an earlier isolation
    /// left in it) and creates it anew, all in one transaction.
    public var ruleset: String {
        let v4 = { (list: [IPAddress]) in list.filter { !$0.isIPv6 } }
        let v6 = { (list: [IPAddress]) in list.filter(\.isIPv6) }
        let m4 = managementNetworks.filter { !$0.address.isIPv6 }, m6 = managementNetworks.filter(\.address.isIPv6)
        func set(_ name: String, _ type: String, _ elements: [String], interval: Bool = false, timeout: Bool = false) -> String {
            let flags = interval ? " flags interval; auto-merge;" : timeout ? " flags timeout;" : ""
            let items = elements.isEmpty ? "" : " elements = { \(elements.joined(separator: ", ")) };"
            return "\tset \(name) { type \(type);\(flags)\(items) }"
        }
        let header = [
            "#!/usr/sbin/nft -f",
            "# attt: cách ly máy khỏi mạng (Điều 11 khoản 2 điểm a, Bước 1).",
            "# Do `attt incident isolate` ghi; gỡ bằng `attt incident release`. Không sửa tay.",
        ] + (collectorName.map { ["# Máy chủ thu thập: \($0)"] } ?? [])
        let sets = [
            set("collector4", "ipv4_addr", v4(collectorAddresses).map(\.description)),
            set("collector6", "ipv6_addr", v6(collectorAddresses).map(\.description)),
            set("collector_ports", "inet_service", [String(collectorPort)]),
            set("management4", "ipv4_addr", m4.map(\.description), interval: true),
            set("management6", "ipv6_addr", m6.map(\.description), interval: true),
            set("ssh_ports", "inet_service", sshPorts.map(String.init)),
            set("dns4", "ipv4_addr", v4(dnsResolvers).map(\.description)),
            set("dns6", "ipv6_addr", v6(dnsResolvers).map(\.description)),
            // Empty: the backup server's addresses, only while a backup is being read (Bước 3), each
            // with a timeout so that a restore killed half-way does not leave the way open.
            set(Self.restoreSets.v4, "ipv4_addr", [], timeout: true),
            set(Self.restoreSets.v6, "ipv6_addr", [], timeout: true),
        ]
        let input = [
            "\tchain input {",
            "\t\ttype filter hook input priority filter - 10; policy drop;",
            "\t\tiif \"lo\" accept",
            "\t\tct state invalid drop",
            // No blanket `established`: an open reverse shell stops at once.
            "\t\tip saddr @collector4 tcp sport @collector_ports ct state established,related accept",
            "\t\tip6 saddr @collector6 tcp sport @collector_ports ct state established,related accept",
            "\t\tip saddr @management4 tcp dport @ssh_ports ct state new,established accept",
            "\t\tip6 saddr @management6 tcp dport @ssh_ports ct state new,established accept",
            "\t\tip saddr @management4 icmp type echo-request accept",
            "\t\tip6 saddr @management6 icmpv6 type echo-request accept",
            "\t\tip saddr @dns4 meta l4proto { tcp, udp } th sport 53 ct state established accept",
            "\t\tip6 saddr @dns6 meta l4proto { tcp, udp } th sport 53 ct state established accept",
            "\t\tip saddr @restore4 ct state established,related accept",
            "\t\tip6 saddr @restore6 ct state established,related accept",
            // A lost lease would lose the collector too; isolation may last days.
            "\t\tudp sport 67 udp dport 68 accept",
            "\t\tudp sport 547 udp dport 546 accept",
            // Neighbour discovery, to reach an IPv6 collector on the link; only from the link itself.
            "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept",
            "\t\tcounter comment \"dropped by attt isolation\"",
            "\t}",
        ]
        let output = [
            "\tchain output {",
            "\t\ttype filter hook output priority filter - 10; policy drop;",
            "\t\toif \"lo\" accept",
            "\t\tct state invalid drop",
            "\t\tip daddr @collector4 tcp dport @collector_ports ct state new,established accept",
            "\t\tip6 daddr @collector6 tcp dport @collector_ports ct state new,established accept",
            "\t\tip daddr @management4 tcp sport @ssh_ports ct state established accept",
            "\t\tip6 daddr @management6 tcp sport @ssh_ports ct state established accept",
            "\t\tip daddr @management4 icmp type echo-reply accept",
            "\t\tip6 daddr @management6 icmpv6 type echo-reply accept",
            "\t\tip daddr @dns4 meta l4proto { tcp, udp } th dport 53 ct state new,established accept",
            "\t\tip6 daddr @dns6 meta l4proto { tcp, udp } th dport 53 ct state new,established accept",
            "\t\tip daddr @restore4 ct state new,established accept",
            "\t\tip6 daddr @restore6 ct state new,established accept",
            "\t\tudp sport 68 udp dport 67 accept",
            "\t\tudp sport 546 udp dport 547 accept",
            "\t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } ip6 hoplimit 255 accept",
            "\t\tcounter comment \"dropped by attt isolation\"",
            "\t}",
        ]
        let forward = [
            "\tchain forward {",
            "\t\ttype filter hook forward priority filter - 10; policy drop;",
            "\t}",
        ]
        let name = "\(Self.family) \(Self.table)"
        return (header + ["table \(name)", "delete table \(name)", "table \(name) {"] + sets + input + output + forward + ["}"])
            .joined(separator: "\n") + "\n"
    }

    /// The sets a restore fills while the PC is isolated.
    public static let restoreSets = (v4: "restore4", v6: "restore6")

    /// `nft` arguments that let the PC reach `addresses` (and their answers back) for `seconds`,
    /// the kernel taking each out by itself when its time is up.
    public static func openRestore(_ addresses: [IPAddress], seconds: Int) -> [[String]] {
        [(restoreSets.v4, addresses.filter { !$0.isIPv6 }), (restoreSets.v6, addresses.filter(\.isIPv6))].compactMap { set, list in
            list.isEmpty ? nil : ["add", "element", family, table, set, "{ " + list.map { "\($0) timeout \(seconds)s" }.joined(separator: ", ") + " }"]
        }
    }

    /// `nft` arguments that empty the restore sets again.
    public static var closeRestore: [[String]] {
        [restoreSets.v4, restoreSets.v6].map { ["flush", "set", family, table, $0] }
    }

    // MARK: For the officer

    /// Whether the SSH session the officer types in survives the isolation, from sshd's
    /// `SSH_CONNECTION` ("client-address client-port server-address server-port"): only a client in a
    /// management network, on one of sshd's ports, keeps it. nil when the text is not such a line.
    public func keepsSession(_ connection: String) -> Bool? {
        let words = connection.split(separator: " ")
        guard words.count == 4, let port = Int(words[3]) else { return nil }
        // `::ffff:10.0.0.5`, as a dual-stack socket names an IPv4 client: the packets are IPv4.
        let text = words[0].lowercased()
        guard let client = IPAddress(text.hasPrefix("::ffff:") && text.contains(".") ? String(text.dropFirst(7)) : text) else { return nil }
        return sshPorts.contains(port) && managementNetworks.contains { $0.contains(client) }
    }


    /// What stays allowed, in one paragraph (Vietnamese first, as every command speaks).
    public func summary(_ language: Language) -> String {
        let vi = language == .vi
        let addresses = collectorAddresses.map { $0.isIPv6 ? "[\($0)]" : $0.description }
        let collector = (collectorName.map { "\($0) (" + addresses.joined(separator: ", ") + ")" } ?? addresses.joined(separator: ", "))
            + (vi ? " cổng \(collectorPort)" : " port \(collectorPort)")
        var allowed = collectorAddresses.isEmpty ? [] : [(vi ? "máy chủ thu thập " : "the collector ") + collector]
        let ports = sshPorts.map(String.init).joined(separator: ", ")
        if managementNetworks.isEmpty {
            allowed.append(vi ? "không mở SSH (đơn vị chưa khai báo mạng quản trị management_networks: chỉ làm việc trực tiếp tại máy)"
                              : "no SSH (the unit names no management_networks: work at the PC itself)")
        } else {
            let networks = managementNetworks.map(\.description).joined(separator: ", ")
            allowed.append(vi ? "SSH (cổng \(ports)) và ping từ \(networks)" : "SSH (port \(ports)) and ping from \(networks)")
        }
        allowed.append("DHCP")
        if dnsResolvers.isEmpty {
            allowed.append(vi ? "không DNS" : "no DNS")
        } else {
            allowed.append("DNS " + (vi ? "tới " : "to ") + dnsResolvers.map(\.description).joined(separator: ", "))
        }
        if collectorAddresses.isEmpty {
            allowed.insert(vi ? "không liên lạc với máy chủ thu thập (chỉ gỡ được tại máy)" : "no collector (release only at this PC)", at: 0)
        }
        return vi
            ? "Cho phép: " + allowed.joined(separator: "; ") + ". Chặn mọi kết nối khác, vào và ra, kể cả các kết nối đang mở."
            : "Allowed: " + allowed.joined(separator: "; ") + ". Every other connection is blocked, in and out, open ones included."
    }
}
