import CollectorStore
public import Foundation
public import OfficeDocuments

/// BÁO CÁO Sự cố mất an toàn, an ninh thông tin (Điều 11 khoản 2 điểm b): when an incident is beyond
/// what the unit can resolve, it reports at once to the body directly above it and sends a written
/// report to the Văn phòng thống kê xã, the Công an xã and whoever is concerned (Điều 12 khoản 5:
/// "báo cáo bằng văn bản cho cơ quan có liên quan"). The recipients come from
/// ``ReportSettings/incidentRecipients``. Pure: the dossier in, the document out.
public struct IncidentReportDocument: Sendable {
    public let dossier: IncidentDossier
    public let settings: ReportSettings
    public let issued: Date

    public init(dossier: IncidentDossier, settings: ReportSettings, issued: Date) {
        self.dossier = dossier
        self.settings = settings
        self.issued = issued
    }

    typealias D = IncidentDossier
    var unit: String { D.shown(dossier.unit, limit: 120) }

    public var document: AdministrativeDocument {
        AdministrativeDocument(
            governingBody: settings.governingBody.isEmpty ? nil : settings.governingBody, issuer: unit.uppercased(), symbol: "BC",
            place: settings.place.isEmpty ? "……………" : settings.place, date: ReportDocument.date(OfficeDay(containing: issued)),
            kind: "BÁO CÁO", subject: "Sự cố mất an toàn, an ninh thông tin: \(D.shown(dossier.title, limit: 200))",
            body: opening + summary + course + cause + result + support,
            recipients: settings.incidentRecipients,
            signature: Signature(title: "THỦ TRƯỞNG ĐƠN VỊ", name: dossier.reportedToHead.map { D.shown($0.name, limit: 80) }))
    }

    var opening: [Block] {
        [.paragraph("Thực hiện Điều 11 khoản 2 điểm b Quy định bảo đảm an toàn, an ninh thông tin mạng, \(unit) báo cáo sự cố mất an toàn, an ninh thông tin xảy ra tại đơn vị như sau:")]
    }

    var summary: [Block] {
        let signs = dossier.signs.filter { $0 != .other }.map { D.label($0).lowercased() }
            + [D.shown(dossier.otherSigns, limit: 500)].filter { !$0.isEmpty }
        var text = "Lúc \(D.spoken(dossier.detectedAt)), \(D.shown(dossier.detectedBy, limit: 80)) phát hiện sự cố \"\(D.shown(dossier.title, limit: 200))\" (\(D.label(dossier.detection))) trên \(dossier.hosts.count) máy tính\(dossier.hosts.isEmpty ? "" : " (\(dossier.hostNames))"); mức độ: \(D.label(dossier.severity).lowercased())."
        if !signs.isEmpty { text += " Dấu hiệu nhận biết: \(signs.joined(separator: "; "))." }
        if let system = dossier.affectedSystem, !system.isEmpty { text += " Hệ thống bị ảnh hưởng: \(D.shown(system, limit: 200))." }
        var blocks: [Block] = [.heading("I. TÓM TẮT SỰ CỐ"), .paragraph(text)]
        if let beyond = dossier.beyondCapacityAt {
            blocks.append(.paragraph("Từ \(D.short(beyond)), đơn vị xác định sự cố vượt quá khả năng giải quyết của mình. Đến thời điểm báo cáo, sự cố ở tình trạng: \(D.label(dossier.state).lowercased())."))
        } else {
            blocks.append(.paragraph("Đến thời điểm báo cáo, sự cố ở tình trạng: \(D.label(dossier.state).lowercased())."))
        }
        return blocks
    }

    var course: [Block] {
        var blocks: [Block] = [.heading("II. DIỄN BIẾN VÀ XỬ LÝ")]
        let steps = dossier.orderedSteps
        if steps.isEmpty {
            blocks.append(.paragraph("Chưa thực hiện bước xử lý nào bằng phần mềm attt."))
        } else {
            blocks.append(.paragraph("Đơn vị đã thực hiện các bước xử lý khẩn cấp theo Điều 11 khoản 2 điểm a (thời điểm là lúc bộ thu thập nhận được thông báo của máy tính):"))
            blocks.append(.table(Table(
                id: "steps", caption: "Các bước xử lý",
                columns: [Column("Thời điểm", key: "received_at", width: 1.6), Column("Máy tính", key: "host", width: 1.8), Column("Việc thực hiện", key: "kind", width: 2.6),
                          Column("Người thực hiện", key: "actor", width: 1.8), Column("Kết quả", key: "outcome", width: 1.5)],
                rows: steps.map { step in
                    [.time(ReportDocument.time(step.receivedAt)), .text(D.hostName(step.host, step.hostname)), .text(D.label(step.kind)),
                     .text(D.shown(step.actor, limit: 80)), .text(D.label(step.outcome))]
                })))
        }
        if !dossier.manifests.isEmpty {
            let files = dossier.manifests.reduce(0) { $0 + $1.files }
            let valid = dossier.manifests.filter { $0.signature == .valid }.count
            blocks.append(.paragraph("Chứng cứ: \(dossier.manifests.count) lần sao chép nhật ký và dữ liệu (\(Cell.integer(files).printed) tệp), \(valid) bản kê khai có chữ ký số hợp lệ; chi tiết và mã băm SHA-256 ghi trong Biên bản ghi nhận sự cố của đơn vị."))
        }
        if let head = dossier.reportedToHead {
            blocks.append(.paragraph("Đơn vị đã báo cáo Thủ trưởng đơn vị lúc \(D.short(head.at))."))
        }
        let earlier = dossier.escalations.filter { $0.sentAt <= issued }.sorted { $0.sentAt < $1.sentAt }
        if !earlier.isEmpty {
            blocks.append(.paragraph("Đã thông báo sự cố: " + earlier.map {
                "\(D.shown($0.recipient, limit: 200)) lúc \(D.short($0.sentAt)) (\(D.shown($0.means, limit: 80))\($0.reference.map { ", " + D.shown($0, limit: 80) } ?? ""))"
            }.joined(separator: "; ") + "."))
        }
        return blocks
    }

    var cause: [Block] {
        let cause = D.shown(dossier.cause, limit: 2000)
        return [
            .heading("III. NGUYÊN NHÂN, THIỆT HẠI"),
            .paragraph("Nguyên nhân: \(cause.isEmpty ? "chưa xác định được." : cause)"),
            .paragraph("Thiệt hại: \(dossier.hosts.count) máy tính bị ảnh hưởng. (Đơn vị bổ sung đánh giá thiệt hại về dữ liệu, dịch vụ và thời gian gián đoạn.)"),
        ]
    }

    var result: [Block] {
        let result = D.shown(dossier.result, limit: 2000)
        return [.heading("IV. KẾT QUẢ KHẮC PHỤC"), .paragraph(result.isEmpty ? "Chưa có kết quả khắc phục." : result)]
    }

    var support: [Block] {
        var items: [String] = []
        if dossier.state != .closed {
            items.append("Đề nghị cơ quan cấp trên quản lý trực tiếp và Văn phòng thống kê xã hỗ trợ, hướng dẫn và phối hợp khắc phục sự cố (Điều 11 khoản 2 điểm b, khoản 3).")
        }
        items.append("Đề nghị Công an xã phối hợp điều tra, làm rõ nguyên nhân gây ra sự cố (Điều 11 khoản 3 điểm d).")
        return [.heading("V. ĐỀ NGHỊ HỖ TRỢ"), .list(items), .paragraph("(Đơn vị bổ sung nội dung đề nghị cụ thể nếu có.)")]
    }
}
