import AgentRuntime
import ArgumentParser
import CommandLineSupport
import FoundationEssentials
import HardeningCore
import HostAccess
import HostProbes
import PolicyLoading

/// What `check` and `fix` share: which policy, profile, role and tailoring to evaluate with.
struct ScanOptions: ParsableArguments {
    @OptionGroup var host: HostOptions

    @Option(help: "regulation (the regulation's floor) or recommended (stricter).")
    var profile: Profile = .regulation

    @Option(help: "workstation, server or secret (a PC for state-secret documents).")
    var role: Role = .workstation

    @Option(name: .customLong("control"), help: ArgumentHelp("Only this control (repeatable).", valueName: "id"))
    var controls: [String] = []

    @Option(help: ArgumentHelp("The unit's tailored parameters (default: etc/attt/tailoring.yaml under the root, when present).", valueName: "file"))
    var tailoring: String?

    @Option(help: .hidden)
    var now: String?

    /// Loads and checks everything that can be bad input (exit 2) before the host is read.
    func prepare() throws -> Scan {
        let root = try host.openRoot()
        let policy = try host.loadPolicy()
        for id in controls where policy.control(id) == nil {
            throw CommandFailure.badInput("--control \(id): no such control in policy \(policy.id) — see the ids with: attt check --format json")
        }
        var (tailored, path) = try Self.tailoring(tailoring, root: root, policy: policy)
        var time = Date()
        if let now {
            guard let date = Timestamp.parse(now) else { throw CommandFailure.badInput("--now \(now): not an ISO 8601 time") }
            time = date
        }
        // The unit's bundle in force: its catalogues replace the shipped ones, its parameters come
        // before the local file's, which may only tighten them (docs/design/catalogue-bundles.md §2).
        var policyInForce = policy
        var bundle: Report.BundleRef?
        var ignored: [String]?
        let unit = (try? AgentIdentity.load(host: root))?.link.unit
        if let inForce = BundleStore(host: root).current(policy: policy, unit: unit) {
            policyInForce = policy.applying(inForce.bundle)
            let layered = BundleLayering.tailoring(policy: policy, bundle: inForce.bundle.parameters, local: tailored)
            tailored = layered.values
            ignored = layered.ignored.isEmpty ? nil : layered.ignored.map(\.key)
            bundle = Report.BundleRef(unit: inForce.bundle.unit, version: inForce.bundle.version, sha256: inForce.sha256)
        }
        let refused = BundleStore(host: root).lastRefusal()
        let evaluator = Evaluator(policy: policyInForce, context: EvaluationContext(profile: profile, role: role, now: time, tailoring: tailored))
        return Scan(host: root, evaluator: evaluator, tailoringFile: path, only: controls, bundle: bundle, ignoredTailoring: ignored, bundleRefused: refused)
    }

    /// The unit's tailored values: `file` when given, else the host's own tailoring under its root
    /// (read like any host file), else none; with the path they came from. Bad ones are exit 2.
    static func tailoring(_ file: String?, root: HostRoot, policy: Policy) throws -> (values: [String: FactValue], path: String?) {
        do {
            if let file {
                return (try TailoringLoader().load(file: URL(fileURLWithPath: file), policy: policy), file)
            } else if let data = try root.read(TailoringLoader.hostPath) {
                let path = root.local(TailoringLoader.hostPath)
                return (try TailoringLoader().load(data, file: path, policy: policy), path)
            }
            return ([:], nil)
        } catch let error as PolicyError {
            throw CommandFailure.badInput(error.description)
        } catch let error as ProbeError {
            throw CommandFailure.badInput("\(error) — the tailoring file must be a regular file")
        }
    }
}

/// One evaluation of a host: probe, then evaluate.
struct Scan {
    let host: HostRoot
    let evaluator: Evaluator
    let tailoringFile: String?
    let only: [String]
    var bundle: Report.BundleRef? = nil
    var ignoredTailoring: [String]? = nil
    var bundleRefused: Report.BundleRefusal? = nil

    func run() throws -> (facts: HostFacts, results: [ControlResult]) {
        let policy = evaluator.policy
        let facts = HostProbe(host: host, antivirusEngines: AntivirusEngine.catalog(policy.catalogs["antivirus.engines"]), kernelAudit: KernelAuditReader.read).collect(now: evaluator.context.now)
        do {
            return (facts, evaluator.evaluate(try Evaluator.factTree(facts), only: only))
        } catch {
            throw CommandFailure.scanFailed("could not prepare the collected facts: \(error)")
        }
    }

    /// Probes, evaluates and wraps the results in the report `check` prints and `run` keeps.
    func report(started: Date) throws -> (facts: HostFacts, report: Report) {
        let (facts, results) = try run()
        let policy = evaluator.policy
        let report = Report(
            reportId: UUID(), agent: "attt \(AtttVersion.current)",
            host: Report.Host(hostname: facts.system.hostname, machineId: facts.system.machineId, os: facts.system.os, root: facts.root, unread: facts.system.unread),
            policy: Report.PolicyInfo(id: policy.id, version: policy.version, profile: evaluator.context.profile, role: evaluator.context.role, tailoring: tailoringFile,
                                      bundle: bundle, ignoredTailoring: ignoredTailoring, bundleRefused: bundleRefused),
            startedAt: Timestamp(started), durationMs: Int(Date().timeIntervalSince(started) * 1000), results: results
        )
        return (facts, report)
    }
}
