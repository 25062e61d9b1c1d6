import FoundationEssentials
import HardeningCore
import HostProbes
import LinuxPAM
import HostAccess

/// Before a changed PAM configuration goes live: flatten each login service of the staged `pam.d`,
/// check its modules are installed, and run it with real PAM (`pam_start_confdir`) to see that it
/// runs and refuses a stranger. Any problem refuses the change.
public enum PamChangeCheck {
    /// The services whose breakage locks people out.
    public static let services = ["login", "gdm-password", "lightdm", "sddm", "sshd", "su", "sudo", "passwd"]

    public struct Refused: Error, CustomStringConvertible {
        public var problems: [String]
        public var description: String { "the changed PAM configuration is refused: " + problems.joined(separator: "; ") }
    }

    /// `stagedDirectory` is a host path under `root` holding the staged `pam.d`.
    public static func validate(root: String, stagedDirectory: String) throws {
        let host = HostRoot(root)
        let trial = FileManager.default.temporaryDirectory.appendingPathComponent("attt-pam-trial-\(UUID())").path
        try FileManager.default.createDirectory(atPath: trial, withIntermediateDirectories: true, attributes: [.posixPermissions: 0o700])
        defer { try? FileManager.default.removeItem(atPath: trial) }
        var problems: [String] = []
        var tried: [String] = []
        for service in services where host.exists("\(stagedDirectory)/\(service)") {
            let flat = try PamFlattener.flatten(root: host, directory: stagedDirectory, service: service)
            problems += flat.problems
            problems += flat.missingModules.map { "\(service): module \($0) is not installed" }
            try flat.text.write(toFile: "\(trial)/\(service)", atomically: true, encoding: .utf8)
            tried.append(service)
        }
        problems += StackValidator.problems(confdir: trial, services: tried).map(\.description)
        if !problems.isEmpty { throw Refused(problems: problems) }
    }
}
