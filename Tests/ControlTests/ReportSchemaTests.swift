import AtttTestSupport
import Foundation
import Testing

/// `attt check --format json` against `schemas/report.schema.json`, with Debian's python3-jsonschema.
@Suite struct ReportSchemaTests {
    let schema = Repository.schemas.appendingPathComponent("report.schema.json")

    @Test(arguments: ["debian12-desktop", "debian12-hardened", "debian12-broken"])
    func reportsValidate(_ fixture: String) throws {
        let out = try AtttBinary.run(["check", "--root", Repository.host(fixture).path, "--format", "json", "--now", "2026-11-25T08:00:00Z"])
        #expect([0, 1, 4].contains(out.status), "\(out.stderr)")
        #expect(try SchemaValidator.errors(document: out.data, schema: schema) == [])
        let report = try #require(try JSONSerialization.jsonObject(with: out.data) as? [String: Any])
        let results = try #require(report["results"] as? [[String: Any]])
        let summary = try #require(report["summary"] as? [String: Int])
        #expect(summary["total"] == results.count)
        #expect(summary["fail"] == results.filter { $0["status"] as? String == "fail" }.count)
        // A fail outranks a control that could not be evaluated (4).
        #expect(out.status == ((summary["fail"] ?? 0) > 0 ? 1 : (summary["error"] ?? 0) > 0 ? 4 : 0))
    }

    @Test func errorResultsValidateToo() throws {
        let host = try FixtureHost()
        try host.append("/etc/passwd", "not:a:valid:line\n")
        let out = try AtttBinary.run(["check", "--root", host.root.path, "--format", "json"])
        #expect(try SchemaValidator.errors(document: out.data, schema: schema) == [])
        #expect(out.stdout.contains("\"status\" : \"error\""))
    }

    /// The validator really validates: a report without its reason for `not_applicable` is refused.
    @Test func schemaRefusesAnIncompleteReport() throws {
        let out = try AtttBinary.run(["check", "--root", Repository.host("debian12-desktop").path, "--format", "json"])
        var report = try #require(try JSONSerialization.jsonObject(with: out.data) as? [String: Any])
        var results = try #require(report["results"] as? [[String: Any]])
        let index = try #require(results.firstIndex { $0["status"] as? String == "not_applicable" })
        results[index].removeValue(forKey: "reason")
        report["results"] = results
        report["schema"] = "attt.report.v0"
        let errors = try SchemaValidator.errors(document: JSONSerialization.data(withJSONObject: report), schema: schema)
        #expect(errors.contains { $0.contains("'reason' is a required property") })
        #expect(errors.contains { $0.hasPrefix("schema:") })
    }
}
