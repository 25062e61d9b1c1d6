public import CollectorPostgres
public import CollectorReports
public import CollectorStore
public import Foundation

/// What the collector runs with. Every value has a default, so `attt-collector serve` starts with no
/// configuration at all; a YAML file, `ATTT_COLLECTOR_*` environment variables and flags override it,
/// in that order (see ``SettingsLoader``).
public struct CollectorSettings: Sendable, Hashable {
    /// Address and port the HTTPS server listens on.
    public var listenHost = "0.0.0.0"
    public var listenPort = 8443
    /// Where Prometheus scrapes `GET /metrics` over plain HTTP (`metrics.listen`, such as
    /// `127.0.0.1:9469`); nil serves no metrics. Counts only, no names, but keep it on loopback or a
    /// management network: it is not behind TLS or a sign-in.
    public var metricsListen: ListenAddress?
    /// `log.format`: `text` (swift-log's lines) or `json` (one object a line, ``JSONLogHandler``).
    public var logJSON = false
    /// Database, CA and server certificate live here.
    public var stateDirectory = "/var/lib/attt-collector"
    /// `database.url`: the PostgreSQL database that several instances share (issue 17); nil keeps the
    /// SQLite file in the state directory, which needs no set-up.
    public var database: PostgresLocation?
    /// `database.password-file`: the file whose first line is the database's password. The password
    /// is never a setting or a flag (`ps` and the shell's history would show it): this file, or the
    /// environment's `ATTT_COLLECTOR_DATABASE_PASSWORD` (a systemd credential or an env file).
    public var databasePasswordFile: String?
    /// The shipped policy the units' catalogue bundles are made for and checked against; nil finds the
    /// installed copy (`/usr/share/attt-collector/policies`) or, in a developer build, the source tree's.
    public var policyDirectory: String?
    /// Names and addresses agents use to reach the collector; they go into the server certificate.
    /// Empty means this machine's hostname, `localhost` and `127.0.0.1`.
    public var serverNames: [String] = []
    /// How long an enrollment token may wait to be used.
    public var tokenLifetime: TimeInterval = 7 * 86_400
    /// How long a host certificate is valid; agents re-enroll before it ends.
    public var hostCertificateLifetime: TimeInterval = 2 * 365 * 86_400
    /// How long an approved fix waits for its host.
    public var jobLifetime: TimeInterval = 7 * 86_400
    /// How long an isolation ordered at the collector waits for its PC (Điều 11 khoản 2 điểm a, Bước 1):
    /// short, so an old order never cuts off a PC that comes back next week. A release keeps `jobLifetime`.
    public var isolationJobLifetime: TimeInterval = 2 * 3600
    /// How long after an incident is found beyond the unit's capacity the report up is due (Điều 11
    /// khoản 2 điểm b; setting `incidents.escalate-within-hours`): past it with none recorded, the pages
    /// show the incident as "Quá hạn báo cáo".
    public var escalateWithin: TimeInterval = 24 * 3600
    /// PAM service for officers signing in to the web pages.
    public var pamService = "attt-collector"
    /// Who signs in, by group on the collector host (issue 13 point 6): members of `officerGroup`
    /// are supervisors, the Văn phòng thống kê xã answerable for every unit (Điều 13): they see and
    /// act on all units. The key kept its old name, so an existing `officers.group` keeps its meaning.
    public var officerGroup = "sudo"
    /// Inspectors, an inspection team or the commune police (Điều 13 khoản 2 điểm đ, khoản 7;
    /// Điều 14): every unit, read only. Empty: nobody is an inspector.
    public var inspectorGroup = ""
    /// Unit name → the group of that unit's IT officers (Điều 10), who see and act on their unit only.
    public var unitGroups: [String: String] = [:]
    /// Failed sign-ins allowed per account within the window before it is locked for the window
    /// (Điều 7 khoản 2; the same numbers VN-TD-AUTH-001 asks of PCs).
    public var lockoutAttempts = 5
    public var lockoutWindow: TimeInterval = 900
    public var sessionLifetime: TimeInterval = 8 * 3600
    /// A session nobody used for this long ends, whatever its lifetime.
    public var sessionIdle: TimeInterval = 30 * 60
    /// A connection that sends nothing for this long is closed: covers a TLS handshake that never
    /// ends, headers sent a byte at a time, and keep-alive connections left open.
    public var idleTimeout: TimeInterval = 30
    /// From the first line of a request to the end of its answer: a body trickled in slowly is cut off.
    public var requestTimeout: TimeInterval = 120
    /// Open connections at once; past it new ones wait in the kernel's queue.
    public var maxConnections = 512
    /// A host with no report for this long is silent ("mất liên lạc"): counted apart, never as
    /// compliant (issue 13 point 2). Agents report daily; a week covers a holiday.
    public var silentAfter: TimeInterval = 7 * 86_400
    /// How long whole report bodies are kept; the rest of the history is `retention`.
    public var reportBodyRetention: TimeInterval = 14 * 86_400
    /// `history.reports` and `audit.keep`: the rest of the history (3 years) and the audit log (for
    /// ever unless set), pruned once a day while serving and by `attt-collector prune`.
    public var retention = Retention()
    /// `reports.*`: who issues the periodic reports, to whom, and who signs them (issue 14).
    public var reports = ReportSettings()
    /// `reports.schedule`: while serving, prepare and keep each closed quarter's and year's reports
    /// (issue 14 point 3); false leaves them to the officers.
    public var reportSchedule = true

    public init() {}

    public struct ListenAddress: Sendable, Hashable {
        public var host: String
        public var port: Int

        public init(host: String, port: Int) {
            self.host = host
            self.port = port
        }

        /// `host:port`, `[v6 address]:port`; the port may be 0 (any free one, for tests).
        public init?(_ text: String) {
            guard let colon = text.lastIndex(of: ":"), let port = Int(text[text.index(after: colon)...]), (0...65_535).contains(port) else { return nil }
            var host = String(text[..<colon])
            if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
            guard !host.isEmpty, !host.contains(where: { $0.isWhitespace || $0 == "/" }) else { return nil }
            self.init(host: host, port: port)
        }
    }

    public var databasePath: String { stateDirectory + "/collector.sqlite" }
    public var caDirectory: String { stateDirectory + "/ca" }
    public var caCertificatePath: String { caDirectory + "/ca.pem" }
    public var caKeyPath: String { caDirectory + "/ca.key" }
    /// The Ed25519 key that signs the units' catalogue bundles, apart from the CA (its own file, 0600).
    public var bundleKeyPath: String { stateDirectory + "/bundle-signing.key" }
    /// The bundle public keys served to PCs, with the endorsements of each rotation.
    public var bundleRingPath: String { stateDirectory + "/bundle-keys.json" }
    public var serverCertificatePath: String { caDirectory + "/server.pem" }
    public var serverKeyPath: String { caDirectory + "/server.key" }
}
