import AgentRuntime
import FoundationEssentials
import Glibc
public import HardeningCore
public import HostAccess
public import Remediation

/// Cutting this PC off the network and letting it back (Điều 11 khoản 2 điểm a, Bước 1: "ngắt kết nối
/// máy khỏi mạng"), on a host opened once: what the PC may still reach is worked out here from the
/// host's own files, and the change runs as one `Applier` transaction that `attt history` lists.
///
/// The PC is isolated exactly as long as `/etc/attt/isolation.nft` exists.
public struct Isolation {
    public let host: HostRoot
    public var applier: Applier

    public init(host: HostRoot) {
        self.host = host
        self.applier = Applier(host: host)
    }

    /// What went wrong, for the officer: what to do is in the message.
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    // MARK: What the PC may still reach

    /// The collector as enrolled: its host name (nil when the enrollment named an address), every
    /// address it resolves to now, and its port.
    public struct Collector: Sendable, Hashable {
        public var name: String?
        public var addresses: [String]
        public var port: Int
    }

    /// The collector of `identity/collector.json`; `addresses` replaces name resolution (a hidden
    /// option for tests, and a way out when DNS is already down).
    public func collector(addresses override: [String] = []) throws -> Collector {
        guard let identity = try AgentIdentity.load(host: host) else {
            throw Failure("máy này chưa đăng ký với máy chủ thu thập (attt enroll): dùng --without-collector và --collector-address ĐỊA-CHỈ:CỔNG, hoặc đăng ký trước — this PC is not enrolled")
        }
        guard let url = URL(string: identity.link.collector), let name = url.host, !name.isEmpty else {
            throw Failure("\(AgentIdentity.location(in: host))/collector.json: địa chỉ máy chủ thu thập '\(identity.link.collector)' không đọc được — enroll again (attt enroll)")
        }
        let port = url.port ?? (url.scheme == "http" ? 80 : 443)
        let bare = name.hasPrefix("[") ? String(name.dropFirst().dropLast()) : name
        let literal = IPAddress(bare) != nil
        if !override.isEmpty { return Collector(name: literal ? nil : bare, addresses: override, port: port) }
        guard !literal else { return Collector(name: nil, addresses: [bare], port: port) }
        do {
            return Collector(name: bare, addresses: try Self.resolve(bare), port: port)
        } catch let failure as Failure {
            throw Failure(failure.description + ": dùng --collector-address để nêu địa chỉ")
        }
    }

    /// Every A and AAAA address of `name` (getaddrinfo, as the agent's connections resolve it), at
    /// most 32. Resolved once, when the plan is made, and written as literals: a boot needs no DNS.
    /// - Parameter what: the server, as the officer is told of it.
    static func resolve(_ name: String, what: String = "máy chủ thu thập") throws -> [String] {
        guard IsolationRules.isHostName(name) else { throw Failure("tên \(what) '\(name)' không hợp lệ") }
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(name, nil, &hints, &list)
        guard status == 0 else {
            throw Failure("không phân giải được tên \(what) \(name) (\(String(cString: gai_strerror(status))))")
        }
        defer { freeaddrinfo(list) }
        var addresses: [String] = []
        var entry = list
        while let current = entry, addresses.count < 32 {
            var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
            if let address = current.pointee.ai_addr {
                switch current.pointee.ai_family {
                case AF_INET:
                    address.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { v4 in
                        var ip = v4.pointee.sin_addr
                        _ = inet_ntop(AF_INET, &ip, &buffer, socklen_t(buffer.count))
                    }
                case AF_INET6:
                    address.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { v6 in
                        var ip = v6.pointee.sin6_addr
                        _ = inet_ntop(AF_INET6, &ip, &buffer, socklen_t(buffer.count))
                    }
                default:
                    break
                }
            }
            let text = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if !text.isEmpty && !addresses.contains(text) { addresses.append(text) }
            entry = current.pointee.ai_next
        }
        guard !addresses.isEmpty else { throw Failure("tên \(what) \(name) không có địa chỉ nào") }
        return addresses
    }

    /// The resolvers this host uses (systemd-resolved's upstream list, else `/etc/resolv.conf`), for
    /// `isolation_allow_dns`. A line that is not an address (a zone-scoped link-local one) is left out.
    public func resolvers() throws -> [String] {
        for path in ["/run/systemd/resolve/resolv.conf", "/etc/resolv.conf"] {
            guard let text = try host.text(path) else { continue }
            let servers = text.split(separator: "\n").prefix(1_000).compactMap { line -> String? in
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                guard words.count >= 2, words[0] == "nameserver", IPAddress(String(words[1])) != nil else { return nil }
                return String(words[1])
            }
            if !servers.isEmpty { return servers }
        }
        return []
    }

    /// nft is the only tool isolation uses; it is never installed during an attack (that needs the Internet).
    public static func nftAvailable() -> Bool {
        ["/usr/sbin/nft", "/sbin/nft"].contains { (path: String) in access(path, X_OK) == 0 }
    }

    public static let nftMissing = "cần gói nftables (lệnh nft) để cách ly máy: cài sẵn khi máy chưa bị sự cố (apt-get install nftables) — attt không cài gói trong lúc có sự cố, vì cần Internet — isolation needs the nftables package"

    // MARK: The transactions

    /// The target of a plan on this host, as it is now.
    public func target(confirmWithCollector: Bool) throws -> IsolationPlan.Target {
        IsolationPlan.Target(root: host.prefix.path, hosts: try host.text(IsolationPlan.hostsPath),
                             alreadyIsolated: host.exists(IsolationPlan.rulesPath), confirmWithCollector: confirmWithCollector)
    }

    /// Isolates the PC as one transaction. With `confirmWithCollector` on the live host, the caller
    /// must then confirm it (`FixSession.confirm`): with no answer from the collector it is undone.
    public func isolate(_ rules: IsolationRules, confirmWithCollector: Bool, officer: String, job: String? = nil) throws -> Journal {
        guard Self.nftAvailable() else { throw Failure(Self.nftMissing) }
        let steps = IsolationPlan.isolate(rules, on: try target(confirmWithCollector: confirmWithCollector))
        return try applier.apply(RemediationPlan(steps: steps), officer: officer, job: job)
    }

    /// Lifts the isolation as a transaction of its own.
    public func release(officer: String, job: String? = nil) throws -> Journal {
        guard host.exists(IsolationPlan.rulesPath) else {
            throw Failure("máy không bị cách ly (không có \(IsolationPlan.rulesPath)) — the PC is not isolated")
        }
        guard Self.nftAvailable() else { throw Failure(Self.nftMissing) }
        return try applier.apply(RemediationPlan(steps: IsolationPlan.release(on: try target(confirmWithCollector: false))), officer: officer, job: job)
    }

    // MARK: Status

    public struct Status: Sendable {
        /// `/etc/attt/isolation.nft` exists.
        public var isolated: Bool
        /// The transaction that wrote it, when the journal has it (nil for a file made by hand).
        public var transaction: Journal?
        /// The table is in the kernel now; nil when that cannot be seen (another root, not root, no nft).
        public var tableLoaded: Bool?
    }

    public func status() throws -> Status {
        let isolated = host.exists(IsolationPlan.rulesPath)
        let writes = "write \(IsolationPlan.rulesPath)"
        let journal = isolated ? try applier.history().last { $0.state == .applied && $0.steps.contains { $0.summary == writes } } : nil
        return Status(isolated: isolated, transaction: journal, tableLoaded: tableLoaded())
    }

    /// Whether the kernel has the table, on the live host as root with nft; nil otherwise.
    public func tableLoaded() -> Bool? {
        guard host.isLiveHost, geteuid() == 0, Self.nftAvailable() else { return nil }
        guard let listed = try? Subprocess.run(["nft", "list", "table", IsolationRules.family, IsolationRules.table], environment: ["LC_ALL": "C"], timeout: 10, maxOutput: 8 << 20, keepErrors: false) else { return nil }
        return listed.status == 0
    }

    /// `attt run`: the file says the PC is isolated but the kernel has no table (someone flushed the
    /// ruleset, or `systemctl reload nftables`): load it again. Returns nil when nothing was lost,
    /// else whether loading it again worked and nft's words when not.
    public func restoreIfLost() -> (restored: Bool, problem: String?)? {
        guard host.exists(IsolationPlan.rulesPath), tableLoaded() == false else { return nil }
        do {
            let (status, output) = try Subprocess.run(["nft", "-f", IsolationPlan.rulesPath], environment: ["LC_ALL": "C"], timeout: 30, maxOutput: 1 << 20)
            return status == 0 ? (true, nil) : (false, String(decoding: output, as: UTF8.self).trimmed)
        } catch {
            return (false, "\(error)")
        }
    }
}
