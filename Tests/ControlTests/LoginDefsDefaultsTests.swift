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
