public import FoundationEssentials

/// How ready the host is for the incident steps of Điều 11 (VN-TD-INC-001, VN-TD-INC-003): the last
/// rehearsal of Bước 3 (a restore that was verified and listed, changing nothing) and the launcher
/// through which a user without rights reports a suspected incident (khoản 1 điểm a; Điều 15 khoản 2
/// điểm b). On disk for any root.
public struct IncidentFacts: Codable, Sendable, Hashable {
    /// `/var/lib/attt/backup/restore-check.json`, which `attt incident restore` writes once it has
    /// verified the backup and listed what it would restore; absent when it never ran.
    public var lastRestoreCheck: RestoreCheck?
    /// The "Báo cáo sự cố" entry the menu shows: a local one (`/usr/local/share/applications`) hides the
    /// package's (`/usr/share/applications`), as the XDG data directories are ordered. Absent when neither exists.
    public var reportLauncher: DesktopLauncher?

    public init(lastRestoreCheck: RestoreCheck?, reportLauncher: DesktopLauncher?) {
        self.lastRestoreCheck = lastRestoreCheck
        self.reportLauncher = reportLauncher
    }
}

/// The last restore rehearsal, with where it was read.
public struct RestoreCheck: Codable, Sendable, Hashable {
    /// When it ran, ISO 8601 in UTC.
    public var time: Sourced<String>
    /// The backup was checked by its tool (`restic check`, `borg check`); a plain directory cannot be.
    public var verified: Sourced<Bool>
    public var tool: String
    public var snapshot: String?

    public init(time: Sourced<String>, verified: Sourced<Bool>, tool: String, snapshot: String?) {
        self.time = time
        self.verified = verified
        self.tool = tool
        self.snapshot = snapshot
    }
}

/// `restore-check.json`, as `attt incident restore` writes it after the backup verified and the list of
/// changes was made (dry run or not): Bước 3 is known to work on this host, not only assumed.
///
/// ```json
/// {"schema": "attt.restore-check.v1", "time": "2026-11-20T09:12:03Z", "tool": "restic",
///  "target": "sftp:backup@10.10.0.5:/srv/restic/pc-ketoan-01", "snapshot": "5d326d30",
///  "verified": true, "scopes": ["system"], "changes": 0}
/// ```
public struct RestoreCheckRecord: Codable, Sendable, Hashable {
    public static let path = "/var/lib/attt/backup/restore-check.json"
    public var schema = "attt.restore-check.v1"
    public var time: String
    /// `restic`, `borg` or `directory`.
    public var tool: String
    public var target: String
    public var snapshot: String?
    public var verified: Bool
    public var scopes: [String]
    /// Paths the restore would change (or did).
    public var changes: Int

    public init(time: String, tool: String, target: String, snapshot: String?, verified: Bool, scopes: [String], changes: Int) {
        self.time = time
        self.tool = tool
        self.target = target
        self.snapshot = snapshot
        self.verified = verified
        self.scopes = scopes
        self.changes = changes
    }
}

/// A desktop menu entry (freedesktop Desktop Entry) as far as INC-003 needs it.
public struct DesktopLauncher: Codable, Sendable, Hashable {
    /// Its path.
    public var name: String
    /// `Exec=` as written.
    public var exec: Sourced<String>
    /// `Hidden=true` (deleted for this system) or `NoDisplay=true` (not in the menu): users cannot see it.
    public var hidden: Sourced<Bool>

    public init(name: String, exec: Sourced<String>, hidden: Sourced<Bool>) {
        self.name = name
        self.exec = exec
        self.hidden = hidden
    }
}
