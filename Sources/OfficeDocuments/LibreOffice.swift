import Foundation
import HostAccess

/// LibreOffice run headless to turn the OpenDocument text into PDF: the PDF is then LibreOffice's own
/// layout of the very file the officer could open, so both print alike.
///
/// Each call gets a private directory holding the input, the output and its own LibreOffice profile
/// (`-env:UserInstallation`): two conversions at once would otherwise share `~/.config/libreoffice`,
/// and the second would hand its work to the first instance and return nothing; root and a service
/// user without a home work the same. The program runs through ``Subprocess``: fixed environment, its
/// own process group, killed whole past the timeout. The directory is removed whatever happens.
struct LibreOffice: Sendable {
    /// The `soffice` this renderer runs.
    let program: String
    /// Seconds one conversion may take, LibreOffice's start included.
    let timeout: Double
    /// The largest PDF read back.
    static let maxOutputBytes = 256 << 20

    /// Where Debian's packages put it, then the directories of `PATH`: the fixed places first, so a
    /// `PATH` set by whoever started the collector does not choose what runs.
    static func find(environmentPath: String? = ProcessInfo.processInfo.environment["PATH"]) -> String? {
        let fixed = ["/usr/bin/soffice", "/usr/lib/libreoffice/program/soffice"]
        let searched = (environmentPath ?? "").split(separator: ":").filter { $0.hasPrefix("/") }.map { String($0) + "/soffice" }
        return (fixed + searched).first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    static let missing = DocumentError.unavailable(
        .pdf,
        why: "Máy này chưa có LibreOffice (soffice) nên không tạo được PDF: cài gói libreoffice-writer-nogui (apt-get install libreoffice-writer-nogui fonts-liberation2), hoặc chọn định dạng odt hay html. "
            + "PDF needs LibreOffice: install libreoffice-writer-nogui, or choose odt or html."
    )

    /// The PDF of an OpenDocument text.
    func pdf(fromODT odt: Data) throws -> Data {
        let work = try Self.privateDirectory()
        defer { try? FileManager.default.removeItem(at: work) }
        let input = work.appendingPathComponent("document.odt")
        let output = work.appendingPathComponent("out", isDirectory: true)
        let profile = work.appendingPathComponent("profile", isDirectory: true)
        do {
            try odt.write(to: input)
            try FileManager.default.createDirectory(at: output, withIntermediateDirectories: false)
        } catch {
            throw DocumentError.failed(.pdf, why: "không ghi được tệp tạm trong \(work.path) (\(error)); kiểm tra chỗ trống và quyền ghi của thư mục tạm (TMPDIR)")
        }
        let started = Subprocess.monotonicSeconds()
        let result: (status: Int32, output: [UInt8])
        do {
            result = try Subprocess.run(
                [program, "--headless", "--norestore", "--nolockcheck", "--nodefault", "--nologo",
                 "-env:UserInstallation=" + profile.absoluteString, "--convert-to", "pdf:writer_pdf_Export",
                 "--outdir", output.path, input.path],
                environment: ["HOME": work.path, "TMPDIR": work.path], timeout: timeout, maxOutput: 64 << 10)
        } catch {
            throw DocumentError.failed(.pdf, why: "không chạy được \(program): \(error.output)")
        }
        let elapsed = Subprocess.monotonicSeconds() - started
        if result.status == 128 + SIGKILL, elapsed >= timeout {
            throw DocumentError.failed(.pdf, why: "LibreOffice chưa chuyển xong sau \(Int(timeout)) giây nên đã bị dừng; thử lại khi máy bớt bận, hoặc tải bản odt / html")
        }
        let pdf = output.appendingPathComponent("document.pdf")
        let said = String(decoding: result.output.suffix(2000), as: UTF8.self)
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: pdf.path),
              let size = attributes[.size] as? Int, size > 0
        else {
            throw DocumentError.failed(.pdf, why: "LibreOffice (mã thoát \(result.status)) không tạo ra PDF: \(said)")
        }
        guard size <= Self.maxOutputBytes else {
            throw DocumentError.failed(.pdf, why: "PDF quá lớn (\(size) byte, giới hạn \(Self.maxOutputBytes))")
        }
        let data = try Data(contentsOf: pdf)
        guard data.starts(with: Array("%PDF".utf8)) else {
            throw DocumentError.failed(.pdf, why: "LibreOffice ghi ra một tệp không phải PDF: \(said)")
        }
        return data
    }

    /// A new directory only this process's user can read, under `TMPDIR` (the service's private /tmp).
    static func privateDirectory() throws -> URL {
        var template = Array((FileManager.default.temporaryDirectory.path + "/attt-document-XXXXXX").utf8CString)
        guard let made = mkdtemp(&template) else {
            throw DocumentError.failed(.pdf, why: "không tạo được thư mục tạm (\(String(cString: strerror(errno)))); kiểm tra TMPDIR")
        }
        return URL(fileURLWithPath: String(cString: made), isDirectory: true)
    }
}
