import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse

/// `attt incident collect --to DIR`: Điều 11 khoản 2 điểm a, Bước 2 — copy the logs and data to a
/// storage device, with a manifest signed by the PC's key. Exit 0 complete, 1 incomplete (the disk
/// filled: run it again with room and it resumes), 2 refused (bad input, the destination is on the
/// disk being collected).
struct IncidentCollect: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "collect",
        abstract: "Sao chép nhật ký, dữ liệu ra thiết bị lưu trữ (Bước 2) — copy the evidence to an external disk, with a signed manifest.",
        discussion: """
            Mã thoát: 0 đầy đủ · 1 chưa đầy đủ (ổ đích hết chỗ hoặc vượt giới hạn; chạy lại để tiếp tục) · 2 bị từ chối.
            Kiểm tra lại bộ chứng cứ: attt incident verify DIR/attt-…
            """
    )

    @OptionGroup var host: HostOptions

    @Option(help: ArgumentHelp("Thư mục trên ổ lưu trữ ngoài (USB, ổ cứng rời) — the directory on the external disk.", valueName: "DIR"))
    var to: String

    @Option(help: "Mã sự cố (UUID); mặc định: sự cố đang mở trên máy này.")
    var incident: String?

    @Option(help: "Thêm một đường dẫn cần thu thập (lặp lại được) — an extra host path to collect.")
    var path: [String] = []

    @Option(help: "Tổng dung lượng tối đa, byte (mặc định 16 GiB).")
    var maxBytes: Int64 = 16 << 30

    @Flag(help: "Chấp nhận thư mục đích không nằm trên ổ lưu trữ nào (tmpfs): chứng cứ mất khi tắt máy.")
    var allowMemoryDisk = false

    @OptionGroup var officerOptions: OfficerOptions

    /// Tests use a small disk: the bytes kept free on it (default max(256 MiB, 2 %)).
    @Option(help: .hidden)
    var reserveBytes: Int64?

    /// Tests kill the process after this many files (debug builds only), to prove a rerun resumes.
    @Option(help: .hidden)
    var killAfter: Int?

    func run() throws {
        let root = try host.openRoot()
        var isDirectory = false
        guard FileManager.default.fileExists(atPath: to, isDirectory: &isDirectory), isDirectory else {
            throw CommandFailure.badInput("--to \(to): không có thư mục này — hãy gắn (mount) ổ lưu trữ ngoài và chỉ ra một thư mục trên đó")
        }
        var named: UUID?
        if let incident {
            guard let id = UUID(uuidString: incident) else { throw CommandFailure.badInput("--incident \(incident): không phải một mã sự cố (UUID)") }
            named = id
        }
        guard maxBytes > 0 else { throw CommandFailure.badInput("--max-bytes \(maxBytes): phải lớn hơn 0") }
        let log = IncidentLog(host: root)
        // Read only: the incident becomes this PC's current one when the step is recorded, after the copy.
        let incidentID = try named ?? log.currentIncident() ?? EvidenceCollection.unfinishedIncident(in: to, host: root) ?? UUID()

        var collection = EvidenceCollection(host: root, disk: .live())
        collection.progress = { StandardStreams.error($0 + "\n") }
        #if DEBUG
        if let killAfter { collection.checkpoint = { if $0 >= killAfter { kill(getpid(), SIGKILL) } } }
        #endif
        var options = EvidenceCollection.Options(destination: to, incident: incidentID, officer: "")
        // The unit's directories (INC-001 evidence_paths), then those named here.
        options.paths = try IncidentSettings.load(host, root: root).evidencePaths + path
        options.maxBytes = maxBytes
        options.allowMemoryDisk = allowMemoryDisk
        options.reserve = reserveBytes
        let outcome: EvidenceCollection.Outcome
        do {
            // Refused before anyone signs in: the disk is wrong whoever asks.
            _ = try collection.checkDestination(options)
            options.officer = try signIn()
            // The PC may still be in use: the copy steps back for the CPU and the disk (nice, ionice).
            ProcessPriority.yieldToInteractiveWork()
            outcome = try collection.run(options)
        } catch let refused as EvidenceCollection.Refusal {
            throw CommandFailure.badInput(refused.description)
        }
        let step = try outcome.record(in: log, actor: options.officer, source: .terminal)
        print("Bộ chứng cứ: \(outcome.directory)")
        print("Sự cố: \(incidentID.uuidString) · bản kê \(outcome.manifest.id.uuidString)")
        print(step.detail ?? "")
        print(outcome.signature == nil
              ? "Bản kê KHÔNG được ký: máy chưa đăng ký (attt enroll). Ghi mã SHA-256 của manifest.json vào biên bản."
              : "Bản kê đã ký; sẽ gửi về máy chủ thu thập ở lần chạy attt run kế tiếp.")
        if !outcome.manifest.complete {
            throw CommandFailure(exitCode: 1, message: "chưa đầy đủ: còn \(outcome.leftForRoom) tệp, \(outcome.leftBytes >> 20) MiB (xem skipped.jsonl) — cắm ổ lớn hơn hoặc giải phóng chỗ rồi chạy lại cùng lệnh để tiếp tục")
        }
    }

    func signIn() throws -> String {
        do {
            return try officerOptions.signIn(language: .vi)
        } catch let refused as OfficerSignIn.Refused {
            throw CommandFailure(exitCode: 2, message: refused.description + " — chưa sao chép gì")
        }
    }
}
