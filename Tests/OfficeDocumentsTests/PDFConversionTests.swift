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

    /// The kernel refuses memory both writable and executable (PR_SET_MDWE, Linux 6.3), as systemd's
    /// `MemoryDenyWriteExecute=yes` in attt-collector.service does: LibreOffice must still convert.
    static let memoryDenyWriteExecute: Bool = {
        guard let python = Tools.python else { return false }
        return (try? Tools.run(python, ["-c", "import ctypes, sys; sys.exit(0 if ctypes.CDLL(None).prctl(66, 0, 0, 0, 0) >= 0 else 1)"])) != nil
    }()

    @Test(.enabled(if: RenderedFormatsTests.withLibreOffice && memoryDenyWriteExecute, "needs LibreOffice, poppler-utils, python3 and a kernel with PR_SET_MDWE (Linux 6.3)"))
    func pdfIsMadeWhereMemoryMayNotBeWritableAndExecutable() throws {
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-mdwe-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let wrapper = work.appendingPathComponent("soffice")
        try """
            #!\(Tools.python!)
            import ctypes, os, sys
            if ctypes.CDLL(None).prctl(65, 1, 0, 0, 0) != 0: sys.exit("PR_SET_MDWE refused")
            os.execv("\(Tools.soffice!)", ["soffice"] + sys.argv[1:])
            """.write(to: wrapper, atomically: true, encoding: .utf8)
        try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: wrapper.path)
        let pdf = work.appendingPathComponent("report.pdf")
        try DocumentRenderer(soffice: wrapper.path).render(Self.small, as: .pdf).write(to: pdf)
        #expect(try Tools.pdfText(pdf).contains("Tình hình quý IV năm 2026"))
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

/// What the model allows but no report should hold: nothing breaks, nothing is made up.
@Suite struct DegenerateDocumentTests {
    static let empty = AdministrativeDocument(
        governingBody: "", issuer: "", number: "", symbol: "", place: "", date: DocumentDate(year: 2027, month: 1, day: 5), kind: "", subject: "",
        body: [.list([]), .table(Table(id: "", caption: "", columns: [], rows: [[.text("lost")]])),
               .table(Table(id: "/etc/passwd", caption: "=1+1", columns: [Column("A", key: "=a")], rows: [[], [.integer(1), .integer(2)]], total: []))],
        recipients: [], signature: Signature(title: ""), annexes: [Annex(label: "", title: "", body: [])])

    @Test(.enabled(if: Tools.python != nil, "needs python3"))
    func emptyFieldsAndOddTablesStillMakeValidFiles() throws {
        let renderer = DocumentRenderer(soffice: "/nonexistent")
        let work = FileManager.default.temporaryDirectory.appendingPathComponent("attt-degenerate-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: work) }
        let odt = work.appendingPathComponent("empty.odt"), csv = work.appendingPathComponent("empty.zip")
        try renderer.render(Self.empty, as: .odt).write(to: odt)
        try renderer.render(Self.empty, as: .csv).write(to: csv)
        let html = String(decoding: try renderer.render(Self.empty, as: .html), as: UTF8.self)
        #expect(html.contains("Số: \u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}\u{00A0}/") && !html.contains("lost"))
        let result = try Tools.python(#"""
            import sys, zipfile, csv, io
            from xml.dom import minidom
            z = zipfile.ZipFile(sys.argv[1])
            for name in ("content.xml", "styles.xml", "meta.xml", "META-INF/manifest.xml"):
                minidom.parseString(z.read(name))
            c = zipfile.ZipFile(sys.argv[2])
            print(sorted(c.namelist()))
            print(list(csv.reader(io.StringIO(c.read("table-1.csv").decode("utf-8-sig")))))
            print(list(csv.reader(io.StringIO(c.read("etc_passwd.csv").decode("utf-8-sig")))))
            """#, [odt.path, csv.path], in: work)
        #expect(result.split(separator: "\n").map(String.init) == [
            "['etc_passwd.csv', 'table-1.csv', 'tables.csv']",
            "[]",
            "[[\"'=a\"], [''], ['1']]",
        ], "\(result)")
    }
}
