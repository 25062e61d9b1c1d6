import Foundation

/// The real programs each format is checked with: LibreOffice, Chromium, poppler, Python.
enum Tools {
    static func find(_ name: String) -> String? {
        ["/usr/bin/", "/usr/local/bin/", "/bin/"].map { $0 + name }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let soffice = find("soffice")
    static let chromium = find("chromium") ?? find("chromium-browser")
    static let pdftotext = find("pdftotext")
    static let pdfinfo = find("pdfinfo")
    static let python = find("python3")
    static var poppler: Bool { pdftotext != nil && pdfinfo != nil }

    struct Failure: Error, CustomStringConvertible {
        var description: String
    }

    /// Runs a program to its end (killed past `timeout`); its standard output and error, together.
    @discardableResult
    static func run(_ program: String, _ arguments: [String], timeout: TimeInterval = 240, environment: [String: String]? = nil) throws -> String {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: program)
        process.arguments = arguments
        if let environment { process.environment = environment }
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        process.standardInput = FileHandle.nullDevice
        try process.run()
        let timer = DispatchWorkItem { if process.isRunning { kill(-process.processIdentifier, SIGKILL); process.terminate() } }
        DispatchQueue.global().asyncAfter(deadline: .now() + timeout, execute: timer)
        let output = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        timer.cancel()
        let text = String(decoding: output, as: UTF8.self)
        guard process.terminationStatus == 0 else {
            throw Failure(description: "\(program) \(arguments.joined(separator: " ")) exited with \(process.terminationStatus): \(text.suffix(3000))")
        }
        return text
    }

    /// The PDF's page size and count, as `pdfinfo` reads them.
    static func pdfInfo(_ pdf: URL) throws -> (width: Int, height: Int, pages: Int) {
        let info = try run(pdfinfo!, [pdf.path])
        func field(_ name: String) -> String {
            info.split(separator: "\n").first { $0.hasPrefix(name + ":") }.map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: .whitespaces) } ?? ""
        }
        // "Page size:       595.276 x 841.89 pts (A4)"
        let size = field("Page size").split(separator: " ")
        let width = size.first.flatMap { Double($0) }.map { Int($0.rounded()) } ?? 0
        let height = size.count > 2 ? Double(size[2]).map { Int($0.rounded()) } ?? 0 : 0
        return (width, height, Int(field("Pages")) ?? 0)
    }

    /// The PDF's text, NFC, every run of white space one space: lines wrap where the layout says.
    static func pdfText(_ pdf: URL, layout: Bool = false) throws -> String {
        let text = try run(pdftotext!, (layout ? ["-layout"] : []) + ["-enc", "UTF-8", pdf.path, "-"])
        return layout ? text.precomposedStringWithCanonicalMapping : flattened(text)
    }

    static func flattened(_ text: String) -> String {
        text.precomposedStringWithCanonicalMapping.split(whereSeparator: { $0.isWhitespace }).joined(separator: " ")
    }

    /// LibreOffice converting a file, with a profile of its own (the renderer's way, done here by hand).
    static func sofficeConvert(_ file: URL, to filter: String, in directory: URL) throws -> URL {
        let profile = directory.appendingPathComponent("profile-\(filter.prefix(4))-\(UUID().uuidString)")
        let out = directory.appendingPathComponent("converted-\(filter.prefix(4))")
        try run(soffice!, ["--headless", "--norestore", "-env:UserInstallation=" + profile.absoluteString, "--convert-to", filter, "--outdir", out.path, file.path])
        let name = file.deletingPathExtension().lastPathComponent + "." + String(filter.prefix { $0 != ":" })
        return out.appendingPathComponent(name)
    }

    /// Chromium printing a page to PDF, as an officer's browser would.
    static func chromiumPrint(_ html: URL, to pdf: URL, in directory: URL) throws {
        let profile = directory.appendingPathComponent("chromium-profile")
        try run(chromium!, [
            "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--user-data-dir=" + profile.path,
            "--no-pdf-header-footer", "--print-to-pdf=" + pdf.path, html.absoluteString,
        ])
    }

    /// A Python script given on standard input's place, with arguments; its output.
    static func python(_ script: String, _ arguments: [String], in directory: URL) throws -> String {
        let file = directory.appendingPathComponent("check-\(UUID().uuidString).py")
        try script.write(to: file, atomically: true, encoding: .utf8)
        return try run(python!, [file.path] + arguments)
    }
}
