import CollectorReports
import CollectorStore
import Foundation
import HardeningCore
import Hummingbird
import OfficeDocuments

/// The Báo cáo page (issue 14 point 3): produce a unit's or the commune's periodic report as a file,
/// and download the reports already kept (the scheduled ones and those officers produced), each with
/// its SHA-256. A unit's officer reports on their units; the Văn phòng thống kê (Điều 13 khoản 9)
/// also on the whole commune; an inspector reads and produces any unit's (Điều 13 khoản 2 điểm đ).
/// A kept report of a unit the officer may not read is not found, as on the other pages.
extension OfficePages {
    /// Kept reports sent at once, each held in memory until written: past these, 503.
    static let reportDownloads = Admission(name: "report downloads", capacity: 4)

    func addReports(to pages: RouterGroup<CollectorContext>) {
        pages.get("/reports") { request, context in
            let page = PageFrame(request, context)
            let (units, kept) = try await readableReports(context)
            return WebPages.html(page.reports(units: units, kept: kept, delivery: delivery, today: OfficeDay(containing: Date())))
        }
        pages.post("/reports") { request, context -> Response in
            let form = try await Self.form(ReportForm.self, request, context)
            // The answer holds the file until it is written: taken before anything is rendered.
            let place = try Self.reportDownloads.place()
            var frame = PageFrame(request, context)
            frame.here = "/reports"
            let now = Date()
            let scope: ReportScope
            let period: ReportPeriod
            let format: DocumentFormat
            do {
                (scope, period, format) = try requested(form, context: context, now: now)
            } catch let refusal as ReportInput.Refusal {
                return WebPages.html(frame.refusal(refusal.description, back: "/reports", title: frame.say("Chưa lập được báo cáo", "No report made")), status: .badRequest)
            }
            let delivery = delivery
            let data: Data
            do {
                // LibreOffice takes seconds and a few hundred MiB: at most two at once, the rest told to come back.
                data = try await ReportPools.rendering.run { try delivery.render(scope: scope, period: period, format: format, now: now) }
            } catch let refusal as PeriodicReports.Refusal {
                return WebPages.html(frame.refusal(refusal.description, back: "/reports", title: frame.say("Chưa lập được báo cáo", "No report made")), status: .badRequest)
            } catch let error as DocumentError {
                // A format this machine lacks is the officer's to choose again; anything else is the collector's fault.
                guard case .unavailable(let format, let why) = error else {
                    return WebPages.html(frame.refusal("Không lập được báo cáo; hãy thử lại hoặc báo quản trị viên. — The report could not be made: \(error)", back: "/reports",
                                                       title: frame.say("Chưa lập được báo cáo", "No report made")), status: .internalServerError)
                }
                let message = (delivery.unavailable(format) ?? "") + " (\(why))"
                return WebPages.html(frame.refusal(message, back: "/reports", title: frame.say("Chưa lập được báo cáo", "No report made")), status: .badRequest)
            }
            let officer = ExceptionRoutes.acting(context)
            guard let kept = try await routes.database.run({ try delivery.keep(data, scope: scope, period: period, format: format, by: officer, now: now) }) else {
                throw HTTPError(.internalServerError)
            }
            return Self.reportDownload(kept, data, holding: place)
        }
        pages.get("/reports/:id") { _, context -> Response in
            guard let text = context.parameters.get("id"), text.count <= 19, let id = Int64(text), id > 0 else {
                throw HTTPError(.badRequest, message: "Số báo cáo là số nguyên dương, như trong danh sách. — A report's id is a positive whole number, as listed.")
            }
            let place = try Self.reportDownloads.place()
            let store = routes.store
            guard let (report, data) = try await routes.database.run({ try store.issuedReport(id: id) }), Self.mayRead(report, context.access) else {
                throw HTTPError(.notFound, message: "Không có báo cáo số \(id) trong các đơn vị bạn được xem. — No report \(id) among the units you may read.")
            }
            return Self.reportDownload(report, data, holding: place)
        }
    }

    var delivery: ReportDelivery { ReportDelivery(store: routes.store, settings: routes.settings) }

    /// The units this officer may report on and the kept reports they may read, newest first.
    func readableReports(_ context: CollectorContext) async throws -> ([String], [IssuedReport]) {
        let (store, settings, access) = (routes.store, routes.settings, context.access)
        return try await routes.database.run {
            let units = access.readsAll
                ? try PeriodicReports(store: store, settings: settings.reports, silentAfter: settings.silentAfter).knownUnits()
                : access.units.sorted()
            let kept = try store.issuedReports(units: access.readsAll ? nil : access.units, commune: access.readsAll, limit: 200)
            return (units, kept)
        }
    }

    static func mayRead(_ report: IssuedReport, _ access: OfficerAccess) -> Bool {
        report.unit.map(access.canRead) ?? access.readsAll
    }

    /// The form's choices, checked: the scope against the officer's units, the period, the format.
    func requested(_ form: ReportForm, context: CollectorContext, now: Date) throws -> (ReportScope, ReportPeriod, DocumentFormat) {
        let scope: ReportScope
        if form.scope.isEmpty {
            // The commune's report is the Văn phòng thống kê's to send (Điều 13 khoản 9).
            guard context.access.supervisor else {
                throw ReportInput.Refusal("Chỉ Văn phòng thống kê lập báo cáo toàn xã; hãy chọn đơn vị của bạn. — Only the supervisors report on the whole commune: choose your unit.")
            }
            scope = .commune
        } else {
            guard form.scope.utf8.count <= ExceptionLimits.unitBytes, context.access.canRead(unit: form.scope) else {
                throw ReportInput.Refusal("Bạn không được lập báo cáo của đơn vị «\(form.scope)». — You may not report on unit \(form.scope).")
            }
            scope = .unit(form.scope)
        }
        let period: ReportPeriod
        if form.period == "dates" {
            period = try ReportInput.period(from: form.from ?? "", to: form.to ?? "")
        } else {
            period = try ReportInput.period(named: form.period)
        }
        guard let format = DocumentFormat(rawValue: form.format) else {
            throw ReportInput.Refusal("Định dạng là html, pdf, odt hoặc csv. — The format is html, pdf, odt or csv.")
        }
        return (scope, period, format)
    }

    static func reportDownload(_ report: IssuedReport, _ data: Data, holding place: Admission.Place? = nil) -> Response {
        let mediaType = DocumentFormat(rawValue: report.format).map(ReportDelivery.mediaType) ?? "application/octet-stream"
        return Attachment.response(data, headers: Attachment.headers(name: report.fileName, mediaType: mediaType, inlineStyles: true), holding: place)
    }

    struct ReportForm: Decodable {
        /// A unit's name, or empty for the whole commune.
        var scope: String
        /// `2026-Q4`, `2026`, or `dates` with `from` and `to`.
        var period: String
        var from: String?
        var to: String?
        var format: String
    }
}

/// The pools the periodic reports render on: one per process, like the database's.
enum ReportPools {
    /// Two at once (LibreOffice is heavy; the machine has two cores), nothing queued: past it, 503.
    static let rendering = BlockingPool(name: "reports", threads: 2, queue: 0)
}

extension PageFrame {
    func reports(units: [String], kept: [IssuedReport], delivery: ReportDelivery, today: OfficeDay) -> String {
        let title = say("Báo cáo định kỳ", "Periodic reports")
        let last = ReportPeriod.closed(before: today)[0]
        var scopes = access.supervisor ? "<option value=\"\">\(say("Toàn xã", "Whole commune"))</option>" : ""
        scopes += units.map { "<option value=\"\(e($0))\">\(e($0))</option>" }.joined()
        // The last eight quarters and three years, newest first; the last closed quarter chosen.
        var periods: [ReportPeriod] = []
        var quarter = last
        for _ in 0..<8 { periods.append(quarter); quarter = quarter.previous }
        for back in 0..<3 { periods.append(.year(today.year - 1 - back)) }
        let periodOptions = periods.map { p in
            "<option value=\"\(e(p.slug))\"\(p == last ? " selected" : "")>\(e(p.name))</option>"
        }.joined() + "<option value=\"dates\">\(say("Từ ngày … đến ngày … (chọn bên dưới)", "From … to … (below)"))</option>"
        let formats = DocumentFormat.allCases.map { format -> String in
            let why = delivery.unavailable(format)
            let checked = format == .pdf && why == nil || format == .html && delivery.unavailable(.pdf) != nil && why == nil
            return "<label><input type=\"radio\" name=\"format\" value=\"\(format.rawValue)\"\(checked ? " checked" : "")\(why == nil ? "" : " disabled") required> \(format.rawValue.uppercased())"
                + (why.map { " <span class=\"muted\">(\(e($0)))</span>" } ?? "") + "</label>"
        }.joined(separator: "<br>")
        let form = units.isEmpty && !access.supervisor ? "<p class=\"muted\">\(say("Chưa có đơn vị nào để báo cáo.", "No unit to report on yet."))</p>" : """
            <form class="change" method="post" action="/reports"><fieldset><legend>\(say("Lập báo cáo", "Produce a report"))</legend>\(csrfField())
            <label>\(say("Phạm vi", "Scope")) <select name="scope" required>\(scopes)</select></label>
            <label>\(say("Kỳ báo cáo", "Period")) <select name="period" required>\(periodOptions)</select></label>
            <label>\(say("Từ ngày", "From")) <input name="from" type="date"></label> <label>\(say("Đến ngày", "To")) <input name="to" type="date"></label>
            <p>\(say("Định dạng", "Format")):<br>\(formats)</p>
            <button type="submit">\(say("Lập và tải về", "Produce and download"))</button></fieldset></form>
            """
        var rows = ""
        for report in kept {
            let period = ReportDelivery.period(of: report)?.name ?? "\(report.from)…\(report.to)"
            rows += """
                <tr><td class="num">\(report.id)</td><td>\(e(report.unit ?? say("Toàn xã", "Whole commune")))</td><td>\(e(period))</td>\
                <td>\(e(report.format.uppercased()))</td><td><a href="/reports/\(report.id)" download>\(e(report.fileName))</a></td><td class="num">\(report.size)</td>\
                <td class="failing">\(e(report.sha256))</td><td>\(time(report.createdAt.description))</td>\
                <td>\(report.createdBy == IssuedReport.scheduled ? say("Tự động", "Scheduled") : e(report.createdBy))</td></tr>
                """
        }
        let list = kept.isEmpty ? "<p>\(say("Chưa có báo cáo nào được lưu.", "No report kept yet."))</p>" : """
            <table><caption>\(say("Báo cáo đã lưu (mới nhất trước), đúng từng byte như khi lập", "Kept reports (newest first), byte for byte as issued"))</caption><thead><tr>\
            <th scope="col" class="num">\(say("Số", "No."))</th><th scope="col">\(say("Phạm vi", "Scope"))</th><th scope="col">\(say("Kỳ", "Period"))</th>\
            <th scope="col">\(say("Định dạng", "Format"))</th><th scope="col">\(say("Tệp", "File"))</th><th scope="col" class="num">\(say("Byte", "Bytes"))</th>\
            <th scope="col">SHA-256</th><th scope="col">\(say("Lập lúc", "Made at"))</th><th scope="col">\(say("Người lập", "Made by"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        return document(title: title, crumbs: [(say("Xã", "Commune"), "/"), (title, nil)], body: """
            <h1>\(e(title))</h1>
            <p>\(say("Báo cáo tình hình bảo đảm an toàn thông tin theo Nghị định 30/2020/NĐ-CP. Báo cáo quý và năm được lập tự động đầu mỗi kỳ và lưu lại cùng mã SHA-256.",
                     "Information security reports laid out per Decree 30/2020. Quarterly and annual reports are made at the start of each period and kept with their SHA-256."))</p>
            \(form)\(list)
            """)
    }
}
