public import FoundationEssentials
public import HardeningCore
import YAMLParsing

/// Reads a unit's tailoring file: parameter values that override the profile's, never below the floor.
///
/// ```yaml
/// tailoring: attt.tailoring.v1
/// parameters:            # policy-wide parameters
///   it_accounts: [canbo.it]
/// controls:              # per control
///   VN-TD-PW-001:
///     minlen: 10
/// ```
public struct TailoringLoader {
    public init() {}

    /// Where a host keeps its tailoring (read through the host's root, like every host file).
    public static let hostPath = "/etc/attt/tailoring.yaml"

    /// A tailoring file the officer named (`--tailoring`).
    public func load(file: URL, policy: Policy) throws -> [String: FactValue] {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw PolicyError(file: file.path, line: nil, message: "cannot read the tailoring file", hint: "check the path given with --tailoring")
        }
        return try load(data, file: file.path, policy: policy)
    }

    /// Tailoring already read; `file` names it in errors.
    public func load(_ data: Data, file: String, policy: Policy) throws -> [String: FactValue] {
        let reader = YAMLReader(file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: file, line: nil, message: "the tailoring file is not UTF-8 text", hint: "save it as UTF-8")
        }
        let root = try reader.parse(text)
        var values: [String: FactValue] = [:]
        var lines: [String: Int?] = [:]
        for m in try reader.mapping(root, allowed: ["tailoring", "parameters", "controls"], required: ["tailoring"], context: "tailoring") {
            switch m.key {
            case "tailoring":
                let schema = try reader.string(m.node, "tailoring")
                guard schema == "attt.tailoring.v1" else { throw reader.fail(m.node, "unknown tailoring format '\(schema)'", hint: "write tailoring: attt.tailoring.v1") }
            case "parameters":
                for p in try reader.mapping(m.node, allowed: nil, context: "parameters") {
                    guard policy.parameters.contains(where: { $0.name == p.key }) else {
                        throw reader.fail(p.keyNode, "'\(p.key)' is not a policy-wide parameter", hint: "known: \(policy.parameters.map(\.name).sorted().joined(separator: ", "))")
                    }
                    values[p.key] = try reader.value(p.node)
                    lines[p.key] = p.node.mark.line
                }
            default:
                for c in try reader.mapping(m.node, allowed: nil, context: "controls") {
                    guard let control = policy.control(c.key) else { throw reader.fail(c.keyNode, "no control '\(c.key)' in policy \(policy.id)") }
                    for p in try reader.mapping(c.node, allowed: nil, context: c.key) {
                        guard control.parameters.contains(where: { $0.name == p.key }) else {
                            throw reader.fail(p.keyNode, "\(c.key) has no parameter '\(p.key)'", hint: "known: \(control.parameters.map(\.name).sorted().joined(separator: ", "))")
                        }
                        let key = "\(c.key).\(p.key)"
                        values[key] = try reader.value(p.node)
                        lines[key] = p.node.mark.line
                    }
                }
            }
        }
        // Điều 9 khoản 6 and the other clauses set floors: a unit may be stricter, never weaker.
        if let violation = policy.floorViolations(in: values).first {
            let direction = violation.stricter == .higher ? "at least" : "at most"
            throw PolicyError(
                file: file, line: lines[violation.key] ?? nil,
                message: "\(violation.key) = \(violation.value.display) is weaker than the regulation allows",
                hint: "use a value \(direction) \(violation.floor.display)"
            )
        }
        return values
    }
}
