import AtttTestSupport
import Foundation
import Glibc
import HardeningCore
@testable import HostProbes
import Testing
@testable import HostAccess

/// Traps a local user (or a mounted image) can plant where the check reads (issue 12, point 2): each is
/// reported as `error` on the controls that read it, with the path and the reason, never a pass and
/// never a hang, and the rest of the check still runs.
@Suite(.timeLimit(.minutes(2))) struct HostileHostTests {
    /// The results whose reason names `path`, and the others.
    static func split(_ results: [ControlResult], on path: String) -> (touched: [ControlResult], others: [ControlResult]) {
        let touched = results.filter { $0.reason?.en.contains(path) == true }
        return (touched, results.filter { $0.reason?.en.contains(path) != true })
    }

    /// The check still gave an ordinary answer on controls that never read the trap.
    static func expectRestRan(_ others: [ControlResult], _ comment: Comment) {
        #expect(others.filter { $0.status == .pass || $0.status == .fail }.count >= 10, comment)
    }

    @Test func fifoAtAuthorizedKeysIsAnErrorNotAHang() throws {
        let host = try FixtureHost()
        try host.write("/home/nguyenvana/.ssh/.keep", "")
        #expect(mkfifo(host.url("/home/nguyenvana/.ssh/authorized_keys").path, 0o644) == 0)
        let (touched, others) = Self.split(try check(root: host.root), on: "/home/nguyenvana/.ssh/authorized_keys")
        #expect(!touched.isEmpty)
        for r in touched {
            #expect(r.status == .error, "\(r.control)")
            #expect(r.reason?.en.contains("FIFO") == true, "\(r.reason?.en ?? "")")
        }
        Self.expectRestRan(others, "the other areas were still checked")
    }

    @Test func socketIsRefused() throws {
        let host = try FixtureHost()
        // A socket's path must fit sun_path (108 bytes): bind it short, then move it into the tree.
        let short = "/tmp/attt-sock-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd); unlink(short) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (i, byte) in short.utf8.enumerated() { buffer[i] = byte }
        }
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
        try #require(bound == 0, "binding a Unix socket in /tmp: \(String(cString: strerror(errno)))")
        try host.remove("/etc/login.defs")
        #expect(rename(short, host.url("/etc/login.defs").path) == 0)
        let (touched, others) = Self.split(try check(root: host.root), on: "/etc/login.defs")
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains("socket") == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// A device inside the image, and a link to it: `/dev/zero` never ends.
    @Test(.enabled(if: getuid() == 0, "mknod of a character device needs root"))
    func linkToADeviceIsRefused() throws {
        let host = try FixtureHost()
        try host.write("/dev/.keep", "")
        // makedev(1, 5), /dev/zero's numbers: the macro is not imported into Swift.
        #expect(mknod(host.url("/dev/zero").path, S_IFCHR | 0o666, (1 << 8) | 5) == 0)
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: "/dev/zero")
        let (touched, others) = Self.split(try check(root: host.root), on: "/etc/login.defs")
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains("device") == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// On the live host links are the kernel's to follow: the type is still taken on the descriptor.
    @Test func liveRootRefusesDevicesAndFifos() throws {
        let live = HostRoot("/")
        #expect { try live.read("/dev/zero") } throws: { ($0 as? ProbeError)?.reason.contains("device") == true }
        let scratch = try FixtureHost()
        let fifo = scratch.url("/fifo").path
        #expect(mkfifo(fifo, 0o600) == 0)
        #expect { try live.read(fifo) } throws: { ($0 as? ProbeError)?.reason.contains("FIFO") == true }
        #expect { try live.list(fifo) } throws: { $0 is ProbeError }
        let link = scratch.url("/zero").path
        #expect(symlink("/dev/zero", link) == 0)
        #expect { try live.read(link) } throws: { ($0 as? ProbeError)?.reason.contains("device") == true }
        #expect { try live.head(link, bytes: 10) } throws: { $0 is ProbeError }
        #expect { try live.stream(link) { _ in } } throws: { $0 is ProbeError }
    }

    /// A sparse file of 100 GiB costs no disk and would take the check's memory and hours.
    @Test func hugeSparseFileIsRefusedBySize() throws {
        let host = try FixtureHost()
        let path = host.url("/var/lib/dpkg/status").path
        try host.write("/var/lib/dpkg/status", "")
        #expect(truncate(path, 100 << 30) == 0)
        let started = Date()
        let (touched, others) = Self.split(try check(root: host.root), on: "/var/lib/dpkg/status")
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error })
        #expect(touched.contains { $0.reason?.en.contains("larger than") == true })
        #expect(Date().timeIntervalSince(started) < 60)
        Self.expectRestRan(others, "the other areas were still checked")
    }

    @Test func linkLoopStops() throws {
        let host = try FixtureHost()
        try host.remove("/etc/login.defs")
        try host.symlink("/etc/login.defs", to: "/etc/login.defs.d/a")
        try host.symlink("/etc/login.defs.d/a", to: "/etc/login.defs")
        let (touched, others) = Self.split(try check(root: host.root), on: "/etc/login.defs")
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains("symbolic links") == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// A `.wants` directory that cannot be listed leaves "is it enabled at boot?" unknown: the controls
    /// that ask it (updates' timers, auditd, time synchronisation) and the probes that judge by it
    /// (backup timers, antivirus updaters, firewalls) are `error` naming the directory, never a pass.
    @Test(arguments: ["FIFO", "loop"])
    func unlistableWantsDirectoryIsAnError(trap: String) throws {
        let host = try FixtureHost()
        let wants = "/etc/systemd/system/multi-user.target.wants"
        try host.remove(wants)
        if trap == "FIFO" {
            #expect(mkfifo(host.url(wants).path, 0o644) == 0)
        } else {
            try host.symlink(wants, to: "/etc/systemd/system/loop-partner")
            try host.symlink("/etc/systemd/system/loop-partner", to: wants)
        }
        let (touched, others) = Self.split(try check(root: host.root), on: wants)
        for id in ["VN-TD-UPD-001", "VN-TD-LOG-001", "VN-TD-BAK-001"] {
            let result = touched.first { $0.control == id }
            #expect(result?.status == .error, "\(id): \(result?.reason?.en ?? "not touched")")
        }
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains("cannot list the directory") == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// The backup job's program, its unit's drop-in directory and users' crontabs are read to find the backup tool:
    /// a trap at either leaves the schedule unknown, so the backup control is an `error` naming it.
    @Test(arguments: [
        ("/usr/local/sbin/attt-backup", "FIFO"),
        ("/etc/systemd/system/attt-backup.service.d", "cannot list the directory"),
        ("/var/spool/cron/crontabs/nguyenvana", "FIFO"),
    ])
    func fifoInTheBackupJobIsAnError(path: String, reason: String) throws {
        let host = try FixtureHost()
        if FileManager.default.fileExists(atPath: host.url(path).path) { try host.remove(path) }
        try host.write((path as NSString).deletingLastPathComponent + "/.keep", "")
        #expect(mkfifo(host.url(path).path, 0o755) == 0)
        let (touched, others) = Self.split(try check(root: host.root), on: path)
        let backup = touched.first { $0.control == "VN-TD-BAK-001" }
        #expect(backup?.status == .error, "\(backup?.reason?.en ?? "not touched")")
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains(reason) == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// A refused `/etc/os-release` is not replaced by `/usr/lib/os-release` (os-release(5): the first
    /// is used alone when it exists): the OS support control is an `error` naming it, and the host's
    /// identity says which files it could not read instead of leaving them out silently.
    @Test func fifoAtOsReleaseAndHostnameIsAnError() throws {
        let host = try FixtureHost()
        for path in ["/etc/os-release", "/etc/hostname"] {
            try host.remove(path)
            #expect(mkfifo(host.url(path).path, 0o644) == 0)
        }
        let system = HostProbe(host: HostRoot(host.root.path), antivirusEngines: []).system()
        #expect(system.hostname == nil && system.os.id == nil, "not the other os-release's answer")
        #expect(system.unread?.count == 2)
        #expect(system.unread?.allSatisfy { $0.contains("FIFO") } == true, "\(system.unread ?? [])")
        let (touched, others) = Self.split(try check(root: host.root), on: "/etc/os-release")
        let support = touched.first { $0.control == "VN-TD-UPD-002" }
        #expect(support?.status == .error, "\(support?.reason?.en ?? "not touched")")
        #expect(touched.allSatisfy { $0.status == .error && $0.reason?.en.contains("FIFO") == true })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// Under another root `/sys` is the image's files, not the kernel's: a trap there is reported on
    /// the hardware controls, not taken for an attribute the kernel would not give.
    @Test(arguments: ["/sys/class/dmi/id/product_serial", "/sys/block/sda/size"])
    func fifoInTheImagesSysIsAnError(path: String) throws {
        let host = try FixtureHost()
        try host.remove(path)
        #expect(mkfifo(host.url(path).path, 0o644) == 0)
        let facts = HostProbe(host: HostRoot(host.root.path), antivirusEngines: []).collect(now: fixtureNow)
        let reason: String? = if case .failed(let reason) = facts.hardware { reason } else { nil }
        #expect(reason?.contains(path) == true && reason?.contains("FIFO") == true, "\(reason ?? "collected past a FIFO")")
        let (touched, others) = Self.split(try check(root: host.root), on: path)
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// A directory with more entries than a listing may hold is an error, not a truncated list.
    @Test func hugeDirectoryIsBounded() throws {
        let host = try FixtureHost()
        let directory = "/etc/security/pwquality.conf.d"
        try host.write("\(directory)/.keep", "")
        let base = host.url(directory).path
        for i in 0..<100_000 {
            let fd = open("\(base)/\(i).conf", O_WRONLY | O_CREAT | O_EXCL, 0o644)
            try #require(fd >= 0, "creating the entries: \(String(cString: strerror(errno)))")
            close(fd)
        }
        #expect { try HostRoot(host.root.path).list(directory) } throws: { ($0 as? ProbeError)?.reason.contains("100000 entries") == true }
        let (touched, others) = Self.split(try check(root: host.root), on: directory)
        #expect(!touched.isEmpty)
        #expect(touched.allSatisfy { $0.status == .error })
        Self.expectRestRan(others, "the other areas were still checked")
    }

    /// Past the check's budget every remaining read fails: the report still comes out, with errors.
    @Test func theWholeCheckHasADeadline() throws {
        let host = try FixtureHost()
        var probe = HostProbe(host: HostRoot(host.root.path), antivirusEngines: [])
        probe.budget = 0
        let facts = probe.collect(now: fixtureNow)
        if case .failed(let reason) = facts.accounts {
            #expect(reason.contains("time budget"))
        } else {
            Issue.record("accounts were read past the deadline")
        }
        if case .collected = facts.authentication { Issue.record("authentication was read past the deadline") }
    }
}
