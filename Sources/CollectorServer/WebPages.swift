import CollectorStore
import Foundation
import HardeningCore
import Hummingbird
import Reporting

/// The officers' first page, in Vietnamese: every unit, its hosts with their latest status and
/// failing controls. Server-rendered HTML with no script and no external asset, so it works on any
/// office browser and the Content-Security-Policy can forbid everything else.
struct WebPages: Sendable {
    let store: any CollectorDatabase
    let officers: OfficerAuthenticator
    let settings: CollectorSettings
    let database: BlockingPool

    func add(to router: Router<CollectorContext>) {
        router.get("/sign-in") { _, _ in Self.html(Self.signInPage(message: nil)) }
        router.post("/sign-in") { request, context -> Response in
            try OfficerSessionMiddleware.requireSameOrigin(request)
            let text = String(buffer: try await request.body.collect(upTo: context.maxUploadSize))
            guard let form = try? URLEncodedFormDecoder().decode(SignInForm.self, from: text) else {
                return Self.html(Self.signInPage(message: "Hãy nhập tài khoản và mật khẩu."), status: .badRequest)
            }
            switch try await officers.signIn(user: form.user, password: form.password, address: context.remoteAddress) {
            case .signedIn(_, let token, let expiresAt):
                var response = Response.redirect(to: "/", type: .found)
                response.setCookie(CollectorRoutes.sessionCookie(token, expiresAt: expiresAt))
                return response
            case .refused:
                return Self.html(Self.signInPage(message: "Sai tài khoản hoặc mật khẩu, hoặc tài khoản không thuộc nhóm cán bộ CNTT."), status: .unauthorized)
            case .locked(let minutes):
                return Self.html(Self.signInPage(message: "Tài khoản tạm khóa \(minutes) phút do đăng nhập sai nhiều lần (Điều 7 khoản 2)."), status: .tooManyRequests)
            }
        }
        let pages = router.group().add(middleware: OfficerSessionMiddleware(authenticator: officers, redirect: true))
        pages.get("/") { _, context in
            let (store, officer, access, csrf) = (store, context.officer ?? "", context.access, context.csrfToken ?? "")
            return Self.html(try await database.run { try Self.statusPage(store: store, officer: officer, access: access, csrf: csrf) })
        }
        pages.post("/sign-out") { request, _ -> Response in
            if let token = request.cookies[OfficerAuthenticator.cookieName]?.value { try await officers.signOut(session: token) }
            var response = Response.redirect(to: "/sign-in", type: .found)
            response.setCookie(Cookie(name: OfficerAuthenticator.cookieName, value: "", maxAge: 0, path: "/", secure: true, httpOnly: true, sameSite: .strict))
            return response
        }
    }

    struct SignInForm: Decodable {
        var user: String
        var password: String
    }

    /// Runs on the database pool: it reads the store. Only the units the officer may read.
    static func statusPage(store: any CollectorDatabase, officer: String, access: OfficerAccess, csrf: String) throws -> String {
        let readable = access.readsAll ? try store.hosts(unit: nil) : try access.units.flatMap { try store.hosts(unit: $0) }
        let units = Dictionary(grouping: readable, by: \.unit).sorted { $0.key < $1.key }
        var body = """
            <header><h1>Tình hình bảo đảm an toàn thông tin</h1>
            <form method="post" action="/sign-out"><input type="hidden" name="csrf" value="\(Self.escape(csrf))"><span>Cán bộ: \(Self.escape(officer))</span> <button>Đăng xuất</button></form></header>
            """
        if units.isEmpty {
            body += "<p>Chưa có máy nào đăng ký. Tạo mã đăng ký: <code>attt-collector token create --unit \"…\"</code></p>"
        }
        for (unit, hosts) in units {
            let latest = Dictionary(try store.latestStatus(unit: unit).map { ($0.host, $0) }, uniquingKeysWith: { a, _ in a })
            let failingHosts = hosts.filter { (latest[$0.id]?.failing.isEmpty == false) }.count
            body += "<section><h2>\(Self.escape(unit))</h2><p class=\"unit-summary\">\(hosts.count) máy, \(failingHosts) máy có biện pháp không đạt</p>"
            body += "<table><thead><tr><th>Máy</th><th>Lần kiểm tra gần nhất</th><th>Đạt</th><th>Không đạt</th><th>Biện pháp không đạt</th></tr></thead><tbody>"
            for host in hosts {
                // Two PCs may share a name; the short id tells them apart.
                let name = Self.escape(host.hostname ?? "—") + " <small>\(Self.escape(String(host.id.prefix(10))))</small>"
                guard let status = latest[host.id] else {
                    body += "<tr class=\"host\" data-host=\"\(Self.escape(host.id))\"><td>\(name)</td><td colspan=\"4\">chưa gửi báo cáo</td></tr>"
                    continue
                }
                let state = status.failing.isEmpty ? "ok" : "fail"
                let failing = status.failing.map { "<span class=\"control\">\(Self.escape($0))</span>" }.joined(separator: " ")
                body += """
                    <tr class="host \(state)" data-host="\(Self.escape(host.id))"><td>\(name)\(host.revoked ? " (đã thu hồi)" : "")</td>\
                    <td>\(Self.localTime(status.startedAt))\(status.summaryOnly ? " (tóm tắt)" : "")</td>\
                    <td class="pass">\(status.summary.pass)</td><td class="fail">\(status.summary.fail)</td><td>\(failing.isEmpty ? "—" : failing)</td></tr>
                    """
            }
            body += "</tbody></table></section>"
        }
        return Self.document(title: "attt — tình hình các đơn vị", body: body)
    }

    /// Vietnam's time (UTC+7, no daylight saving), the way officers read dates: 25/11/2026 15:00.
    static func localTime(_ time: Timestamp) -> String {
        guard let date = Timestamp.parse(time.description) else { return escape(time.description) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "vi_VN")
        formatter.timeZone = TimeZone(secondsFromGMT: 7 * 3600)
        formatter.dateFormat = "dd/MM/yyyy HH:mm"
        return "<time datetime=\"\(escape(time.description))\">\(formatter.string(from: date))</time>"
    }

    static func signInPage(message: String?) -> String {
        document(title: "attt — đăng nhập", body: """
            <main class="sign-in"><h1>Đăng nhập cán bộ CNTT</h1>
            \(message.map { "<p class=\"message\" role=\"alert\">\(escape($0))</p>" } ?? "")
            <form method="post" action="/sign-in">
            <label>Tài khoản <input name="user" autocomplete="username" required></label>
            <label>Mật khẩu <input name="password" type="password" autocomplete="current-password" required></label>
            <button type="submit">Đăng nhập</button></form></main>
            """)
    }

    static func document(title: String, body: String) -> String {
        """
        <!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(escape(title))</title><style>
        body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}
        th,td{border-bottom:1px solid #ccc;padding:.35rem .6rem;text-align:left}tr.fail td:first-child{border-left:4px solid #b00020}
        tr.ok td:first-child{border-left:4px solid #1b7f3b}.control{font-family:monospace;margin-right:.4rem}
        .message{color:#b00020}label{display:block;margin:.5rem 0}header{display:flex;justify-content:space-between;align-items:center}
        </style></head><body>\(body)</body></html>
        """
    }

    static func html(_ text: String, status: HTTPResponse.Status = .ok) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/html; charset=utf-8"
        // No script, no external asset, no framing.
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'unsafe-inline'; form-action 'self'; frame-ancestors 'none'"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: text)))
    }

    static func escape(_ text: String) -> String { HTMLReport.escape(text) }
}
