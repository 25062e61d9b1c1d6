import CommandLineSupport
import FoundationEssentials
import HardeningCore
import HostAccess

/// The unit's VN-TD-INC-001 parameters for `attt incident collect` and `restore` (Điều 11 khoản 2 điểm
/// a): the policy's values, then the host's tailoring (`/etc/attt/tailoring.yaml` under the root). A
/// command-line option adds to them (`--path`) or replaces them (`--scope`, `--env-file`).
struct IncidentSettings {
    static let control = "VN-TD-INC-001"
    /// Directories the unit names, copied after the fixed evidence (Bước 2).
    var evidencePaths: [String] = []
    /// What a restore takes when no `--scope` is given (Bước 3).
    var restoreScopes: [RestoreScope] = [.system]
    /// The backup job's environment file; nil reads last.json alone.
    var backupEnvFile: String?

    static func load(_ options: HostOptions, root: HostRoot) throws -> IncidentSettings {
        let policy = try options.loadPolicy()
        let (tailored, path) = try ScanOptions.tailoring(nil, root: root, policy: policy)
        guard let control = policy.control(control) else { return IncidentSettings() }
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: Date(), tailoring: tailored))
        return try read(evaluator.parameters(for: control), from: path ?? "the policy")
    }

    /// Bad values are bad input naming the file, not a surprise half way through a restore.
    static func read(_ values: [String: FactValue], from file: String) throws -> IncidentSettings {
        var settings = IncidentSettings()
        func strings(_ name: String) throws -> [String]? {
            guard let value = values[name] else { return nil }
            let bad = CommandFailure.badInput("\(file): \(control) \(name) must be a list of text, e.g. [\(name == "restore_scopes" ? "system, applications" : "/srv/ketoan")]")
            guard case .array(let items) = value else { throw bad }
            let texts = items.compactMap(\.stringValue)
            guard texts.count == items.count else { throw bad }
            return texts
        }
        if let paths = try strings("evidence_paths") {
            for path in paths where !path.hasPrefix("/") || path.split(separator: "/").contains("..") {
                throw CommandFailure.badInput("\(file): \(control) evidence_paths: \(path) is not an absolute path without '..'")
            }
            settings.evidencePaths = paths
        }
        if let scopes = try strings("restore_scopes") {
            settings.restoreScopes = try scopes.map { name in
                guard let scope = RestoreScope(rawValue: name) else {
                    throw CommandFailure.badInput("\(file): \(control) restore_scopes: \(name) is not system, applications or users")
                }
                return scope
            }
        }
        switch values["backup_env_file"] {
        case nil: break
        case .string(let path)? where path.isEmpty: break
        case .string(let path)? where path.hasPrefix("/"): settings.backupEnvFile = path
        default: throw CommandFailure.badInput("\(file): \(control) backup_env_file must be an absolute path, e.g. /etc/restic/env")
        }
        return settings
    }
}
