public import FoundationEssentials
public import HardeningCore
import YAMLParsing

/// Loads a policy directory: `policy.yaml`, `controls/*.yaml`, `catalogs/*.yaml`.
///
/// Everything is validated at load: unknown keys, unknown operators, parameters a condition names
/// but nobody declares, clause codes that do not parse, fact paths the probes never fill. Each
/// refusal is a ``PolicyError`` with file and line.
public struct PolicyLoader {
    /// The facts a condition may name (issue 12 point 8: a typo must not read as an empty list).
    public let schema: FactSchema

    public init(schema: FactSchema = .hostFacts) {
        self.schema = schema
    }

    public func load(directory: URL) throws -> Policy {
        let fm = FileManager.default
        var isDir = false
        guard fm.fileExists(atPath: directory.path, isDirectory: &isDir), isDir else {
            throw PolicyError(file: directory.path, line: nil, message: "policy directory not found", hint: "pass --policy DIR with policy.yaml, controls/ and catalogs/")
        }
        let policyFile = directory.appendingPathComponent("policy.yaml")
        let header = try readHeader(policyFile)
        var catalogs: [String: FactValue] = [:]
        for file in try yamlFiles(in: directory.appendingPathComponent("catalogs")) {
            try readCatalog(file, into: &catalogs)
        }
        var controls: [Control] = []
        var seen: [String: String] = [:]
        for file in try yamlFiles(in: directory.appendingPathComponent("controls")) {
            for (control, line) in try readControls(file, policyParameters: Set(header.parameters.map(\.name)), catalogs: Set(catalogs.keys)) {
                if let other = seen[control.id] {
                    throw PolicyError(file: file.path, line: line, message: "control \(control.id) is also defined in \(other)", hint: "control ids must be unique")
                }
                seen[control.id] = file.lastPathComponent
                controls.append(control)
            }
        }
        controls.sort { $0.id < $1.id }
        return Policy(id: header.id, version: header.version, title: header.title, parameters: header.parameters, controls: controls, catalogs: catalogs)
    }

    // MARK: Files

    func text(_ file: URL) throws -> String {
        guard let data = FileManager.default.contents(atPath: file.path) else {
            throw PolicyError(file: file.path, line: nil, message: "cannot read the file", hint: "check that it exists and is readable")
        }
        guard let text = String(data: data, encoding: .utf8) else {
            throw PolicyError(file: file.path, line: nil, message: "the file is not UTF-8 text")
        }
        return text
    }

    func yamlFiles(in directory: URL) throws -> [URL] {
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else {
            throw PolicyError(file: directory.path, line: nil, message: "directory not found", hint: "a policy directory needs controls/ and catalogs/")
        }
        return names.filter { $0.hasSuffix(".yaml") || $0.hasSuffix(".yml") }.sorted().map { directory.appendingPathComponent($0) }
    }

    // MARK: policy.yaml

    struct Header {
        var id = "", version = ""
        var title = LocalizedText(vi: "", en: "")
        var parameters: [Parameter] = []
    }

    func readHeader(_ file: URL) throws -> Header {
        let reader = YAMLReader(file: file.path)
        let root = try reader.parse(try text(file))
        var header = Header()
        for m in try reader.mapping(root, allowed: ["policy", "version", "title", "parameters"], required: ["policy", "version", "title"], context: "policy") {
            switch m.key {
            case "policy": header.id = try reader.string(m.node, "policy")
            case "version": header.version = try reader.string(m.node, "version")
            case "title": header.title = try reader.localized(m.node, "title")
            default: header.parameters = try readParameters(m.node, reader, "parameters")
            }
        }
        return header
    }

    func readParameters(_ node: YAMLNode, _ reader: YAMLReader, _ context: String) throws -> [Parameter] {
        try reader.mapping(node, allowed: nil, context: context).map { m in
            var p = Parameter(name: m.key, description: nil, stricter: .any, regulation: .null, recommended: .null)
            var hasRecommended = false
            for f in try reader.mapping(m.node, allowed: ["description", "stricter", "regulation", "recommended"], required: ["stricter", "regulation"], context: "\(context).\(m.key)") {
                switch f.key {
                case "description": p.description = try reader.localized(f.node, "\(context).\(m.key).description")
                case "stricter":
                    let s = try reader.string(f.node, "stricter")
                    guard let v = Parameter.Strictness(rawValue: s) else {
                        throw reader.fail(f.node, "\(context).\(m.key).stricter: '\(s)' is not higher, lower or any")
                    }
                    p.stricter = v
                case "regulation": p.regulation = try reader.value(f.node)
                default: p.recommended = try reader.value(f.node); hasRecommended = true
                }
            }
            if !hasRecommended { p.recommended = p.regulation }
            if p.stricter != .any {
                guard p.regulation.numberValue != nil || p.regulation.boolValue != nil else {
                    throw reader.fail(m.node, "\(context).\(m.key): a parameter with stricter: \(p.stricter.rawValue) needs a number or true/false")
                }
                guard p.meetsFloor(p.recommended) else {
                    throw reader.fail(m.node, "\(context).\(m.key): the recommended value \(p.recommended.display) is weaker than the regulation's \(p.regulation.display)")
                }
            }
            return p
        }
    }

    // MARK: catalogs/*.yaml

    func readCatalog(_ file: URL, into catalogs: inout [String: FactValue]) throws {
        let reader = YAMLReader(file: file.path)
        let root = try reader.parse(try text(file))
        let members = try reader.mapping(root, allowed: nil, required: ["catalog"], context: "catalogue")
        guard let nameNode = members.first(where: { $0.key == "catalog" })?.node else { return }
        let name = try reader.string(nameNode, "catalog")
        for m in members where m.key != "catalog" {
            let value = try reader.value(m.node)
            switch value {
            case .array: break
            case .object(let byRole):
                for key in byRole.keys where key != "all" && Role(rawValue: key) == nil {
                    throw reader.fail(m.node, "catalogue \(name).\(m.key): '\(key)' is not a role", hint: "use all, workstation, server or secret")
                }
            default:
                throw reader.fail(m.node, "catalogue \(name).\(m.key) must be a list, or lists by role")
            }
            catalogs["\(name).\(m.key)"] = value
        }
    }

    // MARK: controls/*.yaml

    static let controlKeys: Set<String> = [
        "id", "references", "title", "rationale", "severity", "roles", "area", "parameters",
        "applicability", "not_applicable_reason", "condition", "attestation", "fix",
    ]

    func readControls(_ file: URL, policyParameters: Set<String>, catalogs: Set<String>) throws -> [(Control, Int?)] {
        let reader = YAMLReader(file: file.path)
        let root = try reader.parse(try text(file))
        let members = try reader.mapping(root, allowed: ["controls"], required: ["controls"], context: "file")
        guard case .sequence(let list) = members[0].node else {
            throw reader.fail(members[0].node, "controls must be a list of controls")
        }
        return try list.map { (try readControl($0, reader, policyParameters: policyParameters, catalogs: catalogs), $0.mark.line) }
    }

    func readControl(_ node: YAMLNode, _ reader: YAMLReader, policyParameters: Set<String>, catalogs: Set<String>) throws -> Control {
        var c = Control(id: "", references: [], title: LocalizedText(vi: "", en: ""), rationale: nil, severity: .medium, roles: [], area: "", parameters: [], applicability: nil, notApplicableReason: nil, condition: nil, attestation: nil, fix: nil)
        let members = try reader.mapping(node, allowed: Self.controlKeys, required: ["id", "references", "title", "severity", "roles", "area"], context: "control")
        // Parameters first: conditions may name them.
        if let p = members.first(where: { $0.key == "parameters" }) {
            c.parameters = try readParameters(p.node, reader, "parameters")
        }
        if let idNode = members.first(where: { $0.key == "id" })?.node {
            c.id = try reader.string(idNode, "id")
            guard ControlId.isValid(c.id) else {
                throw reader.fail(idNode, "control id '\(c.id)' is not of the form VN-TD-AREA-NNN")
            }
        }
        let ctx = "control \(c.id)"
        let conditions = ConditionParser(reader: reader, parameters: policyParameters.union(c.parameters.map(\.name)), catalogs: catalogs)
        for m in members {
            switch m.key {
            case "references":
                let codes = try reader.strings(m.node, "\(ctx).references")
                guard !codes.isEmpty else { throw reader.fail(m.node, "\(ctx): at least one clause reference is needed") }
                c.references = try codes.map { code in
                    guard let text = ClauseReference.vietnamese(code) else {
                        throw reader.fail(m.node, "\(ctx): '\(code)' is not a clause code", hint: "write D9.K6, D6B.K3 or D6A.K5.dd (see CONTROLS.md)")
                    }
                    return text
                }
            case "title": c.title = try reader.localized(m.node, "\(ctx).title")
            case "rationale": c.rationale = try reader.localized(m.node, "\(ctx).rationale")
            case "severity":
                let s = try reader.string(m.node, "\(ctx).severity")
                guard let v = Severity(rawValue: s) else { throw reader.fail(m.node, "\(ctx): severity '\(s)' is not low, medium, high or critical") }
                c.severity = v
            case "roles":
                c.roles = try reader.strings(m.node, "\(ctx).roles").map { r in
                    guard let role = Role(rawValue: r) else { throw reader.fail(m.node, "\(ctx): role '\(r)' is not workstation, server or secret") }
                    return role
                }
            case "area": c.area = try reader.string(m.node, "\(ctx).area")
            case "applicability": c.applicability = try conditions.parse(m.node, "\(ctx).applicability")
            case "not_applicable_reason": c.notApplicableReason = try reader.localized(m.node, "\(ctx).not_applicable_reason")
            case "condition": c.condition = try conditions.parse(m.node, "\(ctx).condition")
            case "attestation": c.attestation = try reader.localized(m.node, "\(ctx).attestation")
            case "fix":
                var fixer = "", description = LocalizedText(vi: "", en: "")
                for f in try reader.mapping(m.node, allowed: ["fixer", "description"], required: ["fixer", "description"], context: "\(ctx).fix") {
                    if f.key == "fixer" { fixer = try reader.string(f.node, "\(ctx).fix.fixer") } else { description = try reader.localized(f.node, "\(ctx).fix.description") }
                }
                c.fix = FixSpec(fixer: fixer, description: description)
            default: break
            }
        }
        if let unknown = schema.unknownFacts(in: c).first {
            let line = conditions.lines.first[unknown.path] ?? node.mark.line
            throw PolicyError(file: reader.file, line: line, message: "\(ctx): \(unknown)", hint: unknown.hint)
        }
        if c.condition == nil && c.attestation == nil {
            throw reader.fail(node, "\(ctx): needs a condition, or an attestation for an organisational measure")
        }
        if c.applicability != nil && c.notApplicableReason == nil {
            throw reader.fail(node, "\(ctx): an applicability condition needs not_applicable_reason (results must say why)")
        }
        return c
    }
}

extension YAMLReader {
    /// A mapping whose keys are free (parameter names, catalogue lists).
    func mapping(_ node: YAMLNode, allowed: Set<String>?, required: Set<String> = [], context: String) throws -> [(key: String, node: YAMLNode, keyNode: YAMLNode)] {
        if let allowed { return try mapping(node, allowed: allowed, required: required, context: context) }
        guard case .mapping(let mapping) = node else { throw fail(node, "\(context) must be a mapping") }
        var result: [(key: String, node: YAMLNode, keyNode: YAMLNode)] = []
        for (k, v) in mapping {
            guard let key = k.string else { throw fail(k, "\(context): keys must be text") }
            result.append((key, v, k))
        }
        for key in required where !result.contains(where: { $0.key == key }) {
            throw fail(node, "\(context): missing required key '\(key)'")
        }
        return result
    }
}
