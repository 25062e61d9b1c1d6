import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// nftables rulesets and firewalld zones read for what decides incoming packets.
@Suite struct FirewallConfigTests {
    func load(_ files: [String: String]) throws -> NftablesConfig? {
        let host = MemoryFiles(files)
        return try NftablesConfig.load(path: "/etc/nftables.conf", readFile: host.read, list: host.list)
    }

    @Test func debiansShippedRulesetAcceptsEverything() throws {
        let text = try String(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/tools/packages/nftables/nftables.conf"), encoding: .utf8)
        let config = try #require(try load(["/etc/nftables.conf": text]))
        #expect(config.chains.map(\.hook) == ["input", "forward", "output"])
        #expect(config.inputPolicy(ipv6: false).map { "\($0.policy) \($0.source)" } == "accept /etc/nftables.conf:6")
        #expect(config.inputPolicy(ipv6: true)?.family == "inet")
    }

    @Test func policiesPerFamilyIncludesAndTheAddForm() throws {
        let config = try #require(try load([
            "/etc/nftables.conf": """
                #!/usr/sbin/nft -f
                flush ruleset
                include "/etc/nftables.d/*.nft"
                table ip filter {
                  set allowed { type ipv4_addr; elements = { 10.0.0.1, 10.0.0.2 } }
                  chain input { type filter hook input priority 0; policy drop;
                    tcp dport { 22, 445 } accept   # managed ports
                  }
                }
                """,
            "/etc/nftables.d/20-v6.nft": "add table ip6 f6\nadd chain ip6 f6 in6 { type filter hook input priority 0 ; policy accept ; }\n",
            "/etc/nftables.d/10-none.nft": "# nothing\n",
        ]))
        #expect(config.problems.isEmpty)
        #expect(config.inputPolicy(ipv6: false).map { "\($0.family) \($0.chain) \($0.policy) \($0.source)" } == "ip input drop /etc/nftables.conf:6")
        #expect(config.inputPolicy(ipv6: true).map { "\($0.chain) \($0.policy) \($0.source)" } == "in6 accept /etc/nftables.d/20-v6.nft:2")
    }

    /// Every base chain on the input hook sees a packet: one that drops by default is enough.
    /// What the kernel enforces, as `nft list ruleset` prints it: here ufw 0.36.2 enabled in a Debian 12
    /// tree (iptables-nft tables, listed in a throw-away network namespace).
    @Test func theRunningRulesetOfUfw() throws {
        let listing = try String(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/samples/nft-list-ruleset-ufw.txt"), encoding: .utf8)
        let running = NetworkProbe.runningFirewall(listing: listing)
        #expect("\(running.inputIPv4.value) \(running.inputIPv4.source)" == "drop nft list ruleset:89")
        #expect("\(running.inputIPv6.value) \(running.inputIPv6.source)" == "drop nft list ruleset:309")
        // ufw stopped by hand: the chains stay, their policy turns to accept.
        let stopped = NetworkProbe.runningFirewall(listing: listing.replacing("policy drop;", with: "policy accept;"))
        #expect(stopped.inputIPv4.value == "accept" && stopped.inputIPv6.value == "accept")
        // Nothing loaded at all: everything is accepted.
        #expect(NetworkProbe.runningFirewall(listing: "").inputIPv4.value == "accept")
    }

    @Test func anyDroppingInputChainDecides() throws {
        let config = try #require(try load(["/etc/nftables.conf": "table inet a {\n chain i { type filter hook input priority 0; }\n}\ntable inet b {\n chain i { type filter hook input priority 10; policy drop; }\n}\n"]))
        #expect(config.inputPolicy(ipv6: false)?.table == "b")
        #expect(config.inputPolicy(ipv6: true)?.policy == "drop")
    }

    @Test func whatNftWouldRefuseIsAProblem() throws {
        let config = try #require(try load(["/etc/nftables.conf": "table inet f {\n chain input {\n"]))
        #expect(config.problems == ["/etc/nftables.conf: `{` not closed at the end of the file"])
        let loop = try #require(try load(["/etc/nftables.conf": "include \"/etc/nftables.conf\"\n"]))
        #expect(loop.problems.first?.contains("deeper than 16") == true)
    }

    @Test func firewalldZoneTarget() {
        #expect(NetworkProbe.attribute("target", ofFirst: "zone", in: #"<?xml version="1.0" encoding="utf-8"?>\#n<zone target="DROP">\#n  <short>Drop</short>"#) == "DROP")
        #expect(NetworkProbe.attribute("target", ofFirst: "zone", in: "<zone>\n<short>Public</short>") == nil)
        #expect(NetworkProbe.attribute("target", ofFirst: "zone", in: "<zone version='1' target='ACCEPT'>") == "ACCEPT")
    }

    @Test func keyfileEscapesCountAsTyped() {
        #expect(NetworkProbe.keyfileUnescaped(#"a\sb\\c\t"#) == "a b\\c\t")
        #expect(NetworkProbe.keyfileUnescaped("plain-key") == "plain-key")
    }
}

/// Điều 11 khoản 2 điểm a, Bước 1: attt's isolation table drops everything, but it is not the host's
/// firewall. The listings are `nft list ruleset` of the isolation ruleset loaded in a throw-away network
/// namespace (nft 1.0.6), alone and beside ufw's tables.
@Suite struct IsolationTableTests {
    func listing(_ name: String) throws -> String {
        try String(contentsOf: Repository.root.appendingPathComponent("Tests/Fixtures/samples/\(name)"), encoding: .utf8)
    }

    /// NET-001 evaluated on the hardened host's facts with the given running ruleset, as on the live host.
    func net001(running listing: String) throws -> ControlResult {
        let policy = ShippedPolicy.policy
        var facts = HostProbe(host: HostRoot(Repository.host("debian12-hardened").path), antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"])).collect(now: fixtureNow)
        guard case .collected(var network) = facts.network else {
            Issue.record("the hardened fixture's network facts were not collected")
            throw FixtureError.missing("network", "debian12-hardened")
        }
        network.runningFirewall = .collected(NetworkProbe.runningFirewall(listing: listing))
        facts.network = .collected(network)
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: fixtureNow))
        return try #require(evaluator.evaluate(try Evaluator.factTree(facts), only: ["VN-TD-NET-001"]).first)
    }

    @Test func theIsolationTableIsNotTheHostsFirewall() throws {
        let running = NetworkProbe.runningFirewall(listing: try listing("nft-list-ruleset-isolation.txt"))
        #expect(running.inputIPv4.value == "accept" && running.inputIPv6.value == "accept")
        #expect(running.isolationLoaded == true)
        #expect(NetworkProbe.runningFirewall(listing: try listing("nft-list-ruleset-ufw.txt")).isolationLoaded == false)
    }

    @Test func net001StillFailsWhenOnlyTheIsolationTableDrops() throws {
        let isolated = try net001(running: try listing("nft-list-ruleset-isolation.txt"))
        #expect(isolated.status == .fail)
        #expect(isolated.evidence("now — incoming default (IPv4)").first?.actual == "accept")
        // ufw running beside it: its own drop decides, and NET-001 passes.
        let both = try net001(running: try listing("nft-list-ruleset-ufw.txt") + "\n" + (try listing("nft-list-ruleset-isolation.txt")))
        #expect(both.status == .pass, "\(both.evidence)")
    }
}
