public import Foundation

/// Two network namespaces for the proof of isolation (Điều 11 khoản 2 điểm a, Bước 1): the PC (`pc`,
/// 10.231.S.2) joined by a veth pair to the test's namespace, which holds the collector (.1), a peer
/// with TCP and UDP listeners (.3) and a management host (.4, the unit's `management_networks`). No
/// route or sysctl of the test's namespace changes: every address is on the veth's subnet. The real
/// `attt` runs live (`/`) inside `pc`, in a private mount namespace where a fixture tree's `/etc` and
/// `/var` are bound over the machine's: the rules go into pc's kernel tables only, and everything attt
/// writes goes into the tree, never this machine's `/etc`. Removed by ``remove()``.
public final class IsolationLab: @unchecked Sendable {
    /// Root, nft, python3, ping, unshare and ip: what the lab needs.
    public static let canRun: Bool = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && FileManager.default.isExecutableFile(atPath: "/usr/bin/ping") && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"))

    public let subnet = Int.random(in: 10...250)
    public let tag = String(UUID().uuidString.prefix(6)).lowercased()
    public var name: String { "attt-iso-\(tag)" }
    public var outside: String { "atio\(tag)" }
    public var inside: String { "atii\(tag)" }
    public func address(_ host: Int) -> String { "10.231.\(subnet).\(host)" }
    public var pc: String { address(2) }
    public var peer: String { address(3) }
    public var management: String { address(4) }
    /// The same hosts on IPv6 (unique local addresses), when the kernel has IPv6: an isolation that
    /// cut IPv4 only would leave the PC talking over IPv6.
    public static let hasIPv6 = FileManager.default.fileExists(atPath: "/proc/sys/net/ipv6/conf/all/disable_ipv6")
    public func address6(_ host: Int) -> String { "fd31:0:0:\(subnet)::\(host)" }
    public var pc6: String { address6(2) }
    public var peer6: String { address6(3) }
    public var management6: String { address6(4) }

    public let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-isolation-\(UUID())")
    public let host: FixtureHost
    public let pam: URL
    public let probe: URL
    public var listeners: [Process] = []
    /// Daemons started through the shell (``daemon(_:)``), by process id.
    public var daemons: [Int32] = []
    public var collector: CollectorProcess!

    public init(collectorEnvironment: [String: String] = [:], collectorArguments: [String] = []) throws {
        host = try FixtureHost("debian12-hardened")
        pam = work.appendingPathComponent("pam")
        probe = work.appendingPathComponent("probe.py")
        try FileManager.default.createDirectory(at: pam, withIntermediateDirectories: true)
        try "auth required pam_permit.so\naccount required pam_permit.so\n".write(to: pam.appendingPathComponent("attt"), atomically: true, encoding: .utf8)
        try Self.probeScript.write(to: probe, atomically: true, encoding: .utf8)
        for command in [
            ["netns", "add", name],
            ["link", "add", outside, "type", "veth", "peer", "name", inside],
            ["link", "set", inside, "netns", name],
            ["addr", "add", address(1) + "/24", "dev", outside],
            ["addr", "add", peer + "/24", "dev", outside],
            ["addr", "add", management + "/24", "dev", outside],
            ["link", "set", outside, "up"],
            ["-n", name, "addr", "add", pc + "/24", "dev", inside],
            ["-n", name, "link", "set", inside, "up"],
            ["-n", name, "link", "set", "lo", "up"],
        ] + (Self.hasIPv6 ? [
            // nodad: usable at once, not after duplicate address detection's second or two.
            ["addr", "add", address6(1) + "/64", "dev", outside, "nodad"],
            ["addr", "add", peer6 + "/64", "dev", outside, "nodad"],
            ["addr", "add", management6 + "/64", "dev", outside, "nodad"],
            ["-n", name, "addr", "add", pc6 + "/64", "dev", inside, "nodad"],
        ] : []) {
            let out = try Self.run(["ip"] + command)
            guard out.status == 0 else { throw CollectorProcess.Failure(description: "ip \(command.joined(separator: " ")): \(out.stderr)") }
        }
        // The peer: a TCP echo on 8080 (IPv4 and IPv6) and a UDP echo on 53; the PC's sshd stands in as
        // a listener on 22 (both families).
        listeners.append(try Self.background(["python3", probe.path, "serve-tcp", peer, "8080"]))
        if Self.hasIPv6 { listeners.append(try Self.background(["python3", probe.path, "serve-tcp", peer6, "8080"])) }
        listeners.append(try Self.background(["python3", probe.path, "serve-udp", peer, "53"]))
        listeners.append(try Self.background(["ip", "netns", "exec", name, "python3", probe.path, "serve-tcp", Self.hasIPv6 ? "::" : "0.0.0.0", "22"]))
        collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("collector"), host: address(1), environment: collectorEnvironment, arguments: ["--name", address(1)] + collectorArguments)
        try host.write("/etc/attt/tailoring.yaml", "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-NET-001:\n    management_networks: [\(management)/32]\n")
    }

    public func remove() {
        collector?.kill()
        // SIGKILL: a child started from a test may inherit a mask that blocks SIGTERM.
        for process in listeners where process.isRunning { kill(process.processIdentifier, SIGKILL) }
        for pid in daemons { kill(pid, SIGKILL) }
        _ = try? Self.run(["ip", "link", "del", outside])
        _ = try? Self.run(["ip", "netns", "del", name])
        try? FileManager.default.removeItem(at: work)
    }

    /// `attt ARGS` on the PC, live: in pc's network namespace, with the tree's /etc and /var.
    public func attt(_ arguments: [String], input: String? = nil) throws -> AtttBinary.Output {
        try inPC([AtttBinary.url.path] + arguments, input: input)
    }

    /// A program in the PC's namespaces (network, and a private mount namespace with the tree).
    public func inPC(_ command: [String], input: String? = nil) throws -> AtttBinary.Output {
        let script = "mount --bind \"$1/etc\" /etc && mount --bind \"$1/var\" /var && shift && exec \"$@\""
        return try Self.run(["ip", "netns", "exec", name, "unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", host.root.path] + command, input: input)
    }

    /// The officer at the PC's terminal (a staged PAM service that admits root).
    public func signedIn(_ arguments: [String]) throws -> AtttBinary.Output {
        try attt(arguments + ["--pam-confdir", pam.path, "--officer-group", "root"], input: "root\nmat-khau\n")
    }

    /// From the PC: `connected`, `refused` or `timeout`.
    public func pcConnects(_ address: String, _ port: Int) throws -> String {
        try Self.run(["ip", "netns", "exec", name, "python3", probe.path, "tcp", address, String(port), "", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// From this namespace, from the source address given, to the PC (at `address`, by default its IPv4 one).
    public func connectsToPC(from source: String, port: Int, at address: String? = nil) throws -> String {
        try Self.run(["python3", probe.path, "tcp", address ?? pc, String(port), source, "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func pcAsksUDP(_ address: String, _ port: Int) throws -> String {
        try Self.run(["ip", "netns", "exec", name, "python3", probe.path, "udp", address, String(port), "", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    public func pcPings(_ address: String) throws -> Bool {
        try Self.run(["ip", "netns", "exec", name, "ping", "-c", "1", "-W", "1", address]).status == 0
    }

    /// The steps the PC recorded for its incidents (`/var/lib/attt/incidents/*/steps.jsonl` in the tree), as JSON objects.
    public func steps() throws -> [[String: Any]] {
        let directory = host.url("/var/lib/attt/incidents")
        return try FileManager.default.contentsOfDirectory(atPath: directory.path).flatMap { name -> [[String: Any]] in
            guard let text = try? String(contentsOf: directory.appendingPathComponent(name).appendingPathComponent("steps.jsonl"), encoding: .utf8) else { return [] }
            return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        }
    }

    public func tableLoaded() throws -> Bool {
        try Self.run(["ip", "netns", "exec", name, "nft", "list", "table", "inet", "attt_isolation"]).status == 0
    }

    public static func run(_ command: [String], input: String? = nil) throws -> AtttBinary.Output {
        try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), command, input: input)
    }

    /// A daemon that closes the descriptors it inherits (sshd does): started by the shell in the
    /// background, since Foundation's Process never sees such a child end. Its output goes to `log`.
    public func daemon(_ command: String, log: URL) throws {
        let started = try Self.run(["sh", "-c", "\(command) >'\(log.path)' 2>&1 & echo $!"])
        guard let pid = Int32(started.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) else {
            throw CollectorProcess.Failure(description: "\(command): \(started.stderr)")
        }
        daemons.append(pid)
    }

    public static func background(_ command: [String]) throws -> Process {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = command
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        usleep(300_000)
        return process
    }

    /// Listeners and probes, bounded by timeouts. A refused connection and a dropped one differ:
    /// isolation drops (nothing answers), it never refuses.
    static let probeScript = """
        import socket, socketserver, sys, threading
        mode = sys.argv[1]
        if mode == "serve-tcp":
            class Echo(socketserver.BaseRequestHandler):
                def handle(self):
                    self.request.settimeout(60)
                    while True:
                        data = self.request.recv(1024)
                        if not data: return
                        self.request.sendall(data)
            class Server(socketserver.ThreadingTCPServer):
                allow_reuse_address = True
                # "::" takes IPv4 too (as mapped addresses); an IPv6 address needs its family.
                address_family = socket.AF_INET6 if ":" in sys.argv[2] else socket.AF_INET
            Server((sys.argv[2], int(sys.argv[3])), Echo).serve_forever()
        elif mode == "serve-udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.bind((sys.argv[2], int(sys.argv[3])))
            while True:
                data, peer = s.recvfrom(1024)
                s.sendto(data, peer)
        elif mode == "tcp":
            source = (sys.argv[4], 0) if sys.argv[4] else None
            try:
                socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=float(sys.argv[5]), source_address=source).close()
                print("connected")
            except ConnectionRefusedError:
                print("refused")
            except (socket.timeout, TimeoutError):
                print("timeout")
            except OSError as e:
                print("error", e)
        elif mode == "hold":
            import os, time
            c = socket.create_connection((sys.argv[2], int(sys.argv[3])), timeout=5)
            c.sendall(b"a"); c.recv(16)
            open(sys.argv[5], "w").write("open")
            deadline = time.time() + 120
            while not os.path.exists(sys.argv[4]) and time.time() < deadline: time.sleep(0.1)
            c.settimeout(3)
            try:
                c.sendall(b"b")
                print("flowing" if c.recv(16) else "closed", file=open(sys.argv[5] + ".tmp", "w"))
            except (socket.timeout, TimeoutError, PermissionError):
                print("stalled", file=open(sys.argv[5] + ".tmp", "w"))
            os.rename(sys.argv[5] + ".tmp", sys.argv[5])
        elif mode == "udp":
            s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
            s.settimeout(float(sys.argv[5]))
            try:
                s.sendto(b"attt", (sys.argv[2], int(sys.argv[3])))
                s.recvfrom(1024)
                print("answered")
            except PermissionError:
                # The PC's own output chain dropped it: nothing left the PC.
                print("blocked")
            except (socket.timeout, TimeoutError):
                print("silent")
            except OSError as e:
                print("error", e)
        """
}
