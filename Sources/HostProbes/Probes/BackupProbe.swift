import FoundationEssentials
import HardeningCore
import HostAccess

/// Backup jobs (systemd timers enabled at boot, cron), the wrapper's record of the last run, and
/// Timeshift's device (Điều 9 khoản 1; Điều 10 khoản 6). Per-user Déjà Dup settings live in each
/// user's dconf database, a binary GVDB file: not read here.
struct BackupProbe {
    let host: HostRoot
    let services: ServiceFacts

    static let statusFile = "/var/lib/attt/backup/last.json"
    static let timeshiftFile = "/etc/timeshift/timeshift.json"

    func collect() throws -> BackupFacts {
        let schedules = try timers() + cronJobs()
        let lastRun = try Self.lastRun(text: try host.text(Self.statusFile), path: Self.statusFile)
        let fstab = Fstab.parse(try host.text("/etc/fstab") ?? "", path: "/etc/fstab")
        var targets: [BackupTarget] = []
        if let run = lastRun { targets.append(Self.target(run.target, fstab: fstab)) }
        if let timeshift = try timeshiftTarget(fstab: fstab) { targets.append(timeshift) }
        return BackupFacts(schedules: schedules, lastRun: lastRun, scopes: Self.scopes(schedules: schedules, lastRun: lastRun), targets: targets)
    }

    // MARK: Schedules

    /// Timers enabled at boot whose service runs a backup tool, directly or in a script.
    func timers() throws -> [BackupSchedule] {
        var result: [BackupSchedule] = []
        var seen = Set<String>()
        for enabled in try services.enabled.collectedValue() where enabled.unit.hasSuffix(".timer") && seen.insert(enabled.unit).inserted {
            guard let timer = try unit(enabled.unit) else { continue }
            let service = timer.value("Timer", "Unit")?.value ?? String(enabled.unit.dropLast(".timer".count)) + ".service"
            guard let job = try unit(service) else { continue }
            let when = timer.values("Timer", "OnCalendar").map(\.value).joined(separator: ", ")
            for command in job.commands() {
                result += try jobs(name: enabled.unit, when: when.isEmpty ? "timer" : when, command: command.value, source: command.source)
            }
        }
        return result
    }

    /// A unit with its drop-ins; a template instance (`backup@home.timer`) reads `backup@.timer`.
    func unit(_ name: String) throws -> SystemdUnit? {
        var names = [name]
        if let at = name.firstIndex(of: "@"), let dot = name.lastIndex(of: ".") { names.append(String(name[...at]) + String(name[dot...])) }
        for candidate in names {
            for directory in SystemdUnit.directories {
                let path = "\(directory)/\(candidate)"
                guard let text = try host.text(path) else { continue }
                var unit = SystemdUnit.parse(text, path: path)
                for dropIn in SystemdUnit.directories {
                    let dir = "\(dropIn)/\(name).d"
                    // A drop-in can replace ExecStart: one that cannot be listed leaves the job unknown.
                    for file in try host.list(dir) where file.hasSuffix(".conf") {
                        if let more = try host.text("\(dir)/\(file)") { unit.read(more, path: "\(dir)/\(file)") }
                    }
                }
                return unit
            }
        }
        return nil
    }

    /// `/etc/crontab`, `/etc/cron.d/*`, users' crontabs, and the scripts of `/etc/cron.{hourly,daily,weekly,monthly}`.
    func cronJobs() throws -> [BackupSchedule] {
        var result: [BackupSchedule] = []
        for job in try host.crontabs().flatMap(\.jobs) {
            result += try jobs(name: "cron", when: job.schedule, command: job.command, source: job.source)
        }
        for period in ["hourly", "daily", "weekly", "monthly"] {
            let dir = "/etc/cron.\(period)"
            for name in try host.list(dir) where HostRoot.isRunPartsName(name) {
                guard let text = try host.text("\(dir)/\(name)") else { continue }
                for line in BackupCommand.toolLines(script: text) {
                    result.append(BackupSchedule(name: "cron.\(period)", tool: line.tool, when: "@\(period)", command: line.text, paths: BackupCommand.paths(line.text), source: SourceLocation(path: "\(dir)/\(name)", line: line.line)))
                }
            }
        }
        return result
    }

    /// The command itself when it names a tool; otherwise the script it runs, if it is one under the root.
    func jobs(name: String, when: String, command: String, source: SourceLocation) throws -> [BackupSchedule] {
        if let tool = BackupCommand.tool(command) {
            return [BackupSchedule(name: name, tool: tool, when: when, command: command, paths: BackupCommand.paths(command), source: source)]
        }
        // The first two bytes tell a script from a program (a binary may be larger than a read may
        // take); a program that cannot be read at all (a FIFO, a loop) leaves the job unknown. The
        // first path may be a directory (Debian's crontab runs `cd / && run-parts …`): not a program.
        guard let program = BackupCommand.words(command).first { $0.hasPrefix("/") }, !host.isDirectory(program),
              let head = try host.head(program, bytes: 2), head.starts(with: Array("#!".utf8)),
              let data = try host.read(program) else { return [] }
        let script = String(decoding: data, as: UTF8.self)
        return BackupCommand.toolLines(script: script).map {
            BackupSchedule(name: name, tool: $0.tool, when: when, command: $0.text, paths: BackupCommand.paths($0.text), source: SourceLocation(path: program, line: $0.line))
        }
    }

    // MARK: The last run

    /// Reads the wrapper's record; a file that is not one is an error naming the file.
    static func lastRun(text: String?, path: String) throws -> BackupRun? {
        guard let text else { return nil }
        let record: BackupRunRecord
        do {
            record = try JSONDecoder().decode(BackupRunRecord.self, from: Data(text.utf8))
        } catch {
            throw ProbeError(path: path, reason: "not a backup status record ({\"time\": …, \"exitCode\": …, \"target\": …}): \(Self.describe(error))")
        }
        guard Timestamp.parse(record.time) != nil else {
            throw ProbeError(path: "\(path):\(line(of: "time", in: text))", reason: "time '\(record.time)' is not an ISO 8601 time such as 2026-11-25T02:00:07Z")
        }
        func at(_ key: String) -> SourceLocation { SourceLocation(path: path, line: line(of: key, in: text)) }
        return BackupRun(
            time: Sourced(record.time, at("time")), exitCode: Sourced(record.exitCode, at("exitCode")),
            target: Sourced(record.target, at("target")), tool: record.tool, paths: record.paths.map { Sourced($0, at("paths")) }
        )
    }

    /// The line where `"key"` first appears (1 when the file is on one line).
    static func line(of key: String, in text: String) -> Int {
        (text.lines.firstIndex { $0.contains("\"\(key)\"") } ?? 0) + 1
    }

    static func describe(_ error: any Error) -> String {
        switch error {
        case DecodingError.keyNotFound(let key, _): return "no \"\(key.stringValue)\""
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context):
            return "wrong type for \"\(context.codingPath.map(\.stringValue).joined(separator: "."))\""
        case DecodingError.dataCorrupted: return "not valid JSON"
        default: return "not valid JSON"
        }
    }

    // MARK: Scopes and targets

    static func scopes(schedules: [BackupSchedule], lastRun: BackupRun?) -> BackupScopes {
        var named = schedules.flatMap { s in s.paths.map { ($0, s.source) } }
        if let paths = lastRun?.paths { named += paths.value.map { ($0, paths.source) } }
        func scope(_ roots: [String]) -> Sourced<Bool> {
            if let hit = named.first(where: { BackupCommand.covers($0.0, roots) }) { return Sourced(true, hit.1) }
            return Sourced(false, named.first?.1 ?? SourceLocation(path: statusFile))
        }
        return BackupScopes(system: scope(BackupCommand.systemRoots), applications: scope(BackupCommand.applicationRoots), users: scope(BackupCommand.userRoots))
    }

    /// Remote when the name is not a path (`sftp:…`, `rest:…`, `user@host:path`); removable under
    /// /media or /run/media; otherwise the file system fstab mounts it on.
    static func target(_ target: Sourced<String>, fstab: Fstab) -> BackupTarget {
        let name = target.value
        guard name.hasPrefix("/") else {
            return BackupTarget(name: name, kind: "remote", onRootFileSystem: false, source: target.source)
        }
        let mount = fstab.mountPoint(of: name)
        if mount == "/" && (name.hasPrefix("/media/") || name.hasPrefix("/run/media/")) {
            return BackupTarget(name: name, kind: "removable", onRootFileSystem: false, source: target.source)
        }
        let onRoot = mount == "/" || fstab.device(of: mount) == fstab.device(of: "/")
        return BackupTarget(name: name, kind: "local", onRootFileSystem: onRoot, source: target.source)
    }

    /// Timeshift's `backup_device_uuid`; the same UUID as `/` in fstab means snapshots on the system disk.
    func timeshiftTarget(fstab: Fstab) throws -> BackupTarget? {
        struct Settings: Decodable { var backup_device_uuid: String? }
        guard let text = try host.text(Self.timeshiftFile) else { return nil }
        guard let settings = try? JSONDecoder().decode(Settings.self, from: Data(text.utf8)) else {
            throw ProbeError(path: Self.timeshiftFile, reason: "not valid JSON")
        }
        guard let uuid = settings.backup_device_uuid, !uuid.isEmpty else { return nil }
        let root = fstab.device(of: "/")?.lowercased()
        let source = SourceLocation(path: Self.timeshiftFile, line: Self.line(of: "backup_device_uuid", in: text))
        return BackupTarget(name: uuid, kind: "device", onRootFileSystem: root == "uuid=" + uuid.lowercased(), source: source)
    }
}
