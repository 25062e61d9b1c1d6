import ArgumentParser
import CollectorAPI
import CommandLineSupport
import DurableFiles
import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess
import IncidentResponse
import PolicyLoading
import Remediation

/// `attt incident restore`: Điều 11 khoản 2 điểm a, Bước 3 — "khôi phục hệ thống … bằng dữ liệu sao lưu
/// mới nhất". Only after the evidence was collected (Bước 2): restoring first destroys it, and even
/// staging the copy writes over the disk's free space.
struct IncidentRestore: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "restore",
        abstract: "Khôi phục từ bản sao lưu mới nhất (Điều 11, Bước 3) — restore from the latest backup, as one transaction.",
        discussion: "Without a terminal it only shows what would change (a dry run) unless --apply is given. The files replaced are kept in <mount>/.attt-restore-<tx>/kept and `attt rollback` puts them back. Every run that verifies the backup and lists the changes is recorded in /var/lib/attt/backup/restore-check.json: `--dry-run --skip-collection \"diễn tập\"` is the yearly rehearsal VN-TD-INC-001 asks for."
    )

    @OptionGroup var host: HostOptions

    @Option(help: "Mã sự cố (UUID) — the incident; default: the one open on this PC.")
    var incident: String?

    @Option(help: "system (/etc), applications (/var/lib, /srv, /opt, /var/opt, /var/www) or users (/home); repeatable. Default: the unit's restore_scopes (VN-TD-INC-001), else system.")
    var scope: [RestoreScope] = []

    @Option(help: "Bản sao lưu cần khôi phục (restic snapshot id) — the copy to restore; default: the one last.json names, else the newest made by its time and --since.")
    var snapshot: String?

    @Option(help: "Tệp biến môi trường của tác vụ sao lưu, ví dụ /etc/restic/env (RESTIC_REPOSITORY, RESTIC_PASSWORD_FILE) hoặc của borg (BORG_REPO, BORG_PASSPHRASE hoặc BORG_PASSCOMMAND). Default: the unit's backup_env_file (VN-TD-INC-001).")
    var envFile: String?

    @Option(help: "Thời điểm nghi bắt đầu bị tấn công (ISO 8601) — a backup made later is refused; default: the incident's first step.")
    var since: String?

    @Flag(help: "Chỉ liệt kê thay đổi — list the changes, change nothing (the default without a terminal).")
    var dryRun = false

    @Flag(help: "Áp dụng cả khi không có terminal (cán bộ vẫn phải đăng nhập) — apply without a terminal; the officer still signs in.")
    var apply = false

    @Option(help: "Bỏ qua yêu cầu thu thập chứng cứ trước, kèm lý do (được ghi lại) — restore before any evidence collection, with the reason.")
    var skipCollection: String?

    @OptionGroup var officerOptions: OfficerOptions

    /// At most this many paths are printed; the full list goes to a file.
    static let shownPaths = 200

    func run() throws {
        let root = try host.openRoot()
        // The unit's defaults (INC-001 restore_scopes, backup_env_file); the options here replace them.
        let settings = try IncidentSettings.load(host, root: root)
        let scopes = Array(Set(scope.isEmpty ? settings.restoreScopes : scope)).sorted { $0.rawValue < $1.rawValue }
        let envFile = self.envFile ?? settings.backupEnvFile
        let named = try incident.map { text in
            guard let id = UUID(uuidString: text) else { throw CommandFailure.badInput("--incident \(text): không phải mã sự cố (UUID) — see attt incident status") }
            return id
        }
        // Bad input is told before anything is read (exit 2), not after last.json.
        if let snapshot, !BackupSource.isSnapshotId(snapshot) && !BackupSource.isArchiveName(snapshot) {
            throw CommandFailure.badInput("--snapshot \(snapshot): không phải mã bản sao lưu của restic (8 đến 64 chữ số hex thường, xem `restic snapshots`) hay tên bản lưu trữ của borg (`borg list`)")
        }
        if let envFile, !root.exists(envFile) {
            let named = self.envFile != nil ? "--env-file" : "backup_env_file (VN-TD-INC-001, \(TailoringLoader.hostPath))"
            throw CommandFailure.badInput("\(named) \(envFile): không có tệp này trong máy — give the backup job's environment file, e.g. /etc/restic/env")
        }
        if let skipCollection, skipCollection.trimmed.isEmpty {
            throw CommandFailure.badInput("--skip-collection cần lý do, ví dụ --skip-collection \"máy chủ phải chạy lại ngay, đã chụp ảnh đĩa\"")
        }
        let suspected = try since.map { text in
            guard let date = Timestamp.parse(text) else { throw CommandFailure.badInput("--since \(text): không phải thời điểm ISO 8601, ví dụ 2026-12-06T01:00:00Z") }
            return date
        }
        let preview = isatty(STDIN_FILENO) == 0 && !apply
        let applying = !dryRun && !preview
        if applying { try HostRecovery.run(host: root, language: .vi) }

        let log = IncidentLog(host: root)
        let incident = try named ?? log.currentIncident()
        let steps = try incident.map { try log.steps(incident: $0) } ?? []
        // Điều 11 khoản 2 điểm a: the evidence (Bước 2) before the restore (Bước 3).
        if skipCollection == nil && !steps.contains(where: { $0.kind == .collect && $0.outcome == .done }) {
            throw CommandFailure(exitCode: 1, message: "chưa thu thập đầy đủ chứng cứ cho sự cố \(incident.map { String($0.uuidString.prefix(8)) } ?? "(chưa có)") — khôi phục trước sẽ xoá dấu vết (kể cả chạy thử: bản sao lưu được giải nén lên chính ổ đĩa này). Chạy `attt incident collect --to THƯ-MỤC` trước, hoặc --skip-collection \"lý do\". Nothing was changed.")
        }
        let start = suspected ?? steps.compactMap { Timestamp.parse($0.at) }.min()

        let source: BackupSource
        let restore = Restore(host: root)
        let id = Self.restoreId()
        let plan: Restore.Preview
        var passage: BackupPassage?
        do {
            // Isolated (Bước 1) with the backup on a server: open to it while the copy is read only.
            passage = try BackupPassage.open(host: root, envFile: envFile)
            defer { if passage != nil { BackupPassage.close() } }
            if let passage { print(passage.note) }
            source = try BackupSource.open(host: root, envFile: envFile, suspectedStart: start, snapshot: snapshot)
            plan = try restore.prepare(source: source, scopes: scopes, id: id)
        } catch let refused as BackupSource.Refused {
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was changed")
        }
        let listFile = try writeList(plan, incident: incident, id: id, host: root)
        print(Self.summary(plan, listFile: listFile))
        // The rehearsal VN-TD-INC-001 looks for; a record that cannot be written stops nothing.
        do { try restore.recordCheck(plan, at: Date()) } catch {
            StandardStreams.error("attt: \(RestoreCheckRecord.path): không ghi được (\(error)) — VN-TD-INC-001 will not see this rehearsal\n")
        }

        guard applying else {
            restore.discard(plan)
            print("Chạy thử: chưa thay đổi gì trên máy (dry run: nothing changed)." + (dryRun ? "" : " Để áp dụng: chạy tại terminal, hoặc thêm --apply."))
            return
        }
        if plan.plan.steps.isEmpty {
            restore.discard(plan)
            print("Không có gì cần khôi phục: các tệp trùng với bản sao lưu.")
            return
        }
        let officer: String
        do {
            officer = try officerOptions.signIn(language: .vi)
        } catch let refused as OfficerSignIn.Refused {
            restore.discard(plan)
            throw CommandFailure(exitCode: 1, message: refused.description + " — nothing was changed")
        }
        let journal = try restore.apply(plan, officer: officer)
        if let note = ChangeRecord.record("incident-restore", journal, host: root, language: .vi) { print(note) }
        let kept = Restore.keptDirectories(journal)
        let selection = plan.selection
        var detail = "Khôi phục \(scopes.map(\.label).joined(separator: ", ")) từ \(source.kind.rawValue) \(source.snapshot ?? source.record.target)"
            + (source.choice.map { " (tạo lúc \($0.snapshot.time); \($0.why))" } ?? "")
            + (source.verifiable ? "" : " (không kiểm chứng được)")
            + ": \(selection.count(.changed)) tệp bị thay đổi, \(selection.count(.missing)) tệp bị xoá được khôi phục, "
            + "\(selection.changes.filter { $0.kind == .notInBackup && $0.applied }.count) tệp không có trong bản sao lưu được chuyển sang chỗ giữ"
            + (kept.isEmpty ? "" : "; bản bị tấn công giữ tại \(kept.joined(separator: ", "))")
            + ". Khởi động lại máy để nạp cấu hình đã khôi phục."
        if let skipCollection { detail += " Bỏ qua thu thập chứng cứ: \(skipCollection)." }
        if let passage { detail += " " + passage.note }
        if journal.state != .applied { detail = "Khôi phục thất bại, đã hoàn tác: \(journal.error ?? "")" }
        let filed = try log.incident(named: incident)
        try log.record(IncidentStepMessage(incident: filed, kind: .restore, at: Timestamp.format(Date()), actor: officer, source: .terminal,
                                           outcome: journal.state == .applied ? .done : .failed, transaction: journal.id, detail: detail))
        guard journal.state == .applied else {
            throw CommandFailure(exitCode: 1, message: "giao dịch \(journal.id) thất bại và đã được hoàn tác: \(journal.error ?? "")")
        }
        print("Giao dịch \(journal.id) đã áp dụng. " + (kept.isEmpty ? "" : "Các tệp bị thay thế được giữ tại \(kept.joined(separator: ", ")); ")
              + "`attt rollback \(journal.id)` đưa chúng trở lại.")
        print("Khởi động lại máy để nạp cấu hình đã khôi phục.")
    }

    /// `20261206T203015Z-1a2b`: a time for people, and a few random digits so two restores in one second differ.
    static func restoreId() -> String {
        let stamp = Timestamp.format(Date()).filter { $0 != "-" && $0 != ":" }
        return stamp + "-" + String(UInt16.random(in: 0...UInt16.max), radix: 16)
    }

    static func marker(_ change: RestoreSelection.Change) -> String {
        if change.directory != nil {
            return change.kind == .missing ? "thư mục bị xoá, tạo lại" : "thư mục: \(change.differences.joined(separator: ",")) khác bản sao lưu"
        }
        return switch change.kind {
        case .changed: "thay đổi (\(change.differences.joined(separator: ",")))"
        case .missing: "bị xoá"
        case .notInBackup: change.applied ? "không có trong bản sao lưu, chuyển sang chỗ giữ" : "không có trong bản sao lưu, giữ nguyên"
        }
    }

    static func summary(_ preview: Restore.Preview, listFile: String) -> String {
        let selection = preview.selection
        let aside = selection.changes.filter { $0.kind == .notInBackup && $0.applied }.count
        let listed = selection.changes.filter { !$0.applied }.count
        let source = preview.source
        var out = "Bản sao lưu: " + (source.choice.map { "\(source.kind.rawValue) \($0.snapshot.label), tạo lúc \($0.snapshot.time) (lần sao lưu ghi nhận: \(source.record.time))" }
            ?? "\(source.kind.rawValue) \(source.record.target), lúc \(source.record.time)")
            + (source.verifiable ? " (đã kiểm tra: restic check, restore --verify)" : " (không kiểm chứng được: thư mục sao chép)") + "\n"
        if let choice = source.choice { out += "Lý do chọn bản này: \(choice.why)\n" }
        out += "Phạm vi: \(preview.scopes.map { "\($0.rawValue) (\($0.roots.joined(separator: ", ")))" }.joined(separator: "; "))\n"
        out += "Thay đổi: \(selection.count(.changed)); bị xoá: \(selection.count(.missing)); không có trong bản sao lưu: \(aside) chuyển sang chỗ giữ, \(listed) giữ nguyên; bỏ qua: \(selection.skipped.count)\n"
        for change in selection.changes.prefix(shownPaths) { out += "  \(change.path)  \(marker(change))\n" }
        if selection.changes.count > shownPaths { out += "  … và \(selection.changes.count - shownPaths) mục nữa\n" }
        for skipped in selection.skipped.prefix(shownPaths) { out += "  bỏ qua \(skipped.path): \(skipped.reason)\n" }
        out += "Danh sách đầy đủ: \(listFile)"
        return out
    }

    /// The full list, one path a line, beside the incident's record on this PC.
    func writeList(_ preview: Restore.Preview, incident: UUID?, id: String, host root: HostRoot) throws -> String {
        let directory = "/var/lib/attt/incidents/" + (incident?.uuidString ?? "unfiled")
        var text = ""
        for change in preview.selection.changes { text += "\(change.kind.rawValue)\t\(change.applied ? "apply" : "list")\t\(change.path)\t\(change.differences.joined(separator: ","))\n" }
        for skipped in preview.selection.skipped { text += "skipped\t-\t\(skipped.path)\t\(skipped.reason)\n" }
        try root.directory(directory, create: 0o700).write(Data(text.utf8), name: "restore-\(id).txt", mode: 0o600)
        return "\(directory)/restore-\(id).txt"
    }
}

