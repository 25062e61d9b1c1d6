import CollectorStore
import Foundation
import HardeningCore
import Hummingbird

/// The office's views as JSON under /v1/officer (openapi/collector.yaml) and as pages (commune →
/// unit → host → control). Both read through `OfficeQuery`, so another tool sees what the officer
/// sees (issue 13 point 8). Everything in a request is bounded and checked before the store is asked.
struct OfficeRoutes: Sendable {
    /// For its store, settings and pools, and the approval rules the forms share with the API.
    let collector: CollectorRoutes
    var store: any CollectorDatabase { collector.store }
    var settings: CollectorSettings { collector.settings }
    var officers: OfficerAuthenticator { collector.officers }
    var database: BlockingPool { collector.database }

    func add(to router: Router<CollectorContext>) {
        let api = router.group("/v1/officer").add(middleware: OfficerSessionMiddleware(authenticator: officers, redirect: false))
        api.get("units") { _, context -> UnitsResponse in
            let (query, access) = (query(), context.access)
            return try await database.run { try UnitsResponse(units: query.commune(units: query.readableUnits(access)).units) }
        }
        api.get("units/:unit") { request, context -> UnitView in
            let (unit, filter, sort, page) = try unitRequest(request, context)
            let query = query()
            let view = try await database.run { try query.unit(unit, filter: filter, sort: sort, page: page) }
            try Self.requireExists(page: page, of: view.pages)
            return view
        }
        api.get("hosts/:id") { _, context -> HostView in
            let (id, query) = (try Self.hostId(context), query())
            let view = try await database.run { try query.host(id) }
            guard let view, context.access.canRead(unit: view.host.unit) else { throw Self.noHost(id) }
            return view
        }
        api.get("hosts/:id/history") { request, context -> HistoryResponse in
            let id = try Self.hostId(context)
            let control = try request.uri.queryParameters["control"].map { try Self.controlId(String($0)) }
            let store = store
            let (record, spans) = try await database.run { (try store.host(id: id), try store.statusSpans(host: id, control: control)) }
            guard let record, context.access.canRead(unit: record.unit) else { throw Self.noHost(id) }
            return HistoryResponse(host: id, control: control, spans: spans)
        }
        api.get("controls/:id") { request, context -> ControlView in
            let (id, units, status, page, size) = try await controlRequest(request, context)
            let query = query()
            guard let view = try await database.run({ try query.control(id, units: units, status: status, page: page, pageSize: size) }) else {
                throw HTTPError(.notFound, message: "no report has named control \(id)")
            }
            try Self.requireExists(page: page, of: view.pages)
            return view
        }
        api.get("compliance") { request, context -> ComplianceSeries in
            let units = try await units(request, context)
            let today = OfficeDay(containing: Date())
            let to = try Self.day(request, "to") ?? today
            let from = try Self.day(request, "from") ?? to.adding(-29)
            guard from <= to, to.number - from.number < 366 else {
                throw HTTPError(.badRequest, message: "from must not be after to, and the span is at most 366 days: write ?from=2026-11-01&to=2026-11-30")
            }
            let by = try request.uri.queryParameters["by"].map { text in
                guard let by = ComplianceGrouping(rawValue: String(text)) else { throw HTTPError(.badRequest, message: "by is control, area or article") }
                return by
            } ?? .article
            let query = query()
            return try await database.run { try query.compliance(units: units, from: from, to: to, by: by) }
        }

        OfficePages(routes: self).add(to: router)
    }

    func query(now: Date = Date()) -> OfficeQuery {
        OfficeQuery(store: store, now: now, silentAfter: settings.silentAfter)
    }

    func unitRequest(_ request: Request, _ context: CollectorContext) throws -> (String, HostFilter, HostSort, Int) {
        let unit = try Self.unitName(context.parameters.get("unit") ?? "")
        try context.requireRead(unit: unit)
        let filter = try Self.choice(request, "state", default: HostFilter.all)
        let sort = try Self.choice(request, "sort", default: HostSort.name)
        return (unit, filter, sort, try Self.page(request))
    }

    func controlRequest(_ request: Request, _ context: CollectorContext) async throws -> (String, [String], ResultStatus?, Int, Int) {
        let id = try Self.controlId(context.parameters.get("id") ?? "")
        let status = try request.uri.queryParameters["status"].map { text in
            guard let status = ResultStatus(rawValue: String(text)) else {
                throw HTTPError(.badRequest, message: "status is one of \(ResultStatus.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            return status
        }
        let size = try Self.number(request, "pageSize", default: 100, in: 1...OfficeQuery.maxPageSize)
        return (id, try await units(request, context), status, try Self.page(request), size)
    }

    /// `?unit=` (repeatable), each one readable; none means every unit this officer reads.
    func units(_ request: Request, _ context: CollectorContext) async throws -> [String] {
        let asked = request.uri.queryParameters.getAll("unit").map { String($0) }
        guard asked.count <= 100 else { throw HTTPError(.badRequest, message: "name at most 100 units, or none for all you may read") }
        if asked.isEmpty {
            let (query, access) = (query(), context.access)
            return try await database.run { try query.readableUnits(access) }
        }
        for unit in asked {
            _ = try Self.unitName(unit)
            try context.requireRead(unit: unit)
        }
        return Set(asked).sorted()
    }

    static func unitName(_ raw: String) throws -> String {
        // Hummingbird hands path parameters over still percent-encoded; queries come decoded.
        let name = raw.removingPercentEncoding ?? raw
        guard !name.isEmpty, name.utf8.count <= 256 else { throw HTTPError(.badRequest, message: "a unit's name is 1 to 256 bytes, percent-encoded in the path") }
        return name
    }

    static func hostId(_ context: CollectorContext) throws -> String {
        let id = context.parameters.get("id") ?? ""
        guard (1...128).contains(id.utf8.count), id.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "/") }) else {
            throw HTTPError(.badRequest, message: "a host id is as `attt-collector hosts list` prints it, such as h-3f9c…")
        }
        return id
    }

    static func controlId(_ id: String) throws -> String {
        guard ControlId.isValid(id) else { throw HTTPError(.badRequest, message: "a control id is written like VN-TD-PW-001") }
        return id
    }

    static func noHost(_ id: String) -> HTTPError {
        // A host of a unit the officer may not read is answered like one that does not exist.
        HTTPError(.notFound, message: "no host \(id) among the units you may read")
    }

    static func page(_ request: Request) throws -> Int {
        try number(request, "page", default: 1, in: 1...100_000)
    }

    static func requireExists(page: Int, of pages: Int) throws {
        guard page <= pages else { throw HTTPError(.badRequest, message: "page \(page) does not exist: there are \(pages) pages") }
    }

    static func number(_ request: Request, _ name: String, default value: Int, in range: ClosedRange<Int>) throws -> Int {
        guard let text = request.uri.queryParameters[name[...]] else { return value }
        guard text.count <= 7, let number = Int(text), range.contains(number) else {
            throw HTTPError(.badRequest, message: "\(name) is a whole number from \(range.lowerBound) to \(range.upperBound)")
        }
        return number
    }

    static func choice<T: RawRepresentable & CaseIterable>(_ request: Request, _ name: String, default value: T) throws -> T where T.RawValue == String {
        guard let text = request.uri.queryParameters[name[...]] else { return value }
        guard let choice = T(rawValue: String(text)) else {
            throw HTTPError(.badRequest, message: "\(name) is one of \(T.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        return choice
    }

    static func day(_ request: Request, _ name: String) throws -> OfficeDay? {
        guard let text = request.uri.queryParameters[name[...]] else { return nil }
        guard let day = OfficeDay(String(text)) else { throw HTTPError(.badRequest, message: "\(name) is a day written YYYY-MM-DD, such as 2026-11-25") }
        return day
    }
}

struct UnitsResponse: ResponseEncodable {
    var units: [UnitSummary]
}

struct HistoryResponse: ResponseEncodable {
    var host: String
    var control: String?
    var spans: [StatusSpan]
}

extension UnitView: ResponseEncodable {}
extension HostView: ResponseEncodable {}
extension ControlView: ResponseEncodable {}
extension ComplianceSeries: ResponseEncodable {}
