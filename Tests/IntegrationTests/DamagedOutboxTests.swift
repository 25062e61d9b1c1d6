import AtttTestSupport
import Foundation
import Testing

/// The scheduled run with a damaged outbox (issue 12, point 5): the damaged item is renamed aside and
/// reported on stderr and in agent.log; the run still keeps its own report and exits 0.
@Suite struct DamagedOutboxTests {
    @Test func aGarbledItemIsSetAsideAndTheRunGoesOn() throws {
        let host = try FixtureHost("debian12-desktop")
        let name = "2026-11-20T08:00:00Z-\(UUID().uuidString)-report.json"
        try host.write("/var/lib/attt/outbox/\(name)", "{\"reportId\": \"cut short")
        let run = try AtttBinary.run(["run", "--root", host.root.path, "--now", "2026-11-25T08:00:00Z", "--outbox-max-summaries", "0", "--outbox-max-bytes", "1"])
        #expect(run.status == 0, "\(run.stdout)\(run.stderr)")
        #expect(run.stderr.contains("outbox item \(name) cannot be read"), "\(run.stderr)")
        let names = try FileManager.default.contentsOfDirectory(atPath: host.url("/var/lib/attt/outbox").path)
        #expect(names.contains { $0.hasPrefix(name + ".corrupt-") } && !names.contains(name), "\(names)")
        // This run's report is still kept (folded into the compacted record by the tiny bounds).
        #expect(names.contains("0000-compacted.json"), "\(names)")
        #expect(try host.read("/var/log/attt/agent.log").contains("outbox-set-aside"))
    }
}
