import CollectorStore
public import Foundation
public import OfficeDocuments

/// BIÊN BẢN Ghi nhận sự cố mất an toàn, an ninh thông tin (Điều 11 khoản 2 điểm a: "lập biên bản ghi
/// nhận sự cố … thu thập các chứng cứ, dấu vết và nguyên nhân … báo cáo … cho Thủ trưởng"; Điều 12
/// khoản 5). Laid out as Nghị định 30/2020/NĐ-CP lays out a biên bản: the time and place it is drawn up
/// and who is present, the content, the time it ends, two signatures (the one who drew it up and the
/// head of the unit) and no Nơi nhận. Pure: the dossier in, the document out.
public struct IncidentRecordDocument: Sendable {
    public let dossier: IncidentDossier
    public let settings: ReportSettings
    /// When it is drawn up: the opening's "Vào hồi" and the date line.
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
            governingBody: settings.governingBody.isEmpty ? nil : settings.governingBody, issuer: unit.uppercased(), symbol: "BB",
            place: settings.place.isEmpty ? "……………" : settings.place, date: ReportDocument.date(OfficeDay(containing: issued)),
            kind: "BIÊN BẢN", subject: "Ghi nhận sự cố mất an toàn, an ninh thông tin",
            body: opening + general + signs + steps + evidence + cause + result + reporting + closing,
            recipients: [],
            signature: Signature(title: "THỦ TRƯỞNG ĐƠN VỊ", name: dossier.reportedToHead.map { D.shown($0.name, limit: 80) }),
            annexes: [annex],
            coSigner: Signature(title: "NGƯỜI LẬP BIÊN BẢN", name: D.shown(dossier.recordedBy, limit: 80)))
    }

    var opening: [Block] {
        let head = dossier.reportedToHead.map { D.shown($0.name, limit: 80) } ?? "……………………………"
        var present = [
            "Ông/Bà \(D.shown(dossier.recordedBy, limit: 80)), cán bộ phụ trách công nghệ thông tin, người lập biên bản;",
            "Ông/Bà \(head), Thủ trưởng đơn vị;",
        ]
        present.append("Ông/Bà ……………………………, người phát hiện hoặc người sử dụng máy tính bị ảnh hưởng (nếu có).")
        return [
            .paragraph("Vào hồi \(D.spoken(issued)), tại \(unit), chúng tôi gồm:"),
            .list(present),
            .paragraph("Tiến hành lập biên bản ghi nhận sự cố mất an toàn, an ninh thông tin theo Điều 11 khoản 2 điểm a và Điều 12 khoản 5 của Quy định bảo đảm an toàn, an ninh thông tin mạng, với nội dung như sau:"),
        ]
    }

    var general: [Block] {
        var items = [
            "Sự cố: \(D.shown(dossier.title, limit: 200)).",
            "Thời điểm phát hiện: \(D.spoken(dossier.detectedAt)); người phát hiện: \(D.shown(dossier.detectedBy, limit: 80)) (\(D.label(dossier.detection))).",
            "Mức độ: \(D.label(dossier.severity)).",
        ]
        if let system = dossier.affectedSystem, !system.isEmpty { items.append("Hệ thống bị ảnh hưởng: \(D.shown(system, limit: 200)).") }
        items.append("Máy tính bị ảnh hưởng (\(dossier.hosts.count) máy): \(dossier.hosts.isEmpty ? "chưa xác định" : dossier.hostNames).")
        items.append("Tình trạng đến thời điểm lập biên bản: \(D.label(dossier.state)).")
        return [.heading("I. THÔNG TIN CHUNG"), .list(items)]
    }

    var signs: [Block] {
        var items = IncidentDossier.Sign.allCases.filter { $0 != .other }.map { "\(D.label($0)): \(dossier.signs.contains($0) ? "có" : "không")." }
        let other = D.shown(dossier.otherSigns, limit: 1000)
        if dossier.signs.contains(.other) || !other.isEmpty { items.append("\(D.label(.other)): \(other.isEmpty ? "có" : other).") }
        return [.heading("II. DẤU HIỆU NHẬN BIẾT"), .list(items)]
    }

    /// Bước 1–3 of Điều 11 khoản 2 điểm a, each with the steps taken for it, then the release and any
    /// isolation lost. Times are the collector's: the PC's own clock is in the annex beside them.
    var steps: [Block] {
        let all = dossier.orderedSteps
        var blocks: [Block] = [
            .heading("III. CÁC BƯỚC XỬ LÝ KHẨN CẤP"),
            .paragraph("Thời điểm ghi dưới đây là lúc bộ thu thập nhận được thông báo của máy tính (hoặc lúc cán bộ ra lệnh tại bộ thu thập); giờ theo đồng hồ của từng máy tính ghi trong Phụ lục."),
        ]
        let groups: [(String, String, [IncidentDossier.Step.Kind])] = [
            ("1. Bước 1: Ngắt kết nối máy tính ra khỏi mạng", "isolate", [.isolationOrdered, .isolate]),
            ("2. Bước 2: Sao chép nhật ký và dữ liệu ra thiết bị lưu trữ", "collect", [.collect]),
            ("3. Bước 3: Khôi phục hệ thống từ dữ liệu sao lưu mới nhất", "restore", [.restore]),
            ("4. Gỡ cách ly; cách ly bị gỡ ngoài ý muốn", "release", [.releaseOrdered, .release, .isolationLost]),
        ]
        for (title, id, kinds) in groups {
            blocks.append(.subheading(title))
            let taken = all.filter { kinds.contains($0.kind) }
            if taken.isEmpty {
                blocks.append(.paragraph(id == "release" ? "Không có." : "Chưa thực hiện."))
                continue
            }
            blocks.append(.table(Table(
                id: "steps-\(id)", caption: "Các việc đã thực hiện",
                columns: [Column("Thời điểm", key: "received_at", width: 1.6), Column("Máy tính", key: "host", width: 1.8), Column("Việc thực hiện", key: "kind", width: 2.4),
                          Column("Người thực hiện", key: "actor", width: 1.8), Column("Mã giao dịch", key: "transaction", width: 1.6), Column("Kết quả", key: "outcome", width: 1.4)],
                rows: taken.map { step in
                    [.time(ReportDocument.time(step.receivedAt)), .text(D.hostName(step.host, step.hostname)), .text(D.label(step.kind)),
                     .text(D.shown(step.actor, limit: 80)), .text(D.shown(step.transaction, limit: 40)), .text(D.label(step.outcome))]
                })))
        }
        return blocks
    }

    var evidence: [Block] {
        var blocks: [Block] = [.heading("IV. CHỨNG CỨ, DẤU VẾT")]
        guard !dossier.manifests.isEmpty else {
            blocks.append(.paragraph("Chưa thu thập chứng cứ bằng phần mềm attt (Bước 2)."))
            return blocks
        }
        blocks.append(.paragraph("Nhật ký và dữ liệu được sao chép ra thiết bị lưu trữ do cán bộ phụ trách giữ, kèm tệp SHA256SUMS ghi mã băm SHA-256 của từng tệp và bản kê khai (manifest.json) được máy tính ký số. Bộ thu thập đã nhận các bản kê khai sau:"))
        // A table, not sentences: a 64-digit hash in a justified line leaves gaps across the whole line.
        let manifests = dossier.manifests.sorted { $0.receivedAt < $1.receivedAt }
        blocks.append(.table(Table(
            id: "evidence", caption: "Các bản kê khai chứng cứ",
            columns: [Column("Máy tính", key: "host", width: 1.6), Column("Bộ thu thập nhận lúc", key: "received_at", width: 1.6), Column("Số tệp", key: "files", width: 1),
                      Column("Dung lượng (byte)", key: "bytes", width: 1.6), Column("Chữ ký số", key: "signature", width: 1.3)],
            rows: manifests.map { m in
                [.text(D.hostName(m.host, m.hostname)), .time(ReportDocument.time(m.receivedAt)), .integer(m.files), .integer(Int(m.bytes)), .text(D.label(m.signature))]
            })))
        blocks.append(.table(Table(
            id: "evidence-sha256", caption: "Mã băm SHA-256 của tệp SHA256SUMS",
            columns: [Column("Máy tính", key: "host", width: 1), Column("SHA-256", key: "sums_sha256", width: 6)],
            rows: manifests.map { [.text(D.hostName($0.host, $0.hostname)), .text(D.shown($0.sumsSHA256, limit: 64))] })))
        blocks.append(.paragraph(Self.signatureMeaning))
        blocks.append(.paragraph("Kiểm tra lại chứng cứ: trên thiết bị lưu trữ, lệnh sha256sum -c SHA256SUMS phải báo mọi tệp khớp, và mã băm SHA-256 của chính tệp SHA256SUMS phải trùng giá trị ghi trên."))
        return blocks
    }

    /// What a valid signature proves and what it does not: said once, in the biên bản, so that no one
    /// reads more into it.
    static let signatureMeaning = "Chữ ký số hợp lệ chứng minh bản kê khai do chính máy tính đã đăng ký với bộ thu thập lập ra và không bị sửa đổi sau khi ký; chữ ký không chứng minh nội dung nhật ký là đúng sự thật, vì máy tính có thể đã bị xâm nhập trước khi sao chép. Thời điểm bộ thu thập nhận bản kê khai là mốc thời gian tin cậy: chứng cứ khớp với mã băm nêu trên đã tồn tại từ trước thời điểm đó."

    var cause: [Block] {
        let text = D.shown(dossier.cause, limit: 2000)
        return [.heading("V. NGUYÊN NHÂN"), .paragraph(text.isEmpty ? "Chưa xác định được nguyên nhân." : text)]
    }

    var result: [Block] {
        let text = D.shown(dossier.result, limit: 2000)
        return [
            .heading("VI. KẾT QUẢ KHẮC PHỤC"),
            .paragraph(text.isEmpty ? "Chưa có kết quả khắc phục." : text),
            .paragraph("Tình trạng sự cố đến thời điểm lập biên bản: \(D.label(dossier.state))."),
        ]
    }

    var reporting: [Block] {
        var blocks: [Block] = [.heading("VII. BÁO CÁO THỦ TRƯỞNG VÀ CÁC CƠ QUAN CÓ LIÊN QUAN")]
        if let head = dossier.reportedToHead {
            blocks.append(.paragraph("Đã báo cáo sự cố và kết quả khắc phục cho Thủ trưởng đơn vị, ông/bà \(D.shown(head.name, limit: 80)), lúc \(D.short(head.at))."))
        } else {
            blocks.append(.paragraph("Chưa báo cáo Thủ trưởng đơn vị (Điều 11 khoản 2 điểm a)."))
        }
        if let beyond = dossier.beyondCapacityAt {
            blocks.append(.paragraph("Từ \(D.short(beyond)), sự cố được xác định vượt quá khả năng giải quyết của đơn vị; theo Điều 11 khoản 2 điểm b, đơn vị phải báo cáo ngay cơ quan cấp trên quản lý trực tiếp và gửi văn bản báo cáo sự cố đến Văn phòng thống kê xã, Công an xã."))
        }
        if dossier.escalations.isEmpty {
            blocks.append(.paragraph("Chưa báo cáo sự cố ra ngoài đơn vị."))
        } else {
            blocks.append(.table(Table(
                id: "escalations", caption: "Báo cáo sự cố gửi cơ quan, đơn vị có liên quan",
                columns: [Column("Cơ quan, đơn vị nhận", key: "recipient", width: 3), Column("Thời điểm", key: "sent_at", width: 1.6), Column("Hình thức", key: "means", width: 1.5),
                          Column("Số, ký hiệu văn bản", key: "reference", width: 2)],
                rows: dossier.escalations.sorted { $0.sentAt < $1.sentAt }.map {
                    [.text(D.shown($0.recipient, limit: 200)), .time(ReportDocument.time($0.sentAt)), .text(D.shown($0.means, limit: 80)), .text(D.shown($0.reference, limit: 80))]
                })))
        }
        return blocks
    }

    /// The end time is left for the officer to write in: the biên bản ends when it is read out and
    /// signed, after it is printed.
    var closing: [Block] {
        [.paragraph("Biên bản kết thúc vào hồi …… giờ …… phút cùng ngày, được lập thành 02 bản có giá trị như nhau, đã đọc lại cho những người có tên trên cùng nghe và nhất trí ký tên.")]
    }

    var annex: Annex {
        var body: [Block] = [.subheading("1. Báo cáo của người sử dụng (Điều 11 khoản 1 điểm a)")]
        if dossier.userReports.isEmpty {
            body.append(.paragraph("Không có."))
        } else {
            body.append(.table(Table(
                id: "user-reports", caption: "Báo cáo sự cố của người sử dụng",
                columns: [Column("STT", key: "n", width: 0.6), Column("Máy tính", key: "host", width: 1.6), Column("Người báo cáo", key: "login", width: 1.4),
                          Column("Nhận lúc", key: "received_at", width: 1.5), Column("Nội dung", key: "text", width: 4), Column("Tiếp nhận", key: "acknowledged_at", width: 1.5)],
                rows: dossier.userReports.sorted { $0.receivedAt < $1.receivedAt }.enumerated().map { n, r in
                    [.integer(n + 1), .text(D.hostName(r.host, r.hostname)), .text(D.shown(r.login, limit: 40)), .time(ReportDocument.time(r.receivedAt)),
                     .text(D.shown(r.text, limit: 1000)), r.acknowledgedAt.map { .time(ReportDocument.time($0)) } ?? .text("Chưa tiếp nhận")]
                })))
        }
        body.append(.subheading("2. Toàn bộ các bước xử lý"))
        if dossier.steps.isEmpty {
            body.append(.paragraph("Không có."))
        } else {
            body.append(.table(Table(
                id: "steps", caption: "Các bước xử lý theo thứ tự bộ thu thập nhận được",
                // Eight columns at most: with the transaction in a column of its own the dates no longer
                // fit whole. It leads the detail instead (section III has it in a column).
                columns: [Column("STT", key: "n", width: 0.5), Column("Bộ thu thập nhận lúc", key: "received_at", width: 1.3), Column("Giờ trên máy tính", key: "at_host", width: 1.3),
                          Column("Máy tính", key: "host", width: 1), Column("Việc thực hiện", key: "kind", width: 2), Column("Người thực hiện", key: "actor", width: 1.5),
                          Column("Kết quả", key: "outcome", width: 1.2), Column("Mã giao dịch, chi tiết", key: "detail", width: 2.6)],
                rows: dossier.orderedSteps.enumerated().map { n, step -> [Cell] in
                    let detail = [step.transaction.map { "Mã giao dịch " + D.shown($0, limit: 40) + "." }, step.detail.map { D.shown($0, limit: 500) }].compactMap { $0 }
                    return [.integer(n + 1), .time(ReportDocument.time(step.receivedAt)), D.pcClock(step.atHost), .text(D.hostName(step.host, step.hostname)),
                            .text(D.label(step.kind)), .text(D.shown(step.actor, limit: 80)), .text(D.label(step.outcome)), .text(detail.joined(separator: " "))]
                })))
        }
        return Annex(label: "Phụ lục", title: "Báo cáo của người sử dụng và các bước xử lý sự cố", body: body)
    }
}
