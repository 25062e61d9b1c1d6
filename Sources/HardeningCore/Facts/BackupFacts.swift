/// How the host's data is backed up (Điều 9 khoản 1; Điều 10 khoản 6: "sao lưu dữ liệu thường
/// xuyên"): the jobs that run a backup tool on a schedule, the last run the agent's wrapper recorded,
/// and where the copies go.
public struct BackupFacts: Codable, Sendable, Hashable {
    /// Timers enabled at boot and cron lines whose command (or the script it runs) names a backup tool.
    public var schedules: [BackupSchedule]
    /// `/var/lib/attt/backup/last.json`, written by the backup job after each run (``BackupRunRecord``).
    public var lastRun: BackupRun?
    /// The three scopes the regulation asks for, each with the place that named a path in it.
    public var scopes: BackupScopes
    /// Where the copies go: the last run's target and Timeshift's device.
    public var targets: [BackupTarget]

    public init(schedules: [BackupSchedule], lastRun: BackupRun?, scopes: BackupScopes, targets: [BackupTarget]) {
        self.schedules = schedules
        self.lastRun = lastRun
        self.scopes = scopes
        self.targets = targets
    }
}

/// One scheduled job that runs a backup tool.
public struct BackupSchedule: Codable, Sendable, Hashable {
    /// `restic.timer`, or `cron` for a crontab line.
    public var name: String
    /// `restic`, `borg`, `borgmatic`, `rsync`, `rsnapshot`, `duplicity`, `deja-dup` or `timeshift`.
    public var tool: String
    /// When it runs: the timer's `OnCalendar=` (or the cron schedule: `0 2 * * *`, `@daily`).
    public var when: String
    /// The command line that names the tool, as written (in a script the job runs, if so).
    public var command: String
    /// The absolute paths the command names (what it backs up, or where to).
    public var paths: [String]
    /// The line that names the tool.
    public var source: SourceLocation

    public init(name: String, tool: String, when: String, command: String, paths: [String], source: SourceLocation) {
        self.name = name
        self.tool = tool
        self.when = when
        self.command = command
        self.paths = paths
        self.source = source
    }
}

/// The last run, as the wrapper recorded it.
public struct BackupRun: Codable, Sendable, Hashable {
    /// When the run ended, ISO 8601 in UTC.
    public var time: Sourced<String>
    public var exitCode: Sourced<Int>
    /// The repository as the tool names it: `sftp:backup@10.0.0.5:/srv/restic/pc-01`, `/media/usb/borg`.
    public var target: Sourced<String>
    public var tool: String?
    /// What the run backed up, when the record says.
    public var paths: Sourced<[String]>?

    public init(time: Sourced<String>, exitCode: Sourced<Int>, target: Sourced<String>, tool: String?, paths: Sourced<[String]>?) {
        self.time = time
        self.exitCode = exitCode
        self.target = target
        self.tool = tool
        self.paths = paths
    }
}

/// The agent wrapper's status file, `/var/lib/attt/backup/last.json`: the backup job writes it after
/// every run (successful or not), so the agent can tell how old the last good copy is without
/// running the tool or holding its credentials.
///
/// ```json
/// {"time": "2026-11-25T02:00:07Z", "exitCode": 0, "tool": "restic",
///  "target": "sftp:backup@10.10.0.5:/srv/restic/pc-ketoan-01", "paths": ["/etc", "/home", "/var/lib"]}
/// ```
/// `time` is when the run ended (ISO 8601, UTC); `exitCode` the tool's; `target` the repository as the
/// tool names it (a local path, or `scheme:…` / `user@host:path` for a remote one); `tool` and `paths`
/// are optional. Documented for operators in docs/backup-status.md.
public struct BackupRunRecord: Codable, Sendable, Hashable {
    public var time: String
    public var exitCode: Int
    public var target: String
    public var tool: String?
    public var paths: [String]?
    /// The copy this run made, as the tool names it (restic `backup --json`'s `snapshot_id`, a borg
    /// archive): what `attt incident restore` restores. Without it, the newest copy made by `time`.
    public var snapshot: String?

    public init(time: String, exitCode: Int, target: String, tool: String? = nil, paths: [String]? = nil, snapshot: String? = nil) {
        self.time = time
        self.exitCode = exitCode
        self.target = target
        self.tool = tool
        self.paths = paths
        self.snapshot = snapshot
    }
}

/// System configuration (/etc), application data (/var/lib, /srv, /opt, /var/www) and users' data
/// (/home): each true when a schedule or the last run names a path in it (or `/`, which holds all).
public struct BackupScopes: Codable, Sendable, Hashable {
    public var system: Sourced<Bool>
    public var applications: Sourced<Bool>
    public var users: Sourced<Bool>

    public init(system: Sourced<Bool>, applications: Sourced<Bool>, users: Sourced<Bool>) {
        self.system = system
        self.applications = applications
        self.users = users
    }
}

/// A place the copies go.
public struct BackupTarget: Codable, Sendable, Hashable {
    /// The target as written (a repository, or Timeshift's `backup_device_uuid`).
    public var name: String
    /// `remote` (another host), `removable` (under /media or /run/media), `local` (a file system of
    /// this host) or `device` (a file system by UUID).
    public var kind: String
    /// On the file system that holds `/`: a disk failure or ransomware takes the copies with the data.
    public var onRootFileSystem: Bool
    public var source: SourceLocation

    public init(name: String, kind: String, onRootFileSystem: Bool, source: SourceLocation) {
        self.name = name
        self.kind = kind
        self.onRootFileSystem = onRootFileSystem
        self.source = source
    }
}
