import AtttTestSupport
import Foundation
import Testing
@testable import YAMLParsing

@Suite struct YAMLParserTests {
    func compose(_ text: String) throws -> YAMLNode {
        try #require(try YAMLParser.compose(text))
    }

    func error(_ text: String) -> YAMLError? {
        do {
            _ = try YAMLParser.compose(text)
            return nil
        } catch {
            return error
        }
    }

    @Test func nodesKeepOrderStyleAndPosition() throws {
        let doc = try compose("""
            # a comment
            policy: vn-td
            version: 1
            roles:
              - workstation
              - 'server'
            text: |
              line one
              line two
            nested: {a: "x", b: [1, 2]}
            """)
        let map = try #require(doc.mapping)
        #expect(map.map { $0.key.string } == ["policy", "version", "roles", "text", "nested"])
        #expect(map["policy"]?.string == "vn-td")
        #expect(map["policy"]?.mark == YAMLMark(line: 2, column: 9))
        #expect(map[1].key.mark.line == 3)
        #expect(map["version"]?.int == 1)
        let roles = try #require(map["roles"]?.sequence)
        #expect(roles.map(\.string) == ["workstation", "server"])
        #expect(roles[1].scalar?.style == .singleQuoted)
        #expect(roles[1].mark.line == 6)
        #expect(map["text"]?.string == "line one\nline two\n")
        #expect(map["text"]?.scalar?.style == .literal)
        let nested = try #require(map["nested"]?.mapping)
        #expect(nested["a"]?.scalar?.style == .doubleQuoted)
        #expect(nested["b"]?.sequence?.compactMap(\.int) == [1, 2])
        #expect(nested.mark.line == 10)
    }

    /// YAML 1.2 core schema, not 1.1: `0755` is decimal, `yes` is text, `1_000` is not a number.
    @Test(arguments: [
        ("0", 0), ("-12", -12), ("+7", 7), ("0o17", 15), ("0x1F", 31), ("0755", 755), ("9223372036854775807", Int.max),
    ])
    func integers(text: String, value: Int) throws {
        #expect(try compose(text).int == value)
        #expect(try compose(text).float == Double(value))
    }

    @Test(arguments: ["", "1_000", "0b101", "1.5", "12a", "-", "0x", "0o8", "9223372036854775808", "yes", "1e3"])
    func notIntegers(text: String) throws {
        #expect(try compose("'\(text)'").int == nil || text.isEmpty)
        if !text.isEmpty { #expect(try compose(text).int == nil) }
    }

    @Test(arguments: [("1.5", 1.5), ("-0.25", -0.25), (".5", 0.5), ("1.", 1.0), ("1e3", 1000), ("2.5E-1", 0.25), ("+.inf", Double.infinity), ("-.Inf", -Double.infinity)])
    func floats(text: String, value: Double) throws {
        #expect(try compose(text).float == value)
    }

    @Test(arguments: ["1.2.3", ".", "e3", "1e", "inf", "nan", "0x1.8p1", "1,5"])
    func notFloats(text: String) throws {
        #expect(try compose(text).float == nil)
    }

    @Test func explicitStringTagIsNeverANumber() throws {
        let node = try compose("!!str 5")
        #expect(node.string == "5")
        #expect(node.int == nil)
        #expect(node.float == nil)
        #expect(node.scalar?.tag == "tag:yaml.org,2002:str")
    }

    @Test func emptyAndCommentOnlyTextsHoldNoDocument() throws {
        #expect(try YAMLParser.compose("") == nil)
        #expect(try YAMLParser.compose("# only a comment\n\n# another\n") == nil)
        #expect(try YAMLParser.compose("---\n").map { $0.string } == "")
    }

    @Test func syntaxErrorsNameLineAndColumn() throws {
        // The flow sequence opened on line 2 is found unclosed at `c: 3`.
        let e = try #require(error("a: 1\nb: [1, 2\nc: 3\n"))
        #expect(e.line == 3)
        #expect(e.problem.contains("did not find expected"))
        let tab = try #require(error("a:\n\tb: 1\n"))
        #expect(tab.line == 2)
        #expect(tab.description.hasPrefix("line 2, column"))
    }

    @Test func repeatedKeyIsAnErrorAtTheSecondOne() throws {
        let e = try #require(error("a: 1\nb: 2\na: 3\n"))
        #expect(e.line == 3)
        #expect(e.problem == "key 'a' appears twice in this mapping")
        // The same key in two different mappings is fine.
        #expect(error("x: {a: 1}\ny: {a: 2}\n") == nil)
    }

    @Test func oneDocumentOnly() throws {
        let e = try #require(error("a: 1\n---\nb: 2\n"))
        #expect(e.line == 2)
        #expect(e.problem.contains("second document"))
    }

    @Test func aliasesAreKeptNeverExpanded() throws {
        let doc = try compose("base: &b {x: 1}\nother: *b\n")
        let alias = try #require(doc.mapping?["other"])
        guard case .alias(let a) = alias else { Issue.record("expected an alias, got \(alias)"); return }
        #expect(a.name == "b")
        #expect(a.mark.line == 2)
        let unknown = try #require(error("a: *nowhere\n"))
        #expect(unknown.problem.contains("refers to no anchor"))
        #expect(unknown.line == 1)
    }

    /// Nesting is capped: a hostile or broken file cannot make the tree arbitrarily deep.
    @Test func deepNestingIsRefused() throws {
        #expect(error(String(repeating: "[", count: 64) + String(repeating: "]", count: 64)) == nil)
        let deep = try #require(error(String(repeating: "[", count: 100_000)))
        #expect(deep.problem == "nested deeper than 64 levels")
        #expect(deep.line == 1)
        #expect(deep.column == 65)
    }

    /// A Swift string is always valid UTF-8, but libyaml's reader still refuses control characters:
    /// its error has a byte offset, not a mark, and must still name the line.
    @Test func readerErrorsNameTheirLine() throws {
        let nul = try #require(error("a: 1\nb: \u{0}\n"))
        #expect(nul.line == 2)
        #expect(nul.problem.contains("control characters"))
    }
}
