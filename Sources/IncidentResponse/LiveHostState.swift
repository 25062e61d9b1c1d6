public import FoundationEssentials
import DurableFiles
import Glibc
public import HostAccess
import HardeningCore
import HostProbes

/// What is only in memory and gone at power-off (RFC 3227's order of volatility: first): processes,
/// sockets and their owners, sessions, routes, addresses, mounts, modules, the firewall as loaded,
/// uptime and clock. Taken once at the start of a collection (Điều 11 khoản 2 điểm a, Bước 2).
///
/// Only on the live host: under another root these are the running machine's, not the tree's, and
/// are recorded as unavailable. Every read is bounded (processes, descriptors, bytes per file).
public struct LiveHostState: Sendable {
    public struct Limits: Sendable {
        public var processes = 10_000
        public var descriptorsPerProcess = 10_000
        public var bytesPerFile = 8 << 20
        public init() {}
    }

    /// A file of the live state: its name in `live/` and its bytes.
    public struct File: Sendable, Hashable {
        public var name: String
        public var data: Data
    }

    public var limits = Limits()
    /// Where procfs is (tests point it at a captured tree).
    public var proc = "/proc"
    public var run = "/run"

    public init() {}

    /// Why the live state is not taken under this root, or nil when it is.
    public static func unavailable(host: HostRoot) -> String? {
        host.isLiveHost ? nil : "không phải máy đang chạy (--root \(host.prefix.path)): không lấy trạng thái tiến trình, kết nối, phiên"
    }

    public func capture(now: Date = Date()) -> [File] {
        let processes = self.processes()
        var files: [File] = []
        files.append(File(name: "processes.json", data: Self.json(processes)))
        files.append(File(name: "processes.txt", data: Data(Self.forest(processes).utf8)))
        files.append(File(name: "sockets.json", data: Self.json(sockets(processes.map(\.pid)))))
        files.append(File(name: "sessions.json", data: Self.json(sessions())))
        for (name, path) in [("routes-ipv4.txt", "net/route"), ("routes-ipv6.txt", "net/ipv6_route"), ("addresses-ipv6.txt", "net/if_inet6"),
                             ("interfaces.txt", "net/dev"), ("arp.txt", "net/arp"), ("mounts.txt", "self/mountinfo"), ("modules.txt", "modules"), ("uptime.txt", "uptime")] {
            if let text = read(proc + "/" + path) { files.append(File(name: name, data: Data(text.utf8))) }
        }
        for (name, command) in [("addresses.txt", ["ip", "address", "show"]), ("routes.txt", ["ip", "route", "show", "table", "all"]), ("nft-ruleset.txt", ["nft", "list", "ruleset"])] {
            guard Subprocess.executable(command[0]) != nil, let ran = try? Subprocess.run(command, timeout: 30, maxOutput: limits.bytesPerFile) else { continue }
            files.append(File(name: name, data: Data(ran.output)))
        }
        var monotonic = timespec()
        clock_gettime(CLOCK_MONOTONIC, &monotonic)
        let clock = ["realtime": Timestamp.format(now), "realtimeSeconds": String(now.timeIntervalSince1970), "monotonicSeconds": "\(monotonic.tv_sec).\(monotonic.tv_nsec)"]
        files.append(File(name: "clock.json", data: Self.json(clock)))
        return files
    }

    // MARK: Processes (ps auxf)

    public struct Process: Codable, Sendable, Hashable {
        public var pid: Int
        public var ppid: Int
        public var state: String
        public var command: String
        public var uid: Int?
        public var gid: Int?
        /// Clock ticks after boot (field 22 of stat).
        public var startTicks: UInt64?
        public var cmdline: [String]
        public var exe: String?
        public var cwd: String?
    }

    func processes() -> [Process] {
        pids().prefix(limits.processes).compactMap { pid in
            let base = proc + "/\(pid)"
            guard let stat = read(base + "/stat"), let parsed = Self.parseStat(stat) else { return nil }
            let status = read(base + "/status") ?? ""
            func id(_ key: String) -> Int? {
                status.split(separator: "\n").first { $0.hasPrefix(key + ":") }?.split(whereSeparator: { $0 == "\t" || $0 == " " }).dropFirst().first.flatMap { Int($0) }
            }
            let cmdline = (read(base + "/cmdline", limit: 64 << 10) ?? "").split(separator: "\0").map(String.init)
            return Process(pid: pid, ppid: parsed.ppid, state: parsed.state, command: parsed.command, uid: id("Uid"), gid: id("Gid"),
                           startTicks: parsed.start, cmdline: cmdline, exe: link(base + "/exe"), cwd: link(base + "/cwd"))
        }
    }

    /// `/proc/PID/stat`: the command is in parentheses and may itself hold spaces and `)`, so the
    /// fields are counted from the last `)`.
    static func parseStat(_ text: String) -> (command: String, state: String, ppid: Int, start: UInt64?)? {
        guard let open = text.firstIndex(of: "("), let close = text.lastIndex(of: ")"), open < close else { return nil }
        let command = String(text[text.index(after: open)..<close])
        let rest = text[text.index(after: close)...].split(separator: " ").map(String.init)
        guard rest.count >= 2, let ppid = Int(rest[1]) else { return nil }
        return (command, rest[0], ppid, rest.count > 19 ? UInt64(rest[19]) : nil)
    }

    /// The processes as a tree, children under their parent (as `ps auxf` shows them).
    static func forest(_ processes: [Process]) -> String {
        let children = Dictionary(grouping: processes, by: \.ppid)
        let known = Set(processes.map(\.pid))
        var lines = ["PID\tPPID\tUID\tSTATE\tCOMMAND"]
        var visited = Set<Int>()
        func walk(_ process: Process, depth: Int) {
            guard visited.insert(process.pid).inserted, depth < 64 else { return }
            let shown = process.cmdline.isEmpty ? "[\(process.command)]" : process.cmdline.joined(separator: " ")
            lines.append("\(process.pid)\t\(process.ppid)\t\(process.uid.map(String.init) ?? "?")\t\(process.state)\t" + String(repeating: "  ", count: depth) + Self.printable(shown))
            for child in (children[process.pid] ?? []).sorted(by: { $0.pid < $1.pid }) { walk(child, depth: depth + 1) }
        }
        for top in processes.filter({ !known.contains($0.ppid) || $0.ppid == $0.pid }).sorted(by: { $0.pid < $1.pid }) { walk(top, depth: 0) }
        return lines.joined(separator: "\n") + "\n"
    }

    static func printable(_ text: String) -> String {
        String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7F ? "?" : Character($0) })
    }

    // MARK: Sockets (ss -tunap)

    struct Sockets: Codable {
        /// The kernel's tables as they are (`/proc/net/tcp`…), for `ss`-like reading.
        var tables: [String: String]
        /// Socket inode → the processes holding it (from `/proc/PID/fd`).
        var owners: [String: [Int]]
    }

    func sockets(_ pids: [Int]) -> Sockets {
        var tables: [String: String] = [:]
        for name in ["tcp", "tcp6", "udp", "udp6", "raw", "raw6", "unix", "packet"] {
            if let text = read(proc + "/net/" + name) { tables[name] = text }
        }
        var owners: [String: [Int]] = [:]
        for pid in pids {
            let fds = names(proc + "/\(pid)/fd").prefix(limits.descriptorsPerProcess)
            for fd in fds {
                guard let target = link(proc + "/\(pid)/fd/" + fd), target.hasPrefix("socket:["), target.hasSuffix("]") else { continue }
                owners[String(target.dropFirst(8).dropLast()), default: []].append(pid)
            }
        }
        return Sockets(tables: tables, owners: owners)
    }

    // MARK: Sessions (who)

    struct Sessions: Codable {
        var utmp: [LoginRecords.Session]
        /// `/run/systemd/sessions/*` as logind writes them (USER=, REMOTE_HOST=, TTY=, LEADER=…).
        var logind: [String: String]
    }

    func sessions() -> Sessions {
        let utmp = readBytes(run + "/utmp", limit: limits.bytesPerFile).map { LoginRecords.sessions(Data($0)) } ?? []
        var logind: [String: String] = [:]
        for name in names(run + "/systemd/sessions").prefix(1_000) where !name.hasSuffix(".ref") {
            if let text = read(run + "/systemd/sessions/" + name, limit: 64 << 10) { logind[name] = text }
        }
        return Sessions(utmp: utmp, logind: logind)
    }

    // MARK: Bounded reads

    func read(_ path: String, limit: Int? = nil) -> String? {
        readBytes(path, limit: limit ?? limits.bytesPerFile).map { String(decoding: $0, as: UTF8.self) }
    }

    func readBytes(_ path: String, limit: Int) -> [UInt8]? {
        // Not blocking: a FIFO planted at /run/utmp must not hang the collection.
        RegularFile.prefix(path, limit: limit).map { [UInt8]($0) }
    }

    func link(_ path: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 4097)
        let n = readlink(path, &buffer, 4096)
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    func names(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory), names.count < 100_000 {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names
    }

    func pids() -> [Int] { names(proc).compactMap { Int($0) }.sorted() }

    static func json<T: Encodable>(_ value: T) -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        return ((try? encoder.encode(value)) ?? Data("null".utf8)) + Data("\n".utf8)
    }
}
