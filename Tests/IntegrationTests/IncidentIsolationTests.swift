import AtttTestSupport
import Foundation
import Testing

/// The proof of isolation (Điều 11 khoản 2 điểm a, Bước 1), in real network namespaces with real
/// rules in a real kernel (``IsolationLab``). The officer's order from the collector is proven in
/// CollectorTests' IncidentJobTests.
@Suite(.serialized) struct IncidentIsolationTests {
    typealias Lab = IsolationLab
    static let canRun = IsolationLab.canRun

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
        // systemd splits the line as sh does for these quotes.
        #expect(try lab.inPC(["sh", "-c", String(execStart)]).status == 0)
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
        // Released, the unit's command succeeds (the unit stays active for the next isolation) and loads nothing.
        #expect(try lab.inPC(["sh", "-c", String(execStart)]).status == 0)
        #expect(try !lab.tableLoaded())
        #expect(try lab.pcConnects(lab.peer, 8080) == "connected")
        #expect(try lab.pcPings(lab.peer))
        // Each step is kept for the incident's record, with its transaction and outcome.
        let steps = try lab.steps()
        #expect(steps.map { $0["kind"] as? String } == ["isolate", "isolation-lost", "release"], "\(steps)")
        #expect(steps.allSatisfy { $0["outcome"] as? String == "done" && $0["transaction"] != nil })
        let history = try lab.attt(["history"]).stdout
        #expect(history.components(separatedBy: "VN-TD-INC-001").count - 1 >= 2, "\(history)")
    }

    /// The same isolation over IPv6: the `inet` table holds both families, so a PC with an IPv6 address
    /// reaches nothing over it either, in or out, while the collector still answers over IPv4. The unit
    /// names an IPv6 management network for isolation alone (VN-TD-INC-001's `management_networks`,
    /// which replaces NET-001's): SSH comes in from there only.
    @Test(.enabled(if: IncidentIsolationTests.canRun && IsolationLab.hasIPv6, "needs what the isolation proof needs, and a kernel with IPv6"))
    func isolationCutsIPv6Too() throws {
        let lab = try Lab()
        defer { lab.remove() }
        try lab.host.write("/etc/attt/tailoring.yaml", """
            tailoring: attt.tailoring.v1
            controls:
              VN-TD-NET-001:
                management_networks: [\(lab.management)/32]
              VN-TD-INC-001:
                management_networks: ["\(lab.management6)/128"]

            """)
        let enrolled = try lab.attt(["enroll", "--collector", "https://\(lab.address(1)):\(lab.collector.port)", "--token", lab.collector.token(unit: "UBND xã Thử"), "--ca-cert", lab.collector.caPath])
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")
        #expect(try lab.pcConnects(lab.peer6, 8080) == "connected")
        #expect(try lab.pcPings(lab.peer6))
        #expect(try lab.connectsToPC(from: lab.peer6, port: 22, at: lab.pc6) == "connected")

        let isolated = try lab.signedIn(["incident", "isolate"])
        try #require(isolated.status == 0, "\(isolated.stdout)\(isolated.stderr)")
        #expect(try lab.pcConnects(lab.peer6, 8080) == "timeout", "dropped, not refused")
        #expect(try !lab.pcPings(lab.peer6))
        #expect(try lab.connectsToPC(from: lab.peer6, port: 22, at: lab.pc6) == "timeout")
        #expect(try lab.connectsToPC(from: lab.management6, port: 22, at: lab.pc6) == "connected")
        #expect(try lab.connectsToPC(from: lab.management, port: 22) == "timeout", "INC-001's list replaces NET-001's")
        let run = try lab.attt(["run", "--upload-attempts", "2", "--backoff-base", "0.1"])
        #expect(run.status == 0 && run.stdout.contains("sent 1;"), "\(run.stdout)\(run.stderr)")

        #expect(try lab.signedIn(["incident", "release"]).status == 0)
        #expect(try lab.pcConnects(lab.peer6, 8080) == "connected")
    }

    /// Bước 3 while Bước 1 holds: the backup is on a server of the unit (restic over sftp, a real sshd
    /// on the peer's address, port 2222). Isolated, the PC cannot reach it; `attt incident restore`
    /// opens the way for the reading only, restic checks and stages the copy through it, and the way is
    /// closed again when the command ends.
    @Test(.enabled(if: IncidentIsolationTests.canRun && FileManager.default.isExecutableFile(atPath: "/usr/bin/restic") && FileManager.default.isExecutableFile(atPath: "/usr/sbin/sshd"),
                   "needs what the isolation proof needs, plus Debian's restic and openssh-server (sshd serves the repository over sftp)"))
    func aRestoreWhileIsolatedReachesTheBackupServerOnlyWhileReading() throws {
        let lab = try Lab()
        defer { lab.remove() }
        let enrolled = try lab.attt(["enroll", "--collector", "https://\(lab.address(1)):\(lab.collector.port)", "--token", lab.collector.token(unit: "UBND xã Thử"), "--ca-cert", lab.collector.caPath])
        try #require(enrolled.status == 0, "\(enrolled.stdout)\(enrolled.stderr)")

        // The unit's backup server: sshd on the peer's address, in a mount namespace of its own (its /run).
        let server = lab.work.appendingPathComponent("sshd"), repository = lab.work.appendingPathComponent("repo")
        try FileManager.default.createDirectory(at: server, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(at: lab.host.url("/etc/attt-test"), withIntermediateDirectories: true)
        for key in [server.appendingPathComponent("host_key").path, lab.host.url("/etc/attt-test/id").path] {
            #expect(try Lab.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key]).status == 0)
        }
        try FileManager.default.copyItem(at: lab.host.url("/etc/attt-test/id.pub"), to: server.appendingPathComponent("authorized_keys"))
        try """
            ListenAddress \(lab.peer):2222
            HostKey \(server.path)/host_key
            AuthorizedKeysFile \(server.path)/authorized_keys
            PermitRootLogin prohibit-password
            StrictModes no
            PasswordAuthentication no
            KbdInteractiveAuthentication no
            UsePAM no
            PidFile none
            Subsystem sftp internal-sftp

            """.write(to: server.appendingPathComponent("sshd_config"), atomically: true, encoding: .utf8)
        try lab.daemon("unshare --mount --propagation private sh -c 'mount -t tmpfs attt-sshd /run && mkdir /run/sshd && exec /usr/sbin/sshd -D -e -f \(server.path)/sshd_config'",
                       log: lab.work.appendingPathComponent("sshd.log"))
        var tries = 0
        while try Lab.run(["python3", lab.probe.path, "tcp", lab.peer, "2222", "", "1"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines) != "connected" && tries < 50 {
            tries += 1
            usleep(100_000)
        }

        // The repository, made here by the backup job's commands from the tree's /etc.
        try lab.host.write("/etc/restic/password", "Mat-khau-kho-sao-luu-1\n")
        let local = ["RESTIC_REPOSITORY": repository.path, "RESTIC_PASSWORD_FILE": lab.host.url("/etc/restic/password").path]
        #expect(try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/restic"), ["--no-cache", "init"], environment: local).status == 0)
        let backup = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", "cd \"$0\" && exec restic --no-cache backup --host \"$(head -n1 etc/hostname)\" --json etc", lab.host.root.path], environment: local)
        try #require(backup.status == 0, "\(backup.stderr)")
        let summary = try #require(backup.stdout.split(separator: "\n").last { $0.contains("\"summary\"") })
        let snapshot = try #require((try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any])?["snapshot_id"] as? String)
        let remote = "sftp:root@\(lab.peer):\(repository.path)"
        try lab.host.write("/etc/restic/env", "RESTIC_REPOSITORY=\(remote)\nRESTIC_PASSWORD_FILE=/etc/restic/password\n")
        try lab.host.write("/var/lib/attt/backup/last.json", #"{"time": "\#(ISO8601DateFormatter().string(from: Date()))", "exitCode": 0, "tool": "restic", "target": "\#(remote)", "paths": ["/etc"], "snapshot": "\#(snapshot)"}"#)
        // ssh reads the PC's /etc/ssh/ssh_config: the server's port and key, no host-key prompt.
        try lab.host.write("/etc/ssh/ssh_config", "Host \(lab.peer)\n  Port 2222\n  User root\n  IdentityFile /etc/attt-test/id\n  StrictHostKeyChecking no\n  UserKnownHostsFile /dev/null\n  BatchMode yes\n")
        chmod(lab.host.url("/etc/attt-test/id").path, 0o600)
        try lab.host.append("/etc/hostname", "attacked\n")

        let isolated = try lab.signedIn(["incident", "isolate"])
        try #require(isolated.status == 0, "\(isolated.stdout)\(isolated.stderr)")
        #expect(try lab.pcConnects(lab.peer, 2222) == "timeout", "isolated, the backup server is out of reach")

        // The attack began after the copy was made: a whole second later, since the incident's own time
        // (its first step, the isolation) is kept to the second and may fall in the copy's second.
        let attackBegan = ISO8601DateFormatter().string(from: Date().addingTimeInterval(1))
        let restore = try lab.attt(["incident", "restore", "--env-file", "/etc/restic/env", "--skip-collection", "thử nghiệm", "--since", attackBegan, "--dry-run"])
        #expect(restore.status == 0, "\(restore.stdout)\(restore.stderr)")
        #expect(restore.stdout.contains("mở tạm đường tới máy chủ sao lưu \(lab.peer)"), "\(restore.stdout)")
        #expect(restore.stdout.contains("/etc/hostname"), "restic read the copy through the isolation: \(restore.stdout)")
        // Closed again, and the isolation's file never changed.
        let sets = try Lab.run(["ip", "netns", "exec", lab.name, "nft", "list", "set", "inet", "attt_isolation", "restore4"]).stdout
        #expect(!sets.contains(lab.peer), "\(sets)")
        #expect(try lab.pcConnects(lab.peer, 2222) == "timeout")
        #expect(try !(String(contentsOf: lab.host.url("/etc/attt/isolation.nft"), encoding: .utf8)).contains(lab.peer))
        #expect(try lab.pcConnects(lab.peer, 8080) == "timeout")
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
