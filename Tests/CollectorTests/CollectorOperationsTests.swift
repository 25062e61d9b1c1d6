import AtttTestSupport
import CollectorAPI
import Foundation
import NIOSSL
import Testing

/// What the collector's operators run it with (issue 17 point 6): the health endpoint a load balancer
/// asks, the metrics Prometheus scrapes (read back with Prometheus's own parser), and a backup taken
/// while serving that a restore puts back, checked whole first, keeping what it replaces.
@Suite(.serialized) struct CollectorOperationsTests {
    let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-operations-\(UUID())")
    static let parserPresent = FileManager.default.fileExists(atPath: "/usr/lib/python3/dist-packages/prometheus_client/parser.py")

    func collector(metrics: Bool = false) throws -> CollectorProcess {
        try CollectorProcess(stateDirectory: work.appendingPathComponent("state"),
                             environment: metrics ? ["ATTT_COLLECTOR_METRICS_LISTEN": "127.0.0.1:0"] : [:])
    }

    /// The port `serve` printed for its metrics listener.
    func metricsPort(_ collector: CollectorProcess) throws -> Int {
        let deadline = Date().addingTimeInterval(30)
        while Date() < deadline {
            if let line = collector.output.components(separatedBy: "metrics on http://127.0.0.1:").dropFirst().last?.split(separator: "/").first, let port = Int(line) {
                return port
            }
            usleep(50_000)
        }
        throw CollectorProcess.Failure(description: "no metrics listener within 30 s: \(collector.output)")
    }

    /// Every sample as Prometheus's Python client parses the text: `name{label="value",…}` → value.
    func samples(_ text: String) throws -> [String: Double] {
        let script = """
            import json, sys
            from prometheus_client.parser import text_string_to_metric_families
            out = {}
            for family in text_string_to_metric_families(sys.stdin.read()):
                for s in family.samples:
                    out[s.name + "{" + ",".join('%s="%s"' % kv for kv in sorted(s.labels.items())) + "}"] = s.value
            print(json.dumps(out))
            """
        let parsed = try AtttBinary.run(executable: URL(fileURLWithPath: "/usr/bin/python3"), ["-c", script], input: text)
        guard parsed.status == 0 else { throw CollectorProcess.Failure(description: "Prometheus's parser refused the metrics: \(parsed.stderr)") }
        return try JSONDecoder().decode([String: Double].self, from: Data(parsed.stdout.utf8))
    }

    @Test(.enabled(if: parserPresent, "needs Prometheus's Python parser (python3-prometheus-client) to read the metrics as Prometheus does"))
    func healthAndMetricsCountWhatAgentsSentAndNothingAClientNames() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector(metrics: true)
        defer { collector.stop() }
        let port = try metricsPort(collector)
        let pc = try CollectorAbuseTests().enrolledAgent(collector, in: work)
        let sent = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1"])
        #expect(sent.status == 0 && sent.stdout.contains("sent 1; 0 waiting"), "\(sent.stdout)\(sent.stderr)")

        let https = try HTTPS(trust: NIOSSLCertificate.fromPEMFile(collector.caPath))
        defer { https.close() }
        let health = try await https.get(collector.url + "/v1/health")
        #expect(health.status == 200)
        #expect(try JSONDecoder().decode(Health.self, from: health.body) == Health(status: "ok", database: "ok"))
        // A path of the client's choosing is counted as unmatched, never as a series of its own.
        #expect(try await https.get(collector.url + "/v1/such-path-\(UUID())").status == 404)

        let scrape = try await https.get("http://127.0.0.1:\(port)/metrics")
        #expect(scrape.status == 200)
        #expect(scrape.headers.contains { $0.0.lowercased() == "content-type" && $0.1.hasPrefix("text/plain; version=0.0.4") })
        let text = String(decoding: scrape.body, as: UTF8.self)
        let metrics = try samples(text)
        #expect(metrics[#"attt_collector_uploads_total{kind="report",outcome="stored"}"#] == 1, "\(text)")
        #expect(metrics[#"attt_collector_requests_total{code="200",method="POST",route="/v1/reports"}"#] == 1, "\(text)")
        #expect(metrics[#"attt_collector_request_duration_seconds_count{route="/v1/reports"}"#] == 1, "\(text)")
        #expect(metrics[#"attt_collector_requests_total{code="200",method="GET",route="/v1/health"}"#] == 1, "\(text)")
        #expect((metrics[#"attt_collector_requests_total{code="404",method="GET",route="unmatched"}"#] ?? 0) >= 1, "\(text)")
        #expect(!text.contains("such-path"))
        #expect(metrics[#"attt_collector_hosts{state="reporting"}"#] == 1, "\(text)")
        #expect(metrics[#"attt_collector_hosts{state="never-reported"}"#] == 0, "\(text)")
        #expect(metrics[#"attt_collector_hosts{state="silent"}"#] == 0, "\(text)")
        #expect(metrics[#"attt_collector_jobs_pending{}"#] == 0, "\(text)")
        #expect(metrics[#"attt_collector_database_up{}"#] == 1, "\(text)")
        // The metrics listener answers nothing else (no API, no pages over plain HTTP).
        #expect(try await https.get("http://127.0.0.1:\(port)/v1/health").status == 404)
    }

    /// `log.format: json`: every log line is one JSON object a parser can take as is.
    @Test func jsonLogsAreOneObjectALine() throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try CollectorProcess(stateDirectory: work.appendingPathComponent("state"), environment: ["ATTT_COLLECTOR_LOG_FORMAT": "json"])
        defer { collector.stop() }
        let deadline = Date().addingTimeInterval(30)
        var lines: [[String: String]] = []
        while Date() < deadline, !lines.contains(where: { $0["message"] == "serving" }) {
            lines = collector.output.split(separator: "\n").filter { $0.hasPrefix("{") }.compactMap { try? JSONDecoder().decode([String: String].self, from: Data($0.utf8)) }
            usleep(50_000)
        }
        let serving = try #require(lines.first { $0["message"] == "serving" }, "\(collector.output)")
        #expect(serving["level"] == "notice" && serving["logger"] == "attt-collector" && serving["listen"] == "127.0.0.1:\(collector.port)")
        #expect(serving["time"].flatMap { try? Date($0, strategy: .iso8601) } != nil)
        // Only the lines meant for people are not JSON: what serve prints on standard output.
        let other = collector.output.split(separator: "\n").filter { !$0.hasPrefix("{") }
        #expect(other.allSatisfy { ["created ", "database: ", "CA certificate", "listening on"].contains(where: $0.hasPrefix) }, "\(other)")
    }

    @Test(arguments: [
        ("ATTT_COLLECTOR_METRICS_LISTEN", "everywhere", "metrics.listen: everywhere is not an address and port"),
        ("ATTT_COLLECTOR_HISTORY_REPORTS", "90d", "history.reports: keep at least 400d"),
        ("ATTT_COLLECTOR_AUDIT_KEEP", "30d", "audit.keep: keep at least 365d"),
        ("ATTT_COLLECTOR_LOG_FORMAT", "xml", "log.format: xml is neither text nor json"),
    ])
    func aBadOperationsSettingIsRefusedNamingIt(variable: String, value: String, message: String) throws {
        let out = try AtttBinary.collector(["hosts", "list", "--state-dir", work.path], environment: [variable: value])
        #expect(out.status == 2)
        #expect(out.stderr.contains(message), "\(out.stderr)")
    }

    @Test func aBackupTakenWhileServingIsRestoredCheckedAndKeepsWhatItReplaced() async throws {
        defer { try? FileManager.default.removeItem(at: work) }
        let collector = try collector()
        defer { collector.stop() }
        let pc = try CollectorAbuseTests().enrolledAgent(collector, in: work)
        #expect(try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1"]).status == 0)

        let backup = work.appendingPathComponent("backup-1")
        let made = try collector.command(["backup", "--to", backup.path])
        #expect(made.status == 0, "\(made.stderr)")
        // bundle-keys.json is written at the first rotation only.
        for file in ["collector.sqlite", "ca/ca.pem", "ca/ca.key", "ca/server.pem", "ca/server.key", "bundle-signing.key"] {
            #expect(made.stdout.contains("  \(file)\n"), "\(file) missing: \(made.stdout)")
        }
        #expect(try mode(backup.path) == 0o700)
        #expect(try mode(backup.appendingPathComponent("ca/ca.key").path) == 0o600)
        // A second backup never overwrites the first.
        #expect(try collector.command(["backup", "--to", backup.path]).status == 2)
        // Not while serve has the database open.
        let busy = try collector.command(["restore", "--from", backup.path])
        #expect(busy.status == 2 && busy.stderr.contains("attt-collector serve is running"), "\(busy.stderr)")

        collector.stop()
        // After the backup: one more token, which the restore must take back out.
        _ = try collector.token(unit: "UBND xã Tứ Dân")
        let database = collector.databasePath
        let before = try Data(contentsOf: URL(fileURLWithPath: database))

        // A copy of the backup changed one way, offered to restore: refused with `message`.
        func refusedCopy(_ name: String, _ message: String, change: (URL) throws -> Void) throws {
            let copy = work.appendingPathComponent("backup-\(name)")
            try FileManager.default.copyItem(at: backup, to: copy)
            try change(copy)
            let out = try collector.command(["restore", "--from", copy.path])
            #expect(out.status == 2 && out.stderr.contains(message), "\(name): \(out.stderr)")
        }
        func editManifest(_ copy: URL, _ from: String, _ to: String) throws {
            let manifest = copy.appendingPathComponent("MANIFEST.json")
            try String(contentsOf: manifest, encoding: .utf8).replacingOccurrences(of: from, with: to).write(to: manifest, atomically: true, encoding: .utf8)
        }
        // Damaged on its way, naming a file outside the backup, a link, or from a newer collector: nothing moves.
        try refusedCopy("damaged", "collector.sqlite does not match the manifest") { copy in
            let handle = try FileHandle(forUpdating: copy.appendingPathComponent("collector.sqlite"))
            try handle.seek(toOffset: 5000)
            try handle.write(contentsOf: Data([0x5A]))
            try handle.close()
        }
        try refusedCopy("escaping", "lists files a collector backup does not hold (../../etc/shadow)") { try editManifest($0, "\"bundle-signing.key\"", "\"../../etc/shadow\"") }
        try refusedCopy("linked", "ca/ca.key is not a regular file") { copy in
            let key = copy.appendingPathComponent("ca/ca.key")
            try FileManager.default.removeItem(at: key)
            try FileManager.default.createSymbolicLink(atPath: key.path, withDestinationPath: "/etc/shadow")
        }
        try refusedCopy("newer", "made by a newer attt-collector") { try editManifest($0, "\"v1-reports\"", "\"v1-reports\", \"v99-future\"") }
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == before)

        // As on a packaged collector: the state belongs to the service's user, the restore runs as root.
        let state = collector.stateDirectory
        #expect(chown(state.path, 65534, 65534) == 0)
        let restored = try collector.command(["restore", "--from", backup.path])
        #expect(restored.status == 0, "\(restored.stderr)")
        for file in ["collector.sqlite", "ca", "ca/ca.key", "bundle-signing.key"] {
            let attributes = try FileManager.default.attributesOfItem(atPath: state.appendingPathComponent(file).path)
            #expect(attributes[.ownerAccountID] as? Int == 65534 && attributes[.groupOwnerAccountID] as? Int == 65534, "\(file): \(attributes)")
        }
        let replaced = try #require(try FileManager.default.contentsOfDirectory(atPath: state.path).first { $0.hasPrefix("replaced-") })
        #expect(try Data(contentsOf: state.appendingPathComponent("\(replaced)/collector.sqlite")) == before)
        #expect(FileManager.default.fileExists(atPath: state.appendingPathComponent("\(replaced)/ca/ca.key").path))
        #expect(try Data(contentsOf: URL(fileURLWithPath: database)) == Data(contentsOf: backup.appendingPathComponent("collector.sqlite")))
        #expect(try mode(state.appendingPathComponent("ca/ca.key").path) == 0o600)

        // The restored collector serves the PC enrolled before the backup, with the same CA.
        try collector.start()
        let again = try AtttBinary.run(["run", "--root", pc.path, "--upload-attempts", "1"])
        #expect(again.status == 0 && again.stdout.contains("sent 1; 0 waiting"), "\(again.stdout)\(again.stderr)")
        let hosts = try collector.command(["hosts", "list"])
        #expect(hosts.status == 0 && hosts.stdout.contains("UBND xã Tứ Dân"), "\(hosts.stdout)")
        // Today's history is well inside what is kept; the audit log is kept for ever unless set.
        let prune = try collector.command(["prune", "--dry-run"], environment: ["ATTT_COLLECTOR_AUDIT_KEEP": "400d"])
        #expect(prune.status == 0 && prune.stdout.contains("would remove: 0 reports and 0 status spans older than 1096 days (history.reports); 0 audit entries, older than 400 days"), "\(prune.stdout)\(prune.stderr)")
    }

    func mode(_ path: String) throws -> Int {
        (try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int ?? 0) & 0o777
    }
}
