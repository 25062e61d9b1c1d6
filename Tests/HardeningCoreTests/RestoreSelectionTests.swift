import HardeningCore
import Testing

private func file(_ path: String, size: Int64 = 10, mode: UInt32 = 0o644, owner: UInt32 = 0, modified: Int64 = 1_000, hash: String? = nil) -> RestoreEntry {
    RestoreEntry(path: path, kind: .file, size: size, mode: mode, owner: owner, modified: modified, contentHash: hash)
}

private func dir(_ path: String, mode: UInt32 = 0o755, owner: UInt32 = 0, group: UInt32 = 0, size: Int64 = 4096) -> RestoreEntry {
    RestoreEntry(path: path, kind: .directory, size: size, mode: mode, owner: owner, group: group)
}

@Suite struct RestoreSelectionTests {
    /// The backup as it was, and the same tree attacked: a file changed, one deleted, one added.
    static let backup = [
        dir("/etc"), file("/etc/passwd", size: 100), file("/etc/shadow", size: 50, mode: 0o640),
        dir("/etc/cron.d"), file("/etc/cron.d/e2scrub_all", size: 20), file("/etc/ssh/sshd_config", size: 300, hash: "a"),
    ]
    static let attacked = [
        dir("/etc"), file("/etc/passwd", size: 130), dir("/etc/cron.d"), file("/etc/cron.d/e2scrub_all", size: 20),
        file("/etc/cron.d/evil", size: 40), file("/etc/ssh/sshd_config", size: 300, hash: "b"),
    ]

    @Test func findsChangedMissingAndAddedFiles() {
        let selection = RestoreSelection.compare(staged: Self.backup, live: Self.attacked, scopes: [.system])
        #expect(selection.changes.map(\.path) == ["/etc/cron.d/evil", "/etc/passwd", "/etc/shadow", "/etc/ssh/sshd_config"])
        #expect(selection.changes.map(\.kind) == [.notInBackup, .changed, .missing, .changed])
        #expect(selection.changes[1].differences == ["size"])
        #expect(selection.changes[3].differences == ["content"])
        #expect(selection.toApply.count == 4)
        #expect(selection.skipped.isEmpty)
    }

    @Test func identicalTreesChangeNothing() {
        let selection = RestoreSelection.compare(staged: Self.backup, live: Self.backup, scopes: [.system])
        #expect(selection.changes.isEmpty && selection.skipped.isEmpty)
    }

    @Test func ownerModeAndLinkChangesAreChanges() {
        let staged = [file("/etc/sudoers", mode: 0o440), RestoreEntry(path: "/etc/localtime", kind: .symlink, linkTarget: "/usr/share/zoneinfo/Asia/Ho_Chi_Minh")]
        let live = [file("/etc/sudoers", mode: 0o666, owner: 1000), RestoreEntry(path: "/etc/localtime", kind: .symlink, linkTarget: "/tmp/x")]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.system])
        #expect(selection.changes.map(\.differences) == [["link"], ["mode", "owner"]])
    }

    /// A timestomped file (same size, the attacker reset the time) is caught in /etc by its hash; the
    /// edge is told to hash there, and elsewhere only when the times differ.
    @Test func contentIsHashedWhereMetadataCannotTell() {
        let a = file("/etc/hosts.allow", modified: 5), b = file("/etc/hosts.allow", modified: 5)
        #expect(RestoreSelection.needsContentHash(staged: a, live: b, scope: .system))
        #expect(!RestoreSelection.needsContentHash(staged: a, live: b, scope: .users))
        #expect(RestoreSelection.needsContentHash(staged: a, live: file("/home/x", modified: 6), scope: .users))
        #expect(!RestoreSelection.needsContentHash(staged: a, live: file("/home/x", size: 11, modified: 6), scope: .users))
        // Not hashed by the edge: the time differs, so it is restored rather than trusted.
        let unhashed = RestoreSelection.compare(staged: [file("/home/a/x", modified: 1)], live: [file("/home/a/x", modified: 2)], scopes: [.users])
        #expect(unhashed.changes.map(\.differences) == [["mtime"]])
        let same = RestoreSelection.compare(staged: [file("/home/a/x", modified: 1, hash: "h")], live: [file("/home/a/x", modified: 2, hash: "h")], scopes: [.users])
        #expect(same.changes.isEmpty)
    }

    /// The users' scope lists files not in the backup but leaves them (today's work stays); the
    /// system and application scopes move them aside.
    @Test func usersKeepTheirNewFiles() {
        let live = [dir("/home"), file("/home/an/bao-cao.odt"), dir("/srv"), file("/srv/www/shell.php")]
        let staged = [dir("/home"), dir("/srv")]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.users, .applications])
        #expect(selection.changes.map(\.path) == ["/home/an/bao-cao.odt", "/srv/www/shell.php"])
        #expect(selection.changes.map(\.applied) == [false, true])
        #expect(selection.toApply.map(\.path) == ["/srv/www/shell.php"])
    }

    /// A scope root the backup never held is left whole, never moved aside file by file.
    @Test func aRootMissingFromTheBackupIsLeftAlone() {
        let live = [dir("/opt"), file("/opt/app/bin"), dir("/srv"), file("/srv/data")]
        let staged = [dir("/srv"), file("/srv/data")]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.applications])
        #expect(selection.changes.isEmpty)
        #expect(selection.skipped.map(\.path) == ["/opt"])
    }

    @Test func excludedPathsAreNeverRestored() {
        let staged = [file("/etc/machine-id", size: 33), file("/var/lib/attt/backup/last.json", size: 1), file("/var/log/auth.log", size: 1),
                      file("/var/log/syslog", size: 5), file("/etc/attt/isolation.nft", size: 9), file("/var/lib/dpkg/status", size: 2)]
        let live = [file("/etc/machine-id", size: 32), file("/var/lib/attt/backup/last.json", size: 2), file("/var/log/auth.log", size: 2),
                    file("/var/log/syslog", size: 6), file("/var/lib/dpkg/status", size: 3), file("/.attt-restore-x/kept/0")]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.system, .applications])
        #expect(selection.changes.map(\.path) == ["/var/lib/dpkg/status"])
        // /var/log is in no scope; excluded all the same, should a scope ever hold it.
        #expect(Set(selection.skipped.map(\.path)) == ["/etc/attt/isolation.nft", "/etc/machine-id", "/var/lib/attt"])
        #expect(RestoreExclusions.excluded("/var/log/auth.log")?.path == "/var/log")
        #expect(RestoreExclusions.excluded("/home/.attt-restore-20261206/stage/home/an/x")?.path == "/home/.attt-restore-20261206")
        #expect(RestoreExclusions.excluded("/etc/hostname") == nil)
    }

    @Test func entriesOutsideTheScopesAreIgnored() {
        let selection = RestoreSelection.compare(staged: [file("/etc/a"), file("/home/u/a")], live: [file("/etc/a", size: 1), file("/home/u/a", size: 1)], scopes: [.system])
        #expect(selection.changes.map(\.path) == ["/etc/a"])
    }

    /// A live directory where the backup has a file is not swapped whole: the officer decides.
    @Test func aTypeConflictWithADirectoryIsSkipped() {
        let selection = RestoreSelection.compare(staged: [file("/etc/x")], live: [dir("/etc/x"), file("/etc/x/y")], scopes: [.system])
        #expect(selection.skipped.map(\.path) == ["/etc/x"])
        #expect(selection.changes.map(\.path) == ["/etc/x/y"])
    }

    @Test func hostsKeepsTheLiveIsolationPins() {
        let backup = "127.0.0.1 localhost\n10.0.0.9 may-chu # attt-isolation\n"
        let live = "127.0.0.1 localhost\n6.6.6.6 update.microsoft.com\n10.231.7.1 thu-thap.xa.vn # attt-isolation\n"
        #expect(RestoreSelection.mergeHosts(backup: backup, live: live) == "127.0.0.1 localhost\n10.231.7.1 thu-thap.xa.vn # attt-isolation\n")
        #expect(RestoreSelection.mergeHosts(backup: "127.0.0.1 localhost", live: "") == "127.0.0.1 localhost\n")
    }

    /// A directory's own mode and owner are restored (`chmod 0777 /etc/sudoers.d`), compared by
    /// those alone: its size and time change with what it holds.
    @Test func aDirectorysModeAndOwnerAreChanges() {
        let staged = [dir("/etc"), dir("/etc/sudoers.d", mode: 0o750), dir("/etc/ssh", size: 4096), dir("/home/an", mode: 0o700, owner: 1000, group: 1000)]
        let live = [dir("/etc"), dir("/etc/sudoers.d", mode: 0o777), dir("/etc/ssh", size: 8192), dir("/home/an", mode: 0o700, owner: 0, group: 1000)]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.system, .users])
        #expect(selection.changes.map(\.path) == ["/etc/sudoers.d", "/home/an"])
        #expect(selection.changes.map(\.differences) == [["mode"], ["owner"]])
        #expect(selection.changes.allSatisfy { $0.kind == .changed && $0.applied })
        #expect(selection.changes.map { $0.directory?.mode } == [0o750, 0o700])
    }

    /// A directory the attacker removed is made again, even empty; one the backup does not have stays.
    @Test func aMissingDirectoryIsMadeAndAnExtraOneStays() {
        let staged = [dir("/etc"), dir("/etc/apt/apt.conf.d", mode: 0o755), file("/etc/apt/apt.conf.d/50unattended-upgrades")]
        let live = [dir("/etc"), dir("/etc/.x", mode: 0o700), file("/etc/.x/miner")]
        let selection = RestoreSelection.compare(staged: staged, live: live, scopes: [.system])
        #expect(selection.changes.map { "\($0.kind.rawValue) \($0.path) \($0.directory != nil)" } == [
            "not-in-backup /etc/.x/miner false", "missing /etc/apt/apt.conf.d true", "missing /etc/apt/apt.conf.d/50unattended-upgrades false",
        ])
        #expect(selection.skipped.isEmpty)
    }
}
