import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import IncidentResponse

/// `attt incident verify DIR`: checks a collection (no root needed): the signature, the listings and
/// every file. Exit 0 intact, 1 something differs (each problem named), 2 not a collection.
struct IncidentVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Kiểm tra một bộ chứng cứ: chữ ký, mã SHA-256 của từng tệp — check an evidence collection."
    )

    @Argument(help: ArgumentHelp("Thư mục bộ chứng cứ (DIR/attt-…).", valueName: "DIR"))
    var directory: String

    func run() throws {
        let report = EvidenceVerification(path: directory).run()
        guard let manifest = report.manifest else {
            throw CommandFailure.badInput(report.problems.joined(separator: "\n"))
        }
        print("Bộ chứng cứ \(manifest.id.uuidString) của máy \(manifest.host.hostname), lập bởi \(manifest.officer) lúc \(manifest.startedAt)")
        switch report.signatureValid {
        case true?: print("Chữ ký: hợp lệ (\(report.signer ?? "?"))")
        case false?: print("Chữ ký: KHÔNG hợp lệ")
        case nil: print("Chữ ký: không có (máy chưa đăng ký khi thu thập)")
        }
        print("Đã kiểm tra \(report.filesChecked) tệp, \(report.bytesChecked) byte; \(manifest.complete ? "bộ chứng cứ đầy đủ" : "bộ chứng cứ CHƯA đầy đủ")")
        for problem in report.problems { print("LỖI: " + problem) }
        if !report.ok { throw ExitCode(1) }
        print("Kết quả: nguyên vẹn.")
    }
}
