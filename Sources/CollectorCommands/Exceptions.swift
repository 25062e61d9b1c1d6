import ArgumentParser
import CollectorServer
import CollectorStore
import CommandLineSupport
import Foundation
import HardeningCore

/// `attt-collector waiver add|list|end`: exceptions for a control that fails (issue 13 point 4).
struct WaiverCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "waiver",
        abstract: "Miễn trừ — record, list and end waivers of a control for one host or a whole unit.",
        subcommands: [Add.self, List.self, End.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi nhận miễn trừ — record a waiver, with its justification, who approved it and its expiry.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit, as in attt-collector hosts list.")
        var unit: String

        @Option(help: "One host of the unit (its id); without it, every host of the unit.")
        var host: String?

        @Option(help: "The control waived, such as VN-TD-PW-001.")
        var control: String

        @Option(help: "Lý do — why the control cannot be met for now.")
        var justification: String

        @Option(help: "Người phê duyệt — who approved the exception, such as \"Chủ tịch UBND xã\".")
        var approvedBy: String

        @Option(help: "Hết hạn — a day (2027-06-30: waived through that day, Việt Nam time) or a duration (90d); at most 3 years.")
        var expires: String

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            let now = Date()
            let request = WaiverRequest(unit: unit, host: host, control: control, justification: justification, approvedBy: approvedBy,
                                        expiresAt: Timestamp(try ExceptionInput.until(expires, option: "--expires", now: now)))
            let waiver = try store.recordWaiver(request, by: .local(LocalOfficer.name), now: now)
            print(ExceptionLines.waiver(waiver))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các miễn trừ — a unit's waivers in force, newest first.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit.")
        var unit: String

        @Flag(help: "Also the expired and ended waivers.")
        var all = false

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            for waiver in try store.waivers(unit: unit, at: Date(), all: all) { print(ExceptionLines.waiver(waiver)) }
        }
    }

    struct End: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Chấm dứt miễn trừ — end a waiver now; the results are what the reports say again.")

        @OptionGroup var settings: SettingsOptions

        @Argument(help: "The waiver's id (see attt-collector waiver list).")
        var id: String

        func run() async throws {
            guard let id = UUID(uuidString: id) else { throw CommandFailure.badInput("\(self.id) is not a waiver id (a UUID, see attt-collector waiver list)") }
            let store = try settings.openStore(try await settings.load())
            print(ExceptionLines.waiver(try store.endWaiver(id: id, by: .local(LocalOfficer.name), now: Date())))
        }
    }
}

/// `attt-collector attestation add|list`: the unit's organisational measures (issue 13 point 5).
struct AttestationCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "attestation",
        abstract: "Xác nhận biện pháp tổ chức — attest VN-TD-ATT-001…015 for a unit, with its document.",
        subcommands: [Add.self, List.self]
    )

    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi nhận xác nhận — record that a unit meets an organisational measure.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit.")
        var unit: String

        @Option(help: "The measure, VN-TD-ATT-001 to VN-TD-ATT-015.")
        var control: String

        @Option(name: .customLong("on"), help: "Ngày xác nhận, YYYY-MM-DD (default: today).")
        var attestedOn: String?

        @Option(help: "Số văn bản, such as 12/QĐ-UBND.")
        var reference: String?

        @Option(help: "Ghi chú — a note (instead of or beside the document number).")
        var note: String?

        @Option(help: "Người xác nhận — who attests, such as the head of the unit.")
        var attestedBy: String

        @Option(help: "Hiệu lực đến — a day (2027-12-31) or a duration (365d); at most 5 years.")
        var validUntil: String

        @Option(help: "The document attached (PDF, image, ODT, DOCX; at most 10 MiB); its SHA-256 is kept.")
        var file: String?

        @Option(help: "The file's media type (default: from its extension).")
        var mediaType: String?

        func run() async throws {
            let now = Date()
            let attached = try file.map { path in
                AttachedFile(name: URL(fileURLWithPath: path).lastPathComponent, mediaType: mediaType ?? ExceptionInput.mediaType(of: path),
                             data: try ExceptionInput.read(path))
            }
            let today = String(Timestamp(now.addingTimeInterval(ExceptionInput.vietnam)).description.prefix(10))
            let request = AttestationRequest(unit: unit, control: control, attestedOn: attestedOn ?? today, reference: reference, note: note,
                                             attestedBy: attestedBy, validUntil: Timestamp(try ExceptionInput.until(validUntil, option: "--valid-until", now: now)),
                                             file: attached)
            let store = try settings.openStore(try await settings.load())
            print(ExceptionLines.attestation(try store.recordAttestation(request, by: .local(LocalOfficer.name), now: now)))
        }
    }

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Tình trạng xác nhận — each organisational measure of a unit: attested or due, and every attestation.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit.")
        var unit: String

        func run() async throws {
            let store = try settings.openStore(try await settings.load())
            let now = Date()
            for state in try store.attestationStates(unit: unit, at: now) {
                let standing: String
                switch state.standing {
                case .attested: standing = "đã xác nhận (attested) until \(state.attestation?.validUntil.description ?? "")"
                case .lapsed: standing = "CẦN XÁC NHẬN (due: lapsed \(state.attestation?.validUntil.description ?? ""))"
                case .missing: standing = "CẦN XÁC NHẬN (due: never attested)"
                }
                print("\(state.control)  \(standing)")
            }
            let all = try store.attestations(unit: unit)
            if !all.isEmpty { print("") }
            for attestation in all { print(ExceptionLines.attestation(attestation)) }
        }
    }
}

/// `attt-collector audit list`: who changed what, newest first (issue 13 point 6).
struct AuditCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "audit",
        abstract: "Nhật ký thao tác — every change officers made: approvals, revocations, waivers, attestations.",
        subcommands: [List.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "The audit log, newest first.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "Only this unit.")
        var unit: String?

        @Option(help: "How many entries (1 to 500).")
        var limit = 50

        @Option(help: "Entries older than this entry id (the first column), for the next page.")
        var before: Int64?

        func run() async throws {
            guard (1...AuditEntry.maxPage).contains(limit) else { throw CommandFailure.badInput("--limit takes 1 to \(AuditEntry.maxPage)") }
            let store = try settings.openStore(try await settings.load())
            for entry in try store.auditEntries(unit: unit, before: before, limit: limit) {
                let detail = entry.detail.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
                let line = "\(entry.id)  \(entry.at)  \(entry.officer) (\(entry.role))  \(entry.action.rawValue)  \(entry.unit ?? "-")  \(entry.host ?? "-")  \(entry.subject ?? "-")  \(detail)"
                print(TerminalText.safe(line))
            }
        }
    }
}

/// Lines the commands print. What officers typed and what hosts called themselves go through
/// `TerminalText.safe`.
enum ExceptionLines {
    static func waiver(_ w: Waiver) -> String {
        let ended = w.endedAt.map { "  ENDED \($0) by \(w.endedBy ?? "-")" } ?? ""
        return TerminalText.safe("\(w.id)  \(w.unit)  \(w.host ?? "cả đơn vị (whole unit)")  \(w.control)  until \(w.expiresAt)\(ended)  approved by \(w.approvedBy), recorded by \(w.recordedBy) \(w.recordedAt)  — \(w.justification)")
    }

    static func attestation(_ a: Attestation) -> String {
        let file = a.file.map { "  file \($0.name) \($0.size) bytes sha256 \($0.sha256)" } ?? ""
        let what = [a.reference, a.note].compactMap { $0 }.joined(separator: "; ")
        return TerminalText.safe("\(a.id)  \(a.unit)  \(a.control)  on \(a.attestedOn) by \(a.attestedBy), valid until \(a.validUntil)  \(what)\(file)  recorded by \(a.recordedBy) \(a.recordedAt)")
    }
}

/// Days and files as the officer gives them on the command line.
enum ExceptionInput {
    /// Việt Nam is UTC+7 all year: a day the officer names ends at 17:00 UTC.
    static let vietnam: TimeInterval = 7 * 3600

    /// `2027-06-30` (through the end of that day, Việt Nam time) or a duration from now (`90d`).
    static func until(_ text: String, option: String, now: Date) throws -> Date {
        if let day = ExceptionLimits.day(text) { return day.addingTimeInterval(86_400 - vietnam) }
        if let seconds = SettingsLoader.parseDuration(text) { return now.addingTimeInterval(seconds) }
        throw CommandFailure.badInput("\(option) \(text) is neither a day (2027-06-30) nor a duration (90d)")
    }

    static func mediaType(of path: String) -> String {
        switch URL(fileURLWithPath: path).pathExtension.lowercased() {
        case "pdf": return "application/pdf"
        case "png": return "image/png"
        case "jpg", "jpeg": return "image/jpeg"
        case "odt": return "application/vnd.oasis.opendocument.text"
        case "docx": return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
        default: return "application/octet-stream"
        }
    }

    /// A regular file of at most the store's bound, read whole.
    static func read(_ path: String) throws -> Data {
        guard let attributes = try? FileManager.default.attributesOfItem(atPath: path), attributes[.type] as? FileAttributeType == .typeRegular else {
            throw CommandFailure.badInput("--file \(path) is not a regular file that can be read")
        }
        guard let size = attributes[.size] as? Int, size <= ExceptionLimits.fileBytes else {
            throw CommandFailure.badInput("--file \(path) is over 10 MiB; attach a smaller scan")
        }
        guard let data = FileManager.default.contents(atPath: path) else { throw CommandFailure.badInput("--file \(path) cannot be read") }
        return data
    }
}
