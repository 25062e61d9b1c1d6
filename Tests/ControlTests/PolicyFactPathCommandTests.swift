import AtttTestSupport
import Foundation
import Testing

/// `attt check` with a policy that names a fact no probe fills: exit 2, the file and line, and the
/// name that was meant (issue 12 point 8), before anything is evaluated.
@Suite struct PolicyFactPathCommandTests {
    @Test func aMistypedFactPathIsExit2WithFileLineAndSuggestion() throws {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("attt-policy-\(UUID())")
        try FileManager.default.copyItem(at: Repository.policies, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let file = copy.appendingPathComponent("controls/remote-access.yaml")
        let text = try String(contentsOf: file, encoding: .utf8)
        let typo = "where: {fact: permitEmptyPassword, op: isTrue"
        try #require(text.contains("where: {fact: permitEmptyPasswords, op: isTrue"), "the shipped remote-access.yaml changed")
        try text.replacingOccurrences(of: "where: {fact: permitEmptyPasswords, op: isTrue", with: typo).write(to: file, atomically: true, encoding: .utf8)
        let line = try #require(text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains("where: {fact: permitEmptyPasswords, op: isTrue") }) + 1
        let out = try AtttBinary.run(["check", "--root", Repository.host("debian12-hardened").path, "--policy", copy.path])
        #expect(out.status == 2)
        #expect(out.stderr.contains("controls/remote-access.yaml:\(line):"), "\(out.stderr)")
        #expect(out.stderr.contains("did you mean 'permitEmptyPasswords'?"), "\(out.stderr)")
    }
}
