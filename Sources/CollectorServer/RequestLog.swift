import Hummingbird
import Logging
import Synchronization

/// Who a request turned out to be from, for its log line: the identity middlewares learn it deeper
/// in the chain than the outer middleware that logs, and a context is a value, so they leave it here.
final class RequestParty: Sendable {
    private let names = Mutex<(host: String?, officer: String?)>((nil, nil))

    func set(host: String) { names.withLock { $0.host = host } }
    func set(officer: String) { names.withLock { $0.officer = officer } }
    var host: String? { names.withLock { $0.host } }
    var officer: String? { names.withLock { $0.officer } }
}

/// One log line per request the collector refused or failed (issue 17 point 6): its id (Hummingbird's
/// `hb.request.id`, in every line the request logs), route pattern, method, status, time, the host or
/// officer it came from, the peer address and the answer's message. Answers that are part of the
/// protocol's ordinary run (2xx, 3xx, 401 before sign-in, 404, 412 "send the whole report") are
/// counted in the metrics only, so a thousand PCs' uploads do not fill the log.
enum RequestLog {
    static let quiet: Set<Int> = [401, 404, 412]

    static func record(_ request: Request, _ context: CollectorContext, status: HTTPResponse.Status, seconds: Double, message: String?) {
        let code = Int(status.code)
        guard code >= 400, !quiet.contains(code) else { return }
        var metadata: Logger.Metadata = [
            "route": "\(context.endpointPath ?? "unmatched")",
            "method": "\(request.method.rawValue)",
            "status": "\(code)",
            "ms": "\(Int((seconds * 1000).rounded()))",
        ]
        if let host = context.party.host { metadata["host"] = "\(host)" }
        if let officer = context.party.officer { metadata["officer"] = "\(officer)" }
        if let address = context.remoteAddress { metadata["address"] = "\(address)" }
        // The collector's own words (a refusal names a field or a limit), shortened: never the request's body.
        if let message { metadata["reason"] = "\(message.prefix(300))" }
        if code >= 500 {
            context.logger.error("request failed", metadata: metadata)
        } else {
            context.logger.notice("request refused", metadata: metadata)
        }
    }
}
