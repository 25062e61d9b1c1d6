import CollectorStore
import Foundation
import HardeningCore
import Hummingbird

/// The office's pages (issue 13 point 7): commune → unit → host → control, with breadcrumbs back.
/// Server-rendered, no script, under WebPages' strict CSP; Vietnamese first, English by a plain
/// link that sets a cookie. They read through the same `OfficeQuery` as the JSON API.
struct OfficePages: Sendable {
    let routes: OfficeRoutes

    static let languageCookie = "attt_lang"

    func add(to router: Router<CollectorContext>) {
        let pages = router.group().add(middleware: OfficerSessionMiddleware(authenticator: routes.officers, redirect: true)).add(middleware: PageRefusals())
        pages.get("/") { request, context in
            let (query, access, page, store, within) = (routes.query(), context.access, PageFrame(request, context), routes.store, routes.settings.escalateWithin)
            return WebPages.html(try await routes.database.run {
                let now = Date(), units = access.readsAll ? nil : access.units
                let counts = IncidentCounts(incidents: try store.incidents(units: units, asOf: now), waiting: try store.userReports(units: units, all: false),
                                            escalateWithin: within, now: now)
                return try page.commune(query.commune(units: query.readableUnits(access)), incidents: counts)
            })
        }
        pages.get("/units/:unit") { request, context in
            let (unit, filter, sort, number) = try routes.unitRequest(request, context)
            let (query, page) = (routes.query(), PageFrame(request, context))
            return WebPages.html(page.unit(try await routes.database.run { try query.unit(unit, filter: filter, sort: sort, page: number) }))
        }
        pages.get("/hosts/:id") { request, context in
            let (id, query, page) = (try OfficeRoutes.hostId(context), routes.query(), PageFrame(request, context))
            guard let view = try await routes.database.run({ try query.host(id) }), context.access.canRead(unit: view.host.unit) else { throw OfficeRoutes.noHost(id) }
            let (store, unit) = (routes.store, view.host.unit)
            let (spans, open, reports) = try await routes.database.run {
                (try query.history(host: id, control: nil), try store.incidents(units: [unit], asOf: Date()).filter(\.isOpen), try store.history(host: id, limit: 10))
            }
            return WebPages.html(page.host(view, spans: spans, openIncidents: open, reports: reports))
        }
        pages.get("/controls/:id") { request, context in
            let (id, units, status, number, size) = try await routes.controlRequest(request, context)
            let (query, page) = (routes.query(), PageFrame(request, context))
            guard let view = try await routes.database.run({ try query.control(id, units: units, status: status, page: number, pageSize: size) }) else {
                throw HTTPError(.notFound, message: "Chưa báo cáo nào có biện pháp \(id). — No report has named control \(id).")
            }
            let unit = request.uri.queryParameters.getAll("unit").count == 1 ? units.first : nil
            return WebPages.html(page.control(view, unit: unit))
        }
        addForms(to: pages)
        addAudit(to: pages)
        addSnapshot(to: pages)
        addReports(to: pages)
        addIncidents(to: pages)
        addIncidentDocuments(to: pages)
        addCatalogues(to: pages)
        // A plain link, no script: the choice is kept in a cookie and the officer is sent back.
        pages.get("/language") { request, _ -> Response in
            let english = request.uri.queryParameters["to"] == "en"
            let back = request.uri.queryParameters["back"].map(String.init) ?? "/"
            // Only a path of this site: never `//elsewhere` or a scheme (an open redirect).
            // Printable ASCII only (the links here are percent-encoded): nothing to split a header with.
            let safe = back.utf8.count <= 2_048 && back.utf8.allSatisfy { $0 > 0x20 && $0 < 0x7F && $0 != UInt8(ascii: "\\") }
            let target = safe && back.hasPrefix("/") && !back.hasPrefix("//") ? back : "/"
            var response = Response.redirect(to: target, type: .found)
            response.setCookie(Cookie(name: Self.languageCookie, value: english ? "en" : "vi", maxAge: 365 * 86_400, path: "/", secure: true, httpOnly: true, sameSite: .strict))
            return response
        }
    }
}

/// A refusal on a page (a unit not to be read, an unknown host, a bad filter) is a page too, in the
/// officer's language, with the message and a way back, not a JSON body in the browser.
struct PageRefusals: RouterMiddleware {
    typealias Context = CollectorContext

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let error as HTTPError where [.badRequest, .forbidden, .notFound].contains(error.status) {
            var frame = PageFrame(request, context)
            frame.here = "/"
            return WebPages.html(frame.refusal(error.body ?? "", back: "/", title: frame.say("Không mở được trang", "This page cannot be shown")), status: error.status)
        }
    }
}

/// What every page shares: the language, who is signed in, the breadcrumbs and the header.
struct PageFrame: Sendable {
    let english: Bool
    let officer: String
    let role: String
    let access: OfficerAccess
    let csrf: String
    /// This page's path and query, for the language link to come back to.
    var here: String

    init(_ request: Request, _ context: CollectorContext) {
        english = request.cookies[OfficePages.languageCookie]?.value == "en"
        officer = context.officer ?? ""
        role = context.access.roleName
        access = context.access
        csrf = context.csrfToken ?? ""
        here = request.uri.description
    }

    /// Vietnamese first; English when the officer chose it.
    func say(_ vi: String, _ en: String) -> String { english ? en : vi }
    func say(_ text: LocalizedText?) -> String { text.map { english ? $0.en : $0.vi } ?? "" }

    func document(title: String, crumbs: [(String, String?)], body: String) -> String {
        let trail = crumbs.map { name, link in
            link.map { "<li><a href=\"\(e($0))\">\(e(name))</a></li>" } ?? "<li aria-current=\"page\">\(e(name))</li>"
        }.joined()
        let other = english ? ("vi", "Tiếng Việt") : ("en", "English")
        let page = """
            <header><nav aria-label="\(say("Vị trí", "Breadcrumbs"))" class="crumbs"><ol>\(trail)</ol></nav>
            <div class="who"><a href="/incidents">\(say("Sự cố", "Incidents"))</a> <a href="/reports">\(say("Báo cáo", "Reports"))</a> <a href="/audit">\(say("Nhật ký thao tác", "Audit log"))</a> <a hreflang="\(other.0)" lang="\(other.0)" href="/language?to=\(other.0)&amp;back=\(e(Self.query(here)))">\(other.1)</a>
            <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="\(e(csrf))"><span>\(say("Cán bộ", "Officer")): \(e(officer)) (\(e(role)))</span> \
            <button>\(say("Đăng xuất", "Sign out"))</button></form></div></header>
            <main>\(body)</main>
            """
        var html = WebPages.document(title: "attt — " + title, body: page, style: Self.style)
        if english { html = html.replacingOccurrences(of: "<html lang=\"vi\">", with: "<html lang=\"en\">") }
        return html
    }

    static let style = """
        .crumbs ol{list-style:none;display:flex;gap:.4rem;padding:0;margin:0}.crumbs li+li:before{content:"›";margin-right:.4rem;color:#666}
        .who{display:flex;gap:1rem;align-items:center}.who form{display:inline}caption{text-align:left;font-weight:600;padding:.4rem 0}
        table{margin-bottom:1.5rem}td.num,th.num{text-align:right}.silent td:first-child{border-left:4px solid #8a6d00}
        .revoked td:first-child{border-left:4px solid #777}.revoked{color:#555}.never td:first-child{border-left:4px dashed #999}
        .tabs a,.pager a,.pager span{margin-right:.8rem}.pager{margin:1rem 0 2rem}.tabs a[aria-current]{font-weight:700;text-decoration:none}
        .status-fail{color:#b00020;font-weight:600}.status-pass{color:#1b7f3b}.status-error{color:#8a6d00}.muted{color:#666}
        .cards{display:flex;flex-wrap:wrap;gap:1rem;margin:1rem 0}.card{border:1px solid #ccc;border-radius:4px;padding:.5rem .8rem;min-width:8rem}
        .card b{display:block;font-size:1.4rem}dl.cards dd{margin:0}dl.cards dt{color:#444}td.failing{font-family:monospace;font-size:.75rem;color:#444}
        table.hosts td:first-child{white-space:nowrap}.evidence{font-family:monospace;font-size:.85rem;margin:0;padding-left:1rem}
        figure{margin:1rem 0}form.change{margin:1rem 0;max-width:40rem}fieldset{border:1px solid #ccc}.status-waived{color:#5b3a8a}.status-due{color:#8a6d00}
        .status-attested{color:#1b7f3b}figcaption{color:#444}svg{max-width:100%;height:auto;border:1px solid #ddd}
        table.catalogue th{white-space:nowrap}form.wide{max-width:60rem}form.wide textarea{width:100%;font-family:monospace;font-size:.85rem}
        """

    // MARK: Words shared by the pages

    func state(_ state: HostActivity.State) -> String {
        switch state {
        case .reporting: return say("Đang báo cáo", "Reporting")
        case .silent: return say("Mất liên lạc", "Silent (no contact)")
        case .neverReported: return say("Chưa gửi báo cáo", "Never reported")
        case .revoked: return say("Đã thu hồi", "Revoked")
        }
    }

    func status(_ status: String) -> String {
        switch status {
        case "pass": return say("Đạt", "Pass")
        case "fail": return say("Không đạt", "Fail")
        case "not_applicable": return say("Không áp dụng", "Not applicable")
        case "error": return say("Lỗi khi kiểm tra", "Error")
        case "manual": return say("Cần xác nhận", "Manual")
        case "absent": return say("Không có trong báo cáo", "Not in the report")
        case "waived": return say("Miễn trừ", "Waived")
        case "attested": return say("Đã xác nhận", "Attested")
        case "due": return say("Đến hạn xác nhận", "Attestation due")
        default: return e(status)
        }
    }

    func percent(_ value: Double?) -> String {
        guard let value else { return "—" }
        return String(format: "%.0f%%", value * 100)
    }

    /// The change in percentage points, with its sign.
    func change(_ value: Double?) -> String {
        guard let value else { return "—" }
        let points = (value * 100).rounded()
        return points == 0 ? "±0" : String(format: "%+.0f", points)
    }

    func time(_ text: String?) -> String {
        guard let text else { return "—" }
        return Timestamp.parse(text).map { WebPages.localTime(Timestamp($0)) } ?? e(text)
    }

    /// 2026-11-25 → 25/11/2026, as officers write days.
    func day(_ text: String) -> String {
        let parts = text.split(separator: "-")
        return parts.count == 3 ? "\(parts[2])/\(parts[1])/\(parts[0])" : e(text)
    }

    func e(_ text: String) -> String { WebPages.escape(text) }

    static func unitLink(_ unit: String, query: String = "") -> String {
        "/units/" + pathPart(unit) + (query.isEmpty ? "" : "?" + query)
    }

    static func hostLink(_ id: String) -> String { "/hosts/" + pathPart(id) }

    static func controlLink(_ id: String, unit: String? = nil, query: String = "") -> String {
        var parts = unit.map { ["unit=" + Self.query($0)] } ?? []
        if !query.isEmpty { parts.append(query) }
        return "/controls/" + pathPart(id) + (parts.isEmpty ? "" : "?" + parts.joined(separator: "&"))
    }

    static func pathPart(_ text: String) -> String {
        text.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
    }

    static func query(_ text: String) -> String { pathPart(text) }

    /// A compliance table per article or area, with the change over 30 days.
    func complianceTable(_ rows: [ComplianceRow], caption: String, keyHeader: String) -> String {
        guard !rows.isEmpty else { return "<p class=\"muted\">\(say("Chưa có số liệu tuân thủ hôm nay.", "No compliance figures for today yet."))</p>" }
        var html = """
            <table class="compliance"><caption>\(caption)</caption><thead><tr><th scope="col">\(keyHeader)</th>\
            <th scope="col" class="num">\(say("Đạt", "Pass"))</th><th scope="col" class="num">\(say("Không đạt", "Fail"))</th>\
            <th scope="col" class="num">\(say("Miễn trừ", "Waived"))</th><th scope="col" class="num">\(say("Tỷ lệ tuân thủ", "Compliance"))</th>\
            <th scope="col" class="num">\(say("Thay đổi 30 ngày (điểm %)", "Change over 30 days (points)"))</th></tr></thead><tbody>
            """
        for row in rows {
            html += """
                <tr><th scope="row">\(e(say(row.label)))</th><td class="num">\(row.counts.pass)</td><td class="num">\(row.counts.fail)</td>\
                <td class="num">\(row.counts.waived)</td><td class="num">\(percent(row.compliance))</td><td class="num">\(change(row.change30Days))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }
}
