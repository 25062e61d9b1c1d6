import Foundation
import HardeningCore
import Testing

/// The evaluator on hand-made fact trees: statuses, evidence, parameters, guards, quantifiers.
@Suite struct EvaluatorTests {
    static let now = Date(timeIntervalSince1970: 1_790_000_000)

    func control(_ condition: Condition?, parameters: [Parameter] = [], roles: [Role] = Role.allCases, applicability: Condition? = nil) -> Control {
        Control(
            id: "VN-TD-TST-001", references: ["Điều 9 khoản 6"], title: LocalizedText(vi: "Thử", en: "Test"), rationale: nil,
            severity: .high, roles: roles, area: "test", parameters: parameters, applicability: applicability,
            notApplicableReason: applicability == nil ? nil : LocalizedText(vi: "không", en: "no"), condition: condition,
            attestation: condition == nil ? LocalizedText(vi: "xác nhận", en: "attest") : nil, fix: nil
        )
    }

    func run(_ c: Control, _ facts: FactValue, profile: Profile = .regulation, role: Role = .workstation, tailoring: [String: FactValue] = [:], catalogs: [String: FactValue] = [:]) -> ControlResult {
        let policy = Policy(id: "t", version: "1", title: LocalizedText(vi: "t", en: "t"), parameters: [], controls: [c], catalogs: catalogs)
        return Evaluator(policy: policy, context: EvaluationContext(profile: profile, role: role, now: Self.now, tailoring: tailoring), schema: nil).evaluate(c, facts)
    }

    static let minlen = Parameter(name: "minlen", description: nil, stricter: .higher, regulation: .int(6), recommended: .int(12))

    func sourced(_ v: FactValue, _ s: String) -> FactValue { .object(["value": v, "source": .string(s)]) }

    @Test func comparisonCarriesActualExpectedAndSource() {
        let facts = FactValue.object(["pw": .object(["minlen": sourced(.int(8), "/etc/security/pwquality.conf:11")])])
        let c = control(.compare(Comparison(fact: "pw.minlen", op: .ge, operand: .parameter("minlen"), label: "minlen")), parameters: [Self.minlen])
        let pass = run(c, facts)
        #expect(pass.status == .pass)
        #expect(pass.evidence == [Evidence(source: "/etc/security/pwquality.conf:11", subject: nil, label: "minlen", actual: "8", expected: "≥ 6")])
        let fail = run(c, facts, profile: .recommended)
        #expect(fail.status == .fail)
        #expect(fail.evidence.first?.expected == "≥ 12")
        #expect(run(c, facts, tailoring: ["VN-TD-TST-001.minlen": .int(8)]).status == .pass)
        #expect(run(c, facts, tailoring: ["VN-TD-TST-001.minlen": .int(9)]).status == .fail)
    }

    @Test func missingFactFailsWithAbsentActual() {
        let c = control(.compare(Comparison(fact: "nothing.here", op: .ge, operand: .literal(.int(1)))))
        let r = run(c, .object([:]))
        #expect(r.status == .fail)
        #expect(r.evidence.first?.actual == nil)
    }

    @Test func probeErrorBecomesErrorWithReason() {
        let facts = FactValue.object(["accounts": .object(["$error": .string("/etc/shadow: Permission denied")])])
        let r = run(control(.compare(Comparison(fact: "accounts.users", op: .notEmpty, operand: nil))), facts)
        #expect(r.status == .error)
        #expect(r.reason?.en.contains("/etc/shadow: Permission denied") == true)
        let unavailable = FactValue.object(["services": .object(["active": .object(["$unavailable": .string("root is not /")])])])
        let u = run(control(.compare(Comparison(fact: "services.active", op: .notEmpty, operand: nil))), unavailable)
        #expect(u.status == .error)
        #expect(u.reason?.vi.contains("root is not /") == true)
    }

    @Test func roleAndApplicabilityGiveNotApplicableWithReason() {
        let c = control(.compare(Comparison(fact: "x", op: .exists, operand: nil)), roles: [.server])
        let r = run(c, .object(["x": .int(1)]))
        #expect(r.status == .notApplicable)
        #expect(r.reason?.vi.contains("máy trạm") == true)
        let a = control(.compare(Comparison(fact: "x", op: .exists, operand: nil)), applicability: .compare(Comparison(fact: "samba", op: .isTrue, operand: nil)))
        #expect(run(a, .object(["x": .int(1), "samba": .bool(false)])).status == .notApplicable)
        #expect(run(a, .object(["x": .int(1), "samba": .bool(true)])).status == .pass)
        #expect(run(control(nil), .object([:])).status == .manual)
    }

    static let users = FactValue.object(["users": .array([
        .object(["name": .string("root"), "uid": .int(0), "source": .string("/etc/passwd:1")]),
        .object(["name": .string("toor"), "uid": .int(0), "source": .string("/etc/passwd:30")]),
        .object(["name": .string("an"), "uid": .int(1000), "source": .string("/etc/passwd:31")]),
    ])])

    @Test func noneReportsEachOffendingItem() {
        let extraRoot = Condition.none(Quantifier(
            over: .fact("users"), binding: nil, itemLabel: nil,
            filter: .all([
                .compare(Comparison(fact: "uid", op: .eq, operand: .literal(.int(0)))),
                .compare(Comparison(fact: "name", op: .ne, operand: .literal(.string("root")))),
            ]), requirement: nil, label: "extra uid 0"))
        let r = run(control(extraRoot), Self.users)
        #expect(r.status == .fail)
        #expect(r.evidence.allSatisfy { $0.item.hasPrefix("toor") })
        #expect(r.evidence.first?.source == "/etc/passwd:30")
        // What made the item match is what makes the control fail: it reads negated.
        #expect(r.evidence.map(\.expected) == ["≠ 0", "= root"])
        #expect(r.evidence.allSatisfy { !$0.ok })
    }

    @Test func everyNamesFailingItemsAndCountsChecked() {
        let c = control(.every(Quantifier(
            over: .fact("users"), binding: nil, itemLabel: "name",
            filter: .compare(Comparison(fact: "uid", op: .ge, operand: .literal(.int(1)))),
            requirement: .compare(Comparison(fact: "uid", op: .ge, operand: .literal(.int(2000)), label: "uid")), label: LocalizedText(vi: "người dùng", en: "people"))))
        let r = run(c, Self.users)
        #expect(r.status == .fail)
        #expect(r.evidence == [Evidence(source: "/etc/passwd:31", subject: "an", label: "uid", actual: "1000", expected: "≥ 2000", ok: false)])
        let empty = run(c, .object(["users": .array([])]))
        #expect(empty.status == .pass)
        #expect(empty.evidence.first?.actual == "0")
    }

    @Test func someOverCatalogWithBoundVariables() {
        let catalogs: [String: FactValue] = ["software.mandatory": .object(["all": .array([.object(["package": .string("clamav"), "min_version": .string("1.0.0")])])])]
        let needs = Condition.every(Quantifier(
            over: .catalog("software.mandatory"), binding: "req", itemLabel: "package", filter: nil,
            requirement: .some(Quantifier(over: .fact("packages"), binding: nil, itemLabel: nil, filter: .all([
                .compare(Comparison(fact: "name", op: .eq, operand: .variable("req.package"))),
                .compare(Comparison(fact: "version", op: .versionAtLeast, operand: .variable("req.min_version"))),
            ]), requirement: nil, label: "installed")), label: nil))
        func facts(_ version: String) -> FactValue {
            .object(["packages": .array([.object(["name": .string("clamav"), "version": .string(version)])])])
        }
        #expect(run(control(needs), facts("1.0.9+dfsg-1~deb12u1"), catalogs: catalogs).status == .pass)
        let old = run(control(needs), facts("0.103.10+dfsg-0+deb11u1"), catalogs: catalogs)
        #expect(old.status == .fail)
        #expect(old.evidence.first?.item == "clamav · installed")
    }

    @Test func guardsSkipOutsideTheirProfileOrRole() {
        let strict = Condition.guarded(Guard(profiles: [.recommended], roles: nil), .compare(Comparison(fact: "x", op: .isTrue, operand: nil)))
        let facts = FactValue.object(["x": .bool(false)])
        #expect(run(control(strict), facts).status == .pass)
        #expect(run(control(strict), facts, profile: .recommended).status == .fail)
        let pcOnly = Condition.guarded(Guard(profiles: nil, roles: [.workstation]), .compare(Comparison(fact: "x", op: .isTrue, operand: nil)))
        #expect(run(control(pcOnly), facts, role: .server).status == .pass)
        #expect(run(control(pcOnly), facts).status == .fail)
    }

    @Test func withinDaysUsesTheEvaluationTime() {
        let c = control(.compare(Comparison(fact: "built", op: .withinDays, operand: .literal(.int(3)))))
        let recent = Timestamp(Self.now.addingTimeInterval(-2 * 86_400)).description
        let old = Timestamp(Self.now.addingTimeInterval(-4 * 86_400)).description
        #expect(run(c, .object(["built": .string(recent)])).status == .pass)
        #expect(run(c, .object(["built": .string(old)])).status == .fail)
        #expect(run(c, .object([:])).status == .fail)
    }

    @Test func matchesAnyUsesGlobs() {
        let c = control(.compare(Comparison(fact: "name", op: .matchesAny, operand: .literal(.array([.string("libreoffice-*"), .string("vlc")])))))
        #expect(run(c, .object(["name": .string("libreoffice-writer")])).status == .pass)
        #expect(run(c, .object(["name": .string("vlc")])).status == .pass)
        #expect(run(c, .object(["name": .string("anydesk")])).status == .fail)
    }

    @Test func floorViolationsRefuseWeakerTailoring() {
        let c = control(.compare(Comparison(fact: "x", op: .exists, operand: nil)), parameters: [
            Self.minlen,
            Parameter(name: "max_days", description: nil, stricter: .lower, regulation: .int(180), recommended: .int(90)),
            Parameter(name: "root", description: nil, stricter: .higher, regulation: .bool(true), recommended: .bool(true)),
        ])
        let policy = Policy(id: "t", version: "1", title: LocalizedText(vi: "t", en: "t"), parameters: [], controls: [c], catalogs: [:])
        #expect(policy.floorViolations(in: ["VN-TD-TST-001.minlen": .int(8), "VN-TD-TST-001.max_days": .int(90)]).isEmpty)
        #expect(policy.floorViolations(in: ["VN-TD-TST-001.minlen": .int(5)]).map(\.key) == ["VN-TD-TST-001.minlen"])
        #expect(policy.floorViolations(in: ["VN-TD-TST-001.max_days": .int(365)]).map(\.key) == ["VN-TD-TST-001.max_days"])
        #expect(policy.floorViolations(in: ["VN-TD-TST-001.root": .bool(false)]).map(\.key) == ["VN-TD-TST-001.root"])
    }

    @Test func evidenceIsCappedWithACount() {
        let many = FactValue.object(["users": .array((0..<200).map { .object(["name": .string("u\($0)"), "uid": .int(0)]) })])
        let c = control(.none(Quantifier(over: .fact("users"), binding: nil, itemLabel: nil, filter: .compare(Comparison(fact: "uid", op: .eq, operand: .literal(.int(0)))), requirement: nil, label: nil)))
        let r = run(c, many)
        #expect(r.evidence.count == 61)
        #expect(r.evidence.last?.actual == "+140")
    }
}
