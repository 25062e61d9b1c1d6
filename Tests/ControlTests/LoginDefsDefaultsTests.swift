import AtttTestSupport
import Foundation
import HardeningCore
import Testing

/// A key missing from login.defs has the default shadow's tools have, not one attt invents.
@Suite struct LoginDefsDefaultsTests {
    @Test func pw004WithoutPassMaxDaysMeansNoLimit() throws {
        let host = try FixtureHost()
        try host.replace("/etc/login.defs", "\nPASS_MAX_DAYS\t90", with: "\n#PASS_MAX_DAYS\t90")
        let r = try result("VN-TD-PW-004", root: host.root)
        #expect(r.status == .fail)
        let limit = try #require(r.evidence.first { $0.item.contains("PASS_MAX_DAYS") && !$0.ok }, "\(r.evidence)")
        #expect(limit.actual == "-1")
        #expect(limit.source == "default:shadow")
    }

    /// `090` is not octal: shadow says "cannot parse" and applies its default, so there is no limit.
    @Test func pw004AValueShadowCannotReadIsNoLimit() throws {
        let host = try FixtureHost()
        try host.replace("/etc/login.defs", "\nPASS_MAX_DAYS\t90", with: "\nPASS_MAX_DAYS\t090")
        let r = try result("VN-TD-PW-004", root: host.root)
        #expect(r.status == .fail)
        #expect(r.evidence.contains { $0.item.contains("PASS_MAX_DAYS") && $0.actual == "-1" && $0.source == "/etc/login.defs:165" }, "\(r.evidence)")
    }
}

extension LoginDefsDefaultsTests {
    /// Without PASS_MIN_DAYS new accounts get an empty minimum: passwords may change any day, which
    /// meets the regulation's floor of 0 days and not the recommended 1.
    @Test func pw004WithoutPassMinDaysIsNoMinimum() throws {
        let host = try FixtureHost()
        let text = try host.read("/etc/login.defs")
        let line = try #require(text.split(separator: "\n").first { $0.hasPrefix("PASS_MIN_DAYS") }, "the fixture sets PASS_MIN_DAYS")
        try host.replace("/etc/login.defs", String(line), with: "#" + line)
        let regulation = try result("VN-TD-PW-004", root: host.root)
        #expect(!regulation.evidence.contains { $0.item.contains("PASS_MIN_DAYS") && !$0.ok }, "\(regulation.evidence)")
        let recommended = try result("VN-TD-PW-004", root: host.root, profile: .recommended)
        #expect(recommended.evidence.contains { $0.item.contains("PASS_MIN_DAYS") && !$0.ok && $0.actual == "0" && $0.source == "default:shadow" }, "\(recommended.evidence)")
    }
}
