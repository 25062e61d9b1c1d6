public import Configuration
public import Foundation
public import CollectorReports
import CollectorPostgres
import CollectorStore
import YAMLParsing

/// Reads ``CollectorSettings`` from, lowest to highest precedence: built-in defaults, a YAML file
/// (`/etc/attt-collector/collector.yaml` when present, or `--config`), `ATTT_COLLECTOR_*` environment
/// variables (`listen.port` → `ATTT_COLLECTOR_LISTEN_PORT`), and flags.
///
/// swift-configuration does the layering. The file is read with attt's YAML parser and checked key by
/// key, so that a typo is an error naming the file, line and key instead of a setting silently
/// ignored; its values then enter the layering as one more provider.
public enum SettingsLoader {
    public static let defaultFile = "/etc/attt-collector/collector.yaml"

    /// Every key the file may hold, with its kind.
    static let keys: [String: Kind] = [
        "listen.host": .string, "listen.port": .int, "state.directory": .string, "server.names": .strings, "policy.directory": .string,
        "tokens.lifetime": .duration, "certificates.lifetime": .duration, "jobs.lifetime": .duration,
        "officers.pam-service": .string, "officers.group": .string, "officers.inspector-group": .group,
        "officers.unit-groups": .unitGroups, "officers.lockout-attempts": .int,
        "officers.lockout-window": .duration, "officers.session-lifetime": .duration, "officers.session-idle": .duration,
        "server.idle-timeout": .duration, "server.request-timeout": .duration, "server.max-connections": .int,
        "hosts.silent-after": .duration, "metrics.listen": .string, "log.format": .string, "history.reports": .duration, "audit.keep": .duration, "history.report-bodies": .duration,
        "reports.governing-body": .string, "reports.issuer": .string, "reports.symbol": .string, "reports.place": .string,
        "reports.signer-title": .string, "reports.signer": .string, "reports.recipients": .strings,
        "reports.unit-signer-title": .string, "reports.unit-recipients": .strings, "reports.schedule": .bool,
        "incidents.isolation-job-lifetime": .duration, "incidents.escalate-within-hours": .int, "incidents.recipients": .strings,
        "database.url": .string, "database.password-file": .string,
    ]

    /// `group`: a group name of the collector host, or empty for none; `unitGroups`: a mapping of
    /// unit name to group name.
    enum Kind { case string, int, strings, duration, group, unitGroups, bool }

    public struct Problem: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// - Parameters:
    ///   - file: an explicit file (must exist), or nil for the default file if it exists.
    ///   - flags: values from the command line, by key.
    ///   - environment: the process environment (tests pass their own).
    public static func load(file: String?, flags: [String: String], environment: [String: String]) async throws -> CollectorSettings {
        let path = file ?? (FileManager.default.fileExists(atPath: defaultFile) ? defaultFile : nil)
        var providers: [any ConfigProvider] = [
            InMemoryProvider(name: "flags", values: Dictionary(uniqueKeysWithValues: flags.map { (AbsoluteConfigKey(ConfigKey($0.key)), ConfigValue(.string($0.value), isSecret: false)) })),
            EnvironmentVariablesProvider(environmentVariables: environment).prefixKeys(with: ConfigKey("attt.collector")),
        ]
        for key in flags.keys where keys[key] == nil { throw Problem(description: "unknown setting \(key)") }
        // A file of comments only (as the package ships it) holds no settings: nothing to read.
        if let path {
            providers.append(InMemoryProvider(name: path, values: try read(file: path)))
        }
        let reader = ConfigReader(providers: providers)
        var settings = CollectorSettings()
        func text(_ key: String) -> String? { reader.string(forKey: ConfigKey(key)) }
        func number(_ key: String, in range: ClosedRange<Int> = 1...Int.max) throws -> Int? {
            guard let value = reader.string(forKey: ConfigKey(key)) ?? reader.int(forKey: ConfigKey(key)).map(String.init) else { return nil }
            guard let n = Int(value), range.contains(n) else { throw Problem(description: "\(key): \(value) is not a whole number in \(range.lowerBound)…\(range.upperBound)") }
            return n
        }
        func duration(_ key: String) throws -> TimeInterval? {
            guard let value = text(key) ?? reader.int(forKey: ConfigKey(key)).map(String.init) else { return nil }
            guard let seconds = parseDuration(value) else { throw Problem(description: "\(key): \(value) is not a duration (write 90s, 15m, 8h or 7d)") }
            return seconds
        }
        if let v = text("listen.host") { settings.listenHost = v }
        // 0 asks the system for a free port (tests); the server prints the one it got.
        if let v = try number("listen.port", in: 0...65_535) { settings.listenPort = v }
        if let v = text("state.directory") { settings.stateDirectory = v }
        if let v = text("policy.directory") { settings.policyDirectory = v }
        if let v = reader.stringArray(forKey: ConfigKey("server.names")) ?? text("server.names").map({ $0.split(separator: ",").map(String.init) }) {
            settings.serverNames = v.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        if let v = try duration("tokens.lifetime") { settings.tokenLifetime = v }
        if let v = try duration("certificates.lifetime") { settings.hostCertificateLifetime = v }
        if let v = try duration("jobs.lifetime") { settings.jobLifetime = v }
        if let v = try duration("incidents.isolation-job-lifetime") { settings.isolationJobLifetime = v }
        if let v = try number("incidents.escalate-within-hours", in: 1...720) { settings.escalateWithin = TimeInterval(v) * 3600 }
        if let v = text("officers.pam-service") { settings.pamService = v }
        if let v = text("officers.group") { settings.officerGroup = v }
        if let v = text("officers.inspector-group") {
            guard v.isEmpty || isGroupName(v) else {
                throw Problem(description: "officers.inspector-group: \(v) is not a group name (such as attt-thanhtra); leave it empty for no inspectors")
            }
            settings.inspectorGroup = v
        }
        if let v = text("officers.unit-groups") { settings.unitGroups = try unitGroups(v) }
        if let v = try number("officers.lockout-attempts") { settings.lockoutAttempts = v }
        if let v = try duration("officers.lockout-window") { settings.lockoutWindow = v }
        if let v = try duration("officers.session-lifetime") { settings.sessionLifetime = v }
        if let v = try duration("officers.session-idle") { settings.sessionIdle = v }
        if let v = try duration("server.idle-timeout") { settings.idleTimeout = v }
        if let v = try duration("server.request-timeout") { settings.requestTimeout = v }
        if let v = try number("server.max-connections", in: 1...100_000) { settings.maxConnections = v }
        if let v = try duration("hosts.silent-after") { settings.silentAfter = v }
        if let v = text("log.format") {
            guard ["text", "json"].contains(v) else { throw Problem(description: "log.format: \(v) is neither text nor json") }
            settings.logJSON = v == "json"
        }
        if let v = text("metrics.listen") {
            if v.isEmpty {
                settings.metricsListen = nil
            } else {
                guard let address = CollectorSettings.ListenAddress(v) else {
                    throw Problem(description: "metrics.listen: \(v) is not an address and port (write 127.0.0.1:9469, or leave it empty for no metrics)")
                }
                settings.metricsListen = address
            }
        }
        if let v = try duration("history.report-bodies") { settings.reportBodyRetention = v }
        if let v = try duration("history.reports") {
            guard v >= Retention.minimumHistory else {
                throw Problem(description: "history.reports: keep at least 400d, so the annual report can be made from its whole year")
            }
            settings.retention.history = v
        }
        if let v = text("audit.keep"), v.isEmpty {
            settings.retention.audit = nil
        } else if let v = try duration("audit.keep") {
            guard v >= Retention.minimumAudit else { throw Problem(description: "audit.keep: keep at least 365d, or leave it empty to keep the audit log for ever") }
            settings.retention.audit = v
        }
        // Empty keeps the SQLite file in the state directory.
        if let v = text("database.url"), !v.isEmpty {
            do { settings.database = try PostgresLocation(url: v) } catch { throw Problem(description: "\(error)") }
        }
        if let v = text("database.password-file"), !v.isEmpty {
            guard v.hasPrefix("/") else { throw Problem(description: "database.password-file: \(v) is not an absolute path") }
            settings.databasePasswordFile = v
        }
        if let v = text("reports.schedule") {
            guard let on = Bool(v) else { throw Problem(description: "reports.schedule: \(v) is neither true nor false") }
            settings.reportSchedule = on
        }
        try loadReports(into: &settings.reports, text: text, list: { reader.stringArray(forKey: ConfigKey($0)) })
        return settings
    }

    /// `reports.*` and `incidents.recipients`: what the periodic reports' and the incident reports'
    /// header, recipients and signature print. Printed on a
    /// state document, so each is one line of at most 200 characters; lists in the environment are
    /// `;`-separated (a recipient's line may hold commas).
    static func loadReports(into reports: inout ReportSettings, text: (String) -> String?, list: (String) -> [String]?) throws {
        func line(_ key: String) throws -> String? {
            guard let v = text(key)?.trimmingCharacters(in: .whitespaces) else { return nil }
            guard v.count <= 200, !v.contains(where: \.isNewline) else { throw Problem(description: "\(key): write one line of at most 200 characters") }
            return v
        }
        func lines(_ key: String) throws -> [String]? {
            // The environment's text first: its list reading splits at commas, which a recipient's line may hold.
            guard let items = text(key).map({ $0.split(separator: ";").map(String.init) }) ?? list(key) else { return nil }
            let trimmed = items.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
            guard trimmed.count <= 20, trimmed.allSatisfy({ $0.count <= 200 && !$0.contains(where: \.isNewline) }) else {
                throw Problem(description: "\(key): write at most 20 recipients, each one line of at most 200 characters")
            }
            return trimmed
        }
        if let v = try line("reports.governing-body") { reports.governingBody = v }
        if let v = try line("reports.issuer"), !v.isEmpty { reports.issuer = v }
        if let v = try line("reports.symbol"), !v.isEmpty { reports.symbol = v }
        if let v = try line("reports.place") { reports.place = v }
        if let v = try line("reports.signer-title"), !v.isEmpty { reports.signerTitle = v }
        if let v = try line("reports.signer") { reports.signer = v }
        if let v = try lines("reports.recipients") { reports.recipients = v }
        if let v = try line("reports.unit-signer-title"), !v.isEmpty { reports.unitSignerTitle = v }
        if let v = try lines("reports.unit-recipients") { reports.unitRecipients = v }
        // The báo cáo sự cố's (Điều 11 khoản 2 điểm b): the institutions the text names were renamed since.
        if let v = try lines("incidents.recipients") { reports.incidentRecipients = v }
    }

    /// `90s`, `15m`, `8h`, `7d`, or plain seconds.
    public static func parseDuration(_ text: String) -> TimeInterval? {
        let t = text.trimmingCharacters(in: .whitespaces)
        let units: [Character: Double] = ["s": 1, "m": 60, "h": 3600, "d": 86_400]
        if let last = t.last, let unit = units[last], let n = Double(t.dropLast()), n > 0 { return n * unit }
        if let n = Double(t), n > 0 { return n }
        return nil
    }

    /// A group name as Debian's tools accept it: letters, digits, `_`, `.` and `-`, not starting with
    /// `-`, at most 32 characters.
    static func isGroupName(_ name: String) -> Bool {
        name.range(of: #"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}$"#, options: .regularExpression) != nil
    }

    /// `unit=group;unit=group`: the environment's form of `officers.unit-groups`, and the form the
    /// file's mapping is passed on in. A unit's name may hold `=` (a group name never does) but not `;`.
    static func unitGroups(_ text: String) throws -> [String: String] {
        var groups: [String: String] = [:]
        for entry in text.split(separator: ";") {
            let entry = entry.trimmingCharacters(in: .whitespaces)
            if entry.isEmpty { continue }
            let parts = entry.lastIndex(of: "=").map { (entry[..<$0].trimmingCharacters(in: .whitespaces), entry[entry.index(after: $0)...].trimmingCharacters(in: .whitespaces)) }
            guard let (unit, group) = parts, !unit.isEmpty, isGroupName(group) else {
                throw Problem(description: "officers.unit-groups: \(entry) is not unit=group with a group name of this host (write UBND xã Tứ Dân=attt-ubnd;Trạm y tế xã=attt-tramyte)")
            }
            guard groups[unit] == nil else { throw Problem(description: "officers.unit-groups: \(unit) is given twice") }
            groups[unit] = group
        }
        return groups
    }

    /// The file's settings by key, after checking syntax, keys and kinds with the line of each problem.
    /// A file of comments only (as the package ships it) holds no settings.
    static func read(file path: String) throws -> [AbsoluteConfigKey: ConfigValue] {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            throw Problem(description: "\(path): cannot be read (check that it exists and is UTF-8)")
        }
        let node: YAMLNode?
        do {
            node = try YAMLParser.compose(text)
        } catch {
            throw Problem(description: "\(path):\(error.line ?? 1): not valid YAML: \(error.problem)")
        }
        guard let node else { return [:] }
        guard let mapping = node.mapping else { throw Problem(description: "\(path):\(node.mark.line): expected settings as `key: value` lines") }
        var values: [AbsoluteConfigKey: ConfigValue] = [:]
        func walk(_ mapping: YAMLNode.Mapping, prefix: String) throws {
            for (key, value) in mapping {
                let name = prefix + (key.string ?? "")
                let line = key.mark.line
                if let inner = value.mapping, keys[name] == nil {
                    try walk(inner, prefix: name + ".")
                    continue
                }
                guard let kind = keys[name] else {
                    throw Problem(description: "\(path):\(line): unknown setting \(name) (known: \(keys.keys.sorted().joined(separator: ", ")))")
                }
                let content: ConfigContent
                switch kind {
                case .strings:
                    if let list = value.sequence {
                        let names = list.compactMap(\.string)
                        guard names.count == list.count else { throw Problem(description: "\(path):\(line): \(name) must be a list of names") }
                        content = .stringArray(names)
                    } else if let s = value.string {
                        content = .string(s)
                    } else {
                        throw Problem(description: "\(path):\(line): \(name) must be a list of names")
                    }
                case .bool:
                    guard let s = value.string, Bool(s) != nil else { throw Problem(description: "\(path):\(line): \(name) must be true or false") }
                    content = .string(s)
                case .int:
                    guard let s = value.string, Int(s).map({ $0 >= 0 }) == true else { throw Problem(description: "\(path):\(line): \(name) must be a whole number") }
                    content = .string(s)
                case .duration:
                    guard let s = value.string, parseDuration(s) != nil else { throw Problem(description: "\(path):\(line): \(name) must be a duration such as 15m, 8h or 7d") }
                    content = .string(s)
                case .string:
                    guard let s = value.string else { throw Problem(description: "\(path):\(line): \(name) must be a single value") }
                    content = .string(s)
                case .group:
                    guard let s = value.string, s.isEmpty || isGroupName(s) else {
                        throw Problem(description: "\(path):\(line): \(name) must be a group name of this host (such as attt-thanhtra), or empty for none")
                    }
                    content = .string(s)
                case .unitGroups:
                    content = .string(try unitGroups(value, name: name, path: path))
                }
                values[AbsoluteConfigKey(ConfigKey(name))] = ConfigValue(content, isSecret: false)
            }
        }
        try walk(mapping, prefix: "")
        return values
    }

    /// `officers.unit-groups` in the file: `"unit": group` lines, each checked with its own line.
    static func unitGroups(_ value: YAMLNode, name: String, path: String) throws -> String {
        guard let mapping = value.mapping else {
            throw Problem(description: "\(path):\(value.mark.line): \(name) must map each unit's name to its officers' group, one `\"UBND xã Tứ Dân\": attt-ubnd` per line")
        }
        var entries: [String] = []
        for (key, group) in mapping {
            let line = key.mark.line
            guard let unit = key.string?.trimmingCharacters(in: .whitespaces), !unit.isEmpty, !unit.contains(";") else {
                throw Problem(description: "\(path):\(line): \(name): a unit's name must be text without `;`")
            }
            guard let group = group.string, isGroupName(group) else {
                throw Problem(description: "\(path):\(line): \(name): \(unit) must map to a group name of this host (such as attt-ubnd)")
            }
            entries.append(unit + "=" + group)
        }
        return entries.joined(separator: ";")
    }
}
