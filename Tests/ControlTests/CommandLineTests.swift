import HostAccess
import AtttTestSupport
import Foundation
import HardeningCore
import HostProbes
import Testing

/// `attt` as a process: exit codes, formats, errors that name the file and line.
@Suite struct CommandLineTests {
    let stock = Repository.host("debian12-desktop").path
    let now = ["--now", "2026-11-25T08:00:00Z"]

    @Test func failingHostExitsOneWithVietnameseText() throws {
        let out = try AtttBinary.run(["check", "--root", stock] + now)
        #expect(out.status == 1)
        #expect(out.stdout.contains("KẾT QUẢ KIỂM TRA AN TOÀN THÔNG TIN"))
        #expect(out.stdout.contains("KHÔNG ĐẠT"))
        #expect(out.stdout.contains("Điều 9 khoản 6"))
        // Failures come before passes and not-applicable results.
        let firstFail = try #require(out.stdout.range(of: "KHÔNG ĐẠT "))
        if let firstNA = out.stdout.range(of: "KHÔNG ÁP DỤNG ") { #expect(firstFail.lowerBound < firstNA.lowerBound) }
        let en = try AtttBinary.run(["check", "--root", stock, "--lang", "en"] + now)
        #expect(en.stdout.contains("INFORMATION SECURITY CHECK") && en.stdout.contains("FAIL"))
    }

    @Test func passingSelectionExitsZero() throws {
        let out = try AtttBinary.run(["check", "--root", stock, "--control", "VN-TD-SHR-002"] + now)
        #expect(out.status == 0, "\(out.stdout)")
        #expect(out.stdout.contains("ĐẠT"))
    }

    @Test func missingRootIsBadInput() throws {
        let out = try AtttBinary.run(["check", "--root", "/nonexistent/attt-root"])
        #expect(out.status == 2)
        #expect(out.stderr.contains("/nonexistent/attt-root"))
    }

    @Test func badUsageExitsTwo() throws {
        #expect(try AtttBinary.run(["check", "--profile", "lenient"]).status == 2)
        #expect(try AtttBinary.run(["check", "--role", "kiosk"]).status == 2)
        #expect(try AtttBinary.run(["check", "--no-such-flag"]).status == 2)
        let unknown = try AtttBinary.run(["check", "--root", stock, "--control", "VN-TD-XX-999"])
        #expect(unknown.status == 2)
        #expect(unknown.stderr.contains("VN-TD-XX-999"))
        #expect(try AtttBinary.run(["--help"]).status == 0)
    }

    @Test func emptyRootCannotBeScanned() throws {
        let empty = FileManager.default.temporaryDirectory.appendingPathComponent("attt-empty-\(UUID())")
        try FileManager.default.createDirectory(at: empty, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: empty) }
        let out = try AtttBinary.run(["check", "--root", empty.path, "--format", "json"])
        #expect(out.status == 3)
        #expect(out.stderr.contains("/etc/passwd"))
    }

    @Test func malformedPolicyNamesFileAndLine() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("attt-policy-\(UUID())")
        try FileManager.default.copyItem(at: Repository.policies, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let file = copy.appendingPathComponent("controls/passwords.yaml")
        var text = try String(contentsOf: file, encoding: .utf8)
        text = text.replacingOccurrences(of: "op: ge\n          param: minlen", with: "op: greater\n          param: minlen")
        try text.write(to: file, atomically: true, encoding: .utf8)
        let out = try AtttBinary.run(["check", "--root", stock, "--policy", copy.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("controls/passwords.yaml:"))
        #expect(out.stderr.contains("unknown op 'greater'"))
    }

    @Test func tailoringBelowTheFloorIsRefused() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("attt-tailoring-\(UUID()).yaml")
        try "tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-PW-001:\n    minlen: 4\n".write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try AtttBinary.run(["check", "--root", stock, "--tailoring", file.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("\(file.path):4"))
        #expect(out.stderr.contains("VN-TD-PW-001.minlen"))
        #expect(out.stderr.contains("at least 6"))
    }

    @Test func outputFileAndJSON() throws {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("attt-report-\(UUID()).json")
        defer { try? FileManager.default.removeItem(at: file) }
        let out = try AtttBinary.run(["check", "--root", stock, "--format", "json", "--output", file.path] + now)
        #expect(out.status == 1)
        #expect(out.stdout.isEmpty)
        let object = try JSONSerialization.jsonObject(with: Data(contentsOf: file)) as? [String: Any]
        #expect(object?["schema"] as? String == "attt.report.v1")
    }

    /// A device or pipe given as --output is written to, never replaced by a regular file.
    @Test func outputToADeviceIsNotReplaced() throws {
        let fifo = FileManager.default.temporaryDirectory.appendingPathComponent("attt-fifo-\(UUID())")
        #expect(mkfifo(fifo.path, 0o600) == 0)
        defer { try? FileManager.default.removeItem(at: fifo) }
        // Drain the pipe while attt writes to it.
        let reader = Process()
        reader.executableURL = URL(fileURLWithPath: "/bin/cat")
        reader.arguments = [fifo.path]
        // Not a Pipe nobody reads: a report over 64 KiB would fill it and cat would never exit.
        reader.standardOutput = FileHandle.nullDevice
        try reader.run()
        let out = try AtttBinary.run(["check", "--root", stock, "--format", "json", "--output", fifo.path] + now)
        reader.waitUntilExit()
        #expect(out.status == 1, "\(out.stderr)")
        let attributes = try FileManager.default.attributesOfItem(atPath: fifo.path)
        #expect(attributes[.type] as? FileAttributeType != .typeRegular)
    }

    @Test func inventoryNeverCarriesPasswordHashes() throws {
        let out = try AtttBinary.run(["inventory", "--root", stock, "--format", "json"])
        #expect(out.status == 0)
        let facts = try JSONSerialization.jsonObject(with: out.data) as? [String: Any]
        #expect(facts?["schema"] as? String == "attt.facts.v1")
        #expect(out.stdout.contains("nguyenvana"))
        let shadow = try String(contentsOf: Repository.host("debian12-desktop").appendingPathComponent("etc/shadow"), encoding: .utf8)
        for line in shadow.split(separator: "\n") {
            let hash = line.split(separator: ":", omittingEmptySubsequences: false)[1]
            if hash.count > 3 { #expect(!out.stdout.contains(hash)) }
        }
        #expect(!out.stdout.contains("$y$"))
        // Running services are live-only: under a root other than / they are unavailable, with the reason.
        let services = facts?["services"] as? [String: Any]
        let active = services?["active"] as? [String: String]
        #expect(active?["$unavailable"]?.contains("root is not /") == true)
    }
}

/// The fact tree the evaluator walks is what `attt inventory` prints: the direct encoder and
/// JSON give the same tree.
@Suite struct FactTreeTests {
    @Test(arguments: ["debian12-desktop", "debian12-hardened", "debian12-broken"])
    func directEncodingMatchesJSON(_ fixture: String) throws {
        let facts = HostProbe(host: HostRoot(Repository.host(fixture).path), antivirusEngines: AntivirusEngine.catalog(ShippedPolicy.policy.catalogs["antivirus.engines"])).collect(now: fixtureNow)
        let viaJSON = try JSONDecoder().decode(FactValue.self, from: JSONEncoder().encode(facts))
        #expect(try FactEncoder.encode(facts) == viaJSON)
    }
}

@Suite struct ScheduledRunTests {
    /// The timer's run keeps each report in the outbox and exits 0 although controls fail.
    @Test func runKeepsTheReportForTheCollector() throws {
        let host = try FixtureHost("debian12-desktop")
        for _ in 0..<2 {
            let out = try AtttBinary.run(["run", "--root", host.root.path, "--now", "2026-11-25T08:00:00Z"])
            #expect(out.status == 0, "\(out.stderr)")
            #expect(out.stdout.contains("failing of \(ShippedPolicy.policy.controls.count)"))
        }
        let outbox = try FileManager.default.contentsOfDirectory(atPath: host.url("/var/lib/attt/outbox").path).filter { $0.hasSuffix("-report.json") }
        #expect(outbox.count == 2)
        let report = try JSONSerialization.jsonObject(with: Data(contentsOf: host.url("/var/lib/attt/outbox/" + outbox[0]))) as? [String: Any]
        #expect(report?["schema"] as? String == "attt.report.v1")
    }
}
