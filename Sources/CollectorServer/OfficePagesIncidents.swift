import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Hummingbird

/// The incident register's pages (Điều 11 khoản 2; Điều 15 khoản 2 điểm b): /incidents, one incident,
/// the users' reports to acknowledge, and the forms behind them. Plain HTML forms with the session's
/// anti-forgery field, the same rules as the JSON API (`IncidentRoutes` does the work for both).
extension OfficePages {
    var incidents: IncidentRoutes { IncidentRoutes(store: routes.store, settings: routes.settings, database: routes.database) }

    func addIncidents(to pages: RouterGroup<CollectorContext>) {
        pages.get("/incidents") { request, context in
            let (store, units, page) = (routes.store, try IncidentRoutes.units(request, context), PageFrame(request, context))
            let (list, reports, known) = try await routes.database.run {
                (try store.incidents(units: units, asOf: Date()), try store.userReports(units: units, all: false), try store.hosts(unit: nil))
            }
            return WebPages.html(page.incidents(list, waitingReports: reports.count, hosts: known.filter { context.access.canAct(unit: $0.unit) && !$0.revoked },
                                                escalateWithin: routes.settings.escalateWithin, now: Date()))
        }
        pages.post("/incidents") { request, context -> Response in
            try context.requireActOnSomeUnit()
            let form = try await Self.form(IncidentForm.self, request, context)
            var recorded: UUID?
            let response = try await answer(request, context, back: "/incidents") {
                recorded = try await incidents.record(try form.request(), context: context).id
            }
            return recorded.map { .redirect(to: "/incidents/\($0.uuidString)", type: .normal) } ?? response
        }
        pages.get("/incidents/:id") { request, context in
            let incident = try await incidents.incident(context, asOf: Date())
            let (store, page, unit) = (routes.store, PageFrame(request, context), incident.unit)
            let (hosts, documents) = try await routes.database.run { (try store.hosts(unit: unit), try store.incidentDocuments(incident: incident.id)) }
            return WebPages.html(page.incident(incident, unitHosts: hosts, documents: documents, escalateWithin: routes.settings.escalateWithin, now: Date()))
        }
        pages.post("/incidents/:id") { request, context -> Response in
            let form = try await Self.form(RevisionForm.self, request, context)
            return try await answer(request, context, back: try Self.incidentLink(context)) { _ = try await incidents.revise(context, try form.change()) }
        }
        pages.post("/incidents/:id/hosts") { request, context -> Response in
            let form = try await Self.form(HostForm.self, request, context)
            return try await answer(request, context, back: try Self.incidentLink(context)) { _ = try await incidents.addHost(context, form.host) }
        }
        pages.post("/incidents/:id/isolation") { request, context -> Response in
            let form = try await Self.form(IsolationForm.self, request, context)
            let back = form.back == "host" ? PageFrame.hostLink(form.host) : try Self.incidentLink(context)
            return try await answer(request, context, back: back) {
                guard let kind = JobKind(rawValue: form.action), kind != .fix else { throw ExceptionRefusal.invalid("action là isolate hoặc release — action is isolate or release") }
                _ = try await incidents.order(context, host: form.host, kind: kind)
            }
        }
        pages.post("/incidents/:id/escalations") { request, context -> Response in
            let form = try await Self.form(EscalationForm.self, request, context)
            return try await answer(request, context, back: try Self.incidentLink(context)) { _ = try await incidents.escalate(context, try form.request()) }
        }
        pages.get("/user-reports") { request, context in
            let (store, units, page) = (routes.store, try IncidentRoutes.units(request, context), PageFrame(request, context))
            let all = request.uri.queryParameters["state"] == "all"
            let (reports, open) = try await routes.database.run {
                (try store.userReports(units: units, all: all), try store.incidents(units: units, asOf: Date()).filter(\.isOpen))
            }
            return WebPages.html(page.userReports(reports, all: all, openIncidents: open, now: Date()))
        }
        pages.post("/user-reports/:id/acknowledge") { request, context -> Response in
            let form = try await Self.form(AcknowledgeForm.self, request, context)
            return try await answer(request, context, back: "/user-reports") {
                let incident = try form.incident.flatMap { text -> UUID? in
                    guard !text.isEmpty else { return nil }
                    guard let id = UUID(uuidString: text) else { throw ExceptionRefusal.invalid("Sự cố không hợp lệ. — incident is not an incident id") }
                    return id
                }
                _ = try await incidents.acknowledge(context, incident: incident)
            }
        }
    }

    static func incidentLink(_ context: CollectorContext) throws -> String {
        guard let id = context.parameters.get("id").flatMap(UUID.init(uuidString:)) else { throw HTTPError(.badRequest, message: "Mã sự cố không hợp lệ. — the incident id is not a UUID") }
        return "/incidents/" + id.uuidString
    }

    /// "Ghi nhận sự cố": the first record. Signs are check boxes, one field each.
    struct IncidentForm: Decodable {
        var unit: String
        var title: String
        var detectedAt: String
        var detectedBy: String
        var detection: String
        var severity: String
        var signTrafficSpike: String?
        var signContentChanged: String?
        var signAbnormalSlowness: String?
        var signOther: String?
        var affectedSystem: String?
        var hosts: String?

        func request() throws -> IncidentRequest {
            guard let detection = IncidentDetection(rawValue: detection), let severity = IncidentSeverity(rawValue: severity) else {
                throw ExceptionRefusal.invalid("Chọn cách phát hiện và mức độ trong danh sách. — Choose the detection and the severity from the lists.")
            }
            let boxes: [(String?, IncidentSign)] = [(signTrafficSpike, .trafficSpike), (signContentChanged, .contentChanged), (signAbnormalSlowness, .abnormalSlowness), (signOther, .other)]
            let signs = boxes.compactMap { $0.0 == nil ? nil : $0.1 }
            return IncidentRequest(unit: unit, title: title, detectedAt: try Self.localTime(detectedAt, "detectedAt (thời điểm phát hiện)"), detectedBy: detectedBy,
                                   detection: detection, signs: signs, severity: severity, affectedSystem: affectedSystem,
                                   hosts: (hosts ?? "").split(whereSeparator: { $0 == "," || $0 == " " || $0 == "\n" }).map(String.init))
        }

        /// `<input type="datetime-local">` gives the office's time (UTC+7) without a zone.
        static func localTime(_ text: String, _ field: String) throws -> Timestamp {
            let text = text.trimmingCharacters(in: .whitespaces)
            guard text.utf8.count <= 19, let date = Timestamp.parse(text + (text.utf8.count == 16 ? ":00" : "") + "+07:00") else {
                throw ExceptionRefusal.invalid("\(field): viết ngày giờ như 2027-01-02T08:30 (giờ Việt Nam). — write a date and time such as 2027-01-02T08:30 (Việt Nam time).")
            }
            return Timestamp(date)
        }
    }

    /// A new revision from the incident's page; empty fields keep what was recorded.
    struct RevisionForm: Decodable {
        var cause: String?
        var result: String?
        var state: String?
        var reportedToHeadAt: String?
        var headName: String?
        var beyondCapacityAt: String?

        func change() throws -> IncidentChange {
            func blank(_ text: String?) -> String? { text.flatMap { $0.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty ? nil : $0 } }
            let state = try blank(state).map { text -> IncidentState in
                guard let state = IncidentState(rawValue: text) else { throw ExceptionRefusal.invalid("Chọn tình trạng trong danh sách. — Choose the state from the list.") }
                return state
            }
            return IncidentChange(cause: blank(cause), result: blank(result), state: state,
                                  beyondCapacityAt: try blank(beyondCapacityAt).map { try IncidentForm.localTime($0, "beyondCapacityAt (vượt khả năng xử lý)") },
                                  reportedToHeadAt: try blank(reportedToHeadAt).map { try IncidentForm.localTime($0, "reportedToHeadAt (báo cáo Thủ trưởng)") },
                                  headName: blank(headName))
        }
    }

    struct HostForm: Decodable { var host: String }

    struct IsolationForm: Decodable {
        var host: String
        var action: String
        /// `host`: come back to the PC's page, where the button was.
        var back: String?
    }

    struct EscalationForm: Decodable {
        var recipient: String
        var sentAt: String
        var means: String
        var reference: String?
        var note: String?

        func request() throws -> EscalationRequest {
            EscalationRequest(recipient: recipient, sentAt: try IncidentForm.localTime(sentAt, "sentAt (thời điểm gửi)"), means: means,
                              reference: reference.flatMap { $0.isEmpty ? nil : $0 }, note: note.flatMap { $0.isEmpty ? nil : $0 })
        }
    }

    struct AcknowledgeForm: Decodable { var incident: String? }
}
