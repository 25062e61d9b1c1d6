import FoundationEssentials

/// VN-TD-NET-001 (Điều 6 — Trang thiết bị — khoản 4; Điều 9 khoản 2): ufw, Debian's simple firewall,
/// dropping what comes in by default, for IPv4 and IPv6. It never cuts the host off the people who
/// manage it:
/// - SSH is allowed first (from the management networks when the unit names them, else from
///   anywhere as before, rate-limited), and the collector's port stays open outwards;
/// - on the live host the change is kept only if the collector answers afterwards, and a timer rolls
///   it back within five minutes otherwise, even if attt is killed with the officer's SSH session;
/// - a rollback puts the files back and then makes ufw load them again.
/// A host that already runs firewalld or nftables keeps it: attt does not replace a firewall someone
/// chose; the officer is told what to change.
public struct FirewallFixer: Fixer {
    public let name = "ufw"
    public init() {}

    static let defaults = "/etc/default/ufw"
    static let conf = "/etc/ufw/ufw.conf"
    static let collectorLink = "/var/lib/attt/identity/collector.json"
    static let ruleFiles = ["/etc/ufw/user.rules", "/etc/ufw/user6.rules"]
    public static let wantsLink = "/etc/systemd/system/multi-user.target.wants/ufw.service"
    /// How long a change waits for the collector before it is undone.
    static let confirmSeconds = 300

    public func reads(_ facts: HostFacts) -> [String] { [Self.defaults, Self.conf, Self.collectorLink] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let network = context.facts.network.value else {
            throw FixError.cannotFix(context.control.id, "the firewall configuration could not be read")
        }
        let enabled = network.firewalls.filter(\.enabled.value)
        if enabled.count > 1 {
            throw FixError.cannotFix(context.control.id, "\(enabled.map(\.name).joined(separator: ", ")) start at boot together and fight over the same tables: keep one and disable the others")
        }
        if let other = enabled.first, other.name != "ufw" {
            throw FixError.cannotFix(context.control.id, "\(other.name) is this host's firewall: make it drop incoming packets by default (firewalld: the default zone's target; nftables: policy drop in the input chains); attt does not replace it")
        }
        let live = context.root == "/"
        let wasEnabled = enabled.first?.name == "ufw"
        // Under another root, ufw runs in the tree and in a network namespace of its own, so the
        // rules it loads can never reach this machine's kernel.
        func ufw(_ arguments: [String]) -> [String] {
            live ? ["ufw"] + arguments : ["unshare", "--net", "chroot", context.root, "ufw"] + arguments
        }
        let touched = Self.ruleFiles + [Self.defaults, Self.conf]
        var actions: [RemediationAction] = []
        let installed = context.facts.packages.value?.installed.contains { $0.name == "ufw" } ?? false
        if !installed {
            actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "ufw"], touches: [], inRoot: true))
        }
        if live {
            // First in the journal: whatever happens next, a rollback makes the kernel follow the files.
            actions.append(.onRestore(arguments: wasEnabled ? ["ufw", "reload"] : ["ufw", "--force", "disable"], inRoot: false))
            actions.append(.confirmConnectivity(seconds: Self.confirmSeconds))
        }
        // Allowed before the default turns to drop, so an SSH session is never without its rule.
        let sshServer = context.facts.remoteAccess.value?.ssh != nil
        if sshServer {
            var networks: [String] = []
            if case .array(let items)? = context.parameters["management_networks"] { networks = items.compactMap(\.stringValue) }
            let comment = ["comment", "attt \(context.control.id): SSH for the IT officer"]
            if networks.isEmpty {
                actions.append(.runCommand(arguments: ufw(["limit", "22/tcp"] + comment), touches: touched, inRoot: false))
            }
            for network in networks {
                actions.append(.runCommand(arguments: ufw(["limit", "proto", "tcp", "from", network, "to", "any", "port", "22"] + comment), touches: touched, inRoot: false))
            }
        }
        let defaults = context.text(Self.defaults)
        if let port = Self.collectorPort(context.text(Self.collectorLink)), let defaults, !Self.outgoingAccepted(defaults) {
            actions.append(.runCommand(arguments: ufw(["allow", "out", "\(port)/tcp", "comment", "attt \(context.control.id): the collector"]), touches: touched, inRoot: false))
        }
        if let defaults {
            let ipv6 = ConfigEdit.set("IPV6", to: "yes", in: defaults, style: .shell)
            if ipv6 != defaults { actions.append(.writeFile(path: Self.defaults, content: Data(ipv6.utf8), mode: 0o644)) }
        }
        actions.append(.runCommand(arguments: ufw(["default", "deny", "incoming"]), touches: touched, inRoot: false))
        // `ufw enable` writes ENABLED=yes in ufw.conf; the package's postinst enabled ufw.service.
        actions.append(.runCommand(arguments: ufw(["--force", "enable"]), touches: touched, inRoot: false))
        if installed && !(context.facts.services.enabled.value ?? []).contains(where: { $0.unit == "ufw.service" }) {
            let root = live ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable", "ufw.service"], touches: [Self.wantsLink], inRoot: false))
        }
        return actions
    }

    /// ufw lets everything out unless `DEFAULT_OUTPUT_POLICY` says otherwise.
    static func outgoingAccepted(_ defaults: String) -> Bool {
        let line = defaults.lines.last { $0.hasPrefix("DEFAULT_OUTPUT_POLICY=") }
        return line.map { $0.contains("ACCEPT") } ?? true
    }

    /// The port of the collector this host is enrolled with (`/var/lib/attt/identity/collector.json`).
    static func collectorPort(_ json: String?) -> Int? {
        struct Link: Decodable { var collector: String }
        guard let json, let link = try? JSONDecoder().decode(Link.self, from: Data(json.utf8)),
              let url = URL(string: link.collector) else { return nil }
        return url.port ?? (url.scheme == "http" ? 80 : 443)
    }
}
