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
            ports: ports(config),
            matchBlocks: config.matches.map(match)
        )
    }

    /// The ports sshd binds, as `sshd -T` prints them in its `listenaddress` lines: an address with a
    /// port of its own (`10.0.0.1:2222`, `[::1]:2222`) on that port, every other one on each `Port`
    /// (22 when no line sets one); without `ListenAddress`, every `Port`. A value sshd would refuse
    /// has already made the file a problem (``SshdConfig``), so what is left parses.
    static func ports(_ config: SshdConfig) -> Sourced<[Int]> {
        let port = config.effective("port")
        let plain = port.map { $0.arguments.compactMap { Int($0) } }.flatMap { $0.isEmpty ? nil : $0 } ?? [22]
        guard let listen = config.effective("listenaddress") else { return Sourced(plain.uniqueSorted, port?.source ?? openssh) }
        var ports: [Int] = []
        // `ListenAddress addr [rdomain name]`: an address in each directive, its words after it are not addresses.
        for directive in config.global where directive.keyword == "listenaddress" {
            guard let address = directive.arguments.first else { continue }
            ports += listenPort(address).map { [$0] } ?? plain
        }
        return Sourced(ports.uniqueSorted, port?.source ?? listen.source)
    }

    /// The port of `host:port` or `[v6]:port`; nil for a bare address (a bare IPv6 address has colons
    /// and no brackets).
    static func listenPort(_ address: String) -> Int? {
        if address.hasPrefix("[") {
            guard let close = address.firstIndex(of: "]"), address[address.index(after: close)...].hasPrefix(":") else { return nil }
            return Int(address[address.index(close, offsetBy: 2)...])
        }
        let parts = address.split(separator: ":", omittingEmptySubsequences: false)
        return parts.count == 2 ? Int(parts[1]) : nil
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

extension Array where Element == Int {
    var uniqueSorted: [Int] { Array(Set(self)).sorted() }
}
