import Foundation
import Hummingbird
import MultipartKit
import NIOCore
import NIOHTTP1

/// A `multipart/form-data` body (RFC 7578) as named parts: a plain HTML form can send a file only
/// this way, and the attestation form sends the signed decision or minutes with the record
/// (issue 13 point 5). Parsed by vapor's MultipartKit; bounded here: at most `maxParts` parts, each
/// name at most 64 bytes, and the body itself was read with its route's bound.
struct FormParts: Sendable {
    struct Part: Sendable {
        /// The file's name as the browser sent it (nil for a plain field).
        var filename: String?
        var contentType: String?
        var body: ByteBuffer
    }

    static let maxParts = 32
    private(set) var parts: [String: Part] = [:]

    static func isMultipart(_ contentType: String?) -> Bool {
        contentType?.lowercased().hasPrefix("multipart/form-data") == true
    }

    init(_ body: ByteBuffer, contentType: String) throws {
        guard let boundary = Self.parameter("boundary", in: contentType), (1...70).contains(boundary.utf8.count) else {
            throw HTTPError(.badRequest, message: "a multipart form without its boundary")
        }
        let parser = MultipartParser(boundary: boundary)
        var headers = HTTPHeaders(), current = ByteBuffer(), count = 0, overflow = false
        var collected: [String: Part] = [:]
        parser.onHeader = { name, value in headers.add(name: name, value: value) }
        parser.onBody = { current.writeBuffer(&$0) }
        parser.onPartComplete = {
            count += 1
            let disposition = headers.first(name: "Content-Disposition") ?? ""
            if count > Self.maxParts { overflow = true }
            if let name = MultipartPart(headers: headers, body: ByteBuffer()).name, name.utf8.count <= 64, !overflow, collected[name] == nil {
                collected[name] = Part(filename: Self.parameter("filename", in: disposition), contentType: headers.first(name: "Content-Type"), body: current)
            }
            headers = HTTPHeaders()
            current = ByteBuffer()
        }
        do {
            try parser.execute(body)
        } catch {
            throw HTTPError(.badRequest, message: "the form's multipart body does not parse; send it again from the page")
        }
        guard !overflow else { throw HTTPError(.badRequest, message: "a form has at most \(Self.maxParts) fields") }
        parts = collected
    }

    /// A plain field's text.
    func text(_ name: String) -> String? {
        parts[name].map { String(buffer: $0.body) }
    }

    /// `key=value` or `key="value"` among a header's `;`-separated parameters; a `;` inside quotes
    /// belongs to the value (a file may be named `a;b.pdf`).
    static func parameter(_ key: String, in header: String) -> String? {
        var items: [Substring] = [], start = header.startIndex, quoted = false
        for index in header.indices {
            switch header[index] {
            case "\"": quoted.toggle()
            case ";" where !quoted:
                items.append(header[start..<index])
                start = header.index(after: index)
            default: break
            }
        }
        items.append(header[start...])
        for item in items.dropFirst() {
            let pair = item.split(separator: "=", maxSplits: 1)
            guard pair.count == 2, pair[0].trimmingCharacters(in: .whitespaces).lowercased() == key else { continue }
            var value = pair[1].trimmingCharacters(in: .whitespaces)
            if value.count >= 2, value.hasPrefix("\""), value.hasSuffix("\"") { value = String(value.dropFirst().dropLast()) }
            return value
        }
        return nil
    }
}
