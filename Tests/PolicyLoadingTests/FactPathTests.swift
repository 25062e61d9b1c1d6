import AtttTestSupport
import Foundation
import HardeningCore
import PolicyLoading
import Testing

/// Issue 12 point 8: every fact path of a control is checked at load against what the probes can
/// fill; a typo is refused with the file, the line and the name that was probably meant.
@Suite struct FactPathTests {
    /// A copy of the shipped policy with one file changed, loaded.
    func load(_ file: String, replacing old: String, with new: String) throws -> PolicyError {
        let copy = FileManager.default.temporaryDirectory.appendingPathComponent("attt-policy-\(UUID())")
        try FileManager.default.copyItem(at: Repository.policies, to: copy)
        defer { try? FileManager.default.removeItem(at: copy) }
        let url = copy.appendingPathComponent(file)
        let text = try String(contentsOf: url, encoding: .utf8)
        try #require(text.contains(old), "the shipped \(file) no longer contains \(old)")
        try text.replacingOccurrences(of: old, with: new).write(to: url, atomically: true, encoding: .utf8)
        let error = #expect(throws: PolicyError.self) { try PolicyLoader().load(directory: copy) }
        return try #require(error, "a policy naming a fact that does not exist was accepted")
    }

    @Test func shippedPolicyNamesOnlyFactsTheProbesFill() throws {
        let policy = try PolicyLoader().load(directory: Repository.policies)
        for control in policy.controls {
            #expect(FactSchema.hostFacts.unknownFacts(in: control).isEmpty, "\(control.id)")
        }
    }

    @Test func aTypoInAComparisonIsRefusedAtItsLine() throws {
        let error = try load("controls/passwords.yaml", replacing: "- fact: authentication.passwordChange.pwquality.minlen", with: "- fact: authentication.passwordChange.pwqualty.minlen")
        #expect(error.file.hasSuffix("controls/passwords.yaml"))
        #expect(error.line == 25)
        #expect(error.message.contains("no 'pwqualty' under authentication.passwordChange"), "\(error)")
        #expect(error.hint == "did you mean 'authentication.passwordChange.pwquality.minlen'?")
    }

    /// The case the issue names: inside `none:` an unknown field reads as absent, so nothing matches
    /// and the control passes on every host.
    @Test func aTypoInsideNoneIsRefused() throws {
        let error = try load("controls/software.yaml", replacing: "where: {fact: name, op: matchesAny, catalog: software.denied", with: "where: {fact: nmae, op: matchesAny, catalog: software.denied")
        #expect(error.line == 17)
        #expect(error.hint == "did you mean 'name'?", "\(error)")
    }

    @Test func aTypoInTheListOfAQuantifierIsRefused() throws {
        let error = try load("controls/software.yaml", replacing: "- none: packages.installed", with: "- none: packages.instaled")
        #expect(error.line == 15)
        #expect(error.hint == "did you mean 'packages.installed'?", "\(error)")
    }

    @Test func aQuantifierOverAScalarIsRefused() throws {
        let error = try load("controls/software.yaml", replacing: "- none: packages.installed", with: "- none: system.hostname")
        #expect(error.message.contains("'system.hostname' is not a list of facts"), "\(error)")
    }

    @Test func theSchemaFollowsTheFactTypes() {
        let schema = FactSchema.hostFacts
        // Sourced values, optionals, lists of records and Probed areas are all known.
        #expect((try? schema.resolve("authentication.passwordChange.pwquality.minlen").get()) != nil)
        #expect((try? schema.resolve("remoteAccess.ssh.matchBlocks").get())?.element != nil)
        #expect((try? schema.resolve("enforcement.passwordPolicySince").get())?.unwrapped == .scalar)
        #expect((try? schema.resolve("accounts.users").get()) != nil)
        #expect((try? schema.resolve("accounts.$error").get()) == nil)
        #expect((try? schema.resolve("packages.installed.name").get()) == nil)
    }

    /// A policy built in code (or a schema that moved on) still cannot pass on a path that names nothing.
    @Test func theEvaluatorGivesErrorOnAnUnknownPath() throws {
        let control = Control(
            id: "VN-TD-TST-001", references: ["Điều 9 khoản 6"], title: LocalizedText(vi: "Thử", en: "Test"), rationale: nil,
            severity: .high, roles: Role.allCases, area: "test", parameters: [], applicability: nil, notApplicableReason: nil,
            condition: .none(Quantifier(over: .fact("accounts.users"), binding: nil, itemLabel: nil,
                                        filter: .compare(Comparison(fact: "passwrodState", op: .eq, operand: .literal(.string("empty")))), requirement: nil, label: nil)),
            attestation: nil, fix: nil
        )
        let policy = Policy(id: "t", version: "1", title: LocalizedText(vi: "t", en: "t"), parameters: [], controls: [control], catalogs: [:])
        let evaluator = Evaluator(policy: policy, context: EvaluationContext(profile: .regulation, role: .workstation, now: Date()))
        let result = evaluator.evaluate(control, .object(["accounts": .object(["users": .array([.object(["name": .string("an"), "passwordState": .string("empty")])])])]))
        #expect(result.status == .error)
        #expect(result.reason?.en.contains("did you mean 'passwordState'?") == true, "\(String(describing: result.reason))")
    }
}
