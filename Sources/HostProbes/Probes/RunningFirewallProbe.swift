import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// VN-TD-NET-001 on the live host: the configuration on disk says what happens at the next boot; the
/// kernel's ruleset says what is enforced now (a firewall enabled at boot but stopped by hand, or
/// rules flushed). `nft list ruleset` prints it in nftables' own syntax, iptables-nft's tables (ufw,
/// Debian 12's iptables) included, so the ruleset parser of /etc/nftables.conf reads it too.
extension NetworkProbe {
    static let listing = "nft list ruleset"

    func runningFirewall() -> Probed<RunningFirewall>? {
        // Another root's kernel is not this one; without root, nft cannot read the ruleset.
        guard host.isLiveHost, geteuid() == 0,
              let nft = ["/usr/sbin/nft", "/sbin/nft"].first(where: { (path: String) in access(path, X_OK) == 0 }) else { return nil }
        let (status, output): (Int32, [UInt8])
        do {
            (status, output) = try Subprocess.run([nft, "list", "ruleset"], environment: ["LC_ALL": "C"], timeout: 10, maxOutput: 32 << 20, keepErrors: false)
        } catch {
            return .failed("\(error)")
        }
        // nft without the xtables extensions warns on stderr ("XT match conntrack not found") and still
        // lists the chains; only the exit status says it failed.
        guard status == 0 else { return .failed("\(Self.listing) exited with \(status)") }
        return .collected(Self.runningFirewall(listing: String(decoding: output, as: UTF8.self)))
    }

    static func runningFirewall(listing: String) -> RunningFirewall {
        var ruleset = NftablesConfig()
        ruleset.read(listing, path: Self.listing, depth: 0, readFile: { _ throws(ProbeError) in nil }, list: { _ throws(ProbeError) in [] })
        // attt's isolation table drops everything while a PC is isolated; it is not the host's
        // firewall, and counting it would let NET-001 pass on an isolated PC that has none.
        let isolated = ruleset.chains.contains { $0.family == IsolationRules.family && $0.table == IsolationRules.table }
        ruleset.chains.removeAll { $0.family == IsolationRules.family && $0.table == IsolationRules.table }
        func policy(_ ipv6: Bool) -> Sourced<String> {
            ruleset.inputPolicy(ipv6: ipv6).map { Sourced($0.policy.lowercased(), $0.source) }
                ?? Sourced("accept", SourceLocation(path: Self.listing))
        }
        return RunningFirewall(inputIPv4: policy(false), inputIPv6: policy(true), isolationLoaded: isolated)
    }
}
