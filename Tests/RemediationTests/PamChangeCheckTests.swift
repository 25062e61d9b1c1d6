import AtttTestSupport
import Foundation
import HardeningCore
import HostProbes
import Remediation
import Testing
import HostAccess

/// Staged PAM changes tried with real PAM before they go live (flattened, since Linux-PAM 1.5 reads
/// includes from /etc/pam.d even with a staged confdir).
@Suite struct PamChangeCheckTests {
    /// A copy of the fixture with this machine's PAM modules in its /lib (a fixture tree has none; real
    /// PAM loads the machine's own). GNOME's and pwquality's modules are not on this machine, so their
    /// lines and the GDM service are left out of the trial.
    func host(_ fixture: String) throws -> FixtureHost {
        let host = try FixtureHost(fixture)
        let modules = "/lib/x86_64-linux-gnu/security"
        try FileManager.default.createDirectory(at: host.url("/lib/x86_64-linux-gnu"), withIntermediateDirectories: true)
        try FileManager.default.copyItem(atPath: modules, toPath: host.url(modules).path)
        try? host.remove("/etc/pam.d/gdm-password")
        for file in ["common-password", "common-auth", "common-session", "login", "passwd"] {
            let text = (try? host.read("/etc/pam.d/\(file)")) ?? ""
            let kept = text.split(separator: "\n", omittingEmptySubsequences: false).filter { !$0.contains("pam_gnome_keyring.so") && !$0.contains("pam_pwquality.so") }
            try host.write("/etc/pam.d/\(file)", kept.joined(separator: "\n"))
        }
        return host
    }

    /// pam-auth-update takes no `--`: its `--enable` list ends at the first word beginning with `--`,
    /// which it then reads as an option (/usr/sbin/pam-auth-update, `last if ($ARGV[0] =~ /^--/)`).
    /// A name it would misread is refused before anything runs (issue 12, point 4).
    @Test func aProfileNamePamAuthUpdateWouldReadAsAnOptionIsRefused() throws {
        #expect(try RemediationAction.enablePamProfiles(["pwquality"], control: "VN-TD-PW-002")
            == .stagedPam(arguments: ["pam-auth-update", "--package", "--enable", "pwquality"]))
        for name in ["--force", "-x", "", "../../tmp/x"] {
            #expect { try RemediationAction.enablePamProfiles(["pwquality", name], control: "VN-TD-PW-002") } throws: { error in
                "\(error)".hasPrefix("VN-TD-PW-002: pam-auth-update would not read '\(name)' as a profile name")
            }
        }
    }

    var modules: Bool { FileManager.default.fileExists(atPath: "/lib/x86_64-linux-gnu/security/pam_faillock.so") }

    @Test func theHardenedStackPasses() throws {
        try #require(modules, "pam_faillock.so is missing (libpam-modules): the staged stacks are tried with real PAM")
        let h = try host("debian12-hardened")
        try PamChangeCheck.validate(host: HostRoot(h.root.path), stagedDirectory: "/etc/pam.d")
    }

    @Test func aMissingModuleIsRefusedBeforeItGoesLive() throws {
        try #require(modules, "pam_faillock.so is missing (libpam-modules): the staged stacks are tried with real PAM")
        let h = try host("debian12-hardened")
        try h.replace("/etc/pam.d/common-auth", "pam_faillock.so preauth", with: "pam_faillockk.so preauth")
        #expect { try PamChangeCheck.validate(host: HostRoot(h.root.path), stagedDirectory: "/etc/pam.d") } throws: { error in
            "\(error)".contains("pam_faillockk.so is not installed")
        }
    }

    @Test func aStackThatLetsAStrangerInIsRefused() throws {
        try #require(modules, "pam_faillock.so is missing (libpam-modules): the staged stacks are tried with real PAM")
        let h = try host("debian12-hardened")
        try h.write("/etc/pam.d/common-auth", "auth sufficient pam_permit.so\n")
        try h.write("/etc/pam.d/common-account", "account required pam_permit.so\n")
        #expect { try PamChangeCheck.validate(host: HostRoot(h.root.path), stagedDirectory: "/etc/pam.d") } throws: { error in
            "\(error)".contains("unknown user with any password is let in")
        }
    }

    @Test func flatteningKeepsOrderAndControls() throws {
        let flat = try PamFlattener.flatten(root: HostRoot(Repository.host("debian12-hardened").path), service: "login")
        let auth = flat.text.split(separator: "\n").filter { $0.hasPrefix("auth ") }
        #expect(auth.contains("auth requisite pam_faillock.so preauth"))
        #expect(auth.contains("auth [success=2 default=ignore] pam_unix.so nullok try_first_pass"))
        #expect(auth.firstIndex(of: "auth requisite pam_faillock.so preauth")! < auth.firstIndex(of: "auth [default=die] pam_faillock.so authfail")!)
    }
}
