import AtttTestSupport
import Foundation
import HardeningCore
@testable import HostProbes
import Testing

/// What the real programs answered on Debian 12 (recorded from the `*AgreementTests` runs), held
/// without them, so a machine without root or without the programs still checks the traps.
@Suite struct RecordedAgreementTests {
    /// `strtol(…, 0)`: shadow's getdef and the kernel's sysctl handlers.
    @Test(arguments: [("90", 90), ("010", 8), ("0x10", 16), ("0X1f", 31), ("-1", -1), ("+5", 5), ("0", 0)])
    func cIntegers(_ text: String, _ value: Int) {
        #expect(CInteger.strtol(text) == value)
    }

    @Test(arguments: ["090", "0x", "45 days", "45#x", "", "-", "--5", "1e3"])
    func notCIntegers(_ text: String) {
        #expect(CInteger.strtol(text) == nil)
    }

    /// useradd --prefix: the aging a new account gets.
    @Test(arguments: [
        ("", -1), ("PASS_MAX_DAYS 90\nPASS_MAX_DAYS 30\n", 30), ("PASS_MAX_DAYS 30\nPASS_MAX_DAYS\n", 30), ("PASS_MAX_DAYS 010\n", 8),
        ("PASS_MAX_DAYS 090\n", -1), ("PASS_MAX_DAYS \"45\"\n", 45), ("PASS_MAX_DAYS=45\n", -1), ("pass_max_days 30\n", -1),
        ("PASS_MAX_DAYS 99999999999\n", -1), ("  PASS_MAX_DAYS\t45  \r\n", 45),
    ])
    func passMaxDays(_ text: String, _ days: Int) {
        #expect(LoginDefsConfig.parse(text, path: "/etc/login.defs").number("PASS_MAX_DAYS", default: -1).value == days)
    }

    /// sshd -T: lines it refuses.
    @Test(arguments: [
        "PermitEmptyPasswords maybe", "PermitRootLogn no", "MaxAuthTries -1", "MaxAuthTries 0x10", "LogLevel loud", "LogLevel",
        "PermitEmptyPasswords no yes", "Match User admin\n  Port 2222", "Match Usr admin", "Match User admin Group", "Match all User admin",
    ])
    func sshdRefuses(_ text: String) throws {
        let host = MemoryFiles(["/etc/ssh/sshd_config": text + "\n"])
        let config = try #require(try SshdConfig.load(readFile: host.read, list: host.list))
        #expect(!config.problems.isEmpty)
    }

    @Test(arguments: ["PermitRootLogin without-password", "MaxAuthTries 010", "KeyRegenerationInterval 3600", "maxauthtries=3", "Match user admin ADDRESS 10.0.0.0/8\n  LogLevel verbose"])
    func sshdTakes(_ text: String) throws {
        let host = MemoryFiles(["/etc/ssh/sshd_config": text + "\n"])
        let config = try #require(try SshdConfig.load(readFile: host.read, list: host.list))
        #expect(config.problems.isEmpty, "\(config.problems)")
    }

    /// The kernel, through systemd-sysctl: what tcp_syncookies holds after boot.
    @Test(arguments: [("yes", "1"), ("010", "8"), ("0x0", "0"), ("1 2", "1"), ("300", "1"), ("-1", "1"), ("", "1"), ("2x", "1"), ("2", "2")])
    func syncookies(_ value: String, _ applied: String) throws {
        let host = MemoryFiles(["/etc/sysctl.d/20-b.conf": "net.ipv4.tcp_syncookies = \(value)\n"])
        let config = try SysctlConfig.load(readFile: host.read, list: host.list)
        #expect(NetworkProbe.configured("net.ipv4.tcp_syncookies", in: config).value == applied)
    }

    /// libpwquality: minlen after reading the main file.
    @Test(arguments: [
        ("minlen = 12 # comment", 12), ("MINLEN = 12", 12), ("minlen 12", 12), ("minlen=abc\nminlen=14", 8), ("foo = 1\nminlen = 14", 8),
        ("minlen = 3", 6), ("minlen = 0x10", 8), ("minlen = 010", 10), ("minlen = \"12\"", 8), ("minlen == 12", 8), ("minlen = 99999999999", 8),
    ])
    func pwqualityMinlen(_ text: String, _ minlen: Int) throws {
        let host = MemoryFiles(["/etc/security/pwquality.conf": text + "\n"])
        let config = try PwqualityConfig.load(readFile: host.read, list: host.list)
        #expect(AuthenticationProbe.pwquality(files: config, moduleRule: nil).minlen.value == minlen)
    }
}
