import AtttTestSupport
import Foundation
import HostAccess
@testable import IncidentResponse
import Testing

/// The backup a restore may use (Điều 11 khoản 2 điểm a, Bước 3), judged from the job's record before
/// restic runs: every refusal names the file and what to do.
@Suite struct BackupSourceTests {
    let host: FixtureHost

    init() throws {
        host = try FixtureHost("debian12-desktop")
        try host.write("/etc/fstab", "UUID=1111 / ext4 defaults 0 1\nUUID=2222 /srv/backup ext4 defaults 0 2\n")
        try host.write("/etc/restic/env", "# the job's\nexport RESTIC_REPOSITORY=/srv/backup/restic\nRESTIC_PASSWORD_FILE='/etc/restic/password'\n")
    }

    func record(_ json: String) throws { try host.write("/var/lib/attt/backup/last.json", json) }

    func open(envFile: String? = "/etc/restic/env", since: Date? = nil, snapshot: String? = nil) throws -> BackupSource {
        try BackupSource.open(host: HostRoot(host.root.path), envFile: envFile, suspectedStart: since, snapshot: snapshot)
    }

    func refusal(_ body: () throws -> BackupSource) -> String {
        do {
            _ = try body()
            return "accepted"
        } catch {
            return "\(error)"
        }
    }

    @Test func refusals() throws {
        #expect(refusal { try open() }.contains("chưa có bản ghi sao lưu"))
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 3, "tool": "restic", "target": "/srv/backup/restic"}"#)
        #expect(refusal { try open() }.contains("/var/lib/attt/backup/last.json:1: lần sao lưu cuối (2026-12-01T02:00:00Z) kết thúc với mã lỗi 3"))
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 0, "tool": "restic", "target": "/var/backups/restic", "snapshot": "5d326d30"}"#)
        #expect(refusal { try open() }.contains("nằm trên ổ đĩa hệ thống"))
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 0, "tool": "restic", "target": "/srv/backup/restic", "snapshot": "5d326d30"}"#)
        // Which snapshot, and whether it is newer than the suspected start, is restic's list's business
        // (SnapshotChoiceTests, RestoreTests); these refusals come before restic runs.
        #expect(refusal { try open(snapshot: "--password-command=sh") }.contains("không phải mã bản sao lưu"))
        #expect(refusal { try open(envFile: nil) }.contains("cần --env-file"))
        try host.write("/etc/restic/env", "RESTIC_PASSWORD_FILE=$HOME/pw\n")
        #expect(refusal { try open() }.contains("/etc/restic/env:1: RESTIC_PASSWORD_FILE dùng biến"))
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 0, "tool": "borg", "target": "/srv/backup/borg"}"#)
        #expect(refusal { try open() }.contains("/etc/restic/env: không có BORG_PASSPHRASE hay BORG_PASSCOMMAND"))
        #expect(refusal { try open(snapshot: "--remote-path=sh") }.contains("không phải mã bản sao lưu của borg"))
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 0, "tool": "duplicity", "target": "/srv/backup/dup"}"#)
        #expect(refusal { try open() }.contains("chưa được hỗ trợ"))
    }

    @Test func aPlainCopyCannotBeVerified() throws {
        try record(#"{"time": "2026-12-01T02:00:00Z", "exitCode": 0, "tool": "rsync", "target": "/srv/backup/pc-01"}"#)
        let source = try open(envFile: nil)
        #expect(source.kind == .directory && !source.verifiable && source.choice == nil)
        // A plain copy has no older one to fall back on: made after the suspected start, it is refused.
        let before = try #require(ISO8601DateFormatter().date(from: "2026-11-30T00:00:00Z"))
        #expect(refusal { try open(envFile: nil, since: before) }.contains("thư mục sao chép không có bản cũ hơn"))
    }
}
