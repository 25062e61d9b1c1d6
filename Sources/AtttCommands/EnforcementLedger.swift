import DurableFiles
import FoundationEssentials
import HardeningCore
import HostAccess

/// Keeps `/var/lib/attt/enforcement.json`: the first time each tracked control passed on this host.
/// Only the scheduled `attt run` writes it (a check is read-only), through ``AtomicFile`` so a crash
/// leaves the old record or the new one. VN-TD-PW-002 (Điều 9 khoản 6) reads the date PW-001 took
/// effect from it: passwords set before that day were never held to the policy.
enum EnforcementLedger {
    static let tracked: Set<String> = ["VN-TD-PW-001"]

    static func update(host: HostRoot, results: [ControlResult], now: Date) throws {
        let passing = results.filter { tracked.contains($0.control) && $0.status == .pass }.map(\.control)
        guard !passing.isEmpty else { return }
        let (directory, name) = try host.entry(EnforcementRecord.path, create: 0o755)
        var record = EnforcementRecord()
        if directory.exists(name) {
            // A damaged record is not overwritten: the date it held is evidence; the probe reports it.
            guard let data = try? directory.read(name, limit: 1 << 20), let read = try? JSONDecoder().decode(EnforcementRecord.self, from: data) else { return }
            record = read
        }
        guard let next = record.adding(passing: passing, at: now) else { return }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
        try directory.write(try encoder.encode(next), name: name, mode: 0o644)
    }
}
