import AtttTestSupport
import Foundation
import GRDB
import Testing

/// Several agents upload while the collector is killed (SIGKILL) and restarted and the agents'
/// network is cut and restored. In the end every report any agent made is stored exactly once.
///
/// The agents run in their own network namespace joined to the collector by a veth pair, so the cut
/// is a real one (the link goes down under open connections). Needs root and iproute2.
@Suite(.serialized) struct NothingLostTests {
    static let canRun: Bool = geteuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/ip") || FileManager.default.isExecutableFile(atPath: "/sbin/ip")

    @Test(.enabled(if: canRun, "needs root and iproute2 (ip netns) to cut the agents' network for real"))
    func everyReportStoredExactlyOnce() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-nothing-lost-\(UUID())")
        defer { try? FileManager.default.removeItem(at: work) }
        let net = try Namespace()
        defer { net.remove() }

        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"), host: net.collectorAddress, arguments: ["--name", net.collectorAddress])
        defer { collector.kill() }
        let port = collector.port
        let url = "https://\(net.collectorAddress):\(port)"

        let agents = try (0..<4).map { i -> URL in
            let root = work.appendingPathComponent("pc\(i)")
            try FileManager.default.copyItem(at: Repository.host(i % 2 == 0 ? "debian12-broken" : "debian12-hardened"), to: root)
            let enrolled = try net.run(["enroll", "--root", root.path, "--collector", url, "--token", collector.token(unit: "Đơn vị \(i % 2)"), "--ca-cert", collector.caPath])
            #expect(enrolled.status == 0, "\(enrolled.stderr)")
            return root
        }

        let made = Made()
        let rounds = 8
        let group = DispatchGroup()
        for root in agents {
            DispatchQueue.global().async(group: group) {
                for _ in 0..<rounds {
                    if let out = try? net.run(["run", "--root", root.path, "--upload-attempts", "3", "--backoff-base", "0.1"]) {
                        made.add(out.stdout)
                    }
                    usleep(UInt32.random(in: 50_000...300_000))
                }
            }
        }
        // Chaos while they run: kill -9 and restart the collector, cut and restore the link.
        var events: [String] = []
        while group.wait(timeout: .now() + 0.8) == .timedOut {
            switch events.count % 3 {
            case 0:
                collector.kill()
                usleep(400_000)
                try collector.start()
                events.append("collector killed and restarted")
            case 1:
                net.cut()
                usleep(1_500_000)
                net.restore()
                events.append("network cut and restored")
            default:
                collector.kill()
                net.cut()
                usleep(700_000)
                net.restore()
                try collector.start()
                events.append("both")
            }
        }
        #expect(collector.port == port)
        #expect(events.count >= 3, "the agents finished before any chaos: \(events)")

        // Everything back: each agent empties its outbox.
        for root in agents {
            let out = try net.run(["run", "--root", root.path, "--upload-attempts", "10", "--backoff-base", "0.1"])
            made.add(out.stdout)
            let left = try FileManager.default.contentsOfDirectory(atPath: root.appendingPathComponent("var/lib/attt/outbox").path)
            #expect(left.isEmpty, "\(root.lastPathComponent) still has \(left): \(out.stdout)")
        }

        let ids = made.ids
        #expect(ids.count == agents.count * (rounds + 1), "each run makes one report: \(ids.count)")
        let stored = try DatabaseQueue(path: collector.databasePath).read { db in
            try String.fetchAll(db, sql: "SELECT id FROM report")
        }
        #expect(stored.count == Set(stored).count)
        #expect(Set(stored) == ids, "missing: \(ids.subtracting(stored)), unexpected: \(Set(stored).subtracting(ids))")
        print("nothing lost: \(ids.count) reports from \(agents.count) agents through \(events.count) disruptions: \(events.joined(separator: ", "))")
    }

    /// Report ids the agents printed (`report <UUID>: …`).
    final class Made: @unchecked Sendable {
        let lock = NSLock()
        var ids = Set<String>()

        func add(_ output: String) {
            let found = output.split(separator: "\n").compactMap { line -> String? in
                guard line.hasPrefix("report ") else { return nil }
                return line.dropFirst(7).split(separator: ":").first.map(String.init)
            }
            lock.lock()
            ids.formUnion(found)
            lock.unlock()
        }
    }

    /// A network namespace for the agents, joined to this one by a veth pair.
    struct Namespace {
        let name: String
        let outside: String
        let inside: String
        let subnet: Int

        init() throws {
            subnet = Int.random(in: 10...250)
            let tag = String(UUID().uuidString.prefix(6)).lowercased()
            name = "attt-nl-\(tag)"
            outside = "atto\(tag)"
            inside = "atti\(tag)"
            for command in [
                ["netns", "add", name],
                ["link", "add", outside, "type", "veth", "peer", "name", inside],
                ["link", "set", inside, "netns", name],
                ["addr", "add", "10.231.\(subnet).1/24", "dev", outside],
                ["link", "set", outside, "up"],
                ["-n", name, "addr", "add", "10.231.\(subnet).2/24", "dev", inside],
                ["-n", name, "link", "set", inside, "up"],
                ["-n", name, "link", "set", "lo", "up"],
            ] {
                let out = try Self.ip(command)
                guard out.status == 0 else { throw CollectorProcess.Failure(description: "ip \(command.joined(separator: " ")): \(out.stderr)") }
            }
        }

        var collectorAddress: String { "10.231.\(subnet).1" }

        func run(_ arguments: [String]) throws -> AtttBinary.Output {
            try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["ip", "netns", "exec", name, AtttBinary.url.path] + arguments)
        }

        func cut() { _ = try? Self.ip(["-n", name, "link", "set", inside, "down"]) }
        func restore() { _ = try? Self.ip(["-n", name, "link", "set", inside, "up"]) }

        func remove() {
            _ = try? Self.ip(["link", "del", outside])
            _ = try? Self.ip(["netns", "del", name])
        }

        static func ip(_ arguments: [String]) throws -> AtttBinary.Output {
            try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/env"), ["ip"] + arguments)
        }
    }
}
