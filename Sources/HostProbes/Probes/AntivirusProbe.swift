import FoundationEssentials
public import HardeningCore
import HostAccess

/// An anti-malware engine the antivirus catalogue knows how to find.
public struct AntivirusEngine: Sendable, Hashable {
    public var id: String
    public var name: String
    public var packages: [String]
    public var paths: [String]
    public var updaterUnits: [String]
    public var scanCommands: [String]
    public var approved: Bool

    /// Reads `antivirus.engines` from the policy's catalogues.
    public static func catalog(_ value: FactValue?) -> [AntivirusEngine] {
        guard case .array(let items)? = value else { return [] }
        return items.compactMap { item in
            guard let id = item["id"]?.stringValue else { return nil }
            func list(_ key: String) -> [String] {
                if case .array(let values)? = item[key] { return values.compactMap(\.stringValue) }
                return []
            }
            return AntivirusEngine(
                id: id, name: item["name"]?.stringValue ?? id, packages: list("packages"), paths: list("paths"),
                updaterUnits: list("updater_units"), scanCommands: list("scan_commands"),
                approved: item["approved"]?.boolValue ?? false
            )
        }
    }
}

/// Engines, signature age (from the CVD/CLD header), freshclam's warnings, scheduled scans.
struct AntivirusProbe {
    let host: HostRoot
    let engines: [AntivirusEngine]
    let packages: [InstalledPackage]
    let services: ServiceFacts

    func collect() throws -> AntivirusFacts {
        let installed = Dictionary(packages.map { ($0.name, $0) }, uniquingKeysWith: { first, _ in first })
        let enabledUnits = Dictionary(try services.enabled.collectedValue().map { ($0.unit, $0) }, uniquingKeysWith: { first, _ in first })
        var detected: [DetectedEngine] = []
        for engine in engines {
            var evidence: [String] = []
            var source: SourceLocation? = nil
            for name in engine.packages { if let p = installed[name] { evidence.append("\(name) \(p.version)"); source = source ?? p.source } }
            for path in engine.paths where host.exists(path) { evidence.append(path); source = source ?? SourceLocation(path: path) }
            guard let found = source else { continue }
            let updater = engine.updaterUnits.lazy.compactMap { enabledUnits[$0] }.first
            detected.append(DetectedEngine(
                id: engine.id, name: engine.name, approved: engine.approved, evidence: evidence,
                updaterEnabled: updater != nil, updaterEvidence: updater?.source.description, source: found
            ))
        }
        let conf = try freshclamConfig()
        let directory = conf.first { $0.value.hasPrefix("DatabaseDirectory ") }.map { String($0.value.dropFirst("DatabaseDirectory ".count)).trimmed } ?? "/var/lib/clamav"
        let databases = try signatureDatabases(in: directory)
        let daily = databases.filter { $0.name == "daily" && $0.buildTime != nil }.max { $0.buildTime! < $1.buildTime! }
        return AntivirusFacts(
            engines: detected,
            signatureDatabases: databases,
            newestDailySignatures: daily.map { Sourced($0.buildTime!, $0.source) },
            engineOutdatedWarning: try outdatedWarning(),
            updaterConfig: conf,
            scheduledScans: try scheduledScans()
        )
    }

    /// The settings of `freshclam.conf` that say where signatures come from.
    func freshclamConfig() throws -> [Sourced<String>] {
        for path in ["/etc/clamav/freshclam.conf", "/etc/freshclam.conf"] {
            guard let text = try host.text(path) else { continue }
            return ConfigLines.meaningful(text).compactMap { line in
                let key = line.text.fields.first ?? ""
                guard ["DatabaseMirror", "PrivateMirror", "DatabaseDirectory", "Checks", "NotifyClamd"].contains(key) else { return nil }
                return Sourced(line.text, SourceLocation(path: path, line: line.number))
            }
        }
        return []
    }

    func signatureDatabases(in directory: String) throws -> [SignatureDatabase] {
        var result: [SignatureDatabase] = []
        for name in try host.list(directory) where name.hasSuffix(".cvd") || name.hasSuffix(".cld") {
            let path = "\(directory)/\(name)"
            let base = String(name.dropLast(4))
            // Only the 512-byte header: main.cvd alone is over 100 MB.
            guard let header = try host.records(path)?.read(at: 0, count: 512) else { continue }
            let parsed = ClamAVDatabaseHeader.parse(header)
            result.append(SignatureDatabase(name: base, version: parsed?.version, signatures: parsed?.signatures, buildTime: parsed?.buildTime.map(Timestamp.init), source: SourceLocation(path: path)))
        }
        return result
    }

    /// freshclam writes "Your ClamAV installation is OUTDATED!" when the engine is too old for new signatures.
    func outdatedWarning() throws -> Sourced<Bool> {
        let path = "/var/log/clamav/freshclam.log"
        guard let data = try host.tail(path, bytes: 256 << 10) else { return Sourced(false, SourceLocation(path: path)) }
        let lines = String(decoding: data, as: UTF8.self).lines
        // Only the last update run counts: an old warning may have been fixed since.
        let start = lines.lastIndex { $0.contains("update process started") } ?? 0
        if let hit = lines[start...].firstIndex(where: { $0.contains("OUTDATED") }) {
            return Sourced(true, SourceLocation(path: path, line: hit + 1))
        }
        return Sourced(false, SourceLocation(path: path))
    }

    // MARK: Scheduled scans

    var scanners: [String] { Array(Set(engines.flatMap(\.scanCommands) + ["clamscan", "clamdscan"])) }

    func runsScanner(_ command: String) -> Bool {
        command.fields.contains { word in scanners.contains(String(word.split(separator: "/").last ?? Substring(word))) }
    }

    func scheduledScans() throws -> [ScheduledScan] {
        var scans: [ScheduledScan] = []
        for job in try host.crontabs().flatMap(\.jobs) where runsScanner(job.command) {
            let entry = CronSchedule.entry(job)
            scans.append(ScheduledScan(command: job.command, frequency: entry.frequency, weekly: entry.weekly, source: job.source))
        }
        for (dir, frequency) in [("/etc/cron.daily", "daily"), ("/etc/cron.weekly", "weekly"), ("/etc/cron.monthly", "monthly")] {
            for name in try host.list(dir) where HostRoot.isRunPartsName(name) {
                let path = "\(dir)/\(name)"
                guard let text = try host.text(path) else { continue }
                if let line = ConfigLines.meaningful(text).first(where: { runsScanner($0.text) }) {
                    scans.append(ScheduledScan(command: line.text, frequency: frequency, weekly: frequency != "monthly", source: SourceLocation(path: path, line: line.number)))
                }
            }
        }
        for unit in try services.enabled.collectedValue() where unit.unit.hasSuffix(".timer") {
            guard let (timer, timerPath) = try unitFile(unit.unit) else { continue }
            let service = timer.value("Timer", "Unit")?.value ?? String(unit.unit.dropLast(6)) + ".service"
            guard let (serviceFile, _) = try unitFile(service) else { continue }
            for exec in serviceFile.values("Service", "ExecStart") where runsScanner(exec.value) {
                let calendars = timer.values("Timer", "OnCalendar").map(\.value)
                let frequency = calendars.first ?? (timer.value("Timer", "OnUnitActiveSec")?.value ?? "unknown")
                scans.append(ScheduledScan(command: exec.value, frequency: frequency, weekly: CronSchedule.calendarIsWeekly(calendars, timer: timer), source: SourceLocation(path: timerPath, line: timer.value("Timer", "OnCalendar")?.source.line)))
            }
        }
        return scans
    }

    /// A unit file as systemd finds it: /etc first, then /run, then the package directories.
    func unitFile(_ name: String) throws -> (IniFile, String)? {
        for dir in ["/etc/systemd/system", "/run/systemd/system", "/usr/local/lib/systemd/system", "/usr/lib/systemd/system", "/lib/systemd/system"] {
            let path = "\(dir)/\(name)"
            if let text = try host.text(path) { return (IniFile.parse(text, path: path), path) }
        }
        return nil
    }
}

/// The 512-byte header of a ClamAV `.cvd`/`.cld` file, as sigtool writes it:
/// `ClamAV-VDB:16 Nov 2026 07-26 +0000:27093:2048385:90:md5:signature:builder:1763277960`.
/// The build time uses `HH-MM` because `:` separates the fields; the last field is the same time in seconds.
enum ClamAVDatabaseHeader {
    struct Header { var version: Int?; var signatures: Int?; var buildTime: Date? }

    static func parse(_ data: Data) -> Header? {
        let bytes = data.prefix(512).prefix { $0 != 0 }
        guard let text = String(bytes: bytes, encoding: .isoLatin1) else { return nil }
        let fields = text.trimmed.split(separator: ":", omittingEmptySubsequences: false).map { String($0).trimmed }
        guard fields.count >= 4, fields[0] == "ClamAV-VDB" else { return nil }
        var header = Header(version: Int(fields[2]), signatures: Int(fields[3]), buildTime: nil)
        if fields.count >= 9, let seconds = Int(fields[8]), seconds > 0 {
            header.buildTime = Date(timeIntervalSince1970: TimeInterval(seconds))
        } else {
            header.buildTime = buildTime(fields[1])
        }
        return header
    }

    static let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]

    /// `16 Nov 2026 07-26 +0000` (sigtool's `%d %b %Y %H-%M %z`, always in English).
    static func buildTime(_ text: String) -> Date? {
        let parts = text.fields
        guard parts.count == 5, let day = Int(parts[0]), let month = months.firstIndex(of: parts[1]), let year = Int(parts[2]) else { return nil }
        let clock = parts[3].split(separator: "-").compactMap { Int($0) }
        let zone = parts[4]
        guard clock.count == 2, zone.count == 5, let sign = zone.first, sign == "+" || sign == "-",
              let hhmm = Int(zone.dropFirst()),
              let timeZone = TimeZone(secondsFromGMT: (hhmm / 100 * 3600 + hhmm % 100 * 60) * (sign == "-" ? -1 : 1)) else { return nil }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = timeZone
        let components = DateComponents(year: year, month: month + 1, day: day, hour: clock[0], minute: clock[1])
        guard components.isValidDate(in: calendar) else { return nil }
        return calendar.date(from: components)
    }
}

/// cron lines and systemd calendar expressions, reduced to "at least weekly or not".
enum CronSchedule {
    struct Entry { var command: String; var frequency: String; var weekly: Bool }

    /// One crontab line (the parser is ``Crontab``'s), classified.
    static func parse(_ line: String, hasUserField: Bool) -> Entry? {
        Crontab.parse(line, path: "", system: hasUserField).jobs.first.map(entry)
    }

    static func entry(_ job: Crontab.Job) -> Entry {
        let fields = job.schedule.split(separator: " ")
        guard fields.count == 5 else {
            let special = job.schedule.lowercased()
            return Entry(command: job.command, frequency: String(special.dropFirst()), weekly: ["@daily", "@midnight", "@hourly", "@weekly"].contains(special))
        }
        let (dom, month, dow) = (fields[2], fields[3], fields[4])
        // Every day-of-month with any weekday list runs at least weekly; a fixed day of the month does not.
        let weekly = dom == "*" && month == "*"
        return Entry(command: job.command, frequency: weekly ? (dow == "*" ? "daily" : "weekly") : "monthly", weekly: weekly)
    }

    static func calendarIsWeekly(_ calendars: [String], timer: IniFile) -> Bool {
        if calendars.isEmpty {
            // OnUnitActiveSec=1w and shorter.
            guard let span = timer.value("Timer", "OnUnitActiveSec")?.value.lowercased() else { return false }
            return ["d", "day", "days", "h", "w", "1w", "weekly", "1week"].contains { span.hasSuffix($0) } && !span.hasPrefix("2w")
        }
        return calendars.contains { calendar in
            let c = calendar.lowercased()
            if ["daily", "weekly", "hourly", "minutely"].contains(c) { return true }
            if ["monthly", "yearly", "annually", "quarterly", "semiannually"].contains(c) { return false }
            // A date part with a fixed day (`*-*-01`) runs monthly at most.
            let date = c.fields.first { $0.contains("-") } ?? "*-*-*"
            let day = date.split(separator: "-").last.map(String.init) ?? "*"
            return day == "*" || day.contains("/") || day.contains(",")
        }
    }
}
