/// Where a node starts in its file: 1-based line and column, so a complaint can name them.
public struct YAMLMark: Sendable, Hashable, CustomStringConvertible {
    public var line: Int
    public var column: Int

    public init(line: Int, column: Int) {
        self.line = line
        self.column = column
    }

    public var description: String { "\(line):\(column)" }
}

/// One node of a YAML document, as written: scalars keep their text and style, mappings their order.
///
/// Nothing is typed at parse time; ``int``, ``float`` and ``string`` read a scalar when asked, so the
/// reader decides what a value must be and can say so with the node's line.
public indirect enum YAMLNode: Sendable {
    case scalar(Scalar)
    case sequence(List)
    case mapping(Mapping)
    /// `*name`: kept as written, never expanded (an expanded alias bomb is a denial of service).
    case alias(Alias)

    public struct Scalar: Sendable {
        public enum Style: Sendable { case plain, singleQuoted, doubleQuoted, literal, folded }
        public var string: String
        public var style: Style
        /// An explicit tag (`!!str 5` arrives as `tag:yaml.org,2002:str`); nil when none was written.
        public var tag: String?
        public var mark: YAMLMark
    }

    public struct List: RandomAccessCollection, Sendable {
        public var nodes: [YAMLNode]
        public var mark: YAMLMark
        public var startIndex: Int { nodes.startIndex }
        public var endIndex: Int { nodes.endIndex }
        public subscript(position: Int) -> YAMLNode { nodes[position] }
    }

    /// Key–value pairs in file order. Scalar keys are unique (the parser refuses a repeated one).
    public struct Mapping: RandomAccessCollection, Sendable {
        public var pairs: [(key: YAMLNode, value: YAMLNode)]
        public var mark: YAMLMark
        public var startIndex: Int { pairs.startIndex }
        public var endIndex: Int { pairs.endIndex }
        public subscript(position: Int) -> (key: YAMLNode, value: YAMLNode) { pairs[position] }

        /// The value under a text key.
        public subscript(key: String) -> YAMLNode? {
            pairs.first { $0.key.string == key }?.value
        }
    }

    public struct Alias: Sendable {
        public var name: String
        public var mark: YAMLMark
    }

    public var mark: YAMLMark {
        switch self {
        case .scalar(let s): s.mark
        case .sequence(let l): l.mark
        case .mapping(let m): m.mark
        case .alias(let a): a.mark
        }
    }

    public var scalar: Scalar? { if case .scalar(let s) = self { s } else { nil } }
    public var sequence: List? { if case .sequence(let l) = self { l } else { nil } }
    public var mapping: Mapping? { if case .mapping(let m) = self { m } else { nil } }

    /// The text of a scalar, whatever its style.
    public var string: String? { scalar?.string }

    /// A scalar read as an integer by YAML 1.2's core schema: `-12`, `+7`, `0o17`, `0x1F`.
    /// Nil for any other text, and for a scalar tagged `!!str`.
    public var int: Int? {
        guard let s = scalar, s.tag != YAMLTag.string else { return nil }
        return ScalarResolution.integer(s.string)
    }

    /// A scalar read as a number by YAML 1.2's core schema (integers included, `.inf`, `.nan`).
    public var float: Double? {
        guard let s = scalar, s.tag != YAMLTag.string else { return nil }
        return ScalarResolution.number(s.string)
    }
}

enum YAMLTag {
    static let string = "tag:yaml.org,2002:str"
}

/// YAML 1.2 core schema (section 10.3.2) for integers and floats, without regular expressions.
enum ScalarResolution {
    static func integer(_ text: String) -> Int? {
        var t = Substring(text)
        if t.hasPrefix("0o") { return Int(t.dropFirst(2), radix: 8) }
        if t.hasPrefix("0x") { return Int(t.dropFirst(2), radix: 16) }
        var negative = false
        if let sign = t.first, sign == "-" || sign == "+" {
            negative = sign == "-"
            t = t.dropFirst()
        }
        guard !t.isEmpty, t.utf8.allSatisfy({ $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }) else { return nil }
        return Int(negative ? "-" + t : t)
    }

    static func number(_ text: String) -> Double? {
        if let i = integer(text) { return Double(i) }
        switch text {
        case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .infinity
        case "-.inf", "-.Inf", "-.INF": return -.infinity
        case ".nan", ".NaN", ".NAN": return .nan
        default: break
        }
        // [-+]? ( \. [0-9]+ | [0-9]+ ( \. [0-9]* )? ) ( [eE] [-+]? [0-9]+ )?
        let bytes = Array(text.utf8)
        var i = 0
        func digits() -> Int {
            let start = i
            while i < bytes.count, bytes[i] >= UInt8(ascii: "0"), bytes[i] <= UInt8(ascii: "9") { i += 1 }
            return i - start
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
        let whole = digits()
        var fraction = 0
        if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
            i += 1
            fraction = digits()
            guard whole > 0 || fraction > 0 else { return nil }
        } else if whole == 0 {
            return nil
        }
        if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
            i += 1
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") || bytes[i] == UInt8(ascii: "+") { i += 1 }
            guard digits() > 0 else { return nil }
        }
        guard i == bytes.count else { return nil }
        return Double(text)
    }
}
