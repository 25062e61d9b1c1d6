import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// attt's reading of sysctl.d against the real systemd-sysctl: the fixture's files are put at the
/// real /etc/sysctl.d, /run/sysctl.d and /usr/lib/sysctl.d in a private mount namespace, and
/// systemd-sysctl applies them (`--prefix net.`) in a network namespace of its own, whose
/// parameters are then read back from /proc/sys. Network parameters are per namespace, so this
/// machine's kernel is never changed.
@Suite(.enabled(if: RealSysctl.available, "needs root, unshare and /lib/systemd/systemd-sysctl (systemd, scripts/deps.sh)"))
struct SysctlAgreementTests {
    static let parameters = [
        "net.ipv4.tcp_syncookies", "net.ipv4.conf.all.accept_redirects", "net.ipv4.conf.default.accept_redirects",
        "net.ipv6.conf.all.accept_redirects", "net.ipv4.conf.all.rp_filter",
    ]

    static let cases: [[String: String]] = [
        [:],
        ["/etc/sysctl.d/10-a.conf": "net.ipv4.tcp_syncookies = 0\n", "/run/sysctl.d/20-b.conf": "net/ipv4/tcp_syncookies=2\n"],
        ["/usr/lib/sysctl.d/50-x.conf": "net.ipv4.conf.all.rp_filter = 2\n", "/etc/sysctl.d/50-x.conf": "; hidden\n"],
        ["/usr/lib/sysctl.d/90-late.conf": "net.ipv4.conf.all.accept_redirects = 0\n", "/etc/sysctl.d/10-early.conf": "net.ipv4.conf.all.accept_redirects = 1\n"],
        ["/etc/sysctl.d/10-g.conf": "net.ipv4.conf.*.accept_redirects = 0\nnet.ipv4.conf.default.accept_redirects = 1\n"],
        ["/etc/sysctl.d/10-g.conf": "net.ipv4.conf.*.rp_filter = 1\n-net.ipv4.conf.all.rp_filter\n"],
        ["/etc/sysctl.d/10-c.conf": "# net.ipv4.tcp_syncookies = 0\n  ;net.ipv6.conf.all.accept_redirects = 0\nnet.ipv6.conf.all.accept_redirects\t=   0   \n"],
        ["/etc/sysctl.d/10-a.conf": "net.ipv4.tcp_syncookies = 0\n", "/etc/sysctl.d/10-a.conf~": "net.ipv4.tcp_syncookies = 2\n", "/etc/sysctl.d/README": "net.ipv4.tcp_syncookies = 2\n"],
        ["/etc/sysctl.d/10-a.conf": "-net.ipv4.tcp_syncookies = 0\nnet.ipv4.conf.default.accept_redirects=0\n"],
        // Values the kernel reads otherwise than they look, or refuses (the default then stays).
        ["/etc/sysctl.d/10-a.conf": "net.ipv4.tcp_syncookies = 0\n", "/etc/sysctl.d/20-b.conf": "net.ipv4.tcp_syncookies = yes\nnet.ipv4.conf.all.rp_filter = 010\n"],
        ["/etc/sysctl.d/20-b.conf": "net.ipv4.tcp_syncookies = 300\nnet.ipv4.conf.all.rp_filter = 0x2\nnet.ipv4.conf.all.accept_redirects = 0 1\n"],
        ["/etc/sysctl.d/20-b.conf": "net.ipv4.tcp_syncookies = -1\nnet.ipv4.conf.all.rp_filter = 2x\nnet.ipv6.conf.all.accept_redirects =\n"],
    ]

    @Test(arguments: cases)
    func atttReadsWhatSystemdSysctlApplies(_ files: [String: String]) throws {
        let applied = try RealSysctl.apply(files, reading: Self.parameters)
        let host = MemoryFiles(files)
        let config = try SysctlConfig.load(readFile: host.read, list: host.list)
        for name in Self.parameters {
            let ours = NetworkProbe.configured(name, in: config).value
            #expect(ours == applied[name], "\(name): systemd-sysctl \(applied[name] ?? "nil"), attt \(ours) — \(files)")
        }
    }

    /// The defaults attt assumes for what no file sets are the kernel's own.
    @Test func theDefaultsAreTheKernels() throws {
        let fresh = try RealSysctl.apply([:], reading: Self.parameters)
        for name in Self.parameters { #expect(NetworkProbe.kernelDefaults[name] == fresh[name], "\(name)") }
    }
}

enum RealSysctl {
    static let program = "/lib/systemd/systemd-sysctl"
    static var available: Bool {
        getuid() == 0 && FileManager.default.isExecutableFile(atPath: program) && FileManager.default.isExecutableFile(atPath: "/usr/bin/unshare")
    }

    /// Applies the files in fresh mount and network namespaces and reads the parameters back.
    static func apply(_ files: [String: String], reading names: [String]) throws -> [String: String] {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-sysctl-\(UUID())")
        defer { try? FileManager.default.removeItem(at: dir) }
        for (path, text) in files {
            let url = dir.appendingPathComponent(String(path.dropFirst()))
            try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            try text.write(to: url, atomically: true, encoding: .utf8)
        }
        var script = "set -e; mount -t tmpfs tmpfs /run; mkdir /run/sysctl.d; mount -t tmpfs tmpfs /etc/sysctl.d; mount -t tmpfs tmpfs /usr/lib/sysctl.d\n"
        for d in ["etc/sysctl.d", "run/sysctl.d", "usr/lib/sysctl.d"] {
            script += "if [ -d \"$1/\(d)\" ]; then cp -a \"$1/\(d)/.\" /\(d)/; fi\n"
        }
        script += "\(program) --prefix net. || true\n"
        for name in names { script += "echo \(name)=$(cat /proc/sys/\(SysctlConfig.normalize(name)))\n" }
        let run = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["-m", "-n", "--propagation", "private", "sh", "-c", script, "sh", dir.path])
        try #require(run.status == 0, "unshare: \(run.stderr)")
        var values: [String: String] = [:]
        for line in run.stdout.split(separator: "\n") {
            let parts = line.split(separator: "=", maxSplits: 1).map(String.init)
            if parts.count == 2 { values[parts[0]] = parts[1] }
        }
        return values
    }
}
