import CollectorStore
import Foundation
import Hummingbird

extension OfficePages {
    /// The attestation form's fields and its attached file. The page sends it as multipart (it
    /// carries a file); a urlencoded post without a file is taken too. The body was read and parsed
    /// by OfficerSessionMiddleware with the attestation's bound, for someone who may change some unit.
    static func attestationForm(_ request: Request, _ context: CollectorContext) async throws -> (AttestationForm, AttachedFile?) {
        guard let parts = context.formParts else {
            return (try await form(AttestationForm.self, request, context), nil)
        }
        func field(_ name: String) throws -> String {
            guard let text = parts.text(name), !text.isEmpty else {
                throw HTTPError(.badRequest, message: "Thiếu trường «\(name)» trong biểu mẫu; hãy điền đủ rồi gửi lại. — The form lacks `\(name)`: fill it in and send it again.")
            }
            return text
        }
        let form = AttestationForm(control: try field("control"), attestedOn: try field("attestedOn"), reference: parts.text("reference"),
                                   note: parts.text("note"), attestedBy: try field("attestedBy"), validUntil: try field("validUntil"))
        // A file input left empty still sends a part, with no name and no bytes: no file.
        guard let part = parts.parts["file"], let name = part.filename, !name.isEmpty, part.body.readableBytes > 0 else { return (form, nil) }
        // The store bounds the name, the size and the type, and computes the SHA-256 itself.
        return (form, AttachedFile(name: name, mediaType: part.contentType ?? "application/octet-stream", data: Data(part.body.readableBytesView)))
    }
}
