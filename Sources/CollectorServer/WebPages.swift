import CollectorStore
import Foundation
import HardeningCore
import Hummingbird
import Reporting

/// Signing in and out, and what every officer page shares: the document around it and the strict
/// Content-Security-Policy. Server-rendered HTML with no script and no external asset, so it works
/// on any office browser. The pages themselves are OfficePages (commune → unit → host → control).
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

    /// `style`: what a page adds to the shared style sheet (inline: the CSP allows no other).
    static func document(title: String, body: String, style: String = "") -> String {
        """
        <!doctype html><html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width">
        <title>\(escape(title))</title><style>
        body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1b1b}table{border-collapse:collapse;width:100%}
        th,td{border-bottom:1px solid #ccc;padding:.35rem .6rem;text-align:left}tr.fail td:first-child{border-left:4px solid #b00020}
        tr.ok td:first-child{border-left:4px solid #1b7f3b}.control{font-family:monospace;margin-right:.4rem}
        .message{color:#b00020}label{display:block;margin:.5rem 0}header{display:flex;justify-content:space-between;align-items:center}
        \(style)</style></head><body>\(body)</body></html>
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
