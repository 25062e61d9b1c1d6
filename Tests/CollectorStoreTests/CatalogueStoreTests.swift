import CollectorStore
import Foundation
import GRDB
import HardeningCore
import Testing

/// The catalogue layers and the bundles made of them (issue 16, docs/design/catalogue-bundles.md §6):
/// every publication a new version with who and when, the commune's defaults merged under each unit's
/// own layer into that unit's bundle, a bundle its seal refuses keeps nothing, and what was published
/// stays as published.
@Suite struct CatalogueStoreTests {
    let base = IncidentStoreTests()
    var path: String { base.path }
    static let t0 = IncidentStoreTests.t0, unit = IncidentStoreTests.unit, other = IncidentStoreTests.other
    static let policy = CatalogueBundle.PolicyName(id: "vn-td", version: "2026.11")
    let supervisor = ActingOfficer(name: "vpthongke", role: "supervisor")

    /// What the collector's publisher does, without the key: the bundle as JSON, named by its hash.
    static func seal(_ bundle: CatalogueBundle) throws -> SealedBundle {
        let bytes = try JSONEncoder().encode(bundle)
        return SealedBundle(envelope: bytes, sha256: ContentDigest.sha256(bytes))
    }

    static func list(_ names: String...) -> FactValue { .array(names.map(FactValue.string)) }
    static func denied(_ names: String...) -> [String: FactValue] { ["software.denied": .object(["all": .array(names.map(FactValue.string))])] }

    func edit(_ scope: CatalogueScope, parameters: [String: FactValue] = [:], catalogs: [String: FactValue] = [:], note: String? = nil) -> CatalogueEdit {
        CatalogueEdit(scope: scope, parameters: parameters, catalogs: catalogs, note: note, policy: Self.policy)
    }

    static func bundle(_ stored: StoredBundle?) throws -> CatalogueBundle {
        try JSONDecoder().decode(CatalogueBundle.self, from: try #require(stored?.envelope))
    }

    @Test(arguments: StoreEngine.allCases) func theCommunesDefaultsReachEveryUnitUnderItsOwnLayer(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try base.enroll(store)
        _ = try base.enroll(store, unit: Self.other)
        #expect(try store.latestBundle(unit: Self.unit) == nil && store.catalogueLayer(.commune) == nil)

        // The unit's own layer first: one bundle, for that unit only.
        let own = try store.publishCatalogueLayer(edit(.unit(Self.unit), parameters: ["VN-TD-PW-004.max_days": .int(60)], catalogs: Self.denied("anydesk", "sudo"), note: "cấm sudo"),
                                                  by: base.officer, now: Self.t0, seal: Self.seal)
        #expect(own.layer.layer.version == 1 && own.layer.createdBy == "canbo" && own.layer.note == "cấm sudo")
        #expect(own.bundles.map { "\($0.unit)#\($0.version)" } == ["\(Self.unit)#1"])
        #expect(try store.latestBundle(unit: Self.other) == nil)

        // The commune's defaults: a new bundle for both units; the unit's values win where it set them.
        let commune = try store.publishCatalogueLayer(edit(.commune, parameters: ["VN-TD-PW-004.max_days": .int(90), "it_accounts": .array([.string("cbcntt")])],
                                                           catalogs: Self.denied("teamviewer*")),
                                                      by: supervisor, now: Self.t0.addingTimeInterval(60), seal: Self.seal)
        #expect(Set(commune.bundles.map { "\($0.unit)#\($0.version)" }) == ["\(Self.unit)#2", "\(Self.other)#1"])
        let mine = try Self.bundle(try store.latestBundle(unit: Self.unit))
        #expect(mine.version == 2 && mine.layers == .init(commune: 1, unit: 1) && mine.issuedBy == "vpthongke" && mine.policy == Self.policy)
        #expect(mine.parameters == ["VN-TD-PW-004.max_days": .int(60), "it_accounts": .array([.string("cbcntt")])])
        #expect(mine.catalogs == Self.denied("anydesk", "sudo"))
        let theirs = try Self.bundle(try store.latestBundle(unit: Self.other))
        #expect(theirs.layers == .init(commune: 1, unit: nil) && theirs.parameters["VN-TD-PW-004.max_days"] == .int(90) && theirs.catalogs == Self.denied("teamviewer*"))
        // What was sealed is what is served, named by the seal's hash.
        let served = try #require(try store.latestBundle(unit: Self.unit))
        #expect(served.sha256 == ContentDigest.sha256(try #require(served.envelope)))

        #expect(try store.catalogueHistory(.unit(Self.unit)).map(\.layer.version) == [1])
        #expect(try store.bundleHistory(unit: Self.unit).map(\.version) == [2, 1] && (try store.bundleHistory(unit: Self.unit)).allSatisfy { $0.envelope == nil })
        let entry = try #require(try store.auditEntries(unit: nil, before: nil, limit: 1).first)
        #expect(entry.action == .cataloguePublished && entry.officer == "vpthongke" && entry.detail["version"] == "1" && entry.detail["bundles"]?.contains("\(Self.other)#1") == true)
    }

    @Test(arguments: StoreEngine.allCases) func aPublicationThatChangesNothingOrThatTheSealRefusesKeepsNothing(engine: StoreEngine) throws {
        let store = try engine.open()
        _ = try base.enroll(store)
        _ = try store.publishCatalogueLayer(edit(.unit(Self.unit), catalogs: Self.denied("anydesk")), by: base.officer, now: Self.t0, seal: Self.seal)
        #expect { try store.publishCatalogueLayer(edit(.unit(Self.unit), catalogs: Self.denied("anydesk")), by: base.officer, now: Self.t0, seal: Self.seal) }
            throws: { "\($0)".contains("nothing changed since version 1") }
        struct BelowFloor: Error {}
        #expect(throws: BelowFloor.self) {
            try store.publishCatalogueLayer(edit(.commune, parameters: ["VN-TD-PW-004.max_days": .int(365)]), by: supervisor, now: Self.t0) { _ in throw BelowFloor() }
        }
        #expect(try store.catalogueLayer(.commune) == nil && store.bundleHistory(unit: Self.unit).map(\.version) == [1])
        #expect { try store.publishCatalogueLayer(edit(.unit("")), by: base.officer, now: Self.t0, seal: Self.seal) } throws: { "\($0)".contains("1 to 256 bytes") }
        // What pages and terminals show has no control character: a note, an entry, a role's name.
        for bad in [edit(.unit(Self.unit), catalogs: Self.denied("anydesk"), note: "ghi chú\u{1B}[2J"), edit(.unit(Self.unit), catalogs: Self.denied("any\u{202E}desk")),
                    edit(.unit(Self.unit), catalogs: ["software.denied": .object(["all\n": Self.list("x")])])] {
            #expect { try store.publishCatalogueLayer(bad, by: base.officer, now: Self.t0, seal: Self.seal) } throws: { "\($0)".contains("control character") }
        }

    }

    /// Published stays published, whatever else writes to the file (PostgresStoreTests does the same with psql).
    @Test func whatWasPublishedCannotBeRewrittenInTheFile() throws {
        let store = try SQLiteCollectorStore(path: path)
        defer { try? FileManager.default.removeItem(atPath: path) }
        _ = try base.enroll(store)
        _ = try store.publishCatalogueLayer(edit(.unit(Self.unit), catalogs: Self.denied("anydesk")), by: base.officer, now: Self.t0, seal: Self.seal)
        try DatabaseQueue(path: path).write { db in
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE bundle SET envelope = x'00'") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM bundle") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "UPDATE catalogue_layer SET content = x'00'") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "DELETE FROM catalogue_layer") }
            #expect(throws: DatabaseError.self) { try db.execute(sql: "INSERT OR REPLACE INTO bundle SELECT * FROM bundle") }
        }
    }
}
