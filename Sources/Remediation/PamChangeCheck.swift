import DurableFiles
import FoundationEssentials
import HardeningCore
import HostProbes
import LinuxPAM
public import HostAccess

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

    /// `stagedDirectory` is a host path in `host` holding the staged `pam.d`. The flattened services
    /// PAM tries are written beside it, inside the root, and removed after.
    public static func validate(host: HostRoot, stagedDirectory: String) throws {
        let staging = try host.directory(AtomicFile.parentDirectory(of: stagedDirectory), create: 0o700)
        let trialName = "pam-trial-\(UUID().uuidString)"
        let trial = try staging.subdirectory(trialName, create: 0o700)
        defer { try? staging.removeTree(trialName) }
        var problems: [String] = []
        var tried: [String] = []
        for service in services where host.exists("\(stagedDirectory)/\(service)") {
            let flat = try PamFlattener.flatten(root: host, directory: stagedDirectory, service: service)
            problems += flat.problems
            problems += flat.missingModules.map { "\(service): module \($0) is not installed" }
            try trial.write(Data(flat.text.utf8), name: service, mode: 0o644)
            tried.append(service)
        }
        problems += StackValidator.problems(confdir: trial.path, services: tried).map(\.description)
        if !problems.isEmpty { throw Refused(problems: problems) }
    }
}
