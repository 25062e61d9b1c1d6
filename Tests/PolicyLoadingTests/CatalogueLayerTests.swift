import AtttTestSupport
import Foundation
import HardeningCore
import PolicyLoading
import Testing

/// The catalogue layer an officer writes for the collector (`attt.catalogue.v1`, issue 16): read with the
/// tailoring file's rules plus the unit's lists, bad input refused with its line, and what the collector's
/// page shows for editing read back to the same values.
@Suite struct CatalogueLayerTests {
    static let policy = Result { try PolicyLoader().load(directory: Repository.policies) }

    func load(_ text: String) throws -> (parameters: [String: FactValue], catalogs: [String: FactValue], note: String?) {
        try TailoringLoader().loadCatalogueLayer(Data(text.utf8), file: "layer.yaml", policy: try Self.policy.get())
    }

    @Test func aLayerIsReadWithItsParametersListsAndNote() throws {
        let layer = try load("""
            catalogue: attt.catalogue.v1
            note: cấm AnyDesk
            parameters: {it_accounts: [cbcntt]}
            controls:
              VN-TD-PW-004: {max_days: 60}
            catalogs:
              software.denied: {all: [anydesk, "teamviewer*"], workstation: [steam]}
              software.mandatory: [{package: clamav, min_version: "1.0"}]
            """)
        #expect(layer.note == "cấm AnyDesk")
        #expect(layer.parameters == ["it_accounts": .array([.string("cbcntt")]), "VN-TD-PW-004.max_days": .int(60)])
        #expect(layer.catalogs["software.denied"] == .object(["all": .array([.string("anydesk"), .string("teamviewer*")]), "workstation": .array([.string("steam")])]))
        #expect(layer.catalogs["software.mandatory"] == .array([.object(["package": .string("clamav"), "min_version": .string("1.0")])]))
    }

    @Test(arguments: [
        ("catalogue: attt.catalogue.v2\n", "unknown catalogue format", 1),
        ("catalogue: attt.catalogue.v1\ncatalogs:\n  antivirus.engines: [x]\n", "'antivirus.engines' is not a catalogue a unit sets", 3),
        ("catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {everyone: [x]}\n", "'everyone' is not a role", 3),
        ("catalogue: attt.catalogue.v1\ncatalogs:\n  software.denied: {all: [{name: x}]}\n", "neither a package name", 3),
        ("catalogue: attt.catalogue.v1\ncontrols:\n  VN-TD-PW-004: {max_days: 365}\n", "is weaker than the regulation allows", 3),
        ("catalogue: attt.catalogue.v1\ncontrols:\n  VN-TD-PW-999: {max_days: 1}\n", "no control 'VN-TD-PW-999'", 3),
        ("tailoring: attt.tailoring.v1\n", "unknown key 'tailoring'", 1),
    ])
    func badLayersAreRefusedWithTheirLine(text: String, message: String, line: Int) throws {
        #expect { try load(text) } throws: { error in
            guard let error = error as? PolicyError else { return false }
            return error.description.contains(message) && error.file == "layer.yaml" && (error.line == nil || error.line == line)
        }
    }

    @Test(arguments: [
        ([:], [:], nil),
        (["it_accounts": FactValue.array([.string("cbcntt"), .string("it.xa")]), "VN-TD-PW-004.max_days": .int(90), "VN-TD-PW-001.minlen": .int(12)],
         ["software.denied": FactValue.object(["all": .array([.string("anydesk"), .string("teamviewer*")])]),
          "software.mandatory": .object(["all": .array([.object(["package": .string("clamav"), "min_version": .string("1:1.0")])])]),
          "software.allowed": .array([.string("libreoffice*"), .string("a \"quoted\": name #1")])],
         "ghi chú: \"mới\""),
    ] as [([String: FactValue], [String: FactValue], String?)])
    func whatThePageShowsForEditingReadsBackTheSame(parameters: [String: FactValue], catalogs: [String: FactValue], note: String?) throws {
        let text = TailoringLoader.catalogueLayerText(parameters: parameters, catalogs: catalogs, note: note)
        let read = try load(text)
        #expect(read.parameters == parameters && read.catalogs == catalogs && read.note == note, "\(text)")
    }

    /// The preview before publishing covers exactly the controls that read the unit's lists.
    @Test func thePreviewCoversTheControlsThatReadTheUnitsLists() throws {
        #expect(CataloguePreview.controls(try Self.policy.get()) == ["VN-TD-SW-001", "VN-TD-SW-002"])
    }
}
