import CollectorStore
import Foundation
import HardeningCore
import OfficeDocuments

/// How the incident documents name what the dossier holds: Vietnamese only, they are administrative
/// documents.
extension IncidentDossier {
    /// Text an officer or a PC wrote, fit to print: unsafe characters replaced, cut to `limit`.
    static func shown(_ text: String?, limit: Int = 300) -> String { DisplaySafety.printable(text ?? "", limit: limit) }

    static func label(_ detection: Detection) -> String {
        switch detection {
        case .userReport: "báo cáo của người sử dụng"
        case .officer: "cán bộ phụ trách công nghệ thông tin phát hiện"
        case .agent: "phần mềm attt trên máy tính cảnh báo"
        case .external: "cơ quan, tổ chức bên ngoài thông báo"
        }
    }

    /// The words of Điều 11 khoản 2 điểm a for each sign.
    static func label(_ sign: Sign) -> String {
        switch sign {
        case .trafficSpike: "Luồng tin (traffic) tăng lên bất ngờ"
        case .contentChanged: "Nội dung bị thay đổi"
        case .abnormalSlowness: "Hệ thống hoạt động chậm bất thường"
        case .other: "Dấu hiệu khác"
        }
    }

    static func label(_ severity: Severity) -> String {
        switch severity {
        case .low: "Thấp"
        case .medium: "Trung bình"
        case .high: "Cao"
        case .critical: "Nghiêm trọng"
        }
    }

    static func label(_ state: State) -> String {
        switch state {
        case .open: "Đang xử lý"
        case .contained: "Đã ngăn chặn"
        case .recovered: "Đã khôi phục"
        case .closed: "Đã kết thúc"
        }
    }

    static func label(_ kind: Step.Kind) -> String {
        switch kind {
        case .isolate: "Ngắt kết nối (cách ly) máy tính khỏi mạng"
        case .release: "Gỡ cách ly"
        case .isolationLost: "Cách ly bị gỡ ngoài ý muốn, đã tự thiết lập lại"
        case .collect: "Sao chép nhật ký và dữ liệu ra thiết bị lưu trữ"
        case .restore: "Khôi phục từ bản sao lưu mới nhất"
        case .note: "Ghi chú"
        case .isolationOrdered: "Ra lệnh cách ly từ bộ thu thập"
        case .releaseOrdered: "Ra lệnh gỡ cách ly từ bộ thu thập"
        }
    }

    static func label(_ outcome: Step.Outcome) -> String {
        switch outcome {
        case .done: "Hoàn thành"
        case .failed: "Không thành công"
        case .rolledBack: "Đã tự hoàn tác (mất liên lạc với bộ thu thập)"
        }
    }

    static func label(_ check: Manifest.SignatureCheck) -> String {
        switch check {
        case .valid: "hợp lệ"
        case .invalid: "không hợp lệ"
        case .absent: "không có"
        }
    }

    /// `PC-KETOAN (h-1a2b…)`: the name the officers know, and the id when there is no name.
    static func hostName(_ id: String?, _ hostname: String?) -> String {
        if let hostname, !hostname.isEmpty { return shown(hostname, limit: 80) }
        return shown(id ?? "—", limit: 80)
    }

    var hostNames: String { hosts.map { Self.hostName($0.id, $0.hostname) }.joined(separator: ", ") }

    static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    /// `08 giờ 40 phút, ngày 04 tháng 01 năm 2027`, in Vietnam's time.
    static func spoken(_ date: Date) -> String {
        let t = ReportDocument.time(date)
        return "\(twoDigits(t.hour)) giờ \(twoDigits(t.minute)) phút, ngày \(twoDigits(t.date.day)) tháng \(twoDigits(t.date.month)) năm \(t.date.year)"
    }

    /// `08:40 ngày 04/01/2027`
    static func short(_ date: Date) -> String {
        let t = ReportDocument.time(date)
        return "\(twoDigits(t.hour)):\(twoDigits(t.minute)) ngày \(t.date.short)"
    }

    /// The PC's own clock as a cell: the time it said, in Vietnam's time when it reads as RFC 3339, else
    /// its text as sent (it may be the attacker's), cut short.
    static func pcClock(_ text: String?) -> Cell {
        guard let text, !text.isEmpty else { return .empty }
        if let date = Timestamp.parse(text) { return .time(ReportDocument.time(date)) }
        return .text(shown(text, limit: 40))
    }

    /// Steps in the order the collector received them: the PC's clock may be wrong or the attacker's.
    var orderedSteps: [Step] { steps.sorted { ($0.receivedAt, $0.id.uuidString) < ($1.receivedAt, $1.id.uuidString) } }
}
