import CollectorStore
import Foundation
import Hummingbird

/// Sets `context.officer` and `context.access` (what their groups let them see and do) from the
/// session cookie; routes behind it refuse when there is none.
/// A request that changes something (anything but GET and HEAD) must also come from the
/// collector's own pages (its `Origin`) and carry the session's anti-forgery token, in the
/// `X-CSRF-Token` header or the form's `csrf` field (urlencoded or multipart): a page elsewhere that makes the officer's
/// browser post here has the cookie sent along, but neither the token nor the origin.
struct OfficerSessionMiddleware: RouterMiddleware {
    typealias Context = CollectorContext
    let authenticator: OfficerAuthenticator
    /// Web pages send the browser to the sign-in page; the API answers 401.
    let redirect: Bool

    func handle(_ request: Request, context: Context, next: (Request, Context) async throws -> Response) async throws -> Response {
        guard let token = request.cookies[OfficerAuthenticator.cookieName]?.value, let officer = try await authenticator.officer(session: token) else {
            if redirect { return .redirect(to: "/sign-in", type: .found) }
            throw HTTPError(.unauthorized, message: "sign in as an officer first (POST /v1/officer/session)")
        }
        var context = context
        context.officer = officer.user
        context.party.set(officer: officer.user)
        context.access = officer.access
        context.csrfToken = OfficerAuthenticator.csrfToken(session: token)
        var request = request
        // Held until the request is answered when its body may be an attestation's 14 MiB.
        var place: Admission.Place?
        if request.method != .get, request.method != .head {
            try Self.requireSameOrigin(request)
            let sent: String?
            if let header = request.headers.first(where: { $0.name.canonicalName == "x-csrf-token" })?.value {
                sent = header
            } else if request.headers[.contentType]?.hasPrefix("application/x-www-form-urlencoded") == true {
                let body = try await request.collectBody(upTo: context.maxUploadSize)
                sent = try? URLEncodedFormDecoder().decode(CSRFField.self, from: String(buffer: body)).csrf
            } else if let type = request.headers[.contentType], FormParts.isMultipart(type) {
                // A form with a file (the attestation's scanned decision): only someone who may change
                // some unit gets the collector to read that much (an inspector is refused first).
                // And only a few at once (48 at once from one session held 576 MiB, and parsing them
                // took the collector's cores for a minute and a half).
                try context.requireActOnSomeUnit()
                place = try BodyLimits.attestationsAtOnce.place()
                let body = try await request.collectBody(upTo: BodyLimits.attestation)
                // Parsed once: the route takes its fields from the context.
                let parts = try FormParts(body, contentType: type)
                context.formParts = parts
                sent = parts.text("csrf")
            } else {
                sent = nil
            }
            guard let sent, Self.same(sent, context.csrfToken ?? "") else {
                throw HTTPError(.forbidden, message: "this request lacks the session's anti-forgery token (X-CSRF-Token, given at sign-in); reload the page")
            }
        }
        let response = try await next(request, context)
        withExtendedLifetime(place) {}
        return response
    }

    struct CSRFField: Decodable {
        var csrf: String
    }

    /// The browser names the page a request comes from; it must be this collector, as the browser
    /// reached it (scheme https and the Host it asked for).
    static func requireSameOrigin(_ request: Request) throws {
        guard let origin = request.headers[.origin], let authority = request.head.authority, origin == "https://" + authority else {
            throw HTTPError(.forbidden, message: "a change must come from the collector's own pages (the Origin header does not match)")
        }
    }

    /// Compares without stopping at the first difference, so timing tells nothing about the token.
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count else { return false }
        return zip(x, y).reduce(0) { $0 | ($1.0 ^ $1.1) } == 0
    }
}
