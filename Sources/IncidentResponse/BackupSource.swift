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
        /// A borg repository: checked (`borg check --repository-only`), its archive extracted.
        case borg
        /// A plain copy in a directory (rsync, cp): nothing can tell whether it was altered.
        case directory
    }

    public let host: HostRoot
    public let kind: Kind
    public let record: BackupRunRecord
    public let target: BackupTarget
    /// The copy restored and why it was chosen (``SnapshotChoice``); nil for a directory.
    public let choice: SnapshotChoice?
    /// The copy restored: a restic snapshot id, a borg archive's name; nil for a directory.
    public var snapshot: String? { choice.map { $0.snapshot.name ?? $0.snapshot.id } }
    /// What restic is given in its environment: the repository and the password file, as paths on
    /// this machine.
    let environment: [String: String]

    /// False for a plain directory: "không kiểm chứng được" (it cannot be verified).
    public var verifiable: Bool { kind != .directory }

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
        // The id becomes an argument of restic or borg: one that could be read as an option is refused.
        let valid = { (id: String) -> Bool in record.tool == "borg" ? isArchiveName(id) : isSnapshotId(id) }
        for id in [chosen, record.snapshot].compactMap({ $0 }) where !valid(id) {
            throw Refused("\(id): không phải mã bản sao lưu của \(record.tool ?? "restic") (restic: 8 đến 64 chữ số hex; borg: tên bản lưu trữ) — not a snapshot id")
        }
        guard let recordTime = Timestamp.parse(record.time) else {
            throw Refused("\(status.run.time.source): thời điểm \(record.time) không đọc được — not an ISO 8601 time")
        }
        if let kind = record.tool.flatMap(Kind.init(rawValue:)), kind != .directory {
            let environment = kind == .restic ? try resticEnvironment(host: host, envFile: envFile, target: record.target)
                : try borgEnvironment(host: host, envFile: envFile, target: record.target)
            let repository = BackupSource(host: host, kind: kind, record: record, target: status.target, choice: nil, environment: environment)
            let choice: SnapshotChoice
            do {
                choice = try SnapshotChoice.choose(from: try repository.snapshots(), named: chosen, recorded: record.snapshot, recordTime: recordTime,
                                                   suspectedStart: suspectedStart, hostnames: HostName.all(host))
            } catch let refused as SnapshotChoice.Refused {
                throw Refused(refused.description)
            }
            return BackupSource(host: host, kind: kind, record: record, target: status.target, choice: choice, environment: environment)
        }
        guard record.tool.map({ ["rsync", "cp", "directory"].contains($0) }) ?? true, record.target.hasPrefix("/") else {
            throw Refused("\(status.run.target.source): công cụ sao lưu \(record.tool ?? "?") chưa được hỗ trợ khi khôi phục (restic, borg, hoặc một thư mục sao chép) — not supported yet")
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

    /// A borg archive's name as a job makes it (`pc-ketoan-01-2026-12-06T02:00:07`): letters, digits
    /// and `-_.:+@`, never first a `-`, never `::` (borg splits `REPO::ARCHIVE` there).
    public static func isArchiveName(_ name: String) -> Bool {
        (1...200).contains(name.count) && !name.hasPrefix("-") && !name.contains("::")
            && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "-_.:+@".contains($0)) }
    }

    /// `RESTIC_REPOSITORY` and `RESTIC_PASSWORD_FILE` from the env file (`KEY=value`, `export KEY=value`,
    /// quoted or not); a local repository and the password file are host paths, mapped into the root.
    static func resticEnvironment(host: HostRoot, envFile: String?, target: String) throws -> [String: String] {
        guard let envFile else {
            throw Refused("cần --env-file (tệp biến môi trường của tác vụ sao lưu, ví dụ /etc/restic/env, có RESTIC_REPOSITORY và RESTIC_PASSWORD_FILE) — restic needs its password file")
        }
        let values = try environmentFile(host: host, envFile: envFile, keys: ["RESTIC_REPOSITORY", "RESTIC_PASSWORD_FILE"])
        let repository = values["RESTIC_REPOSITORY"] ?? target
        guard let password = values["RESTIC_PASSWORD_FILE"] else {
            throw Refused("\(envFile): không có RESTIC_PASSWORD_FILE — attt reads the password from a file only")
        }
        return [
            "RESTIC_REPOSITORY": repository.hasPrefix("/") ? host.local(repository) : repository,
            "RESTIC_PASSWORD_FILE": host.local(password),
        ]
    }

    /// Where borg keeps what it learns about a repository (its security and cache directories): attt's
    /// own, so it never shares the job's, and a repository swapped for another is noticed.
    static let borgBase = "/var/lib/attt/borg"

    /// `BORG_REPO` and the passphrase (`BORG_PASSPHRASE`, or `BORG_PASSCOMMAND`, which borg runs
    /// itself without a shell) from the job's env file, for borg's environment only. Times are listed
    /// in UTC (`TZ`), which borg's JSON does not say.
    static func borgEnvironment(host: HostRoot, envFile: String?, target: String) throws -> [String: String] {
        guard let envFile else {
            throw Refused("cần --env-file (tệp biến môi trường của tác vụ sao lưu borg, có BORG_REPO và BORG_PASSPHRASE hoặc BORG_PASSCOMMAND) — borg needs its passphrase")
        }
        var values = try environmentFile(host: host, envFile: envFile, keys: ["BORG_REPO", "BORG_PASSPHRASE", "BORG_PASSCOMMAND"])
        guard values["BORG_PASSPHRASE"] != nil || values["BORG_PASSCOMMAND"] != nil else {
            throw Refused("\(envFile): không có BORG_PASSPHRASE hay BORG_PASSCOMMAND — attt gives borg its passphrase only through its environment")
        }
        let repository = values["BORG_REPO"] ?? target
        values["BORG_REPO"] = repository.hasPrefix("/") ? host.local(repository) : repository
        _ = try host.directory(borgBase, create: 0o700)
        values["BORG_BASE_DIR"] = host.local(borgBase)
        values["TZ"] = "UTC"
        return values
    }

    /// The values of `keys` in a job's env file (`KEY=value`, `export KEY=value`, quoted or not).
    static func environmentFile(host: HostRoot, envFile: String, keys: Set<String>) throws -> [String: String] {
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
            guard keys.contains(key) else { continue }
            guard !value.contains("$") && !value.contains("`") else {
                throw Refused("\(envFile):\(number + 1): \(key) dùng biến hoặc lệnh của shell, attt không chạy shell; ghi giá trị thẳng — write the value itself")
            }
            values[key] = value
        }
        return values
    }

    // MARK: restic

    func restic(_ arguments: [String], timeout: Double = 6 * 3600, maxOutput: Int = 1 << 20) throws -> String {
        try run(["restic", "--no-cache"] + arguments, timeout: timeout, maxOutput: maxOutput)
    }

    func borg(_ arguments: [String], timeout: Double = 6 * 3600, maxOutput: Int = 1 << 20) throws -> String {
        try run(["borg"] + arguments, timeout: timeout, maxOutput: maxOutput)
    }

    /// Runs the backup tool with the job's credentials in its environment; a failure is a refusal.
    /// Standard error is kept apart: ssh's warnings (an sftp repository) must not land in restic's JSON.
    func run(_ arguments: [String], timeout: Double, maxOutput: Int) throws -> String {
        let tool = arguments[0]
        var output: [UInt8] = []
        let ran: Subprocess.Streamed
        do {
            ran = try Subprocess.run(arguments, environment: environment, timeout: timeout, maxBytes: Int64(maxOutput)) { output += $0 }
        } catch {
            throw Refused("không chạy được \(tool): \((error as? Subprocess.Failure)?.output ?? "\(error)") — install it: apt-get install \(tool == "borg" ? "borgbackup" : tool)")
        }
        let text = String(decoding: output, as: UTF8.self)
        let command = "\(tool) \(arguments.dropFirst().first { !$0.hasPrefix("-") } ?? "")"
        guard ran.status == 0, !ran.truncated else {
            throw Refused(ran.truncated
                ? "\(command): kết quả lớn hơn \(maxOutput >> 20) MiB — the tool's answer is larger than attt reads"
                : "\(command) thất bại (mã \(ran.status)): \((ran.errors + text).suffix(2_000))")
        }
        return text
    }

    /// At most this many copies are read from a repository (a daily job with restic's usual
    /// `forget` keeps a few dozen).
    static let maxSnapshots = 100_000

    /// The repository's copies with their times (`restic snapshots --json`, `borg list --json`).
    func snapshots() throws -> [BackupSnapshot] {
        if kind == .borg { return try archives() }
        struct Snapshot: Decodable { var id: String; var time: String; var hostname: String? }
        let json = try restic(["snapshots", "--json"], timeout: 600, maxOutput: 32 << 20)
        guard let listed = try? JSONDecoder().decode([Snapshot].self, from: Data(json.utf8)) else {
            throw Refused("restic snapshots --json: không đọc được danh sách bản sao lưu — restic's list is not what attt expects")
        }
        guard listed.count <= Self.maxSnapshots else {
            throw Refused("kho có \(listed.count) bản sao lưu, quá \(Self.maxSnapshots): chọn bằng --snapshot — too many snapshots")
        }
        // An id that is not hex is never passed back to restic as an argument.
        return listed.filter { Self.isSnapshotId($0.id) }.map { BackupSnapshot(id: $0.id, time: $0.time, hostname: $0.hostname) }
    }

    /// A borg repository's archives. borg 1.2 writes times without a zone, in its local time: it
    /// runs with `TZ=UTC`, so they are read as UTC.
    func archives() throws -> [BackupSnapshot] {
        struct Listing: Decodable {
            struct Archive: Decodable { var id: String; var name: String; var time: String; var hostname: String? }
            var archives: [Archive]
        }
        // With --json the format only adds keys: the machine each archive was made on.
        let json = try borg(["list", "--json", "--format", "{hostname}"], timeout: 600, maxOutput: 32 << 20)
        guard let listed = try? JSONDecoder().decode(Listing.self, from: Data(json.utf8)).archives else {
            throw Refused("borg list --json: không đọc được danh sách bản lưu trữ — borg's list is not what attt expects")
        }
        guard listed.count <= Self.maxSnapshots else {
            throw Refused("kho có \(listed.count) bản lưu trữ, quá \(Self.maxSnapshots): chọn bằng --snapshot — too many archives")
        }
        // A name that could be read as an option is never passed back to borg.
        return listed.filter { Self.isArchiveName($0.name) && Self.isSnapshotId($0.id) }.map { BackupSnapshot(id: $0.id, time: $0.time + "Z", name: $0.name, hostname: $0.hostname) }
    }

    /// restic reads every pack's header and the index (`restic check`), borg every segment's
    /// checksums (`borg check --repository-only`): a repository that was tampered with, or is damaged,
    /// is refused before anything is staged.
    public func check() throws {
        switch kind {
        case .restic: _ = try restic(["check"])
        case .borg: _ = try borg(["check", "--repository-only"])
        case .directory: return
        }
    }

    /// At most this many entries are counted when sizing what a restore stages; more, and the scope
    /// must be narrowed (``TreeListing`` stops at the same number).
    static let maxListed = 1_000_000

    /// How many bytes staging `roots` of the copy takes: the sizes of the files under them (restic
    /// `ls --json --recursive`, borg `list --json-lines`, read as it comes, one line at a time), not
    /// the whole copy's, which holds /home too when only /etc is restored. Nil when it cannot be known.
    public func restoreSize(of roots: [String]) throws -> Int64? {
        guard !roots.isEmpty else { return 0 }
        switch kind {
        case .borg:
            guard let snapshot else { return nil }
            // borg names paths without their leading slash, as it stored them.
            return try listedSize(.borg, ["borg", "list", "--json-lines", "::" + snapshot, "--"] + roots.map { String($0.dropFirst()) }, roots: roots)
        case .restic:
            guard let snapshot else { return nil }
            return try listedSize(.restic, ["restic", "--no-cache", "ls", "--json", "--recursive", snapshot] + roots, roots: roots)
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

    /// Runs the tool's listing and adds up its files' sizes as the lines come.
    func listedSize(_ tool: ListedSizes.Tool, _ arguments: [String], roots: [String]) throws -> Int64 {
        var sizes = ListedSizes(tool, limit: Self.maxListed)
        let run: Subprocess.Streamed
        do {
            run = try Subprocess.run(arguments, environment: environment, timeout: 3600, maxBytes: Int64(Self.maxListed) * 1_024) { try sizes.add($0) }
        } catch let failure as ListedSizes.TooMany {
            throw Refused("\(tool.rawValue): hơn \(failure.limit) mục trong \(roots.joined(separator: ", ")): thu hẹp phạm vi (--scope) — too many entries to size")
        } catch let failure as ListedSizes.Unreadable {
            throw Refused("\(failure) — \(tool.rawValue)'s listing is not what attt expects")
        } catch {
            throw Refused("không chạy được \(tool.rawValue): \(error) — install it: apt-get install \(tool == .borg ? "borgbackup" : "restic")")
        }
        guard run.status == 0, !run.truncated else {
            throw Refused("\(arguments.prefix(3).joined(separator: " ")) thất bại (mã \(run.status)\(run.truncated ? ", kết quả quá dài" : "")): \(run.errors.suffix(2_000))")
        }
        try sizes.finish()
        return sizes.total
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
        case .borg:
            guard let snapshot else { throw Refused("không có bản sao lưu để khôi phục — no archive") }
            // borg extracts into its working directory, paths without their leading slash; the
            // shell only changes directory (every value is an argument, none is parsed).
            _ = try run(["/bin/sh", "-c", "cd -- \"$1\" && shift && exec \"$@\"", "sh", target, "borg", "extract", "::" + snapshot, "--"] + roots.map { String($0.dropFirst()) },
                        timeout: 6 * 3600, maxOutput: 1 << 20)
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
