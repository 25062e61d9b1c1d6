import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import IncidentResponse

/// `attt incident verify DIR`: checks a collection (no root needed): the signature, the listings and
/// every file. Exit 0 intact and signed, 1 something differs (each problem named) or nothing signed it,
/// 2 not a collection.
struct IncidentVerify: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "verify",
        abstract: "Kiểm tra một bộ chứng cứ: chữ ký, mã SHA-256 của từng tệp — check an evidence collection."
    )

    @Argument(help: ArgumentHelp("Thư mục bộ chứng cứ (DIR/attt-…).", valueName: "DIR"))
    var directory: String

    @Option(help: ArgumentHelp("Chứng thư CA của máy chủ thu thập (ca.pem, tải ở trang sự cố hoặc /var/lib/attt/identity/ca.pem): kiểm tra host.pem do chính máy chủ này cấp — the collector's CA certificate.", valueName: "FILE"))
    var ca: String?

    func run() throws {
        let authority: String?
        if let ca {
            guard let data = FileManager.default.contents(atPath: ca), data.count <= 64 << 10, let text = String(data: data, encoding: .utf8), text.contains("BEGIN CERTIFICATE") else {
                throw CommandFailure.badInput("--ca \(ca): không đọc được chứng thư PEM (tối đa 64 KiB) — name the collector's ca.pem")
            }
            authority = text
        } else {
            authority = nil
        }
        let report = EvidenceVerification(path: directory, authority: authority).run()
        guard let manifest = report.manifest else {
            throw CommandFailure.badInput(report.problems.joined(separator: "\n"))
        }
        print("Bộ chứng cứ \(manifest.id.uuidString) của máy \(manifest.host.hostname), lập bởi \(manifest.officer) lúc \(manifest.startedAt)")
        switch report.signatureValid {
        case true?:
            print("Chữ ký: hợp lệ (\(report.signer ?? "?"))")
            if report.issuedByAuthority == true { print("Chứng thư host.pem do máy chủ thu thập cấp (kiểm tra với \(ca ?? "")).") }
        case false?: print("Chữ ký: KHÔNG hợp lệ")
        case nil: print("Chữ ký: không có (máy chưa đăng ký khi thu thập)")
        }
        print("Đã kiểm tra \(report.filesChecked) tệp, \(report.bytesChecked) byte; \(manifest.complete ? "bộ chứng cứ đầy đủ" : "bộ chứng cứ CHƯA đầy đủ")")
        // The signature proves which key signed, and host.pem travels with the files: the digest the
        // collector kept when the PC sent the manifest is what ties this disk to the incident's record.
        print("SHA-256 của manifest.json: \(report.manifestSHA256 ?? "?") — đối chiếu với mã ghi ở trang sự cố của máy chủ tổng hợp")
        for problem in report.problems { print("LỖI: " + problem) }
        if !report.ok { throw ExitCode(1) }
        guard report.signatureValid == true else {
            print("Kết quả: các tệp khớp với bản kê, nhưng bản kê không có chữ ký số — chỉ xác nhận được nguồn gốc bằng mã SHA-256 ở trên.")
            throw ExitCode(1)
        }
        print("Kết quả: nguyên vẹn.")
    }
}
