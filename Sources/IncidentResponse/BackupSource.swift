public import FoundationEssentials
import DurableFiles
import Glibc
public import HardeningCore
public import HostAccess
import HostProbes

/// Where the restore takes the latest backup from (Điều 11 khoản 2 điểm a, Bước 3: "khôi phục … bằng
/// dữ liệu sao lưu mới nhất"): the backup job's record (`/var/lib/attt/backup/last.json`, the one
/// BAK-001 reads), checked before anything is staged. attt holds no credentials: restic's come from
/// the env file the job itself sources (`--env-file`, e.g. /etc/restic/env), and travel to restic in
/// its environment, never on a command line (where `ps` would show them).
public struct BackupSource: Sendable {
    public enum Kind: String, Sendable {
        /// A restic repository: checked (`restic check`), restored with `--verify`.
        case restic
        /// A plain copy in a directory (rsync, cp): nothing can tell whether it was altered.
        case directory
    }

    public let host: HostRoot
    public let kind: Kind
    public let record: BackupRunRecord
    public let target: BackupTarget
    /// The copy restored and why it was chosen (``SnapshotChoice``); nil for a directory.
    public let choice: SnapshotChoice?
    /// The copy restored: a restic snapshot id; nil for a directory.
    public var snapshot: String? { choice?.snapshot.id }
    /// What restic is given in its environment: the repository and the password file, as paths on
    /// this machine.
    let environment: [String: String]

    /// False for a plain directory: "không kiểm chứng được" (it cannot be verified).
    public var verifiable: Bool { kind == .restic }

    /// A backup the restore must not use, with what to do, in Vietnamese first.
    public struct Refused: Error, Sendable, CustomStringConvertible {
        public var description: String
        public init(_ description: String) { self.description = description }
    }

    /// Reads the record and refuses a copy that must not be restored: a failed run, a target on the
    /// system disk (the attacker had it too), a copy made after the suspected start of the attack
    /// (it may hold the attacker's changes) or after the record (a root attacker holds the job's
    /// credentials and can add one), unless the officer names it.
    /// - Parameters:
    ///   - envFile: the host file with `RESTIC_REPOSITORY` and `RESTIC_PASSWORD_FILE`.
    ///   - suspectedStart: when the attack may have begun; a copy made later is refused.
    ///   - snapshot: the copy the officer chose (`--snapshot`); the record's, or the newest made by
    ///     the record's time and the suspected start, otherwise (``SnapshotChoice``).
    public static func open(host: HostRoot, envFile: String?, suspectedStart: Date?, snapshot chosen: String?) throws -> BackupSource {
        let path = "/var/lib/attt/backup/last.json"
        guard let status = try BackupStatusFile.read(host) else {
            throw Refused("chưa có bản ghi sao lưu \(path): tác vụ sao lưu chưa chạy lần nào (docs/backup-status.md) — no backup record")
        }
        let record = status.record
        guard record.exitCode == 0 else {
            throw Refused("\(status.run.exitCode.source): lần sao lưu cuối (\(record.time)) kết thúc với mã lỗi \(record.exitCode), bản sao lưu không dùng được — the last backup failed; restore an earlier copy by hand")
        }
        guard !status.target.onRootFileSystem else {
            throw Refused("\(status.run.target.source): bản sao lưu \(record.target) nằm trên ổ đĩa hệ thống, kẻ tấn công cũng đã chạm tới nó — the copy is on the system disk")
        }
        // The id becomes an argument of restic: one that could be read as an option is refused.
        for id in [chosen, record.snapshot].compactMap({ $0 }) where !isSnapshotId(id) {
            throw Refused("\(id): không phải mã bản sao lưu của restic (8 đến 64 chữ số hex) — not a snapshot id")
        }
        guard let recordTime = Timestamp.parse(record.time) else {
            throw Refused("\(status.run.time.source): thời điểm \(record.time) không đọc được — not an ISO 8601 time")
        }
        if record.tool == "restic" {
            let environment = try resticEnvironment(host: host, envFile: envFile, target: record.target)
            let repository = BackupSource(host: host, kind: .restic, record: record, target: status.target, choice: nil, environment: environment)
            let choice: SnapshotChoice
            do {
                choice = try SnapshotChoice.choose(from: try repository.snapshots(), named: chosen, recorded: record.snapshot, recordTime: recordTime, suspectedStart: suspectedStart)
            } catch let refused as SnapshotChoice.Refused {
                throw Refused(refused.description)
            }
            return BackupSource(host: host, kind: .restic, record: record, target: status.target, choice: choice, environment: environment)
        }
        guard record.tool.map({ ["rsync", "cp", "directory"].contains($0) }) ?? true, record.target.hasPrefix("/") else {
            throw Refused("\(status.run.target.source): công cụ sao lưu \(record.tool ?? "?") chưa được hỗ trợ khi khôi phục (restic, hoặc một thư mục sao chép) — not supported yet")
        }
        // A plain copy has no older version to fall back on.
        if let start = suspectedStart, recordTime > start {
            throw Refused("bản sao chép \(record.target) (\(record.time)) được tạo sau thời điểm nghi bị tấn công (\(Timestamp.format(start))) nên có thể đã nhiễm, và thư mục sao chép không có bản cũ hơn: khôi phục bằng tay — the copy is newer than the suspected start")
        }
        return BackupSource(host: host, kind: .directory, record: record, target: status.target, choice: nil, environment: [:])
    }

    public static func isSnapshotId(_ id: String) -> Bool {
        (8...64).contains(id.count) && id.allSatisfy { $0.isHexDigit && !$0.isUppercase }
    }

    /// `RESTIC_REPOSITORY` and `RESTIC_PASSWORD_FILE` from the env file (`KEY=value`, `export KEY=value`,
    /// quoted or not); a local repository and the password file are host paths, mapped into the root.
    static func resticEnvironment(host: HostRoot, envFile: String?, target: String) throws -> [String: String] {
        guard let envFile else {
            throw Refused("cần --env-file (tệp biến môi trường của tác vụ sao lưu, ví dụ /etc/restic/env, có RESTIC_REPOSITORY và RESTIC_PASSWORD_FILE) — restic needs its password file")
        }
        guard let text = try host.text(envFile) else { throw Refused("\(envFile): không có tệp này — no such file") }
        var values: [String: String] = [:]
        for (number, raw) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            var line = String(raw).trimmed
            if line.isEmpty || line.hasPrefix("#") { continue }
            if line.hasPrefix("export ") { line = String(line.dropFirst(7)).trimmed }
            guard let equals = line.firstIndex(of: "=") else { continue }
            let key = String(line[..<equals])
            var value = String(line[line.index(after: equals)...])
            if value.count >= 2, let first = value.first, first == "\"" || first == "'", value.last == first { value = String(value.dropFirst().dropLast()) }
            guard ["RESTIC_REPOSITORY", "RESTIC_PASSWORD_FILE"].contains(key) else { continue }
            guard !value.contains("$") && !value.contains("`") else {
                throw Refused("\(envFile):\(number + 1): \(key) dùng biến hoặc lệnh của shell, attt không chạy shell; ghi giá trị thẳng — write the value itself")
            }
            values[key] = value
        }
        let repository = values["RESTIC_REPOSITORY"] ?? target
        guard let password = values["RESTIC_PASSWORD_FILE"] else {
            throw Refused("\(envFile): không có RESTIC_PASSWORD_FILE — attt reads the password from a file only")
        }
        return [
            "RESTIC_REPOSITORY": repository.hasPrefix("/") ? host.local(repository) : repository,
            "RESTIC_PASSWORD_FILE": host.local(password),
        ]
    }

    // MARK: restic

    func restic(_ arguments: [String], timeout: Double = 6 * 3600, maxOutput: Int = 1 << 20) throws -> String {
        let status: Int32, output: [UInt8]
        do {
            (status, output) = try Subprocess.run(["restic", "--no-cache"] + arguments, environment: environment, timeout: timeout, maxOutput: maxOutput)
        } catch {
            throw Refused("không chạy được restic: \(error.output) — install it: apt-get install restic")
        }
        let text = String(decoding: output, as: UTF8.self)
        guard status == 0 else {
            throw Refused("restic \(arguments.first ?? "") thất bại (mã \(status)): \(text.suffix(2_000))")
        }
        return text
    }

    /// At most this many copies are read from a repository (a daily job with restic's usual
    /// `forget` keeps a few dozen).
    static let maxSnapshots = 100_000

    /// The repository's copies with their times (`restic snapshots --json`).
    func snapshots() throws -> [BackupSnapshot] {
        struct Snapshot: Decodable { var id: String; var time: String }
        let json = try restic(["snapshots", "--json"], timeout: 600, maxOutput: 32 << 20)
        guard let listed = try? JSONDecoder().decode([Snapshot].self, from: Data(json.utf8)) else {
            throw Refused("restic snapshots --json: không đọc được danh sách bản sao lưu — restic's list is not what attt expects")
        }
        guard listed.count <= Self.maxSnapshots else {
            throw Refused("kho có \(listed.count) bản sao lưu, quá \(Self.maxSnapshots): chọn bằng --snapshot — too many snapshots")
        }
        // An id that is not hex is never passed back to restic as an argument.
        return listed.filter { Self.isSnapshotId($0.id) }.map { BackupSnapshot(id: $0.id, time: $0.time) }
    }

    /// restic reads every pack's header and the index (`restic check`): a repository that was
    /// tampered with, or is damaged, is refused before anything is staged.
    public func check() throws {
        guard kind == .restic else { return }
        _ = try restic(["check"])
    }

    /// At most this many entries are counted when sizing what a restore stages; more, and the scope
    /// must be narrowed (``TreeListing`` stops at the same number).
    static let maxListed = 1_000_000

    /// How many bytes staging `roots` of the copy takes: the sizes of the files under them (restic
    /// `ls --json --recursive`, read as it comes, one line at a time), not the whole snapshot's, which
    /// holds /home too when only /etc is restored. Nil when it cannot be known.
    public func restoreSize(of roots: [String]) throws -> Int64? {
        guard !roots.isEmpty else { return 0 }
        switch kind {
        case .restic:
            guard let snapshot else { return nil }
            var sizes = ListedSizes(limit: Self.maxListed)
            let arguments = ["restic", "--no-cache", "ls", "--json", "--recursive", snapshot] + roots
            let run: Subprocess.Streamed
            do {
                run = try Subprocess.run(arguments, environment: environment, timeout: 3600, maxBytes: Int64(Self.maxListed) * 1_024) { try sizes.add($0) }
            } catch let failure as ListedSizes.TooMany {
                throw Refused("restic ls: hơn \(failure.limit) mục trong \(roots.joined(separator: ", ")): thu hẹp phạm vi (--scope) — too many entries to size")
            } catch let failure as ListedSizes.Unreadable {
                throw Refused("\(failure) — restic's listing is not what attt expects")
            } catch {
                throw Refused("không chạy được restic: \(error) — install it: apt-get install restic")
            }
            guard run.status == 0, !run.truncated else {
                throw Refused("restic ls thất bại (mã \(run.status)\(run.truncated ? ", kết quả quá dài" : "")): \(run.errors.suffix(2_000))")
            }
            try sizes.finish()
            return sizes.total
        case .directory:
            var listing = TreeListing(host: host)
            listing.limit = Self.maxListed
            var total: Int64 = 0
            for root in roots {
                for entry in try listing.list(record.target + root) where entry.kind == .file { total += entry.size }
            }
            return total
        }
    }

    /// Restores `roots` of the copy into `stage` (a host directory on the file system they are
    /// restored to): `<stage>/etc/…`. restic's `--verify` reads every restored file back against
    /// the repository's hashes.
    public func stage(_ roots: [String], into stage: String) throws {
        let target = host.local(stage)
        switch kind {
        case .restic:
            guard let snapshot else { throw Refused("không có bản sao lưu để khôi phục — no snapshot") }
            _ = try restic(["restore", snapshot, "--target", target, "--verify"] + roots.flatMap { ["--include", $0] })
        case .directory:
            for root in roots {
                let source = host.local(record.target + root)
                guard FileManager.default.fileExists(atPath: source) else { continue }
                let parent = target + AtomicFile.parentDirectory(of: root)
                _ = try? FileManager.default.createDirectory(atPath: parent, withIntermediateDirectories: true)
                let (status, output) = try Subprocess.run(["cp", "-a", "--", source, parent + "/"], timeout: 6 * 3600)
                guard status == 0 else { throw Refused("cp \(source) thất bại: " + String(decoding: output, as: UTF8.self)) }
            }
        }
    }
}
