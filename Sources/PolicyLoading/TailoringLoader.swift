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

extension TailoringLoader {
    /// A layer as the officer edits it (`attt.catalogue.v1`), read back by ``loadCatalogueLayer(_:file:policy:)``
    /// to the same values: policy-wide parameters under `parameters`, a control's under `controls`,
    /// and every value as JSON, which YAML reads as flow style.
    public static func catalogueLayerText(parameters: [String: FactValue], catalogs: [String: FactValue], note: String? = nil) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        func json(_ value: any Encodable) -> String { (try? encoder.encode(value)).map { String(decoding: $0, as: UTF8.self) } ?? "null" }
        // A key as an officer writes it (VN-TD-PW-004, software.denied) bare; anything else quoted.
        func key(_ name: String) -> String {
            let plain = name.first?.isLetter == true && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
            return plain ? name : json(name)
        }
        var text = "catalogue: attt.catalogue.v1\n"
        if let note { text += "note: \(json(note))\n" }
        let policyWide = parameters.filter { !$0.key.contains(".") }
        if !policyWide.isEmpty {
            text += "parameters:\n" + policyWide.keys.sorted().map { "  \(key($0)): \(json(policyWide[$0]!))\n" }.joined()
        }
        var byControl: [String: [(String, FactValue)]] = [:]
        for (key, value) in parameters where key.contains(".") {
            let parts = key.split(separator: ".", maxSplits: 1).map(String.init)
            byControl[parts[0], default: []].append((parts[1], value))
        }
        if !byControl.isEmpty {
            text += "controls:\n"
            for control in byControl.keys.sorted() {
                text += "  \(key(control)):\n" + byControl[control]!.sorted { $0.0 < $1.0 }.map { "    \(key($0.0)): \(json($0.1))\n" }.joined()
            }
        }
        if !catalogs.isEmpty {
            text += "catalogs:\n"
            for name in catalogs.keys.sorted() {
                if case .object(let byRole) = catalogs[name]! {
                    text += "  \(key(name)):\n" + byRole.keys.sorted().map { "    \(key($0)): \(json(byRole[$0]!))\n" }.joined()
                } else {
                    text += "  \(key(name)): \(json(catalogs[name]!))\n"
                }
            }
        }
        return text
    }
}
