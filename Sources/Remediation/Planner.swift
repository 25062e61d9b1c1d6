public import FoundationEssentials
public import HardeningCore
import HostProbes
public import HostAccess

/// Turns failing results into a plan: for each control whose policy names a known fixer, the fixer's
/// steps, given the facts and the current bytes of the files it reads (read here, through the root).
public struct Planner {
    public let evaluator: Evaluator
    public let host: HostRoot
    public let fixers: [String: any Fixer]

    public init(evaluator: Evaluator, host: HostRoot, fixers: [String: any Fixer] = Fixers.all) {
        self.evaluator = evaluator
        self.host = host
        self.fixers = fixers
    }

    /// One entry per control that can be fixed, or why not.
    public struct Proposal: Sendable {
        public var control: Control
        public var steps: [RemediationStep]
        /// Current contents of the files the steps write, for the diff.
        public var before: [String: Data]
        public var problem: String?
    }

    public func proposals(for results: [ControlResult], facts: HostFacts) -> [Proposal] {
        results.filter { $0.status == .fail }.compactMap { result in
            guard let control = evaluator.policy.control(result.control), let spec = control.fix else { return nil }
            guard let fixer = fixers[spec.fixer] else {
                return Proposal(control: control, steps: [], before: [:], problem: "no fixer \(spec.fixer) in this version of attt")
            }
            do {
                var files: [String: Data] = [:]
                for path in fixer.reads(facts) { files[path] = try host.read(path) }
                var catalogs: [String: [FactValue]] = [:]
                for name in evaluator.policy.catalogs.keys { catalogs[name] = evaluator.catalogList(name) }
                let context = FixContext(facts: facts, control: control, parameters: evaluator.parameters(for: control), files: files, root: host.prefix.path, catalogs: catalogs, profile: evaluator.context.profile, role: evaluator.context.role)
                let steps = try fixer.plan(context).map { RemediationStep(control: control.id, fixer: spec.fixer, description: spec.description, action: $0) }
                var before: [String: Data] = [:]
                for step in steps {
                    switch step.action {
                    case .writeFile(let path, _, _, _), .removeFile(let path): before[path] = try host.read(path)
                    default: break
                    }
                }
                return Proposal(control: control, steps: steps, before: before, problem: steps.isEmpty ? "nothing to change" : nil)
            } catch {
                return Proposal(control: control, steps: [], before: [:], problem: "\(error)")
            }
        }
    }

    /// The exact changes, as `attt fix --dry-run` prints them: a unified diff per file, a command line per command.
    public static func describe(_ proposal: Proposal) -> String {
        var out = ""
        for step in proposal.steps {
            switch step.action {
            case .writeFile(let path, let content, _, let validator):
                let old = proposal.before[path].map { String(decoding: $0, as: UTF8.self) }
                out += UnifiedDiff.render(path: path, old: old, new: String(decoding: content, as: UTF8.self))
                if let validator { out += "# checked before it replaces \(path): " + validator.joined(separator: " ") + "\n" }
            case .removeFile(let path):
                out += UnifiedDiff.render(path: path, old: proposal.before[path].map { String(decoding: $0, as: UTF8.self) } ?? "", new: "")
                    .replacing("+++ b\(path)", with: "+++ /dev/null")
            case .runCommand(let arguments, _, let inRoot):
                out += "$ " + (inRoot ? "[in root] " : "") + arguments.map(shellQuoted).joined(separator: " ") + "\n"
            case .stagedPam(let arguments):
                out += "$ [in root] " + arguments.map(shellQuoted).joined(separator: " ")
                    + "   # on a staged copy of /etc/pam.d, tried with PAM before it goes live\n"
            case .onRestore(let arguments, let inRoot):
                out += "# if the fix fails or is rolled back, afterwards: " + (inRoot ? "[in root] " : "") + arguments.map(shellQuoted).joined(separator: " ") + "\n"
            case .confirmConnectivity(let seconds):
                out += "# kept only if the collector answers afterwards; otherwise rolled back within \(seconds) s\n"
            case .putInPlace(let path, let staged):
                out += staged.map { "# \(path): the backup's copy (\($0)) put in place; the current file kept aside\n" }
                    ?? "# \(path): not in the backup, moved aside (kept, undone by a rollback)\n"
            case .restoreDirectory(let path, let mode, let owner, let group):
                out += "# \(path)/: mode \(String(mode, radix: 8)), owner \(owner):\(group) as in the backup (made if gone)\n"
            }
        }
        return out
    }

    static func shellQuoted(_ word: String) -> String {
        word.allSatisfy({ $0.isLetter || $0.isNumber || "-_./=:@".contains($0) }) && !word.isEmpty ? word : "'" + word.replacing("'", with: "'\\''") + "'"
    }
}
