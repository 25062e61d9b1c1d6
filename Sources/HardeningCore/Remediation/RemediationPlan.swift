public import FoundationEssentials

/// What a fix will do, decided before anything changes: files to write and commands to run.
/// Pure data: `attt fix --dry-run` prints it, the applier carries it out as one transaction.
public struct RemediationPlan: Sendable, Hashable {
    public var steps: [RemediationStep]

    public init(steps: [RemediationStep]) { self.steps = steps }

    public var controls: [String] { Array(Set(steps.map(\.control))).sorted() }
}

public struct RemediationStep: Sendable, Hashable {
    public var control: String
    public var fixer: String
    public var description: LocalizedText
    public var action: RemediationAction

    public init(control: String, fixer: String, description: LocalizedText, action: RemediationAction) {
        self.control = control
        self.fixer = fixer
        self.description = description
        self.action = action
    }
}

public enum RemediationAction: Sendable, Hashable {
    /// Replace (or create) a file with these bytes, atomically. With a `validator`, the program is run
    /// on the staged file first (`{file}` stands for its path) and the file is not replaced if it fails:
    /// `testparm -s {file}`, `visudo -cf {file}`, `sshd -t -f {file}`.
    case writeFile(path: String, content: Data, mode: UInt16, validator: [String]? = nil)
    /// Remove a file (a saved network profile), resolved inside the host root as every other path is,
    /// so a link in the tree can never lead the removal out of it. Kept first, like any change.
    case removeFile(path: String)
    /// Run a program. `touches` lists every host file it may change, so each is kept before it runs.
    /// With `inRoot`, the program runs inside the host root (`chroot`) when the root is not `/`.
    case runCommand(arguments: [String], touches: [String], inRoot: Bool)
    /// A program that changes PAM stacks the distribution's way (`pam-auth-update --enable …`, or a
    /// package install whose maintainer script runs it), run inside the host root on a staged copy of
    /// `/etc/pam.d`; the result is tried with real PAM before it replaces the live files.
    case stagedPam(arguments: [String])
    /// Nothing when applied. When the transaction's files are put back (a failed step, `attt rollback`,
    /// recovery), this runs afterwards, so a service that loaded the new files (the firewall) loads
    /// the old ones again: restoring a file does not by itself change what the kernel enforces.
    case onRestore(arguments: [String], inRoot: Bool)
    /// The change could cut the host off the network it is managed from. It is kept only if the agent
    /// reaches its collector again afterwards; otherwise, or if attt dies before it can tell (the
    /// officer's SSH session cut with it), it is rolled back within `seconds`.
    case confirmConnectivity(seconds: Int)
    /// Puts the backup's copy of a file in place (Điều 11 khoản 2 điểm a, Bước 3: "khôi phục … bằng dữ
    /// liệu sao lưu mới nhất"). The live file is *renamed* aside into the transaction's kept directory
    /// on its own file system (bytes, owner, mode and xattrs kept, in O(1) whatever its size), then
    /// `staged`, on the same file system, is renamed over its place. With `staged` nil the live file is
    /// only moved aside (a file the backup does not have: `/etc/cron.d/evil`). A rollback renames the
    /// kept file back.
    case putInPlace(path: String, staged: String?)
    /// Gives a directory the mode, owner and group it has in the backup, making it when it is gone
    /// (Bước 3 as well: an attacker's `chmod 0777 /etc/sudoers.d` is undone, not only changed files).
    /// The directory itself is never swapped: it may hold anything. A rollback gives back the mode
    /// and owner it had, and removes it when the restore made it and it is empty again.
    case restoreDirectory(path: String, mode: UInt16, owner: UInt32, group: UInt32)

    /// `pam-auth-update --package --enable PROFILES` on a staged pam.d.
    ///
    /// pam-auth-update takes no `--` (issue 12, point 4): its `--enable` list ends at the first word
    /// that begins with `--`, which it then reads as an option (`--force` overwrites an officer's own
    /// changes to the stacks), and it ignores an option it does not know without saying so. So a name that could be
    /// read as an option, or that is not a file name in /usr/share/pam-configs, is refused here.
    /// - Throws: ``FixError/cannotFix(_:_:)`` naming the profile, before anything runs.
    public static func enablePamProfiles(_ profiles: [String], control: String) throws -> RemediationAction {
        if let bad = profiles.first(where: { $0.isEmpty || $0.hasPrefix("-") || $0.contains("/") || $0.contains("\0") }) {
            throw FixError.cannotFix(control, "pam-auth-update would not read '\(bad)' as a profile name (it takes no --); refused before anything changed")
        }
        return .stagedPam(arguments: ["pam-auth-update", "--package", "--enable"] + profiles)
    }

    /// The files `pam-auth-update` writes: the stacks, its own state, and debconf's databases.
    public static let pamAuthUpdateFiles = ["auth", "account", "password", "session", "session-noninteractive"].flatMap {
        ["/etc/pam.d/common-\($0)", "/var/lib/pam/\($0)"]
    } + ["/var/lib/pam/seen"] + ["config", "templates", "passwords"].flatMap {
        // debconf saves the previous copy of each database it writes as `<name>.dat-old`.
        ["/var/cache/debconf/\($0).dat", "/var/cache/debconf/\($0).dat-old"]
    }

    /// The host files this action may change.
    public var touchedFiles: [String] {
        switch self {
        case .writeFile(let path, _, _, _), .removeFile(let path), .putInPlace(let path, _), .restoreDirectory(let path, _, _, _): return [path]
        case .runCommand(_, let touches, _): return touches
        case .stagedPam: return Self.pamAuthUpdateFiles
        case .onRestore, .confirmConnectivity: return []
        }
    }
}

/// What a fixer is given: the facts, the control's parameter values, the current bytes of the files
/// it asked for, and the root (a fixer never reads the host itself).
public struct FixContext: Sendable {
    public var facts: HostFacts
    public var control: Control
    public var parameters: [String: FactValue]
    /// Current contents of the files the fixer named in `reads`; absent files are missing.
    public var files: [String: Data]
    /// The host root; commands that take a root option (`chage --root`) use it when it is not `/`.
    public var root: String
    /// Catalogue lists for the host's role (`software.mandatory`).
    public var catalogs: [String: [FactValue]]
    /// The profile the host is checked against: a fixer sets what the recommended profile adds only then.
    public var profile: Profile
    /// The host's role: a desktop menu entry is for workstations only.
    public var role: Role

    public init(facts: HostFacts, control: Control, parameters: [String: FactValue], files: [String: Data], root: String, catalogs: [String: [FactValue]] = [:], profile: Profile = .regulation, role: Role = .workstation) {
        self.facts = facts
        self.control = control
        self.parameters = parameters
        self.files = files
        self.root = root
        self.catalogs = catalogs
        self.profile = profile
        self.role = role
    }

    public func text(_ path: String) -> String? { files[path].map { String(decoding: $0, as: UTF8.self) } }

    public func int(_ name: String) throws -> Int {
        guard let value = parameters[name]?.numberValue else { throw FixError.missingParameter(control.id, name) }
        return Int(value)
    }
}

public enum FixError: Error, Sendable, Hashable, CustomStringConvertible {
    case missingParameter(String, String)
    case cannotFix(String, String)

    public var description: String {
        switch self {
        case .missingParameter(let control, let name): return "\(control): parameter \(name) has no value"
        case .cannotFix(let control, let why): return "\(control): \(why)"
        }
    }
}

/// Turns a failing control into steps. Fixers are named in the policy (`fix.fixer`), so a new control
/// gets a fixer without touching the transaction machinery.
public protocol Fixer: Sendable {
    var name: String { get }
    /// Host files whose current contents the fixer needs.
    func reads(_ facts: HostFacts) -> [String]
    func plan(_ context: FixContext) throws -> [RemediationAction]
}
