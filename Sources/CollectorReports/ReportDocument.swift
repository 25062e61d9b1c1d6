import CollectorAPI
import CollectorStore
public import Foundation
import HardeningCore
public import OfficeDocuments

extension PeriodicReports {
    /// The report of a unit or of the commune for a period, issued at `now`; `incidents` as ``figures(scope:period:now:incidents:)`` takes them.
    public func document(scope: ReportScope, period: ReportPeriod, now: Date, incidents: PeriodIncidents? = nil) throws -> AdministrativeDocument {
        ReportDocument(figures: try figures(scope: scope, period: period, now: now, incidents: incidents), settings: settings, issued: now).document
    }
}

/// Lays out a period's figures as the report state bodies send (Điều 19 khoản 2: a unit to the Văn
/// phòng thống kê xã; Điều 13 khoản 9: the Văn phòng to the district and the province). Vietnamese
/// only: it is an administrative document. Pure: the figures in, the document out.
struct ReportDocument {
    let figures: PeriodFigures
    let settings: ReportSettings
    let issued: Date

    /// Hostnames and names come from hosts and officers: printed safe and never longer than a cell.
    static func shown(_ text: String?) -> String { DisplaySafety.printable(text ?? "", limit: 80) }

    var isCommune: Bool { figures.scope == .commune }
    var issuer: String { figures.scope.unit.map { Self.shown($0).uppercased() } ?? settings.issuer }
    /// How the text names whose figures these are.
    var subjectOfFigures: String { figures.scope.unit.map(Self.shown) ?? "các cơ quan, đơn vị trên địa bàn xã" }

    var document: AdministrativeDocument {
        AdministrativeDocument(
            governingBody: settings.governingBody.isEmpty ? nil : settings.governingBody, issuer: issuer,
            symbol: isCommune ? settings.symbol : "BC", place: settings.place.isEmpty ? "……………" : settings.place, date: Self.date(OfficeDay(containing: issued)),
            kind: "BÁO CÁO", subject: "Tình hình bảo đảm an toàn, an ninh thông tin mạng \(figures.period.name)",
            body: opening + general + compliance + shortcomings + remediation + measures + incidents + proposals,
            recipients: isCommune ? settings.recipients : settings.unitRecipients,
            signature: Signature(title: isCommune ? settings.signerTitle : settings.unitSignerTitle, name: settings.signer.isEmpty || !isCommune ? nil : settings.signer),
            annexes: [annex])
    }

    var opening: [Block] {
        let basis = isCommune
            ? "Thực hiện Điều 13 khoản 9 Quy định bảo đảm an toàn, an ninh thông tin mạng, \(settings.issuer.lowercasedTitle) tổng hợp và báo cáo"
            : "Thực hiện Điều 19 khoản 2 Quy định bảo đảm an toàn, an ninh thông tin mạng, \(Self.shown(figures.scope.unit)) báo cáo"
        return [
            .paragraph("\(basis) tình hình bảo đảm an toàn, an ninh thông tin mạng \(figures.period.name) (từ ngày \(Self.date(figures.period.from).short) đến ngày \(Self.date(figures.period.to).short)) như sau:"),
            .paragraph("Số liệu được tổng hợp từ báo cáo tự kiểm tra của phần mềm attt trên từng máy tính gửi về bộ thu thập, chốt đến hết ngày \(Self.date(figures.lastDay).short)\(figures.lastDay < figures.period.to ? " (kỳ báo cáo chưa kết thúc)" : ""). Tỷ lệ đáp ứng là tỷ lệ kết quả kiểm tra đạt trên tổng số kết quả đạt và không đạt; các biện pháp được miễn trừ, không áp dụng hoặc cần xác nhận thủ công được tính riêng."),
        ]
    }

    var general: [Block] {
        let h = figures.hosts
        var blocks: [Block] = [
            .heading("I. TÌNH HÌNH CHUNG"),
            .subheading("1. Máy tính tham gia báo cáo"),
            .paragraph("Đến hết ngày \(Self.date(figures.lastDay).short), \(subjectOfFigures) có \(h.hosts) máy tính đăng ký với bộ thu thập; trong đó \(h.reporting) máy báo cáo thường xuyên (\(h.workstations) máy trạm, \(h.servers) máy chủ, \(h.secret) máy soạn thảo văn bản mật), \(h.silent) máy mất liên lạc, \(h.neverReported) máy chưa gửi báo cáo nào. Ngoài ra \(h.revoked) máy đã bị thu hồi chứng thư, không còn tính vào số liệu."),
            .subheading("2. Mức độ đáp ứng chung"),
            .paragraph("Tỷ lệ đáp ứng chung cuối kỳ: \(Cell.percent(figures.total.compliance).printed) (cuối kỳ trước: \(Cell.percent(figures.total.previous).printed); thay đổi: \(Cell.change(figures.total.change).printed) điểm phần trăm). Kết quả kiểm tra cuối kỳ: \(figures.total.counts.pass) đạt, \(figures.total.counts.fail) không đạt, \(figures.total.counts.waived) được miễn trừ, \(figures.total.counts.error) lỗi kiểm tra, \(figures.total.counts.manual) cần xác nhận thủ công."),
        ]
        if isCommune {
            blocks.append(.table(Table(
                id: "units", caption: "Bảng 1. Máy tính và mức độ đáp ứng theo đơn vị",
                columns: [Column("Đơn vị", key: "unit", width: 3), Column("Số máy", key: "hosts"), Column("Báo cáo", key: "reporting"), Column("Mất liên lạc", key: "silent"),
                          Column("Tỷ lệ đáp ứng (%)", key: "compliance_percent"), Column("Kỳ trước (%)", key: "previous_percent"), Column("Thay đổi (điểm %)", key: "change_points")],
                rows: figures.byUnit.map { row in
                    let hosts = figures.annex.filter { $0.unit == row.key }
                    return [.text(Self.shown(row.label)), .integer(hosts.filter { $0.state != .revoked }.count), .integer(hosts.filter { $0.state == .reporting }.count),
                            .integer(hosts.filter { $0.state == .silent }.count), .percent(row.compliance), .percent(row.previous), .change(row.change)]
                },
                total: [.text("Tổng cộng"), .integer(h.hosts), .integer(h.reporting), .integer(h.silent), .percent(figures.total.compliance), .percent(figures.total.previous), .change(figures.total.change)])))
        }
        return blocks
    }

    func complianceTable(id: String, caption: String, first: String, rows: [GroupFigure]) -> Table {
        Table(
            id: id, caption: caption,
            columns: [Column(first, key: "group", width: 3), Column("Đạt", key: "pass"), Column("Không đạt", key: "fail"), Column("Miễn trừ", key: "waived"),
                      Column("Tỷ lệ đáp ứng (%)", key: "compliance_percent"), Column("Kỳ trước (%)", key: "previous_percent"), Column("Thay đổi (điểm %)", key: "change_points")],
            rows: rows.map { [.text($0.label), .integer($0.counts.pass), .integer($0.counts.fail), .integer($0.counts.waived), .percent($0.compliance), .percent($0.previous), .change($0.change)] })
    }

    var compliance: [Block] {
        let first = isCommune ? 2 : 1
        return [
            .heading("II. MỨC ĐỘ ĐÁP ỨNG CÁC BIỆN PHÁP CỦA QUY ĐỊNH"),
            .paragraph("Một biện pháp đáp ứng nhiều điều được tính vào từng điều đó."),
            .table(complianceTable(id: "compliance-by-article", caption: "Bảng \(first). Mức độ đáp ứng theo điều của Quy định", first: "Điều", rows: figures.byArticle)),
            .table(complianceTable(id: "compliance-by-area", caption: "Bảng \(first + 1). Mức độ đáp ứng theo lĩnh vực", first: "Lĩnh vực", rows: figures.byArea)),
        ]
    }

    var shortcomings: [Block] {
        var blocks: [Block] = [.heading("III. TỒN TẠI, HẠN CHẾ"), .subheading("1. Các biện pháp chưa đáp ứng trên nhiều máy nhất")]
        if figures.failing.isEmpty {
            blocks.append(.paragraph("Trong kỳ không có biện pháp nào không đạt."))
        } else {
            blocks.append(.table(Table(
                id: "failing-controls", caption: "Các biện pháp không đạt trên nhiều máy nhất (tối đa \(PeriodFigures.failingShown))",
                columns: [Column("Mã biện pháp", key: "control", width: 2), Column("Nội dung", key: "title", width: 4), Column("Mức độ", key: "severity"),
                          Column("Số máy không đạt cuối kỳ", key: "hosts_failing"), Column("Số ngày-máy không đạt trong kỳ", key: "host_days")],
                rows: figures.failing.map { [.text($0.control), .text($0.title), .text(Self.severity($0.severity)), .integer($0.hostsFailing), .integer($0.hostDays)] })))
        }
        blocks.append(.subheading("2. Máy tính mất liên lạc trong kỳ"))
        if figures.quiet.isEmpty {
            blocks.append(.paragraph("Trong kỳ, mọi máy tính đăng ký đều gửi báo cáo đúng hạn."))
        } else {
            blocks.append(.paragraph("Máy không gửi báo cáo quá thời hạn quy định được coi là mất liên lạc và không được tính là đáp ứng. Có \(figures.quiet.count) máy mất liên lạc hoặc chưa gửi báo cáo trong ít nhất một ngày của kỳ."))
            blocks.append(.table(Table(
                id: "silent-hosts", caption: "Máy tính mất liên lạc trong kỳ",
                columns: [Column("Máy tính", key: "hostname", width: 2), Column("Mã máy", key: "host", width: 2), Column("Đơn vị", key: "unit", width: 2),
                          Column("Số ngày mất liên lạc", key: "silent_days"), Column("Số ngày chưa báo cáo", key: "never_reported_days"),
                          Column("Báo cáo gần nhất", key: "last_report", width: 1.5), Column("Tình trạng cuối kỳ", key: "state_at_end", width: 1.5)],
                rows: figures.quiet.map {
                    [.text(Self.shown($0.hostname)), .text($0.host), .text(Self.shown($0.unit)), .integer($0.days.silent), .integer($0.days.neverReported),
                     $0.lastReport.map { .time(Self.time($0.date)) } ?? .empty, .text(Self.state($0.stateAtEnd))]
                })))
        }
        return blocks
    }

    var remediation: [Block] {
        let fixes = figures.fixes
        let applied = fixes.filter { $0.job.state == .applied }.count
        var blocks: [Block] = [
            .heading("IV. KẾT QUẢ KHẮC PHỤC"),
            .subheading("1. Các lệnh khắc phục được phê duyệt"),
            .paragraph("Trong kỳ, cán bộ phụ trách đã phê duyệt \(fixes.count) lệnh khắc phục tự động; \(applied) lệnh đã được máy tính áp dụng thành công (mã giao dịch ghi trong nhật ký khắc phục của máy, tra cứu bằng lệnh attt history)."),
        ]
        if !fixes.isEmpty {
            blocks.append(.table(Table(
                id: "fixes", caption: "Các lệnh khắc phục trong kỳ",
                columns: [Column("Máy tính", key: "hostname", width: 2), Column("Biện pháp", key: "controls", width: 3), Column("Người phê duyệt", key: "approved_by", width: 1.5),
                          Column("Phê duyệt lúc", key: "approved_at", width: 1.5), Column("Kết quả", key: "state"), Column("Mã giao dịch", key: "transaction", width: 2), Column("Áp dụng lúc", key: "finished_at", width: 1.5)],
                rows: fixes.map { record in
                    [.text(Self.shown(record.hostname ?? record.job.host)), .text(record.job.controls.joined(separator: ", ")), .text(Self.shown(record.job.approvedBy)),
                     Timestamp.parse(record.job.approvedAt).map { .time(Self.time($0)) } ?? .empty, .text(Self.jobState(record.job.state)),
                     .text(Self.shown(record.job.transaction)), record.finishedAt.map { .time(Self.time($0.date)) } ?? .empty]
                })))
        }
        blocks.append(.subheading("2. Miễn trừ"))
        blocks.append(.paragraph("Cuối kỳ có \(figures.waiversInForce.count) miễn trừ còn hiệu lực; \(figures.waiversEnded.count) miễn trừ đã hết hạn hoặc được chấm dứt trong kỳ. Kết quả không đạt của biện pháp được miễn trừ được tính riêng, không tính là đáp ứng."))
        let waivers = figures.waiversInForce.map { ($0, "Còn hiệu lực") } + figures.waiversEnded.map { ($0, $0.endedAt.map { _ in "Đã chấm dứt" } ?? "Đã hết hạn") }
        if !waivers.isEmpty {
            blocks.append(.table(Table(
                id: "waivers", caption: "Các miễn trừ trong kỳ",
                columns: [Column("Đơn vị", key: "unit", width: 2), Column("Biện pháp", key: "control", width: 2), Column("Phạm vi", key: "host", width: 2), Column("Lý do", key: "justification", width: 3),
                          Column("Người phê duyệt", key: "approved_by", width: 1.5), Column("Hết hạn", key: "expires_at"), Column("Tình trạng cuối kỳ", key: "state", width: 1.5)],
                rows: waivers.map { waiver, state in
                    let host = waiver.host.map { id in figures.annex.first { $0.host == id }?.hostname.map(Self.shown) ?? id } ?? "Cả đơn vị"
                    return [.text(Self.shown(waiver.unit)), .text(waiver.control), .text(host), .text(DisplaySafety.printable(waiver.justification, limit: 300)),
                            .text(Self.shown(waiver.approvedBy)), .date(Self.date(OfficeDay(containing: waiver.expiresAt.date))), .text(state)]
                })))
        }
        return blocks
    }

    var measures: [Block] {
        let attested = figures.measures.filter { !$0.state.isDue }.count
        return [
            .heading("V. CÁC BIỆN PHÁP TỔ CHỨC"),
            .paragraph("Các biện pháp chỉ con người xác nhận được (quy chế, phân công, tập huấn, kiểm tra định kỳ …): cuối kỳ \(attested)/\(figures.measures.count) biện pháp đã được xác nhận còn hiệu lực; các biện pháp còn lại đến hạn xác nhận."),
            .table(Table(
                id: "organisational-measures", caption: "Tình trạng các biện pháp tổ chức cuối kỳ",
                columns: [Column("Đơn vị", key: "unit", width: 2), Column("Mã", key: "control", width: 1.5), Column("Biện pháp", key: "title", width: 4), Column("Tình trạng", key: "standing", width: 1.5),
                          Column("Ngày xác nhận", key: "attested_on"), Column("Căn cứ", key: "reference", width: 2), Column("Hiệu lực đến", key: "valid_until")],
                rows: figures.measures.map { measure in
                    let a = measure.state.attestation
                    return [.text(Self.shown(measure.unit)), .text(measure.state.control), .text(measure.title), .text(Self.standing(measure.state.standing)),
                            a.flatMap { OfficeDay($0.attestedOn) }.map { .date(Self.date($0)) } ?? .empty,
                            .text(DisplaySafety.printable(a?.reference ?? "", limit: 120)),
                            a.map { .date(Self.date(OfficeDay(containing: $0.validUntil.date.addingTimeInterval(-1)))) } ?? .empty]
                })),
        ]
    }

    /// Section VI (Điều 11; Điều 13 khoản 9–10, Điều 19 khoản 2): the period's incidents as the end of the
    /// period saw them, the reports sent beyond the units, and how fast users' reports were taken up.
    var incidents: [Block] {
        typealias D = IncidentDossier
        let period = figures.incidents
        let asOf = figures.asOf
        var blocks: [Block] = [.heading("VI. SỰ CỐ MẤT AN TOÀN THÔNG TIN")]
        if period.incidents.isEmpty {
            blocks.append(.paragraph("Không có sự cố nào được ghi nhận trong kỳ."))
        } else {
            let list = period.incidents
            let byState = D.State.allCases.map { state in "\(list.filter { $0.state == state }.count) \(D.label(state).lowercased())" }
            blocks.append(.paragraph("Trong kỳ, \(subjectOfFigures) ghi nhận \(list.count) sự cố mất an toàn, an ninh thông tin theo Điều 11 của Quy định; đến hết ngày \(Self.date(figures.lastDay).short): \(byState.joined(separator: ", "))."))
            blocks.append(.table(Table(
                id: "incidents-by-severity", caption: "Số sự cố theo mức độ và tình trạng cuối kỳ",
                columns: [Column("Mức độ", key: "severity", width: 2)] + D.State.allCases.map { Column(D.label($0), key: $0.rawValue) } + [Column("Tổng số", key: "total")],
                rows: D.Severity.allCases.map { severity -> [Cell] in
                    let those = list.filter { $0.severity == severity }
                    let counts: [Cell] = D.State.allCases.map { state in .integer(those.filter { $0.state == state }.count) }
                    return [.text(D.label(severity))] + counts + [.integer(those.count)]
                },
                total: [.text("Tổng cộng")] + D.State.allCases.map { state -> Cell in .integer(list.filter { $0.state == state }.count) } + [.integer(list.count)])))
            let escalated = list.filter { $0.escalations.contains { $0.sentAt < asOf } }
            let sent = list.reduce(0) { $0 + $1.escalations.filter { $0.sentAt < asOf }.count }
            let overdue = list.filter { incident in incident.beyondCapacityAt.map { $0 < asOf } == true && !escalated.contains { $0.id == incident.id } }
            blocks.append(.paragraph("\(escalated.count) sự cố đã được báo cáo ra ngoài đơn vị (cơ quan cấp trên, Văn phòng thống kê xã, Công an xã) với \(sent) lượt báo cáo; \(overdue.count) sự cố vượt quá khả năng giải quyết của đơn vị nhưng chưa được báo cáo theo Điều 11 khoản 2 điểm b."))
            blocks.append(.table(Table(
                id: "incidents", caption: "Các sự cố trong kỳ",
                // The incident's name first after its time: what a reader looks for (the cause and result share their room with it).
                columns: [Column("STT", key: "n", width: 0.6), Column("Phát hiện", key: "detected_at", width: 1.5), Column("Tên sự cố", key: "title", width: 1.9),
                          Column("Đơn vị", key: "unit", width: 1.5), Column("Máy tính", key: "hosts", width: 1.4), Column("Mức độ", key: "severity", width: 1.1),
                          Column("Tình trạng cuối kỳ", key: "state", width: 1.2), Column("Nguyên nhân", key: "cause", width: 1.8), Column("Kết quả khắc phục", key: "result", width: 1.8),
                          Column("Báo cáo cấp trên", key: "reported_up", width: 1.3)],
                rows: list.enumerated().map { n, incident -> [Cell] in
                    let first = incident.escalations.filter { $0.sentAt < asOf }.map(\.sentAt).min()
                    return [.integer(n + 1), .time(Self.time(incident.detectedAt)), .text(D.shown(incident.title, limit: 200)), .text(Self.shown(incident.unit)),
                            .text(incident.hosts.isEmpty ? "" : incident.hostNames),
                            .text(D.label(incident.severity)), .text(D.label(incident.state)), .text(D.shown(incident.cause, limit: 300)), .text(D.shown(incident.result, limit: 300)),
                            first.map { .date(Self.date(OfficeDay(containing: $0))) } ?? .text("Chưa")]
                })))
        }
        let reports = period.userReports
        if reports.isEmpty {
            blocks.append(.paragraph("Trong kỳ không có báo cáo sự cố nào của người sử dụng."))
        } else {
            let onTime = reports.filter { AcknowledgementDeadline.onTime($0, asOf: asOf) }.count
            let pending = reports.filter { $0.acknowledgedAt.map { $0 >= asOf } ?? true }.count
            blocks.append(.paragraph("Người sử dụng gửi \(reports.count) báo cáo sự cố (Điều 11 khoản 1 điểm a); \(onTime) báo cáo được tiếp nhận trong 01 ngày làm việc, \(reports.count - onTime - pending) báo cáo được tiếp nhận muộn, \(pending) báo cáo chưa được tiếp nhận đến hết kỳ."))
        }
        return blocks
    }

    var proposals: [Block] {
        var items: [String] = figures.failing.prefix(3).filter { $0.hostsFailing > 0 }.map {
            "Khắc phục biện pháp \($0.control) (\($0.title)) trên \($0.hostsFailing) máy tính còn không đạt."
        }
        let silent = figures.annex.filter { $0.state == .silent || $0.state == .neverReported }.count
        if silent > 0 { items.append("Kiểm tra \(silent) máy tính mất liên lạc hoặc chưa gửi báo cáo, bảo đảm phần mềm attt hoạt động.") }
        let due = figures.measures.filter(\.state.isDue).count
        if due > 0 { items.append("Hoàn thành và xác nhận \(due) biện pháp tổ chức đến hạn.") }
        let unresolved = figures.incidents.incidents.filter { $0.state != .closed }.count
        if unresolved > 0 { items.append("Tiếp tục xử lý, khắc phục \(unresolved) sự cố chưa kết thúc.") }
        var blocks: [Block] = [.heading("VII. PHƯƠNG HƯỚNG, ĐỀ XUẤT, KIẾN NGHỊ")]
        if !items.isEmpty { blocks.append(.list(items)) }
        blocks.append(.paragraph("(Đơn vị bổ sung đề xuất, kiến nghị khác nếu có.)"))
        return blocks
    }

    var annex: Annex {
        Annex(label: "Phụ lục", title: "Danh sách máy tính và kết quả kiểm tra gần nhất đến hết ngày \(Self.date(figures.lastDay).short)", body: [
            .table(Table(
                id: "hosts", caption: "Danh sách máy tính",
                columns: [Column("STT", key: "n", width: 0.6), Column("Máy tính", key: "hostname", width: 2), Column("Mã máy", key: "host", width: 2), Column("Đơn vị", key: "unit", width: 2),
                          Column("Vai trò", key: "role"), Column("Báo cáo gần nhất", key: "latest_at", width: 1.5), Column("Tình trạng", key: "state", width: 1.3),
                          Column("Đạt", key: "pass", width: 0.7), Column("Không đạt", key: "fail", width: 0.8), Column("Tỷ lệ đáp ứng (%)", key: "compliance_percent")],
                rows: figures.annex.enumerated().map { n, host in
                    let s = host.summary
                    let compliance: Double? = s.flatMap { $0.pass + $0.fail == 0 ? nil : Double($0.pass) * 100 / Double($0.pass + $0.fail) }
                    return [.integer(n + 1), .text(Self.shown(host.hostname)), .text(host.host), .text(Self.shown(host.unit)), .text(Self.role(host.role)),
                            host.latestAt.map { .time(Self.time($0.date)) } ?? .empty, .text(Self.state(host.state)),
                            s.map { .integer($0.pass) } ?? .empty, s.map { .integer($0.fail) } ?? .empty, .percent(compliance)]
                })),
        ])
    }

    // MARK: Words

    static func date(_ day: OfficeDay) -> DocumentDate {
        let (y, m, d) = day.civil
        return DocumentDate(year: y, month: m, day: d)
    }

    /// An instant in Vietnam's time (UTC+7).
    static func time(_ date: Date) -> DocumentTime {
        let day = OfficeDay(containing: date)
        let seconds = Int(date.timeIntervalSince(day.start))
        return DocumentTime(date: Self.date(day), hour: seconds / 3600, minute: seconds % 3600 / 60, iso: Timestamp(date).description)
    }

    static func state(_ state: HostActivity.State?) -> String {
        switch state {
        case .reporting: return "Báo cáo thường xuyên"
        case .silent: return "Mất liên lạc"
        case .neverReported: return "Chưa báo cáo"
        case .revoked: return "Đã thu hồi"
        case nil: return ""
        }
    }

    static func role(_ role: String?) -> String {
        switch role.flatMap(Role.init(rawValue:)) {
        case .workstation: return "Máy trạm"
        case .server: return "Máy chủ"
        case .secret: return "Máy soạn thảo văn bản mật"
        case nil: return ""
        }
    }

    static func severity(_ severity: String) -> String {
        ["low": "Thấp", "medium": "Trung bình", "high": "Cao", "critical": "Nghiêm trọng"][severity] ?? severity
    }

    static func jobState(_ state: Job.State) -> String {
        switch state {
        case .approved: return "Chờ máy thực hiện"
        case .applied: return "Đã áp dụng"
        case .failed: return "Thất bại"
        case .expired: return "Hết hạn"
        case .nothingToFix: return "Không cần khắc phục"
        }
    }

    static func standing(_ standing: AttestationState.Standing) -> String {
        switch standing {
        case .attested: return "Đã xác nhận"
        case .lapsed: return "Hết hiệu lực, đến hạn"
        case .missing: return "Chưa xác nhận"
        }
    }
}

extension String {
    /// `VĂN PHÒNG THỐNG KÊ XÃ` → `Văn phòng thống kê xã`, for the running text.
    var lowercasedTitle: String {
        let lower = lowercased()
        return lower.prefix(1).uppercased() + lower.dropFirst()
    }
}
