import AtttTestSupport
import Foundation
import Testing

/// attt on a real Debian 12 system made with debootstrap: check, fix, check again, then real PAM
/// (pamtester inside the tree) refuses a weak password and locks an account after repeated failures,
/// then rollback leaves the tree byte-identical. Needs root, debootstrap and the Debian mirror this
/// machine's apt uses; the base tree is cached in /var/cache/attt-tests between runs.
@Suite(.serialized) struct DebianSystemTests {
    static let cache = "/var/cache/attt-tests/debian12-pam-v5.tar"

    /// Why the test cannot run here, or nil.
    static var unavailable: String? {
        if geteuid() != 0 { return "needs root (debootstrap, chroot and mount namespaces)" }
        if !FileManager.default.isExecutableFile(atPath: "/usr/sbin/debootstrap") { return "needs debootstrap (scripts/test.sh installs it)" }
        if !FileManager.default.fileExists(atPath: cache), (try? sh("bash \(maker) --mirror"))?.status != 0 {
            return "no Debian mirror in this machine's apt sources to build the tree from"
        }
        return nil
    }

    /// Makes the cached tree once, for these tests and for scripts/test.sh, which starts it beside the build.
    static let maker = Repository.root.appendingPathComponent("scripts/debian-test-tree.sh").path

    static func sh(_ command: String, input: String? = nil) throws -> AtttBinary.Output {
        try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), ["-c", command], input: input)
    }

    /// A fresh copy of the cached tree (made once with debootstrap).
    static func tree() throws -> URL {
        let made = try sh("bash \(maker)")
        guard made.status == 0 else { throw Failure(message: "scripts/debian-test-tree.sh failed: \(made.stdout.suffix(2000))\(made.stderr.suffix(2000))") }
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("attt-debian-\(UUID())")
        try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        // 755 as a system's root is: a tree the script cached as 0700 (its mktemp directory, before it
        // said otherwise) keeps the users of the package tests out of / in the chroot.
        let out = try sh("tar -C \(root.path) -xpf \(made.stdout.trimmingCharacters(in: .whitespacesAndNewlines)) && chmod 755 \(root.path)")
        guard out.status == 0 else { throw Failure(message: "cannot unpack the cached tree: \(out.stderr)") }
        return root
    }

    struct Failure: Error, CustomStringConvertible { var message: String; var description: String { message } }

    /// Every path with mode, owner, type and link target, and the checksum of every regular file — but
    /// the agent's own state and log, and /run (faillock's counters live there). find and md5sum do it:
    /// the tree is 200 MB.
    static func state(_ root: URL) throws -> String {
        let prune = "\\( -path ./run -o -path ./var/lib/attt -o -path ./var/log/attt -o -path ./proc -o -path ./dev \\) -prune"
        let out = try sh("cd \(root.path) && find . -xdev \(prune) -o -printf '%p %m %U:%G %y %l\\n' | sort && find . -xdev \(prune) -o -type f -print0 | sort -z | xargs -0 md5sum")
        guard out.status == 0 else { throw Failure(message: "cannot list the tree: \(out.stderr)") }
        return out.stdout
    }

    @Test(.enabled(if: unavailable == nil, "debootstrap test skipped: \(unavailable ?? "")"))
    func checkFixProveWithPamAndRollBack() throws {
        let root = try Self.tree()
        defer { _ = try? Self.sh("rm -rf \(root.path)") }
        let r = root.path
        #expect(try Self.sh("chroot \(r) useradd -m -s /bin/bash nhanvien && echo 'nhanvien:Mat-Khau-Cu-2026' | chroot \(r) chpasswd").status == 0)
        let before = try Self.state(root)
        let controls = ["--control", "VN-TD-PW-001", "--control", "VN-TD-AUTH-001"]

        let first = try AtttBinary.run(["check", "--root", r, "--lang", "en"] + controls)
        #expect(first.status == 1, "\(first.stdout)")

        let fix = try AtttBinary.run(["fix", "--root", r, "--yes", "--lang", "en"] + controls)
        #expect(fix.status == 0, "\(fix.stdout)\(fix.stderr)")
        #expect(fix.stdout.contains("VN-TD-PW-001: pass") && fix.stdout.contains("VN-TD-AUTH-001: pass"))
        #expect(try AtttBinary.run(["check", "--root", r] + controls).status == 0)

        // Real PAM inside the tree: the new password policy refuses a weak password…
        let weak = try Self.sh("chroot \(r) pamtester passwd nhanvien chauthtok", input: "abc12\nabc12\nabc12\nabc12\nabc12\nabc12\n")
        #expect(weak.status != 0, "a weak password was accepted: \(weak.stdout)\(weak.stderr)")
        // …and the account locks after the allowed number of failures (deny = 3, Debian's default).
        for _ in 1...3 {
            _ = try Self.sh("chroot \(r) pamtester login nhanvien authenticate", input: "sai-mat-khau\n")
        }
        let locked = try Self.sh("chroot \(r) pamtester login nhanvien authenticate", input: "Mat-Khau-Cu-2026\n")
        #expect(locked.status != 0, "the right password still logs in after 3 failures: \(locked.stdout)\(locked.stderr)")

        let rollback = try AtttBinary.run(["rollback", "--root", r])
        #expect(rollback.status == 0, "\(rollback.stderr)")
        #expect(try Self.state(root) == before)

        // The policy refuses weak passwords, not all of them: with the fix applied again, a strong one is
        // accepted (without cracklib's dictionary every password would be refused).
        #expect(try AtttBinary.run(["fix", "--root", r, "--yes"] + controls).status == 0)
        let strong = try Self.sh("chroot \(r) pamtester passwd nhanvien chauthtok", input: "Tru@ng-Thon-Tu-Dan-26\nTru@ng-Thon-Tu-Dan-26\n")
        #expect(strong.status == 0, "a strong password was refused: \(strong.stdout)\(strong.stderr)")
    }

    /// The SSH, firewall, kernel-parameter and update fixers with the real programs of the tree: sshd -t
    /// and apt-config accept what they wrote, ufw (in a network namespace of its own, never this
    /// machine's kernel) keeps SSH open before it drops the rest, and rollback leaves the tree as it was.
    @Test(.enabled(if: unavailable == nil, "debootstrap test skipped: \(unavailable ?? "")"))
    func sshFirewallKernelAndUpdateFixersWithTheRealPrograms() throws {
        let root = try Self.tree()
        defer { _ = try? Self.sh("rm -rf \(root.path)") }
        let r = root.path
        #expect(try Self.sh("chroot \(r) useradd -m -s /bin/bash -G sudo cbcntt && echo 'cbcntt:Quan-Tri-2026' | chroot \(r) chpasswd").status == 0)
        // What is met on real machines: a vendor drop-in, an old tuning, updates turned off.
        #expect(try Self.sh("""
            printf 'MaxAuthTries 10\\n' > \(r)/etc/ssh/sshd_config.d/10-vendor.conf &&
            printf 'net.ipv4.tcp_syncookies = 0\\n' >> \(r)/etc/sysctl.conf &&
            printf 'APT::Periodic::Unattended-Upgrade "0";\\n' > \(r)/etc/apt/apt.conf.d/99-off
            """).status == 0)
        let before = try Self.state(root)
        let controls = ["--control", "VN-TD-AUTH-002", "--control", "VN-TD-NET-001", "--control", "VN-TD-NET-002"]
        let first = try AtttBinary.run(["check", "--root", r, "--lang", "en", "--format", "json"] + controls + ["--control", "VN-TD-UPD-001"])
        #expect(first.status == 1, "\(first.stdout)")

        let fix = try AtttBinary.run(["fix", "--root", r, "--yes", "--lang", "en"] + controls + ["--control", "VN-TD-UPD-001"])
        // UPD-001 stays failing only on its last run: unattended-upgrades has never run in this tree, which
        // a fix cannot make true; the settings it checks are right afterwards.
        #expect(fix.stdout.contains("VN-TD-AUTH-002: pass") && fix.stdout.contains("VN-TD-NET-001: pass") && fix.stdout.contains("VN-TD-NET-002: pass"), "\(fix.stdout)\(fix.stderr)")
        #expect(try AtttBinary.run(["check", "--root", r] + controls).status == 0)
        let upd = try AtttBinary.run(["check", "--root", r, "--lang", "en", "--control", "VN-TD-UPD-001"]).stdout
        #expect(upd.contains("✗ last run: found (absent)") && upd.contains("✓ APT::Periodic::Unattended-Upgrade: found 1"), "\(upd)")
        #expect(fix.stdout.contains("VN-TD-UPD-001: fail") && upd.components(separatedBy: "✗").count == 2, "\(upd)")

        // The real programs agree: sshd's effective settings, and ufw's SSH rule before its deny default.
        let sshd = try Self.sh("chroot \(r) /usr/sbin/sshd -T -C user=cbcntt,host=h,addr=10.0.0.1 | grep -Ei '^(maxauthtries|permitemptypasswords|loglevel) '")
        #expect(sshd.stdout.contains("maxauthtries 5") && sshd.stdout.contains("permitemptypasswords no"), "\(sshd.stdout)\(sshd.stderr)")
        let rules = try String(contentsOfFile: "\(r)/etc/ufw/user.rules", encoding: .utf8)
        #expect(rules.contains("### tuple ### limit tcp 22 0.0.0.0/0 any 0.0.0.0/0 in"), "\(rules)")
        #expect(try String(contentsOfFile: "\(r)/etc/ufw/ufw.conf", encoding: .utf8).contains("ENABLED=yes"))
        #expect(try Self.sh("chroot \(r) apt-config dump | grep -F 'APT::Periodic::Unattended-Upgrade \"1\"'").status == 0)

        #expect(try AtttBinary.run(["rollback", "--root", r]).status == 0)
        #expect(try Self.state(root) == before)
    }
}
