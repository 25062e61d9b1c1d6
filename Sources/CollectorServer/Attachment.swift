import Foundation
import Hummingbird
import NIOCore

/// A file the collector hands over for saving (an attestation's scan, a report, a snapshot): an ASCII
/// name for old clients and the real, Vietnamese one as RFC 6266 `filename*`; never sniffed, cached or
/// run, so an uploaded or generated HTML file opens as a document, not as a page of the collector.
enum Attachment {
    static func headers(name: String, mediaType: String, inlineStyles: Bool = false) -> HTTPFields {
        let encoded = name.addingPercentEncoding(withAllowedCharacters: .alphanumerics.union(CharacterSet(charactersIn: "-._~"))) ?? ""
        var headers: HTTPFields = [:]
        headers[.contentType] = mediaType
        headers[.contentDisposition] = "attachment; filename=\"\(asciiName(name))\"; filename*=UTF-8''\(encoded)"
        headers[.xContentTypeOptions] = "nosniff"
        headers[.cacheControl] = "no-store"
        // A report's HTML carries its print styles inline; nothing else of a file may load or run.
        headers[.contentSecurityPolicy] = inlineStyles ? "default-src 'none'; style-src 'unsafe-inline'; sandbox" : "default-src 'none'; sandbox"
        return headers
    }

    /// `data` sent a slice at a time, each written before the next is copied: a client that reads
    /// slowly holds the file and one slice, not a second copy. `place` (a slot of the admission
    /// control) is held until the last byte is written.
    static func response(_ data: Data, headers: HTTPFields, holding place: Admission.Place? = nil) -> Response {
        let body = ResponseBody(contentLength: data.count) { writer in
            var start = data.startIndex
            while start < data.endIndex {
                let end = min(start + (256 << 10), data.endIndex)
                try await writer.write(ByteBuffer(bytes: data[start..<end]))
                start = end
            }
            try await writer.finish(nil)
            withExtendedLifetime(place) {}
        }
        return Response(status: .ok, headers: headers, body: body)
    }

    /// The file name in ASCII, for clients that do not read RFC 5987 names: Vietnamese letters lose
    /// their marks (`đ` is `d`), anything else becomes `_`.
    static func asciiName(_ name: String) -> String {
        let folded = name.replacingOccurrences(of: "đ", with: "d").replacingOccurrences(of: "Đ", with: "D")
            .folding(options: [.diacriticInsensitive], locale: nil)
        return String(String.UnicodeScalarView(folded.unicodeScalars.map { $0.isASCII && $0.value > 0x20 && $0 != "\"" && $0 != "\\" && $0 != ";" ? $0 : "_" }))
    }
}
