// attt-collector-load: many simulated agents against a running collector, through the agent's own
// HTTPS client (CollectorClient: mutual TLS, the same requests `attt run` makes).
//
//   attt-collector-load --collector URL --ca CA.pem --tokens FILE --report REPORT.json
//                       [--agents 1000] [--concurrency 64] [--rounds 2] [--changed 10]
//
// Phase 1 enrolls every agent (key, CSR, one token each). Phase 2, per round, has every agent upload
// one report with a fresh id, each on a new connection with a full TLS handshake, as a scheduled
// run is a new process. In round 1 every report goes whole; from round 2 on, `--changed` per cent of
// the agents (different ones each round) send a report with one result changed, whole, and the others
// an unchanged report naming their last, as `attt run` does when nothing changed (`--changed 100`:
// every report whole). Prints latency percentiles and throughput as JSON on standard output.
import AgentRuntime
import CollectorAPI
import Enrollment
import Foundation
import HardeningCore

struct Options {
    var collector = ""
    var ca = ""
    var tokens = ""
    var report = ""
    var agents = 1000
    var concurrency = 64
    var rounds = 2
    var changed = 10
    /// `jobs`: each round, every agent asks for its jobs instead of uploading (the floor: a mutual
    /// TLS handshake, the certificate's check in the database, one read).
    var ask = "upload"

    init(_ arguments: [String]) {
        var it = arguments.dropFirst().makeIterator()
        while let flag = it.next() {
            let value = it.next() ?? ""
            switch flag {
            case "--collector": collector = value
            case "--ca": ca = value
            case "--tokens": tokens = value
            case "--report": report = value
            case "--agents": agents = Int(value) ?? agents
            case "--concurrency": concurrency = Int(value) ?? concurrency
            case "--rounds": rounds = Int(value) ?? rounds
            case "--changed": changed = Int(value) ?? changed
            case "--ask": ask = value
            default:
                FileHandle.standardError.write(Data("unknown option \(flag)\n".utf8))
                exit(2)
            }
        }
    }
}

struct Phase: Encodable {
    var name: String
    var requests: Int
    var failures: Int
    var seconds: Double
    var perSecond: Double
    var p50Ms: Double
    var p90Ms: Double
    var p99Ms: Double
    var maxMs: Double

    init(name: String, latencies: [Double], failures: Int, seconds: Double) {
        let sorted = latencies.sorted()
        func percentile(_ p: Double) -> Double {
            guard !sorted.isEmpty else { return 0 }
            return (sorted[min(sorted.count - 1, Int((p * Double(sorted.count)).rounded(.up)) - 1)] * 10_000).rounded() / 10
        }
        self.name = name
        requests = latencies.count
        self.failures = failures
        self.seconds = (seconds * 1000).rounded() / 1000
        perSecond = (Double(latencies.count) / seconds * 10).rounded() / 10
        p50Ms = percentile(0.50)
        p90Ms = percentile(0.90)
        p99Ms = percentile(0.99)
        maxMs = ((sorted.last ?? 0) * 10_000).rounded() / 10
    }
}

/// Runs `work` for 0..<count with at most `width` at a time; returns each one's latency (or nil on failure).
func measure(_ count: Int, width: Int, _ work: @escaping @Sendable (Int) async throws -> Void) async -> (latencies: [Double], failures: Int, seconds: Double) {
    let clock = ContinuousClock()
    let start = clock.now
    var latencies: [Double] = []
    var failures = 0
    await withTaskGroup(of: Double?.self) { group in
        var next = 0
        func add() {
            let i = next
            next += 1
            group.addTask {
                let began = clock.now
                do {
                    try await work(i)
                    let d = clock.now - began
                    return Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18
                } catch {
                    FileHandle.standardError.write(Data("request \(i): \(error)\n".utf8))
                    return nil
                }
            }
        }
        for _ in 0..<min(width, count) { add() }
        for await latency in group {
            if let latency { latencies.append(latency) } else { failures += 1 }
            if next < count { add() }
        }
    }
    let d = clock.now - start
    return (latencies, failures, Double(d.components.seconds) + Double(d.components.attoseconds) / 1e18)
}

final class Agents: @unchecked Sendable {
    var identities: [AgentIdentity?]
    /// What the collector acknowledged last from each agent.
    var acknowledged: [AcknowledgedContent?]
    /// Uploads that went as unchanged reports, and those the collector asked to have whole.
    var unchanged = 0, refused = 0
    let lock = NSLock()
    init(count: Int) {
        identities = Array(repeating: nil, count: count)
        acknowledged = Array(repeating: nil, count: count)
    }
    func set(_ i: Int, _ identity: AgentIdentity) { lock.lock(); identities[i] = identity; lock.unlock() }
    func get(_ i: Int) -> AgentIdentity? { lock.lock(); defer { lock.unlock() }; return identities[i] }
    func acknowledge(_ i: Int, _ content: AcknowledgedContent, unchanged sent: Bool, refused asked: Bool) {
        lock.lock()
        acknowledged[i] = content
        if sent { unchanged += 1 }
        if asked { refused += 1 }
        lock.unlock()
    }
    func lastAcknowledged(_ i: Int) -> AcknowledgedContent? { lock.lock(); defer { lock.unlock() }; return acknowledged[i] }
}

let options = Options(CommandLine.arguments)
let caPEM = try String(contentsOfFile: options.ca, encoding: .utf8)
let tokens = try String(contentsOfFile: options.tokens, encoding: .utf8).split(separator: "\n").map(String.init)
guard tokens.count >= options.agents else {
    FileHandle.standardError.write(Data("need \(options.agents) tokens, have \(tokens.count)\n".utf8))
    exit(2)
}
let template = try JSONDecoder().decode(Report.self, from: Data(contentsOf: URL(fileURLWithPath: options.report)))
// Every agent sends the same content (the host's name is not content): its digest is computed once,
// as each real agent computes its own once per run on its own PC.
let templateDigest = try ReportContent.digest(of: template)
let agents = Agents(count: options.agents)
let collector = options.collector

let enrolled = await measure(options.agents, width: options.concurrency) { i in
    let key = HostKey.generate()
    let client = try CollectorClient(collector: collector, caPEM: caPEM)
    defer { Task { await client.shutdown() } }
    let answer = try await client.enroll(EnrollRequest(token: tokens[i], csr: try key.certificateRequest(hostname: String(format: "pc-%04d", i)).pemString))
    agents.set(i, AgentIdentity(link: .init(collector: collector, hostId: answer.hostId, unit: answer.unit, enrolledAt: Timestamp(Date())),
                                keyPEM: try key.pem, certificatePEM: answer.certificate, caPEM: answer.caCertificate))
}
var phases = [Phase(name: "enroll", latencies: enrolled.latencies, failures: enrolled.failures, seconds: enrolled.seconds)]

for round in 1...max(1, options.rounds) {
    let uploaded = await measure(options.agents, width: options.concurrency) { i in
        guard let identity = agents.get(i) else { throw UploadError.rejected("agent \(i) is not enrolled") }
        var report = template
        report.reportId = UUID()
        report.startedAt = Timestamp(Date())
        report.host.hostname = String(format: "pc-%04d", i)
        let changed = round > 1 && (i + round * 37) % 100 < options.changed
        var digest = templateDigest
        if changed, !report.results.isEmpty {
            report.results[0].evidence.append(Evidence(source: "/etc/bench", item: "round", actual: "\(round)", expected: nil))
            digest = try ReportContent.digest(of: report)
        }
        let client = try CollectorClient(identity: identity)
        if options.ask == "jobs" {
            defer { Task { await client.shutdown() } }
            _ = try await client.approvedJobs()
            return
        }
        do {
            var asked = false
            if !changed, let last = agents.lastAcknowledged(i), last.contentDigest == digest {
                if try await client.send(UnchangedReport(report, sameAs: last.reportId, contentDigest: digest)) {
                    agents.acknowledge(i, AcknowledgedContent(reportId: report.reportId, contentDigest: digest), unchanged: true, refused: false)
                    await client.shutdown()
                    return
                }
                asked = true
            }
            try await client.send(.report(report.reportId, try JSONEncoder().encode(report)))
            agents.acknowledge(i, AcknowledgedContent(reportId: report.reportId, contentDigest: digest), unchanged: false, refused: asked)
        } catch {
            await client.shutdown()
            throw error
        }
        await client.shutdown()
    }
    phases.append(Phase(name: "\(options.ask == "jobs" ? "jobs" : "upload") round \(round)", latencies: uploaded.latencies, failures: uploaded.failures, seconds: uploaded.seconds))
}

let encoder = JSONEncoder()
encoder.outputFormatting = [.prettyPrinted, .sortedKeys]
print(String(decoding: try encoder.encode(["agents": options.agents, "concurrency": options.concurrency, "changedPercent": options.changed,
                                           "reportBytes": try JSONEncoder().encode(template).count,
                                           "unchangedBytes": try JSONEncoder().encode(UnchangedReport(template, sameAs: UUID(), contentDigest: templateDigest)).count,
                                           "sentUnchanged": agents.unchanged, "askedWhole": agents.refused]), as: UTF8.self))
print(String(decoding: try encoder.encode(phases), as: UTF8.self))
