import HardeningCore
import Testing

/// Where a restic repository lives, for a restore while the PC is isolated: the forms restic's
/// backends take (restic 0.14 manual, "Preparing a new repository").
struct BackupRepositoryLocationTests {
    @Test(arguments: [
        ("/media/usb/restic", BackupRepositoryLocation.local),
        ("local:/srv/restic", .local),
        ("sftp:backup@nas.xa.vn:/srv/restic", .server("nas.xa.vn")),
        ("sftp:nas:/srv/restic", .server("nas")),
        ("sftp:10.0.0.5:/srv/re@stic", .server("10.0.0.5")),
        ("sftp:backup@[fd00::5]:/srv/restic", .server("fd00::5")),
        ("sftp://backup@nas.xa.vn:2222//srv/restic", .server("nas.xa.vn")),
        ("sftp://[fd00::5]:2222//srv/restic", .server("fd00::5")),
        ("rest:https://user:p@ss@10.0.0.7:8000/pc-01", .server("10.0.0.7")),
        ("rest:http://nas.xa.vn:8000/", .server("nas.xa.vn")),
        ("s3:https://minio.xa.vn/attt", .server("minio.xa.vn")),
        ("s3:s3.amazonaws.com/bucket", .server("s3.amazonaws.com")),
        ("b2:bucket:path", .elsewhere("b2")),
        ("rclone:onedrive:backup", .elsewhere("rclone")),
        ("sftp:", .elsewhere("sftp:")),
        ("rest:https:///", .elsewhere("rest:https:///")),
    ])
    func readsTheServer(_ repository: String, _ expected: BackupRepositoryLocation) {
        #expect(BackupRepositoryLocation(restic: repository) == expected, "\(repository)")
    }

    @Test(arguments: [
        ("/srv/borg", BackupRepositoryLocation.local),
        ("file:///srv/borg", .local),
        ("ssh://backup@nas.xa.vn:2222/./pc-01", .server("nas.xa.vn")),
        ("ssh://[fd00::5]/srv/borg", .server("fd00::5")),
        ("backup@10.0.0.5:/srv/borg", .server("10.0.0.5")),
        ("nas:pc-01", .server("nas")),
        ("ssh://", .elsewhere("ssh://")),
    ])
    func readsBorgsServer(_ repository: String, _ expected: BackupRepositoryLocation) {
        #expect(BackupRepositoryLocation(borg: repository) == expected, "\(repository)")
    }

    /// Any bytes: no crash, and a server is never empty nor holds a slash (it becomes an nft element).
    @Test func anyTextIsReadWithoutFault() {
        var generator = SystemRandomNumberGenerator()
        let alphabet = Array("sftp:rest3/@[]:.-_ab01 \u{0}ệ")
        for _ in 0..<20_000 {
            let text = String((0..<Int.random(in: 0...24, using: &generator)).map { _ in alphabet.randomElement(using: &generator)! })
            for location in [BackupRepositoryLocation(restic: text), BackupRepositoryLocation(borg: text)] {
                if case .server(let host) = location { #expect(!host.isEmpty && !host.contains("/"), "\(text) → \(host)") }
            }
        }
    }
}
