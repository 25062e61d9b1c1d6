/// A generic view of collected facts, as the evaluator walks them.
///
/// Facts are collected as typed ``HostFacts``; the evaluator sees them as this tree so that a
/// control written in `Policies/` can name any fact by its path without Swift code.
public enum FactValue: Hashable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([FactValue])
    case object([String: FactValue])

    /// The value at one key of an object, or `nil`.
    public subscript(key: String) -> FactValue? {
        if case .object(let members) = self { return members[key] }
        return nil
    }

    public var isNull: Bool { if case .null = self { return true } else { return false } }

    public var stringValue: String? {
        switch self {
        case .string(let s): return s
        default: return nil
        }
    }

    public var numberValue: Double? {
        switch self {
        case .int(let i): return Double(i)
        case .double(let d): return d
        case .string(let s): return Double(s)
        default: return nil
        }
    }

    public var boolValue: Bool? {
        switch self {
        case .bool(let b): return b
        case .int(let i): return i != 0
        case .string(let s):
            switch s.lowercased() {
            case "yes", "true", "on", "1": return true
            case "no", "false", "off", "0": return false
            default: return nil
            }
        default: return nil
        }
    }

    /// What evidence shows: lists of records by their count, short lists of values in full.
    public var evidenceText: String {
        if case .array(let items) = self {
            let scalars = items.allSatisfy { if case .object = $0 { return false } else if case .array = $0 { return false } else { return true } }
            if !scalars || items.count > 12 { return "\(items.count)" }
        }
        return display
    }

    /// A short rendering for evidence: numbers and strings as they are, lists joined.
    public var display: String {
        switch self {
        case .null: return "null"
        case .bool(let b): return b ? "true" : "false"
        case .int(let i): return String(i)
        case .double(let d): return d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
        case .string(let s): return s
        case .array(let items): return "[" + items.map(\.display).joined(separator: ", ") + "]"
        case .object(let members):
            if let value = members["value"], members["source"] != nil { return value.display }
            return "{" + members.keys.sorted().map { "\($0): \(members[$0]!.display)" }.joined(separator: ", ") + "}"
        }
    }
}

extension FactValue: Codable {
    public init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() {
            self = .null
        } else if let b = try? container.decode(Bool.self) {
            self = .bool(b)
        } else if let i = try? container.decode(Int.self) {
            self = .int(i)
        } else if let d = try? container.decode(Double.self) {
            self = .double(d)
        } else if let s = try? container.decode(String.self) {
            self = .string(s)
        } else if let a = try? container.decode([FactValue].self) {
            self = .array(a)
        } else {
            self = .object(try container.decode([String: FactValue].self))
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        switch self {
        case .null: try container.encodeNil()
        case .bool(let b): try container.encode(b)
        case .int(let i): try container.encode(i)
        case .double(let d): try container.encode(d)
        case .string(let s): try container.encode(s)
        case .array(let a): try container.encode(a)
        case .object(let o): try container.encode(o)
        }
    }
}
