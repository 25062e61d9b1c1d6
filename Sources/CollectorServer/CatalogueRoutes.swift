public import CollectorStore
import Foundation
import HardeningCore
public import Hummingbird

/// The officers' API for the unit's catalogues (issue 16; openapi/collector.yaml): read a unit's or
/// the commune's layer with the bundle its PCs get, and publish a new version. A unit's IT officer
/// publishes their unit's layer (Điều 10); only the supervisor the commune's defaults (Điều 13 khoản 2
/// điểm c, d); an inspector reads.
struct CatalogueRoutes: Sendable {
    let store: any CollectorDatabase
    let database: BlockingPool
    /// Nil when the collector could not load its copy of the policy: reading still works, publishing
    /// answers 503 with why.
    let publisher: CataloguePublisher?

    func add(to officer: RouterGroup<CollectorContext>) {
        officer.get("catalogues") { request, context -> CatalogueView in
            let scope = try Self.scope(request.uri.queryParameters["unit"].map(String.init))
            if let unit = scope.unit { try context.requireRead(unit: unit) }
            let store = store
            return try await database.run { try CatalogueView(scope, store: store) }
        }
        officer.post("catalogues") { request, context -> EditedResponse<CataloguePublication> in
            let body = try await request.decode(as: CatalogueRequest.self, context: context)
            let scope = try Self.scope(body.unit)
            try Self.requirePublish(scope, context)
            let publication = try await publish(scope, parameters: body.parameters ?? [:], catalogs: body.catalogs ?? [:], note: body.note,
                                                by: ExceptionRoutes.acting(context))
            return EditedResponse(status: .created, response: publication)
        }
        // What publishing would do, PC by PC; nothing is kept. The same rights as publishing.
        officer.post("catalogues/preview") { request, context -> CatalogueImpact in
            let body = try await request.decode(as: CatalogueRequest.self, context: context)
            let scope = try Self.scope(body.unit)
            try Self.requirePublish(scope, context)
            return try await preview(scope, parameters: body.parameters ?? [:], catalogs: body.catalogs ?? [:])
        }
    }

    func preview(_ scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue]) async throws -> CatalogueImpact {
        guard let publisher else { throw Self.unavailable }
        return try await ExceptionRoutes(store: store, database: database).run {
            try publisher.preview(scope, parameters: parameters, catalogs: catalogs, now: Date())
        }
    }

    /// A unit's layer by its officers or the supervisor; the commune's defaults by the supervisor only.
    static func requirePublish(_ scope: CatalogueScope, _ context: CollectorContext) throws {
        if let unit = scope.unit { return try context.requireAct(unit: unit) }
        guard context.access.supervisor else {
            throw HTTPError(.forbidden, message: """
                Chỉ Văn phòng thống kê xã phát hành danh mục mặc định cấp xã (Điều 13 khoản 2 điểm c, d). \
                — only the supervisors publish the commune's defaults.
                """)
        }
    }

    func publish(_ scope: CatalogueScope, parameters: [String: FactValue], catalogs: [String: FactValue], note: String?, by officer: ActingOfficer) async throws -> CataloguePublication {
        guard let publisher else { throw Self.unavailable }
        let note = note?.trimmingCharacters(in: .whitespacesAndNewlines)
        return try await ExceptionRoutes(store: store, database: database).run {
            try publisher.publish(scope, parameters: parameters, catalogs: catalogs, note: note?.isEmpty == false ? note : nil, by: officer, now: Date())
        }
    }

    static let unavailable = HTTPError(.serviceUnavailable, message: """
        Bộ thu thập không đọc được chính sách, chưa phát hành được. — The collector could not load its policy (setting policy.directory); see its log.
        """)

    /// `unit` absent or empty: the commune's defaults.
    static func scope(_ unit: String?) throws -> CatalogueScope {
        guard let unit = unit?.trimmingCharacters(in: .whitespaces), !unit.isEmpty else { return .commune }
        guard unit.utf8.count <= ExceptionLimits.unitBytes else { throw HTTPError(.badRequest, message: "unit is at most \(ExceptionLimits.unitBytes) bytes") }
        return .unit(unit)
    }
}

/// `POST /v1/officer/catalogues`: the whole layer, not a change.
struct CatalogueRequest: Decodable {
    var unit: String?
    var parameters: [String: FactValue]?
    var catalogs: [String: FactValue]?
    var note: String?
}

/// A layer as the collector shows it: the one in force, with the commune's under a unit's and the
/// bundle the unit's PCs get (merged, as signed), and the versions before.
struct CatalogueView: ResponseEncodable {
    var unit: String?
    var layer: CatalogueLayerRecord?
    var commune: CatalogueLayerRecord?
    var bundle: CatalogueBundle?
    var bundleSHA256: String?
    var history: [CatalogueLayerRecord]
    var bundles: [StoredBundle]

    init(_ scope: CatalogueScope, store: any CatalogueStore) throws {
        unit = scope.unit
        layer = try store.catalogueLayer(scope)
        history = try store.catalogueHistory(scope)
        bundles = []
        guard let unit = scope.unit else { return }
        commune = try store.catalogueLayer(.commune)
        bundles = try store.bundleHistory(unit: unit)
        if let latest = try store.latestBundle(unit: unit) {
            bundle = CataloguePublisher.bundle(latest)
            bundleSHA256 = latest.sha256
        }
    }
}

extension CataloguePublication: ResponseEncodable {}
extension CatalogueImpact: ResponseEncodable {}
