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
        try read(data, file: file, policy: policy, schema: ("tailoring", "attt.tailoring.v1"), extra: []).values
    }

    /// A unit's or the commune's catalogue layer as an officer writes it for the collector
    /// (docs/design/catalogue-bundles.md §1): the tailoring file's `parameters` and `controls`, plus
    /// the unit's lists under `catalogs` and an optional `note`.
    ///
    /// ```yaml
    /// catalogue: attt.catalogue.v1
    /// note: thêm AnyDesk vào danh mục cấm
    /// controls:
    ///   VN-TD-PW-004: {max_days: 90}
    /// catalogs:
    ///   software.denied: {all: [anydesk, teamviewer*]}
    /// ```
    public func loadCatalogueLayer(_ data: Data, file: String, policy: Policy) throws -> (parameters: [String: FactValue], catalogs: [String: FactValue], note: String?) {
        let read = try read(data, file: file, policy: policy, schema: ("catalogue", "attt.catalogue.v1"), extra: ["catalogs", "note"])
        var catalogs: [String: FactValue] = [:]
        var note: String?
        for (key, node) in read.extra {
            if key == "note" {
                note = try read.reader.string(node, "note")
                continue
            }
            for c in try read.reader.mapping(node, allowed: nil, context: "catalogs") {
                guard Policy.unitCatalogues.contains(c.key) else {
                    throw read.reader.fail(c.keyNode, "'\(c.key)' is not a catalogue a unit sets", hint: "known: \(Policy.unitCatalogues.sorted().joined(separator: ", "))")
                }
                let value = try read.reader.value(c.node)
                if let problem = Policy.catalogueShapeProblem(value) { throw read.reader.fail(c.node, "\(c.key): \(problem)") }
                catalogs[c.key] = value
            }
        }
        return (read.values, catalogs, note)
    }

    func read(_ data: Data, file: String, policy: Policy, schema: (key: String, name: String), extra: Set<String>)
        throws -> (values: [String: FactValue], extra: [(String, YAMLNode)], reader: YAMLReader) {
        let reader = YAMLReader(file: file)
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: file, line: nil, message: "the \(schema.key) file is not UTF-8 text", hint: "save it as UTF-8")
        }
        let root = try reader.parse(text)
        var values: [String: FactValue] = [:]
        var lines: [String: Int?] = [:]
        var extras: [(String, YAMLNode)] = []
        for m in try reader.mapping(root, allowed: Set([schema.key, "parameters", "controls"]).union(extra), required: [schema.key], context: schema.key) {
            switch m.key {
            case schema.key:
                let name = try reader.string(m.node, schema.key)
                guard name == schema.name else { throw reader.fail(m.node, "unknown \(schema.key) format '\(name)'", hint: "write \(schema.key): \(schema.name)") }
            case "parameters":
                for p in try reader.mapping(m.node, allowed: nil, context: "parameters") {
                    guard policy.parameters.contains(where: { $0.name == p.key }) else {
                        throw reader.fail(p.keyNode, "'\(p.key)' is not a policy-wide parameter", hint: "known: \(policy.parameters.map(\.name).sorted().joined(separator: ", "))")
                    }
                    values[p.key] = try reader.value(p.node)
                    lines[p.key] = p.node.mark.line
                }
            case "controls":
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
            default:
                extras.append((m.key, m.node))
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
        return (values, extras, reader)
    }
}
