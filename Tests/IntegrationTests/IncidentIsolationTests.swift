import AtttTestSupport
import Foundation
import Testing

/// The proof of isolation (Điều 11 khoản 2 điểm a, Bước 1), in real network namespaces with real
/// rules in a real kernel.
///
/// The PC is a network namespace of its own (`pc`, 10.231.S.2) joined by a veth pair to the test's
/// namespace, which holds the collector (.1), a peer with TCP and UDP listeners (.3) and a management
/// host (.4, the unit's `management_networks`). No route or sysctl of the test's namespace changes:
/// every address is on the veth's subnet. The real `attt` runs live (`/`) inside `pc`, in a private
/// mount namespace where a fixture tree's `/etc` and `/var` are bound over the machine's: the rules go
/// into pc's kernel tables only, and everything attt writes goes into the tree, never this machine's
/// `/etc`.
@Suite(.serialized) struct IncidentIsolationTests {
    static let canRun: Bool = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") && FileManager.default.isExecutableFile(atPath: "/usr/bin/ping") && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
        && (FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip"))

    /// The namespaces, the listeners, the collector and the PC's tree; removed at the end.
    final class Lab {
        let subnet = Int.random(in: 10...250)
        let tag = String(UUID().uuidString.prefix(6)).lowercased()
        var name: String { "attt-iso-\(tag)" }
        var outside: String { "atio\(tag)" }
        var inside: String { "atii\(tag)" }
        func address(_ host: Int) -> String { "10.231.\(subnet).\(host)" }
        var pc: String { address(2) }
        var peer: String { address(3) }
        var management: String { address(4) }

        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-isolation-\(UUID())")
        let host: FixtureHost
        let pam: URL
        let probe: URL
        var listeners: [Process] = []
        var collector: CollectorProcess!

        init() throws {
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
            ] {
                let out = try Self.run(["ip"] + command)
                guard out.status == 0 else { throw CollectorProcess.Failure(description: "ip \(command.joined(separator: " ")): \(out.stderr)") }
            }
            // The peer: a TCP echo on 8080 and a UDP echo on 53; the PC's sshd stands in as a listener on 22.
            listeners.append(try Self.background(["python3", probe.path, "serve-tcp", peer, "8080"]))
            listeners.append(try Self.background(["python3", probe.path, "serve-udp", peer, "53"]))
            listeners.append(try Self.background(["ip", "netns", "exec", name, "python3", probe.path, "serve-tcp", "0.0.0.0", "22"]))
            collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("collector"), host: address(1), arguments: ["--name", address(1)])
            try host.write("/etc/attt/tailoring.yaml", "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-NET-001:\n    management_networks: [\(management)/32]\n")
        }

        func remove() {
            collector?.kill()
            for process in listeners where process.isRunning { process.terminate() }
            _ = try? Self.run(["ip", "link", "del", outside])
            _ = try? Self.run(["ip", "netns", "del", name])
            try? FileManager.default.removeItem(at: work)
        }

        /// `attt ARGS` on the PC, live: in pc's network namespace, with the tree's /etc and /var.
        func attt(_ arguments: [String], input: String? = nil) throws -> AtttBinary.Output {
            try inPC([AtttBinary.url.path] + arguments, input: input)
        }

        /// A program in the PC's namespaces (network, and a private mount namespace with the tree).
        func inPC(_ command: [String], input: String? = nil) throws -> AtttBinary.Output {
            let script = "mount --bind \"$1/etc\" /etc && mount --bind \"$1/var\" /var && shift && exec \"$@\""
            return try Self.run(["ip", "netns", "exec", name, "unshare", "--mount", "--propagation", "private", "sh", "-c", script, "sh", host.root.path] + command, input: input)
        }

        /// The officer at the PC's terminal (a staged PAM service that admits root).
        func signedIn(_ arguments: [String]) throws -> AtttBinary.Output {
            try attt(arguments + ["--pam-confdir", pam.path, "--officer-group", "root"], input: "root\nmat-khau\n")
        }

        /// From the PC: `connected`, `refused` or `timeout`.
        func pcConnects(_ address: String, _ port: Int) throws -> String {
            try Self.run(["ip", "netns", "exec", name, "python3", probe.path, "tcp", address, String(port), "", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        /// From this namespace, from the source address given, to the PC.
        func connectsToPC(from source: String, port: Int) throws -> String {
            try Self.run(["python3", probe.path, "tcp", pc, String(port), source, "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func pcAsksUDP(_ address: String, _ port: Int) throws -> String {
            try Self.run(["ip", "netns", "exec", name, "python3", probe.path, "udp", address, String(port), "", "2"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func pcPings(_ address: String) throws -> Bool {
            try Self.run(["ip", "netns", "exec", name, "ping", "-c", "1", "-W", "1", address]).status == 0
        }

        /// The steps the PC recorded for its incidents (`/var/lib/attt/incidents/*/steps.jsonl` in the tree), as JSON objects.
        func steps() throws -> [[String: Any]] {
            let directory = host.url("/var/lib/attt/incidents")
            return try FileManager.default.contentsOfDirectory(atPath: directory.path).flatMap { name -> [[String: Any]] in
                guard let text = try? String(contentsOf: directory.appendingPathComponent(name).appendingPathComponent("steps.jsonl"), encoding: .utf8) else { return [] }
                return text.split(separator: "\n").compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
            }
        }

        func tableLoaded() throws -> Bool {
            try Self.run(["ip", "netns", "exec", name, "nft", "list", "table", "inet", "attt_isolation"]).status == 0
        }

        static func run(_ command: [String], input: String? = nil) throws -> AtttBinary.Output {
            try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), command, input: input)
        }

        static func background(_ command: [String]) throws -> Process {
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
                socketserver.ThreadingTCPServer.allow_reuse_address = True
                socketserver.ThreadingTCPServer((sys.argv[2], int(sys.argv[3])), Echo).serve_forever()
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

    @Test(.enabled(if: IncidentIsolationTests.canRun, "needs root, iproute2 (ip netns), unshare, nft (nftables), ping (iputils-ping) and python3: the rules are loaded into a network namespace's kernel tables"))
    func isolatedReachesOnlyTheCollectorAndManagementThenIsReleased() throws {
        let lab = try Lab()
        defer { lab.remove() }
        // The test never runs on the machine's own network: pc's namespace is not this one.
        #expect(try Lab.run(["ip", "netns", "exec", lab.name, "readlink", "/proc/self/ns/net"]).stdout != (try Lab.run(["readlink", "/proc/self/ns/net"]).stdout))

        let enrolled = try lab.attt(["enroll", "--collector", "https://\(lab.address(1)):\(lab.collector.port)", "--token", lab.collector.token(unit: "UBND xã Thử"), "--ca-cert", lab.collector.caPath])
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")

        // Before: everything is reachable.
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try lab.pcAsksUDP(lab.peer, 53) == "answered")
        #expect(try lab.connectsToPC(from: lab.peer, port: 22) == "connected")
        #expect(try lab.pcPings(lab.peer))

        // A stream opened before the isolation (a reverse shell, an upload in progress).
        let marker = lab.work.appendingPathComponent("isolated"), held = lab.work.appendingPathComponent("held")
        lab.listeners.append(try Lab.background(["ip", "netns", "exec", lab.name, "python3", lab.probe.path, "hold", lab.peer, "8080", marker.path, held.path]))
        for _ in 0..<50 where (try? String(contentsOf: held, encoding: .utf8)) != "open" { usleep(100_000) }
        #expect((try? String(contentsOf: held, encoding: .utf8)) == "open")

        let isolated = try lab.signedIn(["incident", "isolate"])
        try #require(isolated.status == 0, "\(isolated.stdout)\(isolated.stderr)")
        #expect(isolated.stdout.contains("máy chủ thu thập") && isolated.stdout.contains("kept"), "\(isolated.stdout)")
        #expect(try lab.tableLoaded())

        // Isolated: the collector and the management host only. The open stream stalls.
        FileManager.default.createFile(atPath: marker.path, contents: nil)
        for _ in 0..<100 where (try? String(contentsOf: held, encoding: .utf8)) == "open" { usleep(100_000) }
        #expect((try? String(contentsOf: held, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines) == "stalled")
        #expect(try lab.pcConnects(lab.peer, 8080) == "timeout", "dropped, not refused")
        #expect(try ["blocked", "silent"].contains(lab.pcAsksUDP(lab.peer, 53)), "no answer on udp/53")
        #expect(try !lab.pcPings(lab.peer))
        #expect(try lab.pcConnects(lab.address(1), 22) == "timeout", "the collector's host on another port")
        #expect(try lab.connectsToPC(from: lab.peer, port: 22) == "timeout")
        #expect(try lab.connectsToPC(from: lab.management, port: 22) == "connected")
        let run = try lab.attt(["run", "--upload-attempts", "2", "--backoff-base", "0.1"])
        #expect(run.status == 0 && run.stdout.contains("sent 1;"), "\(run.stdout)\(run.stderr)")

        // "Reboot": the ruleset flushed, then what attt-isolation.service runs.
        #expect(try Lab.run(["ip", "netns", "exec", lab.name, "nft", "flush", "ruleset"]).status == 0)
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try lab.attt(["incident", "status"]).status == 1, "status says the table is gone")
        let unit = try String(contentsOf: Repository.root.appendingPathComponent("packaging/systemd/attt-isolation.service"), encoding: .utf8)
        let execStart = try #require(unit.split(separator: "\n").first { $0.hasPrefix("ExecStart=") }).dropFirst("ExecStart=".count)
        #expect(try lab.inPC(execStart.split(separator: " ").map(String.init)).status == 0)
        #expect(try lab.tableLoaded())
        #expect(try lab.pcConnects(lab.peer, 8080) == "timeout")

        // Flushed again: the next `attt run` loads it again and says so.
        #expect(try Lab.run(["ip", "netns", "exec", lab.name, "nft", "flush", "ruleset"]).status == 0)
        let healed = try lab.attt(["run", "--upload-attempts", "2", "--backoff-base", "0.1"])
        #expect(healed.status == 0 && healed.stdout.contains("isolation"), "\(healed.stdout)\(healed.stderr)")
        #expect(try lab.tableLoaded())
        #expect(try lab.pcConnects(lab.peer, 8080) == "timeout")

        let released = try lab.signedIn(["incident", "release"])
        #expect(released.status == 0, "\(released.stdout)\(released.stderr)")
        #expect(try !lab.tableLoaded())
        #expect(!FileManager.default.fileExists(atPath: lab.host.url("/etc/attt/isolation.nft").path))
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try lab.pcPings(lab.peer))
        // Each step is kept for the incident's record, with its transaction and outcome.
        let steps = try lab.steps()
        #expect(steps.map { $0["kind"] as? String } == ["isolate", "isolation-lost", "release"], "\(steps)")
        #expect(steps.allSatisfy { $0["outcome"] as? String == "done" && $0["transaction"] != nil })
        let history = try lab.attt(["history"]).stdout
        #expect(history.components(separatedBy: "VN-TD-INC-001").count - 1 >= 2, "\(history)")
    }

    /// The safety net: an isolation that cuts the PC off its collector is undone at once.
    @Test(.enabled(if: IncidentIsolationTests.canRun, "needs root, iproute2 (ip netns), unshare, nft (nftables), ping (iputils-ping) and python3: the rules are loaded into a network namespace's kernel tables"))
    func anIsolationThatLosesTheCollectorIsRolledBack() throws {
        let lab = try Lab()
        defer { lab.remove() }
        let enrolled = try lab.attt(["enroll", "--collector", "https://\(lab.address(1)):\(lab.collector.port)", "--token", lab.collector.token(unit: "UBND xã Thử"), "--ca-cert", lab.collector.caPath])
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        let wrong = try lab.signedIn(["incident", "isolate", "--collector-address", lab.address(99)])
        #expect(wrong.status == 1, "\(wrong.stdout)\(wrong.stderr)")
        #expect(wrong.stderr.contains("hoàn tác"), "\(wrong.stderr)")
        #expect(try !lab.tableLoaded())
        #expect(!FileManager.default.fileExists(atPath: lab.host.url("/etc/attt/isolation.nft").path))
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try lab.attt(["history"]).stdout.contains("rolled_back"))
        let steps = try lab.steps()
        #expect(steps.count == 1 && steps.first?["kind"] as? String == "isolate" && steps.first?["outcome"] as? String == "rolled-back", "\(steps)")
    }
}
