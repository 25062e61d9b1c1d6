import CollectorAPI
public import CollectorStore
import Foundation
import HardeningCore
public import Hummingbird

/// The officers' API for the incident register (Điều 11 khoản 2; openapi/collector.yaml). A unit's IT
/// officer records and acts on their unit's incidents, the supervisor on all, an inspector reads only.
/// An incident of a unit the officer cannot read is not found: an id tells nothing about another unit.
struct IncidentRoutes: Sendable {
    let store: any CollectorDatabase
    let settings: CollectorSettings
    let database: BlockingPool

    func add(to officer: RouterGroup<CollectorContext>) {
        officer.get("incidents") { request, context -> [IncidentAsOf] in
            let units = try Self.units(request, context)
            return try await database.run { try store.incidents(units: units, asOf: Date()) }
        }
        officer.post("incidents") { request, context -> EditedResponse<IncidentAsOf> in
            let body = try await request.decode(as: IncidentRequest.self, context: context)
            return EditedResponse(status: .created, response: try await Self.answered { try await record(body, context: context) })
        }
        officer.get("incidents/:id") { request, context -> IncidentAsOf in
            let asOf = try request.uri.queryParameters["asOf"].map { text -> Date in
                guard let date = Timestamp.parse(String(text)) else { throw HTTPError(.badRequest, message: "asOf is an RFC 3339 time such as 2027-01-01T00:00:00Z") }
                return date
            } ?? Date()
            return try await Self.answered { try await incident(context, asOf: asOf) }
        }
        officer.post("incidents/:id") { request, context -> IncidentAsOf in
            let change = try await request.decode(as: IncidentChange.self, context: context)
            return try await Self.answered { try await revise(context, change) }
        }
        officer.post("incidents/:id/hosts") { request, context -> IncidentAsOf in
            let body = try await request.decode(as: HostBody.self, context: context)
            return try await Self.answered { try await addHost(context, body.host) }
        }
        officer.post("incidents/:id/isolation") { request, context -> EditedResponse<ApprovedJob> in
            let body = try await request.decode(as: IsolationOrder.self, context: context)
            return EditedResponse(status: .created, response: try await Self.answered { try await order(context, host: body.host, kind: body.action) })
        }
        officer.post("incidents/:id/escalations") { request, context -> EditedResponse<IncidentEscalation> in
            let body = try await request.decode(as: EscalationRequest.self, context: context)
            return EditedResponse(status: .created, response: try await Self.answered { try await escalate(context, body) })
        }
        officer.get("user-reports") { request, context -> [UserReportRecord] in
            let units = try Self.units(request, context)
            let all: Bool
            switch request.uri.queryParameters["state"] {
            case nil, "open": all = false
            case "all": all = true
            default: throw HTTPError(.badRequest, message: "state is open (not yet acknowledged) or all")
            }
            return try await database.run { try store.userReports(units: units, all: all) }
        }
        officer.post("user-reports/:id/acknowledge") { request, context -> UserReportRecord in
            let body = try await request.decode(as: Acknowledgement.self, context: context)
            return try await Self.answered { try await acknowledge(context, incident: body.incident) }
        }
        addDocuments(to: officer)
    }

    /// The store's refusals as HTTP answers, for the API (the pages' forms answer them as pages).
    static func answered<T>(_ work: () async throws -> T) async throws -> T {
        do {
            return try await work()
        } catch let refusal as ExceptionRefusal {
            switch refusal {
            case .invalid(let message): throw HTTPError(.badRequest, message: message)
            case .notFound(let message): throw HTTPError(.notFound, message: message)
            case .conflict(let message): throw HTTPError(.conflict, message: message)
            }
        }
    }

    // MARK: the actions, shared by the API and the pages' forms; refusals are `ExceptionRefusal`

    func record(_ body: IncidentRequest, context: CollectorContext) async throws -> IncidentAsOf {
        try context.requireAct(unit: body.unit)
        let officer = ExceptionRoutes.acting(context)
        return try await database.run { try store.recordIncident(body, by: officer, now: Date()) }
    }

    func revise(_ context: CollectorContext, _ change: IncidentChange) async throws -> IncidentAsOf {
        let id = try await actableIncident(context)
        let officer = ExceptionRoutes.acting(context)
        return try await database.run { try store.reviseIncident(id: id, change, by: officer, now: Date()) }
    }

    func addHost(_ context: CollectorContext, _ host: String) async throws -> IncidentAsOf {
        let id = try await actableIncident(context)
        let officer = ExceptionRoutes.acting(context)
        return try await database.run { try store.addHost(incident: id, host: host, by: officer, now: Date()) }
    }

    /// Điều 11 khoản 2 điểm a, Bước 1, ordered from the collector: a job the PC fetches on its next run.
    /// An isolation waits `incidents.isolation-job-lifetime` (2 h) at most; a release the usual lifetime.
    func order(_ context: CollectorContext, host: String, kind: JobKind) async throws -> ApprovedJob {
        guard kind == .isolate || kind == .release else { throw HTTPError(.badRequest, message: "action is isolate or release") }
        let id = try await actableIncident(context)
        let officer = ExceptionRoutes.acting(context)
        let now = Date()
        let expiresAt = now.addingTimeInterval(kind == .isolate ? settings.isolationJobLifetime : settings.jobLifetime)
        let job = try await database.run { try store.orderIsolation(incident: id, host: host, kind: kind, by: officer, expiresAt: expiresAt, now: now) }
        return ApprovedJob(id: job.id, controls: job.controls, approvedBy: job.approvedBy, approvedAt: job.approvedAt, expiresAt: job.expiresAt, kind: job.kind, incident: job.incident)
    }

    func escalate(_ context: CollectorContext, _ body: EscalationRequest) async throws -> IncidentEscalation {
        let id = try await actableIncident(context)
        let officer = ExceptionRoutes.acting(context)
        return try await database.run { try store.recordEscalation(incident: id, body, by: officer, now: Date()) }
    }

    func acknowledge(_ context: CollectorContext, incident: UUID?) async throws -> UserReportRecord {
        try context.requireActOnSomeUnit()
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the report id is not a UUID") }
        let store = store
        let report = try await database.run { try store.userReport(id: id) }
        guard let report, context.access.canRead(unit: report.unit) else { throw HTTPError(.notFound, message: "không có báo cáo \(id) — no user report \(id)") }
        try context.requireAct(unit: report.unit)
        let officer = ExceptionRoutes.acting(context)
        return try await database.run { try store.acknowledgeUserReport(id: id, incident: incident, by: officer, now: Date()) }
    }

    /// The incident of the path, as it stood at `asOf`, if this officer may read its unit.
    func incident(_ context: CollectorContext, asOf: Date) async throws -> IncidentAsOf {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "the incident id is not a UUID") }
        let store = store
        guard let incident = try await database.run({ try store.incident(id: id, asOf: asOf) }), context.access.canRead(unit: incident.unit) else {
            throw HTTPError(.notFound, message: "không có sự cố \(id) — no incident \(id)")
        }
        return incident
    }

    /// The incident's id, once the officer is known to act on its unit (an inspector is refused first).
    func actableIncident(_ context: CollectorContext) async throws -> UUID {
        try context.requireActOnSomeUnit()
        let incident = try await incident(context, asOf: Date())
        try context.requireAct(unit: incident.unit)
        return incident.id
    }

    /// `?unit=` (checked) or every unit this officer reads.
    static func units(_ request: Request, _ context: CollectorContext) throws -> Set<String>? {
        if request.uri.queryParameters["unit"] != nil {
            let unit = try ExceptionRoutes.unit(request)
            try context.requireRead(unit: unit)
            return [unit]
        }
        return context.access.readsAll ? nil : context.access.units
    }
}

struct HostBody: Decodable {
    var host: String
}

struct IsolationOrder: Decodable {
    var host: String
    var action: JobKind
}

struct Acknowledgement: Decodable {
    var incident: UUID?
}

extension IncidentAsOf: ResponseEncodable {}
extension IncidentEscalation: ResponseEncodable {}
extension UserReportRecord: ResponseEncodable {}
