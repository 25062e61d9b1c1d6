import FoundationEssentials

/// VN-TD-UPD-001 (Điều 10 khoản 5: patches installed regularly): unattended-upgrades from the
/// distribution, told to run daily and to take the security archive, and the two apt timers that
/// drive it enabled. APT reads `apt.conf.d` in order and the LAST value wins, so a later line that
/// turns the periodic runs off is commented out with a note. Origins are a list that adds up across
/// files, so the security origin goes in a file of its own and the package's file stays as shipped.
public struct UnattendedUpgradesFixer: Fixer {
    public let name = "unattended-upgrades"
    public init() {}

    static let periodic = "/etc/apt/apt.conf.d/20auto-upgrades"
    static let origins = "/etc/apt/apt.conf.d/51vn-td-security"
    static let timers = ["apt-daily.timer", "apt-daily-upgrade.timer"]

    public func reads(_ facts: HostFacts) -> [String] {
        var paths = [Self.periodic, Self.origins]
        if let updates = facts.updates.value {
            for source in [updates.updatePackageLists.source, updates.unattendedUpgrade.source] where !paths.contains(source.path) && !source.path.hasPrefix("default:") {
                paths.append(source.path)
            }
        }
        return paths
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let updates = context.facts.updates.value else {
            throw FixError.cannotFix(context.control.id, "APT's configuration could not be read")
        }
        var actions: [RemediationAction] = []
        let installed = context.facts.packages.value?.installed.contains { $0.name == "unattended-upgrades" } ?? false
        if !installed {
            actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "unattended-upgrades"], touches: [], inRoot: true))
        }
        // A later file that sets a periodic value to 0 wins over 20auto-upgrades: comment its line out.
        var overriding: [String: Set<Int>] = [:]
        for setting in [updates.updatePackageLists, updates.unattendedUpgrade] where (Int(setting.value) ?? 0) < 1 {
            guard let line = setting.source.line, setting.source.path != Self.periodic, !setting.source.path.hasPrefix("default:") else { continue }
            overriding[setting.source.path, default: []].insert(line)
        }
        for (path, lines) in overriding.sorted(by: { $0.key < $1.key }) {
            guard let text = context.text(path) else { continue }
            let edited = ConfigEdit.commentOut(lines: lines, in: text, note: "attt \(context.control.id) (Điều 10 khoản 5): this line stopped the daily security updates")
            actions.append(.writeFile(path: path, content: Data(edited.utf8), mode: 0o644))
        }
        // The file unattended-upgrades' postinst writes when its debconf question is answered yes.
        let periodic = "APT::Periodic::Update-Package-Lists \"1\";\nAPT::Periodic::Unattended-Upgrade \"1\";\n"
        if context.text(Self.periodic) != periodic, updates.updatePackageLists.value != "1" || updates.unattendedUpgrade.value != "1" {
            actions.append(.writeFile(path: Self.periodic, content: Data(periodic.utf8), mode: 0o644))
        }
        if !updates.origins.contains(where: \.security) {
            let ubuntu = context.facts.system.os.id == "ubuntu"
            let pattern = ubuntu ? "origin=Ubuntu,archive=${distro_codename}-security,label=Ubuntu" : "origin=Debian,codename=${distro_codename}-security,label=Debian-Security"
            let text = """
                // attt \(context.control.id) (Điều 10 khoản 5): install fixes from the security archive.
                Unattended-Upgrade::Origins-Pattern {
                        "\(pattern)";
                };

                """
            actions.append(.writeFile(path: Self.origins, content: Data(text.utf8), mode: 0o644))
        }
        let enabled = Set((context.facts.services.enabled.value ?? []).map(\.unit))
        let missing = Self.timers.filter { !enabled.contains($0) }
        if !missing.isEmpty {
            let root = context.root == "/" ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable"] + missing, touches: missing.map { "/etc/systemd/system/timers.target.wants/\($0)" }, inRoot: false))
        }
        guard !actions.isEmpty else {
            throw FixError.cannotFix(context.control.id, "the settings are right; the last run is old or failed — see /var/log/unattended-upgrades/unattended-upgrades.log")
        }
        // apt refuses a configuration it cannot parse: check the result before it is kept.
        actions.append(.runCommand(arguments: ["apt-config", "dump"], touches: [], inRoot: true))
        return actions
    }
}
