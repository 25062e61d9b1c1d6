import ArgumentParser
import Foundation
import HardeningCore
import HostProbes
import PolicyLoading
import Reporting

/// `attt check`: collect facts, evaluate the policy, print the report.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kiểm tra máy theo các biện pháp của Quy định — check this machine against the regulation."
    )

    @OptionGroup var host: HostOptions

    @Option(help: "regulation (the regulation's floor) or recommended (stricter).")
    var profile: Profile = .regulation

    @Option(help: "workstation, server or secret (a PC for state-secret documents).")
    var role: Role = .workstation

    @Option(help: "text or json.")
    var format: OutputFormat = .text

    @Option(help: "vi or en.")
    var lang: Language = .vi

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    @Option(name: .customLong("control"), help: ArgumentHelp("Check only this control (repeatable).", valueName: "id"))
    var controls: [String] = []

    @Option(help: ArgumentHelp("The unit's tailored parameters (default: etc/attt/tailoring.yaml under the root, when present).", valueName: "file"))
    var tailoring: String?

    @Option(help: .hidden)
    var now: String?

    func run() throws {
        let started = Date()
        let root = try host.validatedRoot()
        let policy = try host.loadPolicy()
        for id in controls where policy.control(id) == nil {
            throw CommandFailure.badInput("--control \(id): no such control in policy \(policy.id) — see the ids with: attt check --format json")
        }
        let (tailored, tailoringFile) = try loadTailoring(policy, root: root)
        var evaluationTime = started
        if let now {
            guard let date = Timestamp.parse(now) else { throw CommandFailure.badInput("--now \(now): not an ISO 8601 time") }
            evaluationTime = date
        }

        let probe = HostProbe(root: root, antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"]))
        let facts = probe.collect(now: evaluationTime)
        let tree: FactValue
        do {
            tree = try Evaluator.factTree(facts)
        } catch {
            throw CommandFailure.scanFailed("could not prepare the collected facts: \(error)")
        }
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: profile, role: role, now: evaluationTime, tailoring: tailored))
        let results = evaluator.evaluate(tree, only: controls)
        let report = Report(
            reportId: UUID(), agent: "attt \(AtttVersion.current)",
            host: Report.Host(hostname: facts.system.hostname, machineId: facts.system.machineId, os: facts.system.os, root: facts.root),
            policy: Report.PolicyInfo(id: policy.id, version: policy.version, profile: profile, role: role, tailoring: tailoringFile),
            startedAt: Timestamp(started), durationMs: Int(Date().timeIntervalSince(started) * 1000), results: results
        )
        let data: Data
        switch format {
        case .json:
            data = try JSONReport.encode(report)
        case .text:
            let color = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            data = Data(TextReport(language: lang, color: color).render(report).utf8)
        }
        try emit(data, to: output)
        if let reason = Self.nothingCollected(facts) { throw CommandFailure.scanFailed(reason) }
        if report.hasFailures { throw ExitCode(1) }
    }

    /// Without an accounts database and a package database the root is not a host at all: the scan did not run.
    static func nothingCollected(_ facts: HostFacts) -> String? {
        var reasons: [String] = []
        func note<T>(_ probed: Probed<T>) -> Bool {
            if case .failed(let reason) = probed { reasons.append(reason); return true }
            return false
        }
        let failed = [note(facts.accounts), note(facts.packages)].allSatisfy { $0 }
        guard failed else { return nil }
        return "nothing could be read under \(facts.root): " + reasons.joined(separator: "; ")
    }

    /// The tailoring is the host's own configuration, so by default it is read through the root too.
    func loadTailoring(_ policy: Policy, root: String) throws -> ([String: FactValue], String?) {
        let path = tailoring ?? TailoringLoader.defaultPath(root: root)
        guard let path else { return ([:], nil) }
        do {
            return (try TailoringLoader().load(file: URL(fileURLWithPath: path), policy: policy), path)
        } catch let error as PolicyError {
            throw CommandFailure.badInput(error.description)
        }
    }
}

/// `attt inventory`: the collected facts, as JSON.
struct Inventory: ParsableCommand {
    static let configuration = CommandConfiguration(abstract: "In dữ liệu thu thập được — print the collected facts.")

    @OptionGroup var host: HostOptions

    @Option(help: "json (the only format).")
    var format: String = "json"

    @Option(help: ArgumentHelp("Write the facts to this file.", valueName: "file"))
    var output: String?

    func run() throws {
        guard format == "json" else { throw CommandFailure.badInput("--format \(format): inventory is printed as json only") }
        let root = try host.validatedRoot()
        let policy = try host.loadPolicy()
        let facts = HostProbe(root: root, antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"])).collect()
        try emit(try JSONReport.encode(facts), to: output)
    }
}
