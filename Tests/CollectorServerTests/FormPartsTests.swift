@testable import CollectorServer
import NIOCore
import Testing

/// multipart/form-data as browsers send it: fields, a file with its name and type, quoted
/// parameters holding `;`, and bounds on what a form may hold.
@Suite struct FormPartsTests {
    func body(_ parts: [String], boundary: String = "b0und") -> ByteBuffer {
        ByteBuffer(string: parts.map { "--\(boundary)\r\n\($0)\r\n" }.joined() + "--\(boundary)--\r\n")
    }

    @Test func fieldsAndAFile() throws {
        let parts = try FormParts(body([
            "Content-Disposition: form-data; name=\"csrf\"\r\n\r\nabc",
            "Content-Disposition: form-data; name=\"file\"; filename=\"quyết định;15.pdf\"\r\nContent-Type: application/pdf\r\n\r\n%PDF-1.4",
        ]), contentType: "multipart/form-data; boundary=b0und")
        #expect(parts.text("csrf") == "abc")
        #expect(parts.parts["file"]?.filename == "quyết định;15.pdf" && parts.parts["file"]?.contentType == "application/pdf")
        #expect(parts.text("file") == "%PDF-1.4" && parts.text("missing") == nil)
    }

    @Test func parametersInQuotesKeepTheirSemicolons() {
        #expect(FormParts.parameter("boundary", in: "multipart/form-data; boundary=\"a;b\"") == "a;b")
        #expect(FormParts.parameter("boundary", in: "multipart/form-data;boundary=xyz") == "xyz")
        #expect(FormParts.parameter("filename", in: "form-data; name=\"file\"") == nil)
    }

    @Test func aFormWithoutItsBoundaryOrWithTooManyFieldsIsRefused() {
        #expect(throws: (any Error).self) { try FormParts(ByteBuffer(string: "x"), contentType: "multipart/form-data") }
        let many = (0...FormParts.maxParts).map { "Content-Disposition: form-data; name=\"f\($0)\"\r\n\r\nx" }
        #expect(throws: (any Error).self) { try FormParts(body(many), contentType: "multipart/form-data; boundary=b0und") }
    }
}
