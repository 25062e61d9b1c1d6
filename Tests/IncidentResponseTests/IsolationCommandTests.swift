import AtttTestSupport
import CollectorAPI
import Foundation
import HostAccess
import IncidentResponse
import Testing

/// `attt incident isolate|release|status` on a throw-away tree (`--root`): the ruleset is checked by nft
/// in a network namespace of its own and never loaded into this machine's kernel.
@Suite struct IsolationCommandTests {
    static let canRun = getuid() == 0 && FileManager.default.isExecutableFile(atPath: "/usr/sbin/nft") && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")

    /// A fixture PC and a staged PAM service that accepts one password (as `attt fix`'s tests do).
    struct PC {
        let host: FixtureHost
        let pam: URL

        init(tailoring: String? = nil) throws {
            host = try FixtureHost("debian12-hardened")
            pam = host.root.appendingPathComponent("staged-pam")
            try FileManager.default.createDirectory(at: pam, withIntermediateDirectories: true)
            let checker = pam.appendingPathComponent("check")
            try "#!/bin/sh\n[ \"$(tr -d '\\000')\" = \"Dung-mat-khau-1\" ]\n".write(to: checker, atomically: true, encoding: .utf8)
            chmod(checker.path, 0o755)
            try "auth required pam_exec.so expose_authtok quiet \(checker.path)\naccount required pam_permit.so\n".write(to: pam.appendingPathComponent("attt"), atomically: true, encoding: .utf8)
            if let tailoring { try host.write("/etc/attt/tailoring.yaml", tailoring) }
        }

        func attt(_ subcommand: String, _ arguments: [String] = [], signIn: Bool = true) throws -> AtttBinary.Output {
            try AtttBinary.run(["incident", subcommand, "--root", host.root.path] + (signIn ? ["--pam-confdir", pam.path, "--officer-group", "root"] : []) + arguments,
                               input: signIn ? "root\nDung-mat-khau-1\n" : nil)
        }
    }

    static let tailoring = "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-NET-001:\n    management_networks: [10.20.0.0/24, \"fd00:20::/64\"]\n"

    @Test(.enabled(if: IsolationCommandTests.canRun, "needs root, nft (nftables, scripts/deps.sh) and unshare: the rules are checked in a network namespace of its own"))
    func isolateStatusReleaseWithoutCollector() throws {
        let pc = try PC(tailoring: Self.tailoring)
        let incident = UUID()
        let dry = try pc.attt("isolate", ["--without-collector", "--collector-address", "10.231.7.1", "--dry-run"], signIn: false)
        #expect(dry.status == 0, "\(dry.stderr)")
        #expect(dry.stdout.contains("SSH (cổng 22) và ping từ 10.20.0.0/24, fd00:20::/64"), "\(dry.stdout)")
        #expect(!FileManager.default.fileExists(atPath: pc.host.url("/etc/attt/isolation.nft").path), "a dry run changes nothing")

        let isolated = try pc.attt("isolate", ["--without-collector", "--collector-address", "10.231.7.1", "--incident", incident.uuidString])
        #expect(isolated.status == 0, "\(isolated.stdout)\(isolated.stderr)")
        let rules = try pc.host.read("/etc/attt/isolation.nft")
        #expect(rules.contains("set collector4 { type ipv4_addr; elements = { 10.231.7.1 }; }"))
        #expect(rules.contains("elements = { 10.20.0.0/24 }") && rules.contains("elements = { fd00:20::/64 }"))

        let status = try pc.attt("status", signIn: false)
        #expect(status.status == 0 && status.stdout.contains("Máy đang bị cách ly từ") && status.stdout.contains("do root"), "\(status.stdout)\(status.stderr)")

        // The step is kept under the incident and queued for the collector.
        let steps = try IncidentLog(host: HostRoot(pc.host.root.path)).steps(incident: incident)
        #expect(steps.map(\.kind) == [.isolate] && steps.first?.outcome == .done && steps.first?.source == .terminal)
        #expect(steps.first?.transaction != nil && steps.first?.actor == "root")
        #expect(steps.first?.detail?.contains("chỉ gỡ được tại máy") == true)
        #expect(try pc.host.read("/var/log/attt/remediation.log").contains("\"event\":\"incident-isolate\""))

        let released = try pc.attt("release")
        #expect(released.status == 0, "\(released.stdout)\(released.stderr)")
        #expect(!FileManager.default.fileExists(atPath: pc.host.url("/etc/attt/isolation.nft").path))
        #expect(try pc.attt("status", signIn: false).stdout.contains("Máy không bị cách ly"))
        let after = try IncidentLog(host: HostRoot(pc.host.root.path)).steps(incident: incident)
        #expect(after.map(\.kind) == [.isolate, .release] && after.last?.outcome == .done)
        #expect(try pc.attt("release").status == 1, "releasing a PC that is not isolated is refused")
    }

    @Test(.enabled(if: IsolationCommandTests.canRun, "needs root and nft (nftables, scripts/deps.sh): isolate refuses without nft before anything else"))
    func refusals() throws {
        let pc = try PC()
        // Not enrolled, and --without-collector not given: nothing changes.
        let alone = try pc.attt("isolate", ["--collector-address", "10.231.7.1"])
        #expect(alone.status == 1 && alone.stderr.contains("chưa đăng ký"), "\(alone.stderr)")
        // A management network that is not a network: exit 2, naming the value and the tailoring file.
        let bad = try PC(tailoring: "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-NET-001:\n    management_networks: [\"10.20.0.0/24; accept\"]\n")
        let refused = try bad.attt("isolate", ["--without-collector", "--dry-run"], signIn: false)
        #expect(refused.status == 2 && refused.stderr.contains("management_networks") && refused.stderr.contains("tailoring.yaml"), "\(refused.stderr)")
        let badIncident = try pc.attt("isolate", ["--without-collector", "--incident", "not-a-uuid"], signIn: false)
        #expect(badIncident.status == 2 && badIncident.stderr.contains("--incident"))
        #expect(!FileManager.default.fileExists(atPath: pc.host.url("/etc/attt/isolation.nft").path))
    }
}
