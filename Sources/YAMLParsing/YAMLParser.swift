import CYAML

/// What is wrong with a YAML text, and where (1-based line and column when libyaml knows them).
public struct YAMLError: Error, Sendable, CustomStringConvertible {
    public var line: Int?
    public var column: Int?
    /// libyaml's own words (`did not find expected key`) or the composer's.
    public var problem: String
    /// What was being read (`while parsing a block mapping`), when libyaml says.
    public var context: String?

    public var description: String {
        let place = line.map { "line \($0)" + (column.map { ", column \($0)" } ?? "") + ": " } ?? ""
        return place + problem + (context.map { " (\($0))" } ?? "")
    }
}

/// Parses YAML with Debian's libyaml (the same C parser Yams vendors) and composes the events into
/// ``YAMLNode``s. The node tree is built with an explicit stack, never by recursion, and nesting is
/// capped, so no input can exhaust the stack; aliases are kept as written, never expanded.
public enum YAMLParser {
    /// The one document in `text`; nil when the text holds none (empty, or only comments).
    /// More than one document, a repeated key in a mapping, an alias to no anchor, or nesting deeper
    /// than `maxDepth` are errors like a syntax error.
    public static func compose(_ text: String, maxDepth: Int = 64) throws(YAMLError) -> YAMLNode? {
        var bytes = Array(text.utf8)
        if bytes.isEmpty { bytes = [UInt8(ascii: "\n")] }
        return try bytes.withUnsafeBufferPointer { (buffer) throws(YAMLError) -> YAMLNode? in
            var parser = yaml_parser_t()
            guard yaml_parser_initialize(&parser) == 1 else { throw YAMLError(problem: "libyaml could not start (out of memory)") }
            defer { yaml_parser_delete(&parser) }
            yaml_parser_set_input_string(&parser, buffer.baseAddress, buffer.count)
            yaml_parser_set_encoding(&parser, YAML_UTF8_ENCODING)
            var composer = Composer(maxDepth: maxDepth)
            while true {
                var event = yaml_event_t()
                guard yaml_parser_parse(&parser, &event) == 1 else { throw error(of: parser, in: buffer) }
                defer { yaml_event_delete(&event) }
                if event.type == YAML_STREAM_END_EVENT { break }
                try composer.take(event)
            }
            return composer.document
        }
    }

    static func error(of parser: yaml_parser_t, in bytes: UnsafeBufferPointer<UInt8>) -> YAMLError {
        let problem = parser.problem.map { String(cString: $0) } ?? "not valid YAML"
        let context = parser.context.map { String(cString: $0) }
        if parser.error == YAML_READER_ERROR {
            // The reader has no mark, only the byte where decoding failed: count the lines before it.
            let offset = min(parser.problem_offset, bytes.count)
            return YAMLError(line: lines(in: bytes[..<offset]), column: nil, problem: problem, context: context)
        }
        let mark = parser.problem_mark
        // At the end of a text without a final line break, libyaml's mark moves to a line that is not
        // there; name the last real line instead.
        let last = lines(in: bytes[...])
        if mark.line + 1 > last { return YAMLError(line: last, column: nil, problem: problem, context: context) }
        return YAMLError(line: mark.line + 1, column: mark.column + 1, problem: problem, context: context)
    }

    /// The line number at the end of `bytes`, counting line breaks as YAML does: CR LF, CR, LF, and
    /// NEL, LS, PS.
    static func lines(in bytes: Slice<UnsafeBufferPointer<UInt8>>) -> Int {
        var line = 1
        var i = bytes.startIndex
        while i < bytes.endIndex {
            switch bytes[i] {
            case 0x0A: line += 1
            case 0x0D where i + 1 >= bytes.endIndex || bytes[i + 1] != 0x0A: line += 1
            case 0xC2 where i + 1 < bytes.endIndex && bytes[i + 1] == 0x85: line += 1
            case 0xE2 where i + 2 < bytes.endIndex && bytes[i + 1] == 0x80 && (bytes[i + 2] == 0xA8 || bytes[i + 2] == 0xA9): line += 1
            default: break
            }
            i += 1
        }
        return line
    }
}

/// Builds nodes from libyaml's events.
struct Composer {
    enum Frame {
        case sequence(YAMLNode.List, anchor: String?)
        case mapping(YAMLNode.Mapping, anchor: String?, key: YAMLNode?, keys: Set<String>)
    }

    let maxDepth: Int
    var stack: [Frame] = []
    var anchors: Set<String> = []
    var document: YAMLNode?
    var documents = 0

    init(maxDepth: Int) { self.maxDepth = maxDepth }

    mutating func take(_ event: yaml_event_t) throws(YAMLError) {
        let mark = YAMLMark(line: event.start_mark.line + 1, column: event.start_mark.column + 1)
        switch event.type {
        case YAML_DOCUMENT_START_EVENT:
            documents += 1
            if documents > 1 {
                throw YAMLError(line: mark.line, column: mark.column, problem: "a second document starts here; the file must hold one", context: nil)
            }
        case YAML_SCALAR_EVENT:
            let s = event.data.scalar
            let text = String(decoding: UnsafeBufferPointer(start: s.value, count: s.length), as: UTF8.self)
            let scalar = YAMLNode.Scalar(string: text, style: Self.style(s.style), tag: Self.text(s.tag), mark: mark)
            try finish(.scalar(scalar), anchor: Self.text(s.anchor))
        case YAML_ALIAS_EVENT:
            let name = Self.text(event.data.alias.anchor) ?? ""
            guard anchors.contains(name) else {
                throw YAMLError(line: mark.line, column: mark.column, problem: "alias *\(name) refers to no anchor before it", context: nil)
            }
            try finish(.alias(.init(name: name, mark: mark)), anchor: nil)
        case YAML_SEQUENCE_START_EVENT:
            try push(.sequence(.init(nodes: [], mark: mark), anchor: Self.text(event.data.sequence_start.anchor)), at: mark)
        case YAML_MAPPING_START_EVENT:
            try push(.mapping(.init(pairs: [], mark: mark), anchor: Self.text(event.data.mapping_start.anchor), key: nil, keys: []), at: mark)
        case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
            switch stack.removeLast() {
            case .sequence(let list, let anchor): try finish(.sequence(list), anchor: anchor)
            case .mapping(let mapping, let anchor, _, _): try finish(.mapping(mapping), anchor: anchor)
            }
        default:
            break
        }
    }

    mutating func push(_ frame: Frame, at mark: YAMLMark) throws(YAMLError) {
        guard stack.count < maxDepth else {
            throw YAMLError(line: mark.line, column: mark.column, problem: "nested deeper than \(maxDepth) levels", context: nil)
        }
        stack.append(frame)
    }

    /// A complete node goes into its parent, or becomes the document.
    mutating func finish(_ node: YAMLNode, anchor: String?) throws(YAMLError) {
        if let anchor { anchors.insert(anchor) }
        guard let top = stack.popLast() else {
            document = node
            return
        }
        switch top {
        case .sequence(var list, let a):
            list.nodes.append(node)
            stack.append(.sequence(list, anchor: a))
        case .mapping(let mapping, let a, nil, let keys):
            var keys = keys
            if let text = node.string, !keys.insert(text).inserted {
                throw YAMLError(line: node.mark.line, column: node.mark.column, problem: "key '\(text)' appears twice in this mapping", context: nil)
            }
            stack.append(.mapping(mapping, anchor: a, key: node, keys: keys))
        case .mapping(var mapping, let a, let key?, let keys):
            mapping.pairs.append((key, node))
            stack.append(.mapping(mapping, anchor: a, key: nil, keys: keys))
        }
    }

    static func text(_ pointer: UnsafeMutablePointer<yaml_char_t>?) -> String? {
        pointer.map { String(cString: $0) }
    }

    static func style(_ style: yaml_scalar_style_t) -> YAMLNode.Scalar.Style {
        switch style {
        case YAML_SINGLE_QUOTED_SCALAR_STYLE: .singleQuoted
        case YAML_DOUBLE_QUOTED_SCALAR_STYLE: .doubleQuoted
        case YAML_LITERAL_SCALAR_STYLE: .literal
        case YAML_FOLDED_SCALAR_STYLE: .folded
        default: .plain
        }
    }
}
