import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing
import HostAccess

/// sysctl.d as systemd-sysctl applies it: files by name across directories, /etc hiding a package's
/// file of the same name, the last assignment winning, globs only where no line names the parameter.
@Suite struct SysctlConfigTests {
    func load(_ files: [String: String], links: [String: String] = [:]) throws -> SysctlConfig {
        let host = MemoryFiles(files)
        return try SysctlConfig.load(readFile: host.read, list: host.list, linkTarget: { links[$0] })
    }

    @Test func filesInNameOrderAcrossDirectoriesAndTheLastValueWins() throws {
        let config = try load([
            "/usr/lib/sysctl.d/10-pkg.conf": "net.ipv4.tcp_syncookies = 0\nkernel.sysrq = 16\n",
            "/etc/sysctl.d/60-vn-td.conf": "net.ipv4.tcp_syncookies = 1\n",
            "/run/sysctl.d/70-run.conf": "; a comment\n  kernel.sysrq=1\n",
            "/etc/sysctl.d/99-sysctl.conf": "# nothing\n",
            "/etc/sysctl.d/README": "net.ipv4.tcp_syncookies = 5\n",
        ])
        #expect(config.files == ["/usr/lib/sysctl.d/10-pkg.conf", "/etc/sysctl.d/60-vn-td.conf", "/run/sysctl.d/70-run.conf", "/etc/sysctl.d/99-sysctl.conf"])
        #expect(config.value("net.ipv4.tcp_syncookies").map { ($0.value, $0.source.description) }! == ("1", "/etc/sysctl.d/60-vn-td.conf:1"))
        #expect(config.value("kernel/sysrq")?.value == "1")
        #expect(config.value("kernel.sysrq")?.source.description == "/run/sysctl.d/70-run.conf:2")
        #expect(config.value("net.ipv4.ip_forward") == nil)
    }

    @Test func etcHidesAPackagesFileOfTheSameName() throws {
        let config = try load([
            "/usr/lib/sysctl.d/50-default.conf": "net.ipv4.conf.all.accept_redirects = 1\n",
            "/etc/sysctl.d/50-default.conf": "# masked by the officer\n",
        ])
        #expect(config.files == ["/etc/sysctl.d/50-default.conf"])
        #expect(config.value("net.ipv4.conf.all.accept_redirects") == nil)
    }

    @Test func globsApplyOnlyWhereNoLineNamesTheParameter() throws {
        let config = try load(["/usr/lib/sysctl.d/50-default.conf": """
            net.ipv4.conf.default.rp_filter = 2
            net.ipv4.conf.*.rp_filter = 2
            -net.ipv4.conf.all.rp_filter
            net.ipv4.conf.*.accept_redirects = 0
            net.ipv4.conf.lo.accept_redirects = 1
            """])
        #expect(config.value("net.ipv4.conf.eth0.rp_filter")?.source.line == 2)
        // Taken out of the glob with `-key`: the kernel's default applies.
        #expect(config.value("net.ipv4.conf.all.rp_filter") == nil)
        // An explicit line wins over a glob, even an earlier glob.
        #expect(config.value("net.ipv4.conf.lo.accept_redirects")?.value == "1")
        #expect(config.value("net.ipv4.conf.all.accept_redirects")?.value == "0")
    }

    @Test func slashAndDotFormsNameTheSameParameter() throws {
        #expect(SysctlConfig.normalize("net.ipv4.conf.all.rp_filter") == "net/ipv4/conf/all/rp_filter")
        #expect(SysctlConfig.normalize("net/ipv4/conf/eth0.10/rp_filter") == "net/ipv4/conf/eth0.10/rp_filter")
        #expect(SysctlConfig.normalize("net.ipv4.conf.eth0/10.rp_filter") == "net/ipv4/conf/eth0.10/rp_filter")
        #expect(SysctlConfig.dotted("net/ipv4/conf/eth0.10/rp_filter") == "net.ipv4.conf.eth0/10.rp_filter")
    }

    @Test func aLinkedFileIsNamedByItsTarget() throws {
        let config = try load(["/etc/sysctl.d/99-sysctl.conf": "net.ipv4.tcp_syncookies=0\n"], links: ["/etc/sysctl.d/99-sysctl.conf": "../sysctl.conf"])
        #expect(config.value("net.ipv4.tcp_syncookies")?.source.description == "/etc/sysctl.conf:1")
    }
}
