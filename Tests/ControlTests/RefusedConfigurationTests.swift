import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// A configuration the program itself would refuse is an `error` naming the file and line, never a
/// pass read into it (issue 12: "a status must follow what the program really does with that file").
@Suite struct RefusedConfigurationTests {
    @Test(arguments: [
        ("PermitEmptyPasswords maybe", "unsupported option \"maybe\""),
        ("PermitRootLogn no", "Bad configuration option: PermitRootLogn"),
        ("MaxAuthTries three", "MaxAuthTries integer value invalid."),
    ])
    func auth002SshdWouldNotStart(_ line: String, _ reason: String) throws {
        let host = try FixtureHost()
        try host.append("/etc/ssh/sshd_config", line + "\n")
        let lineNumber = try host.read("/etc/ssh/sshd_config").split(separator: "\n", omittingEmptySubsequences: false).count - 1
        let r = try result("VN-TD-AUTH-002", root: host.root)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains("/etc/ssh/sshd_config:\(lineNumber): \(reason)") == true, "\(String(describing: r.reason))")
    }
}
