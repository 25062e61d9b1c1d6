import AtttTestSupport
import Foundation
import HardeningCore
@testable import PolicyLoading
import Testing

/// The shipped policy loads; a bad one is refused with the file, the line and what to do.
@Suite struct PolicyLoaderTests {
    @Test func shippedPolicyCoversTheIssuesControls() throws {
        let policy = try PolicyLoader().load(directory: Repository.policies)
        let ids = Set(policy.controls.map(\.id))
        for id in ["VN-TD-PW-001", "VN-TD-PW-003", "VN-TD-PW-004", "VN-TD-AUTH-001", "VN-TD-ACC-001", "VN-TD-ACC-002",
                   "VN-TD-SW-001", "VN-TD-SW-002", "VN-TD-AV-001", "VN-TD-AV-002", "VN-TD-SHR-001", "VN-TD-SHR-002"] {
            #expect(ids.contains(id), "\(id) missing")
        }
        for control in policy.controls {
            #expect(!control.references.isEmpty && control.references.allSatisfy { $0.hasPrefix("Điều ") })
            #expect(!control.title.vi.isEmpty && !control.title.en.isEmpty)
            for p in control.parameters { #expect(p.meetsFloor(p.recommended), "\(control.id).\(p.name)") }
        }
        // Điều 6 appears twice in the regulation; references say which one.
        #expect(policy.control("VN-TD-PW-001")?.references.contains("Điều 6 (Trang thiết bị và hạ tầng công nghệ thông tin) khoản 3") == true)
        #expect(policy.control("VN-TD-ACC-001")?.references.contains("Điều 6 (Điều kiện đảm bảo thực hiện nhiệm vụ an toàn, an ninh thông tin) khoản 5 điểm c") == true)
        #expect(policy.catalogs["software.denied"] != nil && policy.catalogs["antivirus.engines"] != nil)
    }

    @Test(arguments: [
        ("D9.K6", "Điều 9 khoản 6"), ("D6B.K3", "Điều 6 (Trang thiết bị và hạ tầng công nghệ thông tin) khoản 3"),
        ("D6A.K5.dd", "Điều 6 (Điều kiện đảm bảo thực hiện nhiệm vụ an toàn, an ninh thông tin) khoản 5 điểm đ"),
        ("D13.K2.c", "Điều 13 khoản 2 điểm c"), ("D7", "Điều 7"),
    ])
    func clauseCodes(_ code: String, _ text: String) {
        #expect(ClauseReference.vietnamese(code) == text)
    }

    @Test(arguments: ["D6.K3", "9.6", "D9.K0", "D9.K6.gg", "Điều 9", ""])
    func badClauseCodes(_ code: String) {
        #expect(ClauseReference.vietnamese(code) == nil)
    }

    /// A copy of the shipped policy with one file changed.
    func loadEdited(_ file: String, _ edit: (String) -> String) throws -> Result<Policy, PolicyError> {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("attt-policy-\(UUID())")
        try FileManager.default.copyItem(at: Repository.policies, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let url = copy.appendingPathComponent(file)
        try edit(try String(contentsOf: url, encoding: .utf8)).write(to: url, atomically: true, encoding: .utf8)
        do { return .success(try PolicyLoader().load(directory: copy)) } catch let e as PolicyError { return .failure(e) }
    }

    func expectRefusal(_ file: String, line: Int?, containing message: String, _ edit: @escaping (String) -> String) throws {
        guard case .failure(let error) = try loadEdited(file, edit) else { Issue.record("accepted a bad \(file)"); return }
        #expect(error.file.hasSuffix(file))
        if let line { #expect(error.line == line, "\(error)") }
        #expect(error.description.contains(message), "\(error)")
    }

    @Test func refusals() throws {
        try expectRefusal("controls/passwords.yaml", line: 2, containing: "unknown key 'identifier'") { $0.replacingOccurrences(of: "  - id: VN-TD-PW-001", with: "  - identifier: VN-TD-PW-001") }
        try expectRefusal("controls/passwords.yaml", line: nil, containing: "missing required key 'id'") { $0.replacingOccurrences(of: "  - id: VN-TD-PW-001\n", with: "  -\n") }
        try expectRefusal("controls/lockout.yaml", line: 3, containing: "'D7-K2' is not a clause code") { $0.replacingOccurrences(of: "[D7.K2]", with: "[D7-K2]") }
        try expectRefusal("controls/passwords.yaml", line: 27, containing: "unknown parameter 'min_length'") { $0.replacingOccurrences(of: "param: minlen", with: "param: min_length") }
        try expectRefusal("controls/software.yaml", line: nil, containing: "unknown catalogue 'software.forbidden'") { $0.replacingOccurrences(of: "catalog: software.denied", with: "catalog: software.forbidden") }
        try expectRefusal("controls/accounts.yaml", line: nil, containing: "severity 'urgent'") { $0.replacingOccurrences(of: "severity: high", with: "severity: urgent") }
        try expectRefusal("controls/antivirus.yaml", line: nil, containing: "weaker than the regulation") { $0.replacingOccurrences(of: "recommended: 1", with: "recommended: 9") }
        try expectRefusal("controls/antivirus.yaml", line: nil, containing: "not_applicable_reason") { $0.replacingOccurrences(of: "    not_applicable_reason:", with: "    rationale_x:") }
        try expectRefusal("policy.yaml", line: nil, containing: "not valid YAML") { $0 + "\n  : : [\n" }
        try expectRefusal("catalogs/software.yaml", line: nil, containing: "'kiosk' is not a role") { $0.replacingOccurrences(of: "  server:\n", with: "  kiosk:\n") }
    }

    @Test func duplicateControlIdsAreRefused() throws {
        try expectRefusal("controls/shares.yaml", line: nil, containing: "also defined in") { $0.replacingOccurrences(of: "id: VN-TD-SHR-002", with: "id: VN-TD-PW-001") }
    }

    /// Damaged policy files never crash the loader: they load, or they are refused with the file named.
    @Test func damagedPolicyFilesAreRefusedNotCrashed() throws {
        var rng = SeededRandom(seed: 42)
        let files = ["policy.yaml", "controls/passwords.yaml", "controls/shares.yaml", "catalogs/software.yaml"]
        for i in 0..<120 {
            let file = files[i % files.count]
            let outcome = try loadEdited(file) { Mutator.mutate($0, &rng) }
            if case .failure(let error) = outcome { #expect(error.file.hasSuffix(file) || error.file.contains("attt-policy-"), "\(error)") }
        }
    }

    @Test func tailoring() throws {
        let policy = try PolicyLoader().load(directory: Repository.policies)
        func load(_ text: String) throws -> [String: FactValue] {
            let file = FileManager.default.temporaryDirectory.appendingPathComponent("t-\(UUID()).yaml")
            try text.write(to: file, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(at: file) }
            return try TailoringLoader().load(file: file, policy: policy)
        }
        let ok = try load("tailoring: attt.tailoring.v1\nparameters:\n  it_accounts: [cbcntt]\ncontrols:\n  VN-TD-PW-001:\n    minlen: 10\n  VN-TD-PW-004:\n    max_days: 90\n")
        #expect(ok["VN-TD-PW-001.minlen"] == .int(10))
        #expect(ok["it_accounts"] == .array([.string("cbcntt")]))
        #expect(throws: PolicyError.self) { try load("tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-PW-004:\n    max_days: 400\n") }
        #expect(throws: PolicyError.self) { try load("tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-PW-001:\n    maxlen: 10\n") }
        #expect(throws: PolicyError.self) { try load("tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-ZZ-001:\n    x: 1\n") }
        #expect(throws: PolicyError.self) { try load("tailoring: v0\n") }
        do {
            _ = try load("tailoring: attt.tailoring.v1\ncontrols:\n  VN-TD-AUTH-001:\n    max_deny: 8\n")
            Issue.record("accepted a weaker lockout")
        } catch let e as PolicyError {
            #expect(e.line == 4)
            #expect(e.hint == "use a value at most 5")
        }
    }
}
