import ArgumentParser
import CollectorAPI
import CommandLineSupport
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse
import Remediation

/// `attt incident purge-kept TX`: removes the files an applied restore replaced
/// (`<mount>/.attt-restore-<tx>/kept`), once the officer has what he needs from them (they are the
/// attacked state, Điều 11 khoản 2 điểm a). Never automatic, and final: the restore can no longer be
/// rolled back, so the step is recorded for the incident's biên bản.
struct IncidentPurgeKept: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "purge-kept",
        abstract: "Xoá các tệp bị thay thế mà một lần khôi phục đã giữ lại — remove the files a restore kept aside.",
        discussion: "Without a terminal it only shows what would be removed (a dry run) unless --apply is given. Afterwards `attt rollback TX` is refused."
    )

    @OptionGroup var host: HostOptions

    @Argument(help: "Mã giao dịch khôi phục (xem attt history) — the restore's transaction id.")
    var transaction: String

    @Option(help: "Mã sự cố (UUID) — the incident; default: the one open on this PC.")
    var incident: String?

    @Flag(help: "Chỉ cho biết sẽ xoá gì — show what would be removed, remove nothing (the default without a terminal).")
    var dryRun = false

    @Flag(help: "Áp dụng cả khi không có terminal (cán bộ vẫn phải đăng nhập) — apply without a terminal; the officer still signs in.")
    var apply = false

    @OptionGroup var officerOptions: OfficerOptions

    func run() throws {
        let root = try host.openRoot()
        let named = try incident.map { text in
            guard let id = UUID(uuidString: text) else { throw CommandFailure.badInput("--incident \(text): không phải mã sự cố (UUID) — see attt incident status") }
            return id
        }
        // The id names a directory under /var/lib/attt/transactions: nothing that could leave it.
        guard !transaction.isEmpty, transaction.count <= 64, transaction.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }) else {
            throw CommandFailure.badInput("\(transaction): không phải mã giao dịch (ví dụ 000012-20261206T203015Z, xem attt history)")
        }
        let applier = Applier(host: root)
        let applying = !dryRun && (isatty(STDIN_FILENO) != 0 || apply)
        if applying { try HostRecovery.run(host: root, language: .vi) }
        let kept: Applier.KeptFiles
        do {
            kept = try applier.keptFiles(transaction).kept
        } catch let refused as Applier.PurgeRefused {
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was removed")
        }
        print("Sẽ xoá \(kept.entries) tệp bị thay thế (\(Self.kibibytes(kept.bytes)) KiB) tại \(kept.directories.joined(separator: ", ")); sau đó không thể hoàn tác giao dịch \(transaction) (attt rollback).")
        guard applying else {
            print("Chạy thử: chưa xoá gì (dry run: nothing removed)." + (dryRun ? "" : " Để xoá: chạy tại terminal, hoặc thêm --apply."))
            return
        }
        let officer: String
        do {
            officer = try officerOptions.signIn(language: .vi)
        } catch let refused as OfficerSignIn.Refused {
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was removed")
        }
        let purged: Applier.KeptFiles
        do {
            purged = try applier.purgeKept(transaction).kept
        } catch let refused as Applier.PurgeRefused {
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was removed")
        }
        let log = IncidentLog(host: root)
        let filed = try log.incident(named: try named ?? log.currentIncident())
        // A note: the collector's step kinds are isolate, release, isolation-lost, collect, restore and note.
        try log.record(IncidentStepMessage(incident: filed, kind: .note, at: Timestamp.format(Date()), actor: officer, source: .terminal, outcome: .done, transaction: transaction,
                                           detail: "Đã xoá \(purged.entries) tệp bị thay thế (\(Self.kibibytes(purged.bytes)) KiB) mà lần khôi phục \(transaction) giữ tại \(purged.directories.joined(separator: ", ")); lần khôi phục này không thể hoàn tác nữa."))
        print("Đã xoá. Giao dịch \(transaction) không thể hoàn tác nữa (removed; the restore can no longer be rolled back).")
    }

    /// Whole KiB, rounded up: a few small files never read as 0.
    static func kibibytes(_ bytes: Int64) -> Int64 { (bytes + 1_023) / 1_024 }
}
