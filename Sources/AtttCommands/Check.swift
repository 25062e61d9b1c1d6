import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import HostProbes
import PolicyLoading
import Reporting

/// `attt check`: collect facts, evaluate the policy, print the report.
struct Check: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Kiểm tra máy theo các biện pháp của Quy định — check this machine against the regulation.",
        discussion: """
            Exit codes: 0 nothing applicable fails and every control could be evaluated · 1 a control fails · 2 bad usage or bad input \
            (the message names the file and line) · 3 the scan could not run (no accounts and no package \
            database under the root) · 4 no control fails, but some could not be evaluated (status error: \
            a file refused or unreadable, named in the report).
            """
    )

    /// No control fails, yet some are `error`: a check that could not read what it must judge is not
    /// a compliant host, so a script that tests for 0 must not take it for one. A fail outranks it.
    static let unevaluatedExitCode: Int32 = 4

    @OptionGroup var scan: ScanOptions

    @Option(help: "text, json, or html (one self-contained page to open in a browser or print).")
    var format: OutputFormat = .text

    @Option(help: "vi or en.")
    var lang: Language = .vi

    @Option(help: ArgumentHelp("Write the report to this file instead of standard output.", valueName: "file"))
    var output: String?

    func run() throws {
        let started = Date()
        let (facts, report) = try scan.prepare().report(started: started)
        let data: Data
        switch format {
        case .json:
            data = try JSONReport.encode(report)
        case .html:
            data = Data(HTMLReport(language: lang).render(report).utf8)
        case .text:
            let color = output == nil && isatty(STDOUT_FILENO) == 1 && ProcessInfo.processInfo.environment["NO_COLOR"] == nil
            data = Data(TextReport(language: lang, color: color).render(report).utf8)
        }
        try emit(data, to: output)
        if let reason = Self.nothingCollected(facts) { throw CommandFailure.scanFailed(reason) }
        if report.hasFailures { throw ExitCode(1) }
        if report.summary.error > 0 { throw ExitCode(Self.unevaluatedExitCode) }
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
        let root = try host.openRoot()
        let policy = try host.loadPolicy()
        let facts = HostProbe(host: root, antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"]), kernelAudit: KernelAuditReader.read).collect()
        try emit(try JSONReport.encode(facts), to: output)
    }
}
