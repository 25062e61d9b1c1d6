public import FoundationEssentials
public import HardeningCore

/// The record of one `attt fix` run, kept under `/var/lib/attt/transactions/<id>/journal.json` in the
/// host root. It is rewritten atomically at every step, so after a crash it says how far the run got.
public struct Journal: Codable, Sendable, Hashable {
    public enum State: String, Codable, Sendable {
        /// Steps are being applied; seen by a later run, it means the run was interrupted.
        case applying
        case applied
        /// A step failed and every file was restored.
        case failed
        /// Files are being put back; seen by a later run, a rollback was interrupted and is finished.
        case rollingBack = "rolling_back"
        /// Rolled back by `attt rollback`.
        case rolledBack = "rolled_back"
        /// Found interrupted by a later run and rolled back by it.
        case recovered
    }

    /// A file as it was before the transaction first touched it.
    public struct Backup: Codable, Sendable, Hashable {
        public var path: String
        public var existed: Bool
        /// Name of the copy inside the transaction directory.
        public var copy: String?
        public var mode: UInt16?
        public var owner: UInt32?
        public var group: UInt32?
        /// What the transaction left there (FNV-1a of the bytes), to notice later edits before a rollback.
        public var after: String?
        /// The topmost directory that did not exist either (created with the file, removed with it).
        public var createdDirectory: String?
        /// The path was a symbolic link (systemd enablement, alternatives): where it pointed.
        public var linkTarget: String? = nil
        /// Where the file was renamed aside (`RemediationAction.putInPlace`): a host path on the file's
        /// own file system, `<mount>/.attt-restore-<tx>/kept/<n>`. The bytes are never copied; a
        /// rollback renames the file back. `after` is then the file's identity (`stat:` dev, inode,
        /// size, time), not a hash of bytes that may be gigabytes.
        public var keptAt: String? = nil
        /// A directory (`RemediationAction.restoreDirectory`): only its mode, owner and group were
        /// kept (`existed`), never what it holds; when it did not exist, a rollback removes it if empty.
        public var directory: Bool? = nil
    }

    public struct Step: Codable, Sendable, Hashable {
        public var control: String
        public var fixer: String
        public var summary: String
        public var done: Bool
    }

    public var id: String
    public var root: String
    public var createdAt: Timestamp
    public var officer: String?
    public var controls: [String]
    public var state: State
    public var steps: [Step]
    public var backups: [Backup]
    public var error: String?
    /// The collector job this transaction applied, so a job is applied at most once on this host.
    public var job: String? = nil
    /// Run after the files are put back (`RemediationAction.onRestore`), in order: `inRoot` first.
    public var onRestore: [RestoreCommand]? = nil
    /// Set while a change that could cut the host off waits for the collector (`confirmConnectivity`):
    /// past it, the next `attt` run — or the timer armed when it was applied — rolls it back.
    public var confirmBy: Timestamp? = nil
    /// When the officer removed the files a restore kept aside (`attt incident purge-kept`): from then
    /// on the restore cannot be rolled back.
    public var keptPurgedAt: Timestamp? = nil

    public struct RestoreCommand: Codable, Sendable, Hashable {
        public var arguments: [String]
        public var inRoot: Bool
    }
}
