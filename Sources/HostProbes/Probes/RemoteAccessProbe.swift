import HardeningCore
import HostAccess

/// The SSH server's configuration as sshd reads it (``SshdConfig``). Điều 7 khoản 2, Điều 9 khoản 3.
struct RemoteAccessProbe {
    let host: HostRoot
    var services = ServiceFacts(enabled: .collected([]), active: .unavailable(""))

    func collect() throws -> RemoteAccessFacts {
        let config = try SshdConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) }
        )
        let desktops = try remoteDesktops()
        guard let config else { return RemoteAccessFacts(ssh: nil, remoteDesktops: desktops) }
        if !config.problems.isEmpty {
            // sshd itself would refuse such a file: say so rather than guess what it means.
            throw ProbeError(path: "/etc/ssh/sshd_config", reason: config.problems.joined(separator: "; ") + " — check it with sshd -t")
        }
        return RemoteAccessFacts(ssh: Self.server(config), remoteDesktops: desktops)
    }

    /// OpenSSH 9.2's compiled-in defaults, for what no line sets.
    static let openssh = SourceLocation.builtin("openssh")

    static func server(_ config: SshdConfig) -> SshServerFacts {
        func text(_ keyword: String, _ fallback: String, _ transform: (String) -> String) -> Sourced<String> {
            config.effective(keyword).map { Sourced(transform($0.arguments.first ?? ""), $0.source) } ?? Sourced(fallback, openssh)
        }
        func flag(_ keyword: String, _ fallback: Bool) -> Sourced<Bool> {
            config.effective(keyword).map { Sourced($0.arguments.first?.lowercased() == "yes", $0.source) } ?? Sourced(fallback, openssh)
        }
        func list(_ keyword: String) -> Sourced<[String]> {
            config.effective(keyword).map { Sourced($0.arguments, $0.source) } ?? Sourced([], openssh)
        }
        let tries = config.effective("maxauthtries").map { Sourced(Int($0.arguments.first ?? "") ?? -1, $0.source) } ?? Sourced(6, openssh)
        return SshServerFacts(
            permitRootLogin: text("permitrootlogin", "prohibit-password") { $0.lowercased() },
            permitEmptyPasswords: flag("permitemptypasswords", false),
            maxAuthTries: tries,
            passwordAuthentication: flag("passwordauthentication", true),
            logLevel: text("loglevel", "INFO") { $0.uppercased() },
            allowGroups: list("allowgroups"),
            allowUsers: list("allowusers"),
            matchBlocks: config.matches.map(match)
        )
    }

    /// Within a block, too, the first value wins.
    static func match(_ block: SshdConfig.MatchBlock) -> SshMatchBlock {
        func first(_ keyword: String) -> SshdConfig.Directive? { block.directives.first { $0.keyword == keyword } }
        return SshMatchBlock(
            criteria: block.criteria, source: block.source,
            permitRootLogin: first("permitrootlogin").map { Sourced(($0.arguments.first ?? "").lowercased(), $0.source) },
            permitEmptyPasswords: first("permitemptypasswords").map { Sourced($0.arguments.first?.lowercased() == "yes", $0.source) },
            maxAuthTries: first("maxauthtries").map { Sourced(Int($0.arguments.first ?? "") ?? -1, $0.source) },
            passwordAuthentication: first("passwordauthentication").map { Sourced($0.arguments.first?.lowercased() == "yes", $0.source) },
            logLevel: first("loglevel").map { Sourced(($0.arguments.first ?? "").uppercased(), $0.source) }
        )
    }
}
