import Foundation
import OfficeDocuments
import Testing

/// PDF needs LibreOffice: without it the format is off and says what to install; a conversion that
/// hangs is killed with everything it started; conversions at once do not get in each other's way.
@Suite struct PDFConversionTests {
    static let small = AdministrativeDocument(
        governingBody: nil, issuer: "Trạm y tế xã", symbol: "BC-TYT", place: "Xã Tứ Dân", date: DocumentDate(year: 2027, month: 1, day: 5),
        kind: "BÁO CÁO", subject: "Tình hình quý IV năm 2026", body: [.paragraph("Không có sự cố.")], recipients: ["Lưu: VT."],
        signature: Signature(title: "Trưởng trạm"))

    @Test func withoutLibreOfficePDFIsOffAndSaysWhatToInstall() throws {
        let renderer = DocumentRenderer(soffice: "/nonexistent/soffice")
        #expect(renderer.available == [.html, .odt, .csv])
        #expect {
            try renderer.render(Self.small, as: .pdf)
        } throws: { error in
            guard case DocumentError.unavailable(.pdf, let why) = error else { return false }
            return why.contains("libreoffice-writer-nogui") && why.hasPrefix("Máy này chưa có LibreOffice")
        }
        // The other formats do not need it.
        #expect(try renderer.render(Self.small, as: .odt).starts(with: Array("PK".utf8)))
        #expect(try renderer.render(Self.small, as: .html).count > 1000)
    }

    /// A stand-in that hangs with a child, as a stuck LibreOffice would (oosplash starts soffice.bin).
    @Test(.enabled(if: FileManager.default.isExecutableFile(atPath: "/bin/sh"), "needs /bin/sh"))
    func aConversionPastItsTimeoutIsKilledWithItsChildren() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-hung-soffice-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let script = work.appendingPathComponent("soffice")
        let pids = work.appendingPathComponent("pids")
        try "#!/bin/sh\nsleep 600 &\necho $$ $! \"$HOME\" > '\(pids.path)'\nwait\n".write(to: script, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: script.path)
        let renderer = DocumentRenderer(soffice: script.path, timeout: 2)
        #expect(renderer.available.contains(.pdf))
        let started = Date()
        #expect {
            try renderer.render(Self.small, as: .pdf)
        } throws: { error in
            guard case DocumentError.failed(.pdf, let why) = error else { return false }
            return why.contains("2 giây")
        }
        #expect(Date().timeIntervalSince(started) < 30)
        let recorded = try String(contentsOf: pids, encoding: .utf8).split(separator: " ").map { $0.trimmingCharacters(in: .whitespacesAndNewlines) }
        let started_ = recorded.compactMap { Int32($0) }
        #expect(started_.count == 2)
        Thread.sleep(forTimeInterval: 0.5)
        for pid in started_ {
            // Gone, or a zombie waiting for init to reap it: not running either way.
            let state = (try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8))?.split(separator: " ").dropFirst(2).first
            #expect(state == nil || state == "Z", "process \(pid) still runs (\(state ?? ""))")
        }
        // Its private directory (its HOME) is gone too.
        let home = try #require(recorded.last)
        #expect(home.contains("attt-document-") && !FileManager.default.fileExists(atPath: home), "\(home)")
    }

    @Test(.enabled(if: RenderedFormatsTests.withLibreOffice, "needs libreoffice-writer-nogui and poppler-utils (scripts/deps.sh installs them)"))
    func twoConversionsAtOnceEachGiveTheirPDF() async throws {
        let renderer = DocumentRenderer()
        var second = Self.small
        second.subject = "Tình hình năm 2026 của Ủy ban nhân dân xã"
        let documents = [Self.small, second]
        let pdfs = try await withThrowingTaskGroup(of: (Int, Data).self) { group in
            for (index, document) in documents.enumerated() {
                group.addTask { (index, try renderer.render(document, as: .pdf)) }
            }
            return try await group.reduce(into: [Int: Data]()) { $0[$1.0] = $1.1 }
        }
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-two-pdfs-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        for (index, document) in documents.enumerated() {
            let file = work.appendingPathComponent("\(index).pdf")
            try #require(pdfs[index]).write(to: file)
            #expect(try Tools.pdfText(file).contains(document.subject))
        }
    }
}
