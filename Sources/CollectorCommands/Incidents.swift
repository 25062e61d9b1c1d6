import ArgumentParser
import CollectorStore
import CommandLineSupport
import Foundation
import HardeningCore

/// `attt-collector incident list|show|record`: the incident register (Điều 11 khoản 2) at the
/// collector's keyboard, for an office whose browser is down or a script that files a report.
struct IncidentCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "incident",
        abstract: "Sự cố — list, show and record incidents of the register (Điều 11 khoản 2).",
        subcommands: [List.self, Show.self, Record.self]
    )

    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Các sự cố — a unit's or every unit's incidents, open first, newest first (at most 500).")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit (default: every unit).")
        var unit: String?

        @Option(help: "open (not closed), closed or all.")
        var state = "open"

        @Option(help: "text or json (as GET /v1/officer/incidents).")
        var format = "text"

        func run() async throws {
            let json = try IncidentLines.json(format)
            guard ["open", "closed", "all"].contains(state) else { throw CommandFailure.badInput("--state \(state): dùng open, closed hoặc all — use open, closed or all") }
            let store = try settings.openStore(try await settings.load())
            let list = try store.incidents(units: unit.map { [$0] }, asOf: Date()).filter { state == "all" || ($0.isOpen == (state == "open")) }
            if json { return try IncidentLines.print(list) }
            for incident in list { print(IncidentLines.summary(incident)) }
        }
    }

    struct Show: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Một sự cố — hosts, the latest revision, steps, manifests with their signature, escalations and issued documents.")

        @OptionGroup var settings: SettingsOptions

        @Argument(help: "The incident's id (the first column of attt-collector incident list).")
        var id: String

        @Option(help: "text or json ({\"incident\": …, \"documents\": […]}).")
        var format = "text"

        func run() async throws {
            let json = try IncidentLines.json(format)
            guard let id = UUID(uuidString: id) else { throw CommandFailure.badInput("\(self.id): mã sự cố là UUID — an incident's id is a UUID (see attt-collector incident list)") }
            let store = try settings.openStore(try await settings.load())
            guard let incident = try store.incident(id: id, asOf: Date()) else {
                throw CommandFailure.badInput("không có sự cố \(id) — no incident \(id) (see attt-collector incident list --state all)")
            }
            let documents = try store.incidentDocuments(incident: id)
            if json { return try IncidentLines.print(IncidentLines.Shown(incident: incident, documents: documents)) }
            print(IncidentLines.detail(incident, documents: documents))
        }
    }

    struct Record: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Ghi nhận sự cố — record an incident in an officer's name, as the web form does.")

        @OptionGroup var settings: SettingsOptions

        @Option(help: "The unit, as in attt-collector hosts list.")
        var unit: String

        @Option(help: "Tên sự cố — a short title.")
        var title: String

        @Option(help: "Thời điểm phát hiện: 2027-01-02T08:30 (Việt Nam time) or an RFC 3339 time.")
        var detectedAt: String

        @Option(help: "Mức độ: thap, trung-binh, cao or nghiem-trong.")
        var severity: String

        @Option(help: "Dấu hiệu, comma-separated: traffic-spike, content-changed, abnormal-slowness, other (default: other).")
        var signs = "other"

        @Option(help: "Người phát hiện (default: the officer of --by).")
        var detectedBy: String?

        @Option(help: "Cách phát hiện: officer, user-report, agent or external.")
        var detection = "officer"

        @Option(help: "An affected PC of the unit (its id); repeat for several.")
        var host: [String] = []

        @Option(help: "The officer the incident is recorded as (an account of this host, as they sign in to the pages).")
        var by: String

        func run() async throws {
            guard let severity = IncidentSeverity(rawValue: severity) else {
                throw CommandFailure.badInput("--severity \(severity): dùng \(IncidentSeverity.allCases.map(\.rawValue).joined(separator: ", ")) — use one of these")
            }
            guard let detection = IncidentDetection(rawValue: detection) else {
                throw CommandFailure.badInput("--detection \(detection): dùng \(IncidentDetection.allCases.map(\.rawValue).joined(separator: ", ")) — use one of these")
            }
            let signs = try self.signs.split(separator: ",").map { text -> IncidentSign in
                let name = text.trimmingCharacters(in: .whitespaces)
                guard let sign = IncidentSign(rawValue: name) else {
                    throw CommandFailure.badInput("--signs \(name): dùng \(IncidentSign.allCases.map(\.rawValue).joined(separator: ", ")) — use these, comma-separated")
                }
                return sign
            }
            // The officer signs in to the pages with an account of this host: a name that is none is a typo.
            guard !by.isEmpty, by.utf8.count <= IncidentLimits.nameBytes, getpwnam(by) != nil else {
                throw CommandFailure.badInput("--by \(by): không có tài khoản này trên máy chủ — no such account on this host; name the officer as they sign in")
            }
            let request = IncidentRequest(unit: unit, title: title, detectedAt: try IncidentLines.time(detectedAt, option: "--detected-at"), detectedBy: detectedBy ?? by,
                                          detection: detection, signs: signs, severity: severity, hosts: host)
            let store = try settings.openStore(try await settings.load())
            let incident = try store.recordIncident(request, by: ActingOfficer(name: by, role: IncidentLines.role), now: Date())
            print(IncidentLines.summary(incident))
        }
    }
}

/// How the incident commands print, read and check what they are given.
enum IncidentLines {
    /// The role of an officer named with `--by` at the collector's keyboard, in the audit log.
    static let role = "local-admin"

    struct Shown: Encodable {
        var incident: IncidentAsOf
        var documents: [IncidentDocument]
    }

    static func json(_ format: String) throws -> Bool {
        switch format {
        case "text": return false
        case "json": return true
        default: throw CommandFailure.badInput("--format \(format): dùng text hoặc json — use text or json")
        }
    }

    static func print<T: Encodable>(_ value: T) throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        Swift.print(String(decoding: try encoder.encode(value), as: UTF8.self))
    }

    /// `2027-01-02T08:30` is the office's time (UTC+7), as the web form takes it; an RFC 3339 time is as written.
    static func time(_ text: String, option: String) throws -> Timestamp {
        let text = text.trimmingCharacters(in: .whitespaces)
        if text.utf8.count <= 40, let date = Timestamp.parse(text) { return Timestamp(date) }
        if text.utf8.count == 16 || text.utf8.count == 19, let date = Timestamp.parse(text + (text.utf8.count == 16 ? ":00" : "") + "+07:00") { return Timestamp(date) }
        throw CommandFailure.badInput("\(option) \(text.prefix(40)): viết ngày giờ như 2027-01-02T08:30 (giờ Việt Nam) — write a time such as 2027-01-02T08:30 (Việt Nam time) or 2027-01-02T01:30:00Z")
    }

    static func summary(_ incident: IncidentAsOf) -> String {
        let c = incident.current
        return TerminalText.safe("\(incident.id.uuidString)  \(c.state.rawValue)  \(c.severity.rawValue)  \(incident.detectedAt)  \(incident.unit)  \(incident.hosts.count) PC  \(c.title)")
    }

    static func detail(_ incident: IncidentAsOf, documents: [IncidentDocument]) -> String {
        let c = incident.current
        var lines = [
            "Sự cố (incident) \(incident.id.uuidString): \(c.title)",
            "Đơn vị (unit): \(incident.unit)",
            "Phát hiện (detected): \(incident.detectedAt) bởi (by) \(incident.detectedBy), \(incident.detection.rawValue)",
            "Tình trạng (state): \(c.state.rawValue) · mức độ (severity): \(c.severity.rawValue) · dấu hiệu (signs): \(c.signs.map(\.rawValue).joined(separator: ", "))",
            "Lần cập nhật (revision) \(c.seq): \(c.at) bởi (by) \(c.by)",
            "Nguyên nhân (cause): \(c.cause ?? "—")",
            "Kết quả (result): \(c.result ?? "—")",
            "Báo cáo Thủ trưởng (reported to the head): \(c.reportedToHeadAt?.description ?? "—") \(c.headName ?? "")",
            "Vượt khả năng xử lý từ (beyond capacity since): \(c.beyondCapacityAt?.description ?? "—")",
            "Máy (PCs): \(incident.hosts.count)",
        ]
        lines += incident.hosts.map { "  \($0.host)  \($0.hostname ?? "")  \($0.isolated ? "đang cách ly (isolated)" : "không cách ly (not isolated)")" }
        lines.append("Các bước (steps): \(incident.steps.count)")
        lines += incident.steps.map {
            "  \($0.receivedAt)  \($0.host)  \($0.kind)  \($0.outcome ?? "chờ (waiting)")  \($0.actor) (\($0.source))" + ($0.transaction.map { "  tx \($0)" } ?? "")
        }
        lines.append("Bản kê chứng cứ (evidence manifests): \(incident.manifests.count)")
        lines += incident.manifests.map {
            "  \($0.id.uuidString)  \($0.host)  \($0.receivedAt)  SHA-256 \($0.manifestSHA256)  \($0.signatureOK ? "chữ ký hợp lệ (signature_ok)" : "CHỮ KÝ KHÔNG HỢP LỆ (signature NOT ok)")  \($0.files) tệp \($0.bytes) B"
        }
        lines.append("Báo cáo cấp trên (escalations): \(incident.escalations.count)")
        lines += incident.escalations.map { "  \($0.sentAt)  \($0.recipient)  \($0.means)  \($0.reference ?? "")" }
        lines.append("Tài liệu đã lưu (documents): \(documents.count)")
        lines += documents.map { "  \($0.id.uuidString)  \($0.kind.rawValue)  \($0.format)  \($0.createdAt)  \($0.createdBy)  SHA-256 \($0.sha256)" }
        return lines.map(TerminalText.safe).joined(separator: "\n")
    }
}
