import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// VN-TD-UPD-002's and VN-TD-PW-002's fixers, as `attt fix` plans them on the broken host.
@Suite struct PatchAndPasswordFixerTests {
    let now = ["--now", "2026-11-25T08:00:00Z"]

    /// Security updates go through unattended-upgrade inside the root; nothing to roll back is written.
    @Test func securityUpdatesThroughUnattendedUpgrade() throws {
        let host = try FixtureHost("debian12-broken")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-UPD-002", "--lang", "en"] + now)
        #expect(out.status == 0, "\(out.stdout)\(out.stderr)")
        #expect(out.stdout.contains("$ [in root] unattended-upgrade -v"))
    }

    /// Forcing a password change is decided account by account: without a named account, no plan.
    @Test func passwordChangeOnlyForNamedPeople() throws {
        let host = try FixtureHost("debian12-broken")
        let refused = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-PW-002", "--lang", "en"] + now)
        #expect((refused.stdout + refused.stderr).contains("force_change_accounts"))
        #expect(!refused.stdout.contains("chage"))
        try host.write("/etc/attt/tailoring.yaml", "tailoring: attt.tailoring.v1\nparameters:\n  it_accounts: [cbcntt]\ncontrols:\n  VN-TD-PW-002:\n    force_change_accounts: [khach, nguyenvana, root]\n")
        let out = try AtttBinary.run(["fix", "--root", host.root.path, "--dry-run", "--control", "VN-TD-PW-002", "--lang", "en"] + now)
        #expect(out.stdout.contains("chage --root \(host.root.path) -d 0 -- khach"), "\(out.stdout)\(out.stderr)")
        // nguyenvana changed the password under the policy; root is not a person's account.
        #expect(!out.stdout.contains("-d 0 nguyenvana") && !out.stdout.contains("-d 0 root"))
    }
    /// The scheduled run records the first day PW-001 passed, once; a later run keeps that day.
    @Test func scheduledRunRecordsWhenThePasswordPolicyFirstPassed() throws {
        let host = try FixtureHost()
        try host.remove("/var/lib/attt/enforcement.json")
        let first = try AtttBinary.run(["run", "--root", host.root.path])
        #expect(first.status == 0, "\(first.stdout)\(first.stderr)")
        let record = try JSONDecoder().decode(EnforcementRecord.self, from: Data(contentsOf: host.url(EnforcementRecord.path)))
        let day = try #require(record.firstPassed["VN-TD-PW-001"])
        #expect(Timestamp.parse(day) != nil)
        _ = try AtttBinary.run(["run", "--root", host.root.path])
        let again = try JSONDecoder().decode(EnforcementRecord.self, from: Data(contentsOf: host.url(EnforcementRecord.path)))
        #expect(again.firstPassed["VN-TD-PW-001"] == day)
    }
}
