import AtttTestSupport
import Foundation
import HardeningCore
import HostAccess
import Remediation
import Testing

/// Điều 11 khoản 2 điểm a, Bước 1: the isolation table, its text, and its steps through the Applier.
@Suite struct IsolationRulesTests {
    static let nftAvailable = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    func rules(collector: [String] = ["10.231.7.1"], management: [String] = ["10.20.0.0/24"], dns: [String] = []) throws -> IsolationRules {
        try IsolationRules(collectorName: "may-chu.xa", collectorAddresses: collector, collectorPort: 8443, managementNetworks: management, sshPorts: [22], dnsResolvers: dns)
    }

    /// Runs `nft -c -f` on the text in a network namespace of its own: the test machine's ruleset never changes.
    func nftCheck(_ text: String) throws -> AtttBinary.Output {
        let file = URL(fileURLWithPath: emptyRoot("isolation-nft")).appendingPathComponent("isolation.nft")
        try text.write(to: file, atomically: true, encoding: .utf8)
        return try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["--net", "/usr/sbin/nft", "-c", "-f", file.path])
    }

    @Test func goldenText() throws {
        let text = try rules().ruleset
        let expected = """
            #!/usr/sbin/nft -f
            # attt: cách ly máy khỏi mạng (Điều 11 khoản 2 điểm a, Bước 1).
            # Do `attt incident isolate` ghi; gỡ bằng `attt incident release`. Không sửa tay.
            # Máy chủ thu thập: may-chu.xa
            table inet attt_isolation
            delete table inet attt_isolation
            table inet attt_isolation {
            \tset collector4 { type ipv4_addr; elements = { 10.231.7.1 }; }
            \tset collector6 { type ipv6_addr; }
            \tset collector_ports { type inet_service; elements = { 8443 }; }
            \tset management4 { type ipv4_addr; flags interval; auto-merge; elements = { 10.20.0.0/24 }; }
            \tset management6 { type ipv6_addr; flags interval; auto-merge; }
            \tset ssh_ports { type inet_service; elements = { 22 }; }
            \tset dns4 { type ipv4_addr; }
            \tset dns6 { type ipv6_addr; }
            \tset restore4 { type ipv4_addr; flags timeout; }
            \tset restore6 { type ipv6_addr; flags timeout; }
            \tchain input {
            \t\ttype filter hook input priority filter - 10; policy drop;
            \t\tiif "lo" accept
            \t\tct state invalid drop
            \t\tip saddr @collector4 tcp sport @collector_ports ct state established,related accept
            \t\tip6 saddr @collector6 tcp sport @collector_ports ct state established,related accept
            \t\tip saddr @management4 tcp dport @ssh_ports ct state new,established accept
            \t\tip6 saddr @management6 tcp dport @ssh_ports ct state new,established accept
            \t\tip saddr @management4 icmp type echo-request accept
            \t\tip6 saddr @management6 icmpv6 type echo-request accept
            \t\tip saddr @dns4 meta l4proto { tcp, udp } th sport 53 ct state established accept
            \t\tip6 saddr @dns6 meta l4proto { tcp, udp } th sport 53 ct state established accept
            \t\tip saddr @restore4 ct state established,related accept
            \t\tip6 saddr @restore6 ct state established,related accept
            \t\tudp sport 67 udp dport 68 accept
            \t\tudp sport 547 udp dport 546 accept
            \t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-advert } ip6 hoplimit 255 accept
            \t\tcounter comment "dropped by attt isolation"
            \t}
            \tchain output {
            \t\ttype filter hook output priority filter - 10; policy drop;
            \t\toif "lo" accept
            \t\tct state invalid drop
            \t\tip daddr @collector4 tcp dport @collector_ports ct state new,established accept
            \t\tip6 daddr @collector6 tcp dport @collector_ports ct state new,established accept
            \t\tip daddr @management4 tcp sport @ssh_ports ct state established accept
            \t\tip6 daddr @management6 tcp sport @ssh_ports ct state established accept
            \t\tip daddr @management4 icmp type echo-reply accept
            \t\tip6 daddr @management6 icmpv6 type echo-reply accept
            \t\tip daddr @dns4 meta l4proto { tcp, udp } th dport 53 ct state new,established accept
            \t\tip6 daddr @dns6 meta l4proto { tcp, udp } th dport 53 ct state new,established accept
            \t\tip daddr @restore4 ct state new,established accept
            \t\tip6 daddr @restore6 ct state new,established accept
            \t\tudp sport 68 udp dport 67 accept
            \t\tudp sport 546 udp dport 547 accept
            \t\ticmpv6 type { nd-neighbor-solicit, nd-neighbor-advert, nd-router-solicit } ip6 hoplimit 255 accept
            \t\tcounter comment "dropped by attt isolation"
            \t}
            \tchain forward {
            \t\ttype filter hook forward priority filter - 10; policy drop;
            \t}
            }

            """
        #expect(text == expected)
        #expect(try rules().summary(.vi) == "Cho phép: máy chủ thu thập may-chu.xa (10.231.7.1) cổng 8443; SSH (cổng 22) và ping từ 10.20.0.0/24; DHCP; không DNS. Chặn mọi kết nối khác, vào và ra, kể cả các kết nối đang mở.")
    }

    @Test(.enabled(if: IsolationRulesTests.nftAvailable, "needs root, nft (nftables, scripts/deps.sh) and unshare for a network namespace of its own"),
          arguments: [
              (["10.231.7.1"], ["10.20.0.0/24"], [String]()),
              (["fd00:231:7::1", "10.231.7.1"], ["fd00:20::/64", "10.20.0.0/16", "10.20.1.0/24"], ["10.0.0.53", "fd00::53"]),
              (["fd00:231:7::1"], [], []),
          ])
    func nftAcceptsTheText(collector: [String], management: [String], dns: [String]) throws {
        let text = try rules(collector: collector, management: management, dns: dns).ruleset
        let check = try nftCheck(text)
        #expect(check.status == 0, "\(check.stderr)\n\(text)")
        // The same check refuses a broken table, so a pass above means something.
        let broken = try nftCheck(text.replacingOccurrences(of: "policy drop;", with: "policy dropp;"))
        #expect(broken.status != 0)
    }

    @Test func ipv4AndIPv6AddressesGoToTheirSetsInCanonicalForm() throws {
        let r = try rules(collector: ["FD00:0231:0007:0000:0000:0000:0000:0001", "10.231.7.1", "10.231.7.1"], management: ["10.20.0.7/24", "FD00:20::/64"], dns: ["::ffff:10.0.0.53"])
        let text = r.ruleset
        #expect(text.contains("set collector4 { type ipv4_addr; elements = { 10.231.7.1 }; }"))
        #expect(text.contains("set collector6 { type ipv6_addr; elements = { fd00:231:7::1 }; }"))
        // Host bits are cleared: the network the officer meant.
        #expect(text.contains("set management4 { type ipv4_addr; flags interval; auto-merge; elements = { 10.20.0.0/24 }; }"))
        #expect(text.contains("set management6 { type ipv6_addr; flags interval; auto-merge; elements = { fd00:20::/64 }; }"))
        #expect(text.contains("set dns6 { type ipv6_addr; elements = { ::ffff:a00:35 }; }"))
        #expect(r.summary(.vi).contains("may-chu.xa (10.231.7.1, [fd00:231:7::1]) cổng 8443"))
        #expect(r.summary(.vi).contains("DNS tới"))
    }

    /// The officer's own SSH session (sshd's SSH_CONNECTION) is kept only from a management network, on sshd's port.
    @Test func theOfficersSessionSurvivesOnlyFromAManagementNetwork() throws {
        let r = try IsolationRules(collectorName: nil, collectorAddresses: ["10.231.7.1"], collectorPort: 8443,
                                   managementNetworks: ["10.20.0.0/24", "fd00:20::/64"], sshPorts: [2222])
        #expect(r.keepsSession("10.20.0.9 51000 10.20.0.50 2222") == true)
        #expect(r.keepsSession("::ffff:10.20.0.9 51000 ::ffff:10.20.0.50 2222") == true)
        #expect(r.keepsSession("fd00:20::9 51000 fd00:20::50 2222") == true)
        #expect(r.keepsSession("10.30.0.9 51000 10.20.0.50 2222") == false)
        #expect(r.keepsSession("10.20.0.9 51000 10.20.0.50 22") == false)
        #expect(r.keepsSession("fd00:21::9 51000 fd00:20::50 2222") == false)
        #expect(r.keepsSession("") == nil && r.keepsSession("10.20.0.9 x y z") == nil && r.keepsSession("pc 1 2 3") == nil)
        #expect(try IsolationRules(collectorName: nil, collectorAddresses: [], collectorPort: 8443, managementNetworks: []).keepsSession("10.20.0.9 1 10.20.0.50 22") == false)
    }

    @Test func withoutManagementNetworksNoSSHIsOpen() throws {
        let r = try rules(management: [])
        #expect(r.ruleset.contains("set management4 { type ipv4_addr; flags interval; auto-merge; }"))
        #expect(r.ruleset.contains("set management6 { type ipv6_addr; flags interval; auto-merge; }"))
        #expect(r.summary(.vi).contains("không mở SSH"))
        #expect(r.summary(.en).contains("no SSH"))
    }

    @Test(arguments: [
        ("collector name", "may-chu\"; flush ruleset; \"", "10.231.7.1", "10.20.0.0/24"),
        ("collector name", "may-chu\nchain x", "10.231.7.1", "10.20.0.0/24"),
        ("collector address", nil, "10.231.7.1 }; accept; {", "10.20.0.0/24"),
        ("collector address", nil, "010.231.7.1", "10.20.0.0/24"),
        ("collector address", nil, "fe80::1%eth0", "10.20.0.0/24"),
        ("management_networks", nil, "10.231.7.1", "10.20.0.0/24\naccept"),
        ("management_networks", nil, "10.231.7.1", "10.20.0.0/33"),
        ("management_networks", nil, "10.231.7.1", "any"),
    ] as [(String, String?, String, String)])
    func hostileValuesAreRefusedAndNamed(field: String, name: String?, address: String, network: String) {
        #expect {
            _ = try IsolationRules(collectorName: name, collectorAddresses: [address], collectorPort: 8443, managementNetworks: [network])
        } throws: { error in
            guard let refused = error as? IsolationRules.Refused else { return false }
            // The message names the field and never carries a raw newline into the officer's terminal.
            return refused.field == field && refused.description.contains(field) && !refused.description.contains("\n")
        }
    }

    @Test func badPortsAreRefusedAndNoCollectorIsSaid() {
        // Without a collector (not enrolled, --without-collector) nothing at all stays reachable, and the officer is told.
        let alone = try? IsolationRules(collectorName: nil, collectorAddresses: [], collectorPort: 8443, managementNetworks: [])
        #expect(alone?.ruleset.contains("set collector4 { type ipv4_addr; }") == true)
        #expect(alone?.summary(.vi).contains("không liên lạc với máy chủ thu thập") == true)
        #expect(throws: IsolationRules.Refused.self) { try IsolationRules(collectorName: nil, collectorAddresses: ["10.0.0.1"], collectorPort: 0, managementNetworks: []) }
        #expect(throws: IsolationRules.Refused.self) { try IsolationRules(collectorName: nil, collectorAddresses: ["10.0.0.1"], collectorPort: 8443, managementNetworks: [], sshPorts: [70000]) }
    }

    @Test func addressesParseStrictly() {
        #expect(IPAddress("::")?.description == "::")
        #expect(IPAddress("1:0:0:1:0:0:0:1")?.description == "1:0:0:1::1")
        #expect(IPAddress("2001:db8::0:1")?.description == "2001:db8::1")
        #expect(IPAddress("1::2::3") == nil)
        #expect(IPAddress("1.2.3") == nil)
        #expect(IPAddress("1.2.3.256") == nil)
        #expect(IPAddress("12345::") == nil)
        #expect(IPNetwork("fd00::1/0")?.description == "::/0")
    }
}

/// The isolation's steps, run by the real Applier on a throw-away tree: the rules are checked by nft in
/// a network namespace of their own, never loaded into this machine's kernel.
@Suite struct IsolationPlanTests {
    func target(_ root: String, hosts: String?, isolated: Bool = false) -> IsolationPlan.Target {
        IsolationPlan.Target(root: root, hosts: hosts, alreadyIsolated: isolated, confirmWithCollector: true)
    }

    @Test func liveIsolationIsGuardedByTheCollector() throws {
        let rules = try IsolationRules(collectorName: "may-chu.xa", collectorAddresses: ["10.231.7.1"], collectorPort: 8443, managementNetworks: [])
        let actions = IsolationPlan.isolate(rules, on: target("/", hosts: "127.0.0.1\tlocalhost\n")).map(\.action)
        #expect(actions.first == .onRestore(arguments: ["nft", "delete", "table", "inet", "attt_isolation"], inRoot: false))
        #expect(actions.dropFirst().first == .confirmConnectivity(seconds: 300))
        #expect(actions.last == .runCommand(arguments: ["nft", "-f", "/etc/attt/isolation.nft"], touches: [], inRoot: false))
        // Already isolated: a rollback loads the old file again instead of opening the PC.
        let again = IsolationPlan.isolate(rules, on: target("/", hosts: nil, isolated: true)).map(\.action)
        #expect(again.first == .onRestore(arguments: ["nft", "-f", "/etc/attt/isolation.nft"], inRoot: false))
        let release = IsolationPlan.release(on: target("/", hosts: nil)).map(\.action)
        #expect(release.first == .onRestore(arguments: ["nft", "-f", "/etc/attt/isolation.nft"], inRoot: false))
        #expect(!release.contains(.confirmConnectivity(seconds: 300)), "a release only opens: no safety net")
    }

    @Test func pinningReplacesOnlyItsOwnLines() throws {
        let hosts = "127.0.0.1\tlocalhost\n10.0.0.9\tmay-in\n"
        let addresses = [IPAddress("10.231.7.1")!, IPAddress("fd00::1")!]
        let pinned = IsolationPlan.pinning("may-chu.xa", to: addresses, in: hosts)
        #expect(pinned == hosts + "10.231.7.1\tmay-chu.xa\t# attt-isolation\nfd00::1\tmay-chu.xa\t# attt-isolation\n")
        #expect(IsolationPlan.pinning("may-chu.xa", to: addresses, in: pinned) == pinned)
        #expect(IsolationPlan.unpinning(pinned) == hosts)
        #expect(IsolationPlan.pinning("m", to: addresses, in: "no-newline").hasPrefix("no-newline\n"))
    }

    @Test(.enabled(if: IsolationRulesTests.nftAvailable, "needs root, nft (nftables, scripts/deps.sh) and unshare for a network namespace of its own"))
    func isolateThenReleaseUnderAnotherRoot() throws {
        let root = emptyRoot("isolation-plan")
        let host = HostRoot(root)
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        let hosts = "127.0.0.1\tlocalhost\n"
        try hosts.write(toFile: root + "/etc/hosts", atomically: true, encoding: .utf8)
        let rules = try IsolationRules(collectorName: "may-chu.xa", collectorAddresses: ["10.231.7.1", "fd00:231:7::1"], collectorPort: 8443, managementNetworks: ["10.20.0.0/24"])
        let applier = Applier(host: host)
        let isolated = try applier.apply(RemediationPlan(steps: IsolationPlan.isolate(rules, on: target(root, hosts: hosts))), officer: "cb-cntt")
        #expect(isolated.state == .applied, "\(isolated.error ?? "")")
        #expect(isolated.controls == ["VN-TD-INC-001"])
        #expect(try String(contentsOfFile: root + "/etc/attt/isolation.nft", encoding: .utf8) == rules.ruleset)
        let mode = try FileManager.default.attributesOfItem(atPath: root + "/etc/attt/isolation.nft")[.posixPermissions] as? Int
        #expect(mode == 0o600)
        #expect(try String(contentsOfFile: root + "/etc/hosts", encoding: .utf8).contains("10.231.7.1\tmay-chu.xa\t# attt-isolation"))

        let current = try String(contentsOfFile: root + "/etc/hosts", encoding: .utf8)
        let released = try applier.apply(RemediationPlan(steps: IsolationPlan.release(on: target(root, hosts: current, isolated: true))), officer: "cb-cntt")
        #expect(released.state == .applied, "\(released.error ?? "")")
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/attt/isolation.nft"))
        #expect(try String(contentsOfFile: root + "/etc/hosts", encoding: .utf8) == hosts)
    }

    /// A ruleset nft refuses is never put in place, and the transaction leaves the tree as it was.
    @Test(.enabled(if: IsolationRulesTests.nftAvailable, "needs root, nft (nftables, scripts/deps.sh) and unshare for a network namespace of its own"))
    func aRulesetNftRefusesIsNeverWritten() throws {
        let root = emptyRoot("isolation-refused")
        try FileManager.default.createDirectory(atPath: root + "/etc", withIntermediateDirectories: true)
        let rules = try IsolationRules(collectorName: nil, collectorAddresses: ["10.231.7.1"], collectorPort: 8443, managementNetworks: [])
        var steps = IsolationPlan.isolate(rules, on: target(root, hosts: nil))
        guard case .writeFile(let path, let content, let mode, let validator)? = steps.last?.action else {
            Issue.record("the last step under another root writes the rules")
            return
        }
        let broken = String(decoding: content, as: UTF8.self).replacingOccurrences(of: "policy drop;", with: "policy dropp;")
        steps[steps.count - 1].action = .writeFile(path: path, content: Data(broken.utf8), mode: mode, validator: validator)
        let journal = try Applier(host: HostRoot(root)).apply(RemediationPlan(steps: steps), officer: "cb-cntt")
        #expect(journal.state == .failed)
        #expect(journal.error?.contains("nft") == true)
        #expect(!FileManager.default.fileExists(atPath: root + "/etc/attt/isolation.nft"))
    }
}
