import Foundation
import LinuxPAM
import Testing

/// The trial run on flat service files (Remediation flattens Debian's includes first), with this
/// machine's modules.
@Suite struct StackValidatorTests {
    func confdir(_ services: [String: String]) throws -> URL {
        let dir = FileManager.default.temporaryDirectory.appendingPathComponent("attt-staged-\(UUID())")
        try FileManager.default.createDirectory(at: dir, withIntermediateDirectories: true)
        for (name, text) in services { try text.write(to: dir.appendingPathComponent(name), atomically: true, encoding: .utf8) }
        return dir
    }

    /// Debian's common-auth with faillock, flat: it runs and refuses a user who does not exist.
    @Test func aDebianStyleStackRefusesAStranger() throws {
        let dir = try confdir(["login": """
            auth requisite pam_faillock.so preauth
            auth [success=2 default=ignore] pam_unix.so nullok
            auth [default=die] pam_faillock.so authfail
            auth requisite pam_deny.so
            auth required pam_permit.so
            account required pam_faillock.so
            account [success=1 new_authtok_reqd=done default=ignore] pam_unix.so
            account requisite pam_deny.so
            account required pam_permit.so

            """])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(StackValidator.problems(confdir: dir.path, services: ["login"]).isEmpty)
    }

    @Test func aStackThatLetsAnyoneInIsCaught() throws {
        let dir = try confdir(["login": "auth sufficient pam_permit.so\naccount required pam_permit.so\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(StackValidator.problems(confdir: dir.path, services: ["login"]).first?.description.contains("let in") == true)
    }

    /// In a flat file a module that cannot be loaded makes PAM answer "module is unknown".
    @Test func aMissingModuleIsCaught() throws {
        let dir = try confdir(["login": "auth required pam_attt_no_such_module.so\naccount required pam_permit.so\n"])
        defer { try? FileManager.default.removeItem(at: dir) }
        #expect(StackValidator.problems(confdir: dir.path, services: ["login"]).first?.description.contains("cannot run") == true)
    }
}
