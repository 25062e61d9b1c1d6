import HardeningCore
@testable import HostProbes
import Testing

/// PAM stacks as Linux-PAM builds and runs them.
@Suite struct PamTests {
    /// The usual pam_faillock recipe for Debian's common-auth.
    static let faillockAuth = """
        auth    requisite                       pam_faillock.so preauth
        auth    [success=1 default=ignore]      pam_unix.so nullok
        auth    [default=die]                   pam_faillock.so authfail
        auth    sufficient                      pam_faillock.so authsucc
        auth    requisite                       pam_deny.so
        auth    required                        pam_permit.so
        """

    func resolver(_ files: [String: String]) -> PamStackResolver {
        PamStackResolver { path in files[path] }
    }

    @Test func parsesBracketsContinuationsAndComments() {
        let text = """
            # comment
            auth [success=2 default=ignore] pam_unix.so nullok # trailing comment
            -session optional pam_systemd.so
            password requisite pam_pwquality.so \\
                retry=3 minlen=10
            auth required pam_succeed_if.so [user ingroup a b]
            bogus line here
            """
        let parsed = PamConfigParser.parse(text)
        #expect(parsed.lines.count == 4)
        #expect(parsed.problems.count == 1)
        guard case .rule(_, let control, _, let args, _) = parsed.lines[0].kind else { Issue.record("not a rule"); return }
        #expect(control.action(for: "success") == .jump(2))
        #expect(control.action(for: "auth_err") == .ignore)
        #expect(args == ["nullok"])
        guard case .rule(_, _, let module, let continued, let optional) = parsed.lines[2].kind else { Issue.record("line 4 is not a rule"); return }
        #expect(module == "pam_pwquality.so" && continued == ["retry=3", "minlen=10"] && !optional)
        #expect(parsed.lines[2].line == 4)
        guard case .rule(_, _, _, let bracketArg, _) = parsed.lines[3].kind else { Issue.record("line 5 is not a rule"); return }
        #expect(bracketArg == ["user ingroup a b"])
    }

    @Test func includeSubstackAndAtInclude() throws {
        var r = resolver([
            "/etc/pam.d/login": "@include common-auth\naccount include common-account\nsession substack common-session\n",
            "/etc/pam.d/common-auth": Self.faillockAuth,
            "/etc/pam.d/common-account": "account required pam_faillock.so\naccount required pam_unix.so\n",
            "/etc/pam.d/common-session": "session required pam_unix.so\n",
        ])
        let auth = try r.stack(service: "login", type: "auth").flatMap(\.rules)
        #expect(auth.map(\.moduleName) == ["pam_faillock.so", "pam_unix.so", "pam_faillock.so", "pam_faillock.so", "pam_deny.so", "pam_permit.so"])
        #expect(auth[1].source.description == "/etc/pam.d/common-auth:2")
        let account = try r.stack(service: "login", type: "account")
        #expect(account.flatMap(\.rules).map(\.moduleName) == ["pam_faillock.so", "pam_unix.so"])
        let session = try r.stack(service: "login", type: "session")
        guard case .substack = session.first else { Issue.record("substack not nested"); return }
    }

    @Test func missingServiceFallsBackToOtherAndLoopsStop() throws {
        var r = resolver([
            "/etc/pam.d/other": "auth required pam_deny.so\n",
            "/etc/pam.d/a": "@include b\n",
            "/etc/pam.d/b": "@include a\n",
        ])
        #expect(try r.stack(service: "nothing", type: "auth").flatMap(\.rules).map(\.moduleName) == ["pam_deny.so"])
        #expect(try r.stack(service: "a", type: "auth").isEmpty)
        #expect(r.problems.contains { $0.contains("nested too deeply") })
    }

    func run(_ text: String, _ returns: @escaping (PamRule) -> String) throws -> PamSimulator.Outcome {
        var r = resolver(["/etc/pam.d/s": text])
        return PamSimulator.run(try r.stack(service: "s", type: "auth"), returns: returns)
    }

    @Test func debianStackSucceedsOnlyWithTheRightPassword() throws {
        let right = try run(Self.faillockAuth) { ["pam_deny.so"].contains($0.moduleName) ? "auth_err" : "success" }
        #expect(right.succeeded)
        #expect(!right.executed.contains { $0.has("authfail") })
        let wrong = try run(Self.faillockAuth) { rule in
            rule.moduleName == "pam_unix.so" || rule.has("authfail") || rule.moduleName == "pam_deny.so" ? "auth_err" : "success"
        }
        #expect(!wrong.succeeded)
        #expect(wrong.executed.contains { $0.has("authfail") })
        let locked = try run(Self.faillockAuth) { rule in rule.has("preauth") || rule.moduleName == "pam_deny.so" ? "auth_err" : "success" }
        #expect(!locked.succeeded)
        #expect(locked.executed.count == 1)
    }

    @Test func optionalModuleDoesNotEnforce() throws {
        let text = "auth optional pam_faillock.so preauth\nauth [success=1 default=ignore] pam_unix.so\nauth requisite pam_deny.so\nauth required pam_permit.so\n"
        let locked = try run(text) { rule in rule.has("preauth") || rule.moduleName == "pam_deny.so" ? "auth_err" : "success" }
        #expect(locked.succeeded, "an optional preauth cannot refuse a locked account")
    }

    @Test func jumpOverAModuleSkipsIt() throws {
        // A jump of 2 from pam_unix skips both authfail and pam_deny.
        let text = "auth [success=2 default=ignore] pam_unix.so\nauth [default=die] pam_faillock.so authfail\nauth requisite pam_deny.so\nauth required pam_permit.so\n"
        let right = try run(text) { $0.moduleName == "pam_deny.so" ? "auth_err" : "success" }
        #expect(right.succeeded)
        #expect(right.executed.map(\.moduleName) == ["pam_unix.so", "pam_permit.so"])
    }

    @Test func onlyIgnoredModulesFail() throws {
        let outcome = try run("auth optional pam_gnome_keyring.so\n") { _ in "ignore" }
        #expect(!outcome.succeeded)
    }
}

@Suite struct PamBoundsTests {
    /// A file that includes another twice at every level would expand to 2^16 copies; it stops at the bound.
    @Test func includeFanOutIsBounded() throws {
        var files: [String: String] = [:]
        for level in 0..<15 { files["/etc/pam.d/l\(level)"] = "@include l\(level + 1)\n@include l\(level + 1)\n" }
        files["/etc/pam.d/l15"] = "auth required pam_unix.so\n"
        var resolver = PamStackResolver { files[$0] }
        let stack = try resolver.stack(service: "l0", type: "auth")
        #expect(stack.count <= PamStackResolver.maxRules)
        #expect(resolver.problems.contains { $0.contains("grows past") })
    }
}
