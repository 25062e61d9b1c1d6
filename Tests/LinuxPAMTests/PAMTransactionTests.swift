import Foundation
import LinuxPAM
import Testing

/// Real PAM transactions against staged service files (`pam_start_confdir`), with this machine's
/// modules. Nothing under /etc/pam.d is read or changed.
@Suite struct PAMTransactionTests {
    let confdir: URL

    init() throws {
        confdir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-pam-\(UUID())")
        try FileManager.default.createDirectory(at: confdir, withIntermediateDirectories: true)
        // pam_exec hands the password from the conversation to this script on standard input.
        let script = confdir.appendingPathComponent("check-password")
        try "#!/bin/sh\n[ \"$(tr -d '\\000')\" = \"Mat-khau-9!\" ]\n".write(to: script, atomically: true, encoding: .utf8)
        chmod(script.path, 0o755)
        let services: [String: String] = [
            "attt-permit": "auth required pam_permit.so\naccount required pam_permit.so\n",
            "attt-deny": "auth required pam_deny.so\naccount required pam_permit.so\n",
            "attt-missing-module": "auth required pam_attt_no_such_module.so\naccount required pam_permit.so\n",
            "attt-password": "auth required pam_exec.so expose_authtok quiet \(script.path)\naccount required pam_permit.so\n",
            "attt-account-denied": "auth required pam_permit.so\naccount required pam_deny.so\n",
        ]
        for (name, text) in services { try text.write(to: confdir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
    }

    var modulesPresent: Bool { FileManager.default.fileExists(atPath: "/lib/x86_64-linux-gnu/security/pam_exec.so") || FileManager.default.fileExists(atPath: "/usr/lib/x86_64-linux-gnu/security/pam_exec.so") }

    @Test func permitAndDeny() {
        #expect(PAMTransaction.authenticate(service: "attt-permit", user: "attt-probe", password: "x", confdir: confdir.path).succeeded)
        let denied = PAMTransaction.authenticate(service: "attt-deny", user: "attt-probe", password: "x", confdir: confdir.path)
        #expect(!denied.succeeded && denied.refused)
        let account = PAMTransaction.authenticate(service: "attt-account-denied", user: "attt-probe", password: "x", confdir: confdir.path)
        #expect(!account.succeeded && account.refused)
    }

    /// A module that cannot be loaded never lets anyone in.
    @Test func aMissingModuleFails() {
        let outcome = PAMTransaction.authenticate(service: "attt-missing-module", user: "attt-probe", password: "x", confdir: confdir.path)
        #expect(!outcome.succeeded)
    }

    /// The conversation answers the password prompt: the right password passes, a wrong one is refused.
    @Test func conversationGivesThePassword() throws {
        try #require(modulesPresent, "pam_exec.so is missing (libpam-modules): the conversation is tested through it")
        #expect(PAMTransaction.authenticate(service: "attt-password", user: "attt-probe", password: "Mat-khau-9!", confdir: confdir.path).succeeded)
        // pam_exec reports a failing program as a system error, not as a refusal.
        let wrong = PAMTransaction.authenticate(service: "attt-password", user: "attt-probe", password: "sai", confdir: confdir.path)
        #expect(!wrong.succeeded, "\(wrong)")
    }
}
