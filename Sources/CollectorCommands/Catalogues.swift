import ArgumentParser
import CollectorServer
import CollectorStore
import CommandLineSupport
import Enrollment
import Foundation
import HardeningCore
import PolicyLoading

/// `attt-collector catalogue show|publish|history`: the unit's software catalogues and parameters
/// (Điều 13 khoản 2 điểm c, d) at the collector's keyboard; each publication reaches the unit's PCs at
/// their next `attt run` (docs/design/catalogue-bundles.md).
struct CatalogueCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "catalogue",
        abstract: "Danh mục phần mềm và tham số của đơn vị — show, publish and list the versions of a unit's or the commune's catalogues.",
        subcommands: [Show.self, Publish.self, History.self]
    )

    /// Whose layer: `--unit U`, or `--commune` for the defaults every unit inherits.
    struct Scope: ParsableArguments {
        @Option(help: "The unit, as in attt-collector hosts list.")
        var unit: String?

        @Flag(help: "The commune's defaults, which every unit inherits unless its own layer sets the key.")
        var commune = false

        func scope() throws -> CatalogueScope {
            switch (unit, commune) {
            case (let unit?, false): return .unit(unit)
            case (nil, true): return .commune
            default: throw CommandFailure.badInput("chọn --unit U hoặc --commune — give either --unit U or --commune")
            }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Danh mục hiện hành — the layer in force (JSON) and, for a unit, the bundle its PCs get.")

        @OptionGroup var settings: SettingsOptions
        @OptionGroup var scope: Scope

        func run() async throws {
            let scope = try scope.scope()
            let store = try settings.openStore(try await settings.load())
            guard let layer = try store.catalogueLayer(scope) else {
                print("\(scope): chưa phát hành danh mục nào — nothing published; the PCs use the shipped catalogues")
                return
            }
            print(CatalogueLines.layer(layer))
            // JSON escapes the control characters; each line is made safe of the rest (bidi marks).
            let json = try CatalogueLines.json(["parameters": FactValue.object(layer.layer.parameters), "catalogs": FactValue.object(layer.layer.catalogs)])
            print(json.split(separator: "\n", omittingEmptySubsequences: false).map { TerminalText.safe(String($0)) }.joined(separator: "\n"))
            if let unit = scope.unit, let bundle = try store.latestBundle(unit: unit) { print(CatalogueLines.bundle(bundle)) }
        }
    }

    struct Publish: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Phát hành danh mục — publish a new version of a layer from a file; the unit's PCs use it from their next run.",
            discussion: """
                The file (YAML) holds the whole layer, not a change:

                  catalogue: attt.catalogue.v1
                  note: thêm AnyDesk vào danh mục cấm
                  parameters: {it_accounts: [cbcntt]}
                  controls: {VN-TD-PW-004: {max_days: 90}}
                  catalogs:
                    software.denied: {all: [anydesk, teamviewer*]}

                A value weaker than the regulation allows is refused, as the PCs would refuse it.
                """
        )

        @OptionGroup var settings: SettingsOptions
        @OptionGroup var scope: Scope

        @Option(help: "The layer, as above.")
        var file: String

        @Flag(help: "Publish nothing: show which PCs would newly pass or fail, from their latest reports.")
        var dryRun = false

        func run() async throws {
            let scope = try scope.scope()
            let loaded = try await settings.load()
            let store = try settings.openStore(loaded)
            guard let key = try CollectorState.bundleSigningKey(loaded) else {
                throw CommandFailure.badInput("no bundle signing key at \(loaded.bundleKeyPath): start attt-collector serve once (it makes the key)")
            }
            let policy = try CataloguePublisher.loadPolicy(loaded)
            guard let data = FileManager.default.contents(atPath: file) else { throw CommandFailure.badInput("--file \(file): cannot be read") }
            let layer = try TailoringLoader().loadCatalogueLayer(data, file: file, policy: policy)
            if dryRun {
                let impact = try CataloguePublisher(store: store, policy: policy, key: key).preview(scope, parameters: layer.parameters, catalogs: layer.catalogs, now: Date())
                print(TerminalText.safe("xem trước (dry run), chưa phát hành — \(impact.hosts.count) PC(s) would change (\(impact.controls.joined(separator: ", ")))"))
                for host in impact.hosts {
                    for change in host.changes {
                        print(TerminalText.safe("\(host.host)  \(host.hostname ?? "-")  \(change.control)  \(change.before.rawValue) -> \(change.after.rawValue)  \(change.evidence.joined(separator: ","))"))
                    }
                }
                for host in impact.unknown { print(TerminalText.safe("\(host.host)  \(host.hostname ?? "-")  not known until its next run")) }
                return
            }
            let publication = try CataloguePublisher(store: store, policy: policy, key: key)
                .publish(scope, parameters: layer.parameters, catalogs: layer.catalogs, note: layer.note, by: .local(LocalOfficer.name), now: Date())
            print(CatalogueLines.layer(publication.layer))
            for bundle in publication.bundles { print(CatalogueLines.bundle(bundle)) }
        }
    }

    struct History: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các phiên bản — a layer's versions and, for a unit, the bundles its PCs were sent, newest first.")

        @OptionGroup var settings: SettingsOptions
        @OptionGroup var scope: Scope

        func run() async throws {
            let scope = try scope.scope()
            let store = try settings.openStore(try await settings.load())
            let history = try store.catalogueHistory(scope)
            for (index, layer) in history.enumerated() {
                print(CatalogueLines.layer(layer))
                let before = index + 1 < history.count ? history[index + 1].layer : nil
                for change in BundleLayerDiff(from: before, to: layer.layer).changes { print("  " + CatalogueLines.change(change)) }
            }
            if let unit = scope.unit { for bundle in try store.bundleHistory(unit: unit) { print(CatalogueLines.bundle(bundle)) } }
        }
    }
}

enum CatalogueLines {
    static func layer(_ record: CatalogueLayerRecord) -> String {
        TerminalText.safe("\(record.scope) phiên bản \(record.layer.version)  \(record.createdAt)  \(record.createdBy)  sha256 \(record.sha256.prefix(12))" + (record.note.map { "  \($0)" } ?? ""))
    }

    static func bundle(_ bundle: StoredBundle) -> String {
        TerminalText.safe("gói \(bundle.unit) #\(bundle.version) (xã \(bundle.layers.commune.map(String.init) ?? "–"), đơn vị \(bundle.layers.unit.map(String.init) ?? "–"))  \(bundle.issuedAt)  \(bundle.issuedBy)  sha256 \(bundle.sha256.prefix(12))")
    }

    static func change(_ change: BundleLayerDiff.Change) -> String {
        TerminalText.safe(line(change))
    }

    static func line(_ change: BundleLayerDiff.Change) -> String {
        switch change.kind {
        case .added: return "+ \(change.key): \(change.after ?? "")"
        case .removed: return "- \(change.key): \(change.before ?? "")"
        case .changed: return "~ \(change.key): \(change.before ?? "") -> \(change.after ?? "")"
        }
    }

    static func json(_ value: [String: FactValue]) throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(value), as: UTF8.self)
    }
}

/// `attt-collector bundle-key list|rotate|retire`: the key the unit's catalogue bundles are signed with
/// (docs/collector.md, "Rotating the bundle key"). Restart `serve` after a rotation or a retirement.
struct BundleKeyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "bundle-key",
        abstract: "Khoá ký danh mục — list, rotate and retire the keys PCs trust for the unit's catalogues.",
        subcommands: [List.self, Rotate.self, Retire.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The keys served to PCs; the one signing now is marked.")

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let loaded = try await settings.load()
            guard let key = try CollectorState.bundleSigningKey(loaded) else { throw CommandFailure.badInput("no bundle signing key yet: start attt-collector serve once") }
            let ring = try CollectorState.bundleKeyRing(loaded) ?? BundleKeyRing(keys: [key.publicKey])
            for served in ring.keys { print(served.id + (served == key.publicKey ? "  ký hiện tại (signing)" : "")) }
        }
    }

    struct Rotate: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "A new signing key, endorsed by the current one: PCs come to trust it at their next run. Restart serve afterwards."
        )

        @OptionGroup var settings: SettingsOptions

        func run() async throws {
            let rotated = try await BundleKeyCommand.refusing { try CollectorState.rotateBundleKey(try await settings.load()) }
            print("new signing key \(rotated.new.id), endorsed by \(rotated.retiring.id)")
            print("restart attt-collector serve; once every PC reports a bundle signed by \(rotated.new.id): attt-collector bundle-key retire \(rotated.retiring.id)")
        }
    }

    struct Retire: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Stop serving a key; PCs stop trusting it at their next run. Restart serve afterwards.")

        @OptionGroup var settings: SettingsOptions

        @Argument(help: "The key's id (see attt-collector bundle-key list).")
        var id: String

        func run() async throws {
            let ring = try await BundleKeyCommand.refusing { try CollectorState.retireBundleKey(id: id, try await settings.load()) }
            print("retired \(id); served: \(ring.keys.map(\.id).joined(separator: ", "))")
        }
    }

    /// A refusal the officer can correct is bad input (exit 2).
    static func refusing<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let error as EnrollmentError {
            throw CommandFailure.badInput("\(error)")
        }
    }
}
