import CollectorStore
@testable import CollectorServer
import Foundation
import Testing

/// A person's role from their groups on the collector host (issue 13 point 6), with accounts and
/// groups Debian already has (root in `root`, daemon in `daemon`), so nothing in /etc changes.
@Suite struct OfficerRolesTests {
    static var accountsPresent: Bool { getgrnam("root") != nil && getgrnam("daemon") != nil && getpwnam("daemon") != nil }

    @Test(.enabled(if: accountsPresent, "needs Debian's root and daemon accounts and groups"))
    func accessIsTheUnionOfTheGroups() {
        var settings = CollectorSettings()
        settings.officerGroup = "root"
        settings.inspectorGroup = "root"
        settings.unitGroups = ["UBND xã Tứ Dân": "root", "Trạm y tế xã": "daemon", "Trường tiểu học": "attt-no-such-group"]
        let root = OfficerAuthenticator.access(of: "root", settings: settings)
        #expect(root == OfficerAccess(supervisor: true, inspector: true, units: ["UBND xã Tứ Dân"]))
        #expect(root.roleName == "supervisor+unit-officer+inspector")
        let daemon = OfficerAuthenticator.access(of: "daemon", settings: settings)
        #expect(daemon == OfficerAccess(units: ["Trạm y tế xã"]) && daemon.canAct(unit: "Trạm y tế xã") && !daemon.canRead(unit: "UBND xã Tứ Dân"))
        #expect(OfficerAuthenticator.access(of: "attt-no-such-user", settings: settings).isEmpty)
        // No inspector group: nobody is an inspector, whatever their groups.
        settings.inspectorGroup = ""
        #expect(!OfficerAuthenticator.access(of: "root", settings: settings).inspector)
    }

    /// After a restart the collector remembers no session's access: it is worked out from the groups
    /// again, not refused and not assumed.
    @Test(.enabled(if: accountsPresent, "needs Debian's daemon account and group"))
    func aSessionUnknownToThisProcessGetsItsAccessFromTheGroups() async throws {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("attt-roles-\(UUID()).sqlite").path
        defer { try? FileManager.default.removeItem(atPath: path) }
        let store = try SQLiteCollectorStore(path: path)
        var settings = CollectorSettings()
        settings.officerGroup = "attt-no-such-group"
        settings.unitGroups = ["Trạm y tế xã": "daemon"]
        let officers = OfficerAuthenticator(store: store, settings: settings, pamConfdir: nil, database: BlockingPool(name: "database", threads: 1, queue: 8))
        let now = Date()
        try store.createSession(tokenHash: OfficerAuthenticator.hash("s"), user: "daemon", expiresAt: now.addingTimeInterval(3600), now: now)
        let signedIn = try await officers.officer(session: "s", now: now.addingTimeInterval(60))
        #expect(signedIn == SignedInOfficer(user: "daemon", access: OfficerAccess(units: ["Trạm y tế xã"])))
        #expect(officers.accesses.access(session: OfficerAuthenticator.hash("s")) == signedIn?.access)
        try await officers.signOut(session: "s")
        #expect(officers.accesses.access(session: OfficerAuthenticator.hash("s")) == nil)
    }

    @Test func theMemoryOfAccessesIsBounded() {
        let accesses = SessionAccesses()
        for n in 0..<(SessionAccesses.limit + 10) { accesses.remember(OfficerAccess(supervisor: true), session: String(n)) }
        #expect(accesses.count == SessionAccesses.limit)
        // The newest is always kept.
        #expect(accesses.access(session: String(SessionAccesses.limit + 9)) != nil)
    }
}
