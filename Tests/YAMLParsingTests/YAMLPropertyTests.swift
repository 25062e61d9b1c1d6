import AtttTestSupport
import Foundation
import Testing
@testable import YAMLParsing

/// Random documents written out as YAML must come back as the same tree, with every scalar at the
/// line it was written on; damaged real files must never crash the parser.
@Suite struct YAMLPropertyTests {
    indirect enum Tree {
        case scalar(String)
        case list([Tree])
        case map([(String, Tree)])

        /// `[]` or `{}`: written inline, since a block collection cannot be empty.
        var emptyFlow: String? {
            switch self {
            case .list(let items) where items.isEmpty: "[]"
            case .map(let pairs) where pairs.isEmpty: "{}"
            default: nil
            }
        }
    }

    static let alphabet = Array("abcxyz019 -_:#'\"\\\t{}[],&*!|>%@`ăâđêôơưĐỨ漢🙂/.?")

    static func text(_ rng: inout SeededRandom) -> String {
        String((0..<Int.random(in: 0...12, using: &rng)).map { _ in alphabet.randomElement(using: &rng)! })
    }

    static func tree(_ rng: inout SeededRandom, depth: Int) -> Tree {
        let kind = depth == 0 ? Int.random(in: 1...2, using: &rng) : Int.random(in: 0...2, using: &rng)
        if depth > 5 || kind == 0 { return .scalar(text(&rng)) }
        let count = Int.random(in: 0...4, using: &rng)
        if kind == 1 { return .list((0..<count).map { _ in tree(&rng, depth: depth + 1) }) }
        var keys = Set<String>()
        var pairs: [(String, Tree)] = []
        for _ in 0..<count {
            let key = text(&rng)
            if keys.insert(key).inserted { pairs.append((key, tree(&rng, depth: depth + 1))) }
        }
        return .map(pairs)
    }

    /// Double-quoted, so every character is allowed; escapes as YAML defines them.
    static func quoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\t": out += "\\t"
            default: out.unicodeScalars.append(c)
            }
        }
        return out + "\""
    }

    /// Block style; records the line each scalar value lands on, in document order.
    struct Writer {
        var text = ""
        var line = 1
        var lines: [Int] = []

        mutating func put(_ s: String) {
            text += s + "\n"
            line += 1
        }

        mutating func write(_ tree: Tree, indent: Int) {
            let pad = String(repeating: " ", count: indent)
            switch tree {
            case .scalar: preconditionFailure("scalars are written by their parent")
            case .list(let items):
                for item in items {
                    if case .scalar(let s) = item {
                        lines.append(line)
                        put(pad + "- " + Self.quotedValue(s))
                    } else if let flow = item.emptyFlow {
                        put(pad + "- " + flow)
                    } else {
                        put(pad + "-")
                        write(item, indent: indent + 2)
                    }
                }
            case .map(let pairs):
                for (key, value) in pairs {
                    let k = YAMLPropertyTests.quoted(key)
                    if case .scalar(let s) = value {
                        lines.append(line)
                        put(pad + k + ": " + Self.quotedValue(s))
                    } else if let flow = value.emptyFlow {
                        put(pad + k + ": " + flow)
                    } else {
                        put(pad + k + ":")
                        write(value, indent: indent + 2)
                    }
                }
            }
        }

        static func quotedValue(_ s: String) -> String { YAMLPropertyTests.quoted(s) }
    }

    /// Compares and collects the scalar values' lines in the same order as the writer.
    func check(_ node: YAMLNode, _ tree: Tree, lines: inout [Int], path: String) {
        switch (tree, node) {
        case (.scalar(let s), .scalar(let scalar)):
            #expect(scalar.string == s, "\(path)")
            #expect(scalar.style == .doubleQuoted, "\(path)")
            lines.append(scalar.mark.line)
        case (.list(let items), .sequence(let list)):
            #expect(list.count == items.count, "\(path)")
            for (i, (item, n)) in zip(items, list).enumerated() { check(n, item, lines: &lines, path: "\(path)[\(i)]") }
        case (.map(let pairs), .mapping(let mapping)):
            #expect(mapping.map { $0.key.string } == pairs.map { Optional($0.0) }, "\(path)")
            for ((key, value), pair) in zip(pairs, mapping) { check(pair.value, value, lines: &lines, path: "\(path).\(key)") }
        default:
            Issue.record("\(path): expected \(tree), got \(node)")
        }
    }

    @Test func randomDocumentsRoundTrip() throws {
        var rng = SeededRandom(seed: 2026)
        for round in 0..<500 {
            let tree = Self.tree(&rng, depth: 0)
            var writer = Writer()
            if let flow = tree.emptyFlow { writer.put(flow) } else { writer.write(tree, indent: 0) }
            let node = try #require(try YAMLParser.compose(writer.text), "round \(round):\n\(writer.text)")
            var lines: [Int] = []
            check(node, tree, lines: &lines, path: "round \(round)")
            #expect(lines == writer.lines, "round \(round):\n\(writer.text)")
        }
    }

    /// The shipped policies, damaged as config files get damaged: never a crash, and an error always
    /// names a line inside the text.
    @Test func damagedPoliciesNeverCrash() throws {
        let files = try FileManager.default.subpathsOfDirectory(atPath: Repository.policies.path)
            .filter { $0.hasSuffix(".yaml") }
            .map { try String(contentsOf: Repository.policies.appendingPathComponent($0), encoding: .utf8) }
        #expect(!files.isEmpty)
        var rng = SeededRandom(seed: 11)
        var refused = 0
        for text in files {
            #expect(try YAMLParser.compose(text) != nil)
            for _ in 0..<300 {
                let damaged = Mutator.mutate(text, &rng)
                do {
                    _ = try YAMLParser.compose(damaged)
                } catch {
                    refused += 1
                    // YAML's line breaks: CR LF, CR, LF, and NEL, LS, PS.
                    // (Counted, not filtered: a filtered string would join a CR and a following LF.)
                    let breaks: Set<Character> = ["\r\n", "\r", "\n", "\u{85}", "\u{2028}", "\u{2029}"]
                    let lineCount = damaged.reduce(1) { $0 + (breaks.contains($1) ? 1 : 0) }
                    let line = try #require(error.line)
                    #expect((1...lineCount).contains(line), "\(error)")
                }
            }
        }
        // The mutations must actually reach the error paths, or this test proves nothing.
        #expect(refused > 100)
    }
}
