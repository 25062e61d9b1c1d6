public import Foundation
public import HardeningCore

/// How a catalogue layer is published (issue 16), the same on every store: checked, versioned,
/// hashed, a bundle sealed for each unit it reaches, one audit entry. A store gives it the reads and
/// writes of one transaction (``CatalogueTransaction``); what is decided is decided here once.
package enum CataloguePublishing {
    /// What a layer's row keeps: its values, not its version (a republished list hashes the same).
    struct LayerContent: Codable {
        var parameters: [String: FactValue]
        var catalogs: [String: FactValue]
    }

    /// The row's key: the commune's defaults, or one unit's own layer.
    package static func key(_ scope: CatalogueScope) -> (kind: String, unit: String) {
        switch scope {
        case .commune: return ("commune", "")
        case .unit(let name): return ("unit", name)
        }
    }

    /// A layer as stored, read back.
    package static func record(kind: String, unit: String, version: Int, content: Data, sha256: String, note: String?,
                               createdBy: String, createdAt: String) throws -> CatalogueLayerRecord {
        let values = try JSONDecoder().decode(LayerContent.self, from: content)
        let layer = BundleLayer(version: version, parameters: values.parameters, catalogs: values.catalogs)
        return CatalogueLayerRecord(scope: kind == "commune" ? .commune : .unit(unit), layer: layer, sha256: sha256, note: note,
                                    createdBy: createdBy, createdAt: Timestamp(Timestamp.parse(createdAt) ?? Date(timeIntervalSince1970: 0)))
    }

    /// Checks the edit before any transaction begins; the note as it will be kept.
    package static func checked(_ edit: CatalogueEdit) throws -> String? {
        if let unit = edit.scope.unit {
            guard !unit.isEmpty, unit.utf8.count <= 256 else { throw ExceptionRefusal.invalid("tên đơn vị rỗng hoặc quá dài — a unit's name is 1 to 256 bytes") }
            _ = try ExceptionLimits.text(unit, "unit", max: 256)
        }
        let note = try ExceptionLimits.optionalText(edit.note, "note", max: CatalogueLimits.noteBytes)
        // Every name and value is shown on the pages and printed by the CLI: no control character.
        for (key, value) in edit.parameters.merging(edit.catalogs, uniquingKeysWith: { a, _ in a }) {
            try refuseControlCharacters(.string(key), in: "key")
            try refuseControlCharacters(value, in: key)
        }
        return note
    }

    static func refuseControlCharacters(_ value: FactValue, in key: String) throws {
        switch value {
        case .string(let text):
            guard !text.unicodeScalars.contains(where: DisplaySafety.isUnsafe) else {
                throw ExceptionRefusal.invalid("\(key) chứa ký tự điều khiển — \(key) has a control character")
            }
        case .array(let items): for item in items { try refuseControlCharacters(item, in: key) }
        case .object(let members):
            for (name, member) in members {
                try refuseControlCharacters(.string(name), in: key)
                try refuseControlCharacters(member, in: key)
            }
        default: break
        }
    }

    /// The next version of the layer, and a bundle for every unit it reaches, in the caller's transaction.
    package static func publish(_ edit: CatalogueEdit, note: String?, by officer: ActingOfficer, at: Timestamp, now: Date,
                                seal: (CatalogueBundle) throws -> SealedBundle, in transaction: some CatalogueTransaction) throws -> CataloguePublication {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        let (kind, unitKey) = key(edit.scope)
        let previous = try transaction.latestLayer(edit.scope)
        let layer = BundleLayer(version: (previous?.layer.version ?? 0) + 1, parameters: edit.parameters, catalogs: edit.catalogs)
        let content = try encoder.encode(LayerContent(parameters: edit.parameters, catalogs: edit.catalogs))
        guard content.count <= CatalogueLimits.layerBytes else {
            throw ExceptionRefusal.invalid("danh mục quá lớn — the layer is \(content.count) bytes, at most \(CatalogueLimits.layerBytes)")
        }
        let sha256 = ContentDigest.sha256(content)
        guard sha256 != previous?.sha256 else {
            throw ExceptionRefusal.conflict("không có gì thay đổi so với phiên bản \(layer.version - 1) — nothing changed since version \(layer.version - 1) of \(edit.scope)")
        }
        try transaction.insertLayer(kind: kind, unit: unitKey, version: layer.version, content: content, sha256: sha256, note: note,
                                    createdBy: officer.name, createdAt: at.description)
        let record = CatalogueLayerRecord(scope: edit.scope, layer: layer, sha256: sha256, note: note, createdBy: officer.name, createdAt: at)
        let commune = edit.scope == .commune ? layer : try transaction.latestLayer(.commune)?.layer
        // One unit, or for the commune's defaults every unit with a PC enrolled or a layer of its own.
        let units = try edit.scope.unit.map { [$0] } ?? transaction.unitsWithPCsOrLayers()
        var bundles: [StoredBundle] = []
        for unit in units {
            let own = edit.scope == .unit(unit) ? layer : try transaction.latestLayer(.unit(unit))?.layer
            let version = try transaction.lastBundleVersion(unit: unit) + 1
            let bundle = CatalogueBundle(unit: unit, policy: edit.policy, version: version, commune: commune, own: own, issuedAt: at.description, issuedBy: officer.name)
            let sealed = try seal(bundle)
            let stored = StoredBundle(unit: unit, version: version, layers: bundle.layers, sha256: sealed.sha256, issuedBy: officer.name, issuedAt: at)
            try transaction.insertBundle(stored, envelope: sealed.envelope)
            bundles.append(stored)
        }
        try transaction.audit(.cataloguePublished, by: officer, unit: edit.scope.unit, host: nil, subject: "\(kind):\(unitKey):\(layer.version)",
                              detail: ["scope": edit.scope.description, "version": String(layer.version), "sha256": sha256, "bytes": String(content.count),
                                       "changes": String(BundleLayerDiff(from: previous?.layer, to: layer).changes.count),
                                       "bundles": bundles.map { "\($0.unit)#\($0.version)" }.joined(separator: ", "), "note": note ?? ""],
                              at: now)
        return CataloguePublication(layer: record, bundles: bundles)
    }
}

/// The reads and writes of one publication, inside one transaction of the store.
package protocol CatalogueTransaction {
    func latestLayer(_ scope: CatalogueScope) throws -> CatalogueLayerRecord?
    /// Sorted byte-wise.
    func unitsWithPCsOrLayers() throws -> [String]
    /// 0 when the unit has none yet.
    func lastBundleVersion(unit: String) throws -> Int
    func insertLayer(kind: String, unit: String, version: Int, content: Data, sha256: String, note: String?, createdBy: String, createdAt: String) throws
    func insertBundle(_ bundle: StoredBundle, envelope: Data) throws
    func audit(_ action: AuditEntry.Action, by officer: ActingOfficer, unit: String?, host: String?, subject: String?, detail: [String: String], at: Date) throws
}
