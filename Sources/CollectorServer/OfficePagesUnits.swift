import CollectorStore
import HardeningCore
import Foundation

/// The commune's page (every unit the officer reads, Điều 13) and a unit's page (its PCs, Điều 10).
extension PageFrame {
    func commune(_ view: CommuneView, incidents: IncidentCounts) -> String {
        var body = "<h1>\(say("Tình hình bảo đảm an toàn thông tin", "Information security status"))</h1>"
        body += "<p>\(say("Ngày", "Day")) \(day(view.day))</p>" + cards(view.total) + incidentCards(incidents)
        body += "<p><a href=\"/catalogues\">\(say("Danh mục phần mềm mặc định cấp xã", "The commune's default software catalogues"))</a></p>"
        if view.units.isEmpty {
            body += "<p>\(say("Chưa có máy nào đăng ký. Tạo mã đăng ký:", "No PC is enrolled yet. Create an enrollment token:")) <code>attt-collector token create --unit \"…\"</code></p>"
        } else {
            body += """
                <table class="units"><caption>\(say("Các đơn vị", "Units"))</caption><thead><tr><th scope="col">\(say("Đơn vị", "Unit"))</th>\
                <th scope="col" class="num">\(say("Máy", "PCs"))</th><th scope="col" class="num">\(say("Đang báo cáo", "Reporting"))</th>\
                <th scope="col" class="num">\(say("Có biện pháp không đạt", "Failing a control"))</th><th scope="col" class="num">\(say("Mất liên lạc", "Silent"))</th>\
                <th scope="col" class="num">\(say("Chưa gửi báo cáo", "Never reported"))</th><th scope="col" class="num">\(say("Đã thu hồi", "Revoked"))</th>\
                <th scope="col" class="num">\(say("Tuân thủ hôm nay", "Compliance today"))</th></tr></thead><tbody>
                """
            for unit in view.units {
                let link = Self.unitLink(unit.unit)
                body += """
                    <tr class="unit"><th scope="row"><a data-unit="\(e(unit.unit))" href="\(e(link))">\(e(unit.unit))</a></th><td class="num">\(unit.hosts)</td>\
                    <td class="num">\(unit.reporting)</td><td class="num"><a href="\(e(Self.unitLink(unit.unit, query: "state=failing")))">\(unit.failing)</a></td>\
                    <td class="num"><a href="\(e(Self.unitLink(unit.unit, query: "state=silent")))">\(unit.silent)</a></td><td class="num">\(unit.neverReported)</td>\
                    <td class="num"><a href="\(e(Self.unitLink(unit.unit, query: "state=revoked")))">\(unit.revoked)</a></td><td class="num">\(percent(unit.compliance))</td></tr>
                    """
            }
            body += "</tbody></table>"
        }
        body += complianceTable(view.byArticle, caption: say("Tuân thủ theo điều của Quy định", "Compliance by article of the regulation"), keyHeader: say("Điều", "Article"))
        body += complianceTable(view.byArea, caption: say("Tuân thủ theo lĩnh vực", "Compliance by area"), keyHeader: say("Lĩnh vực", "Area"))
        return document(title: say("tình hình các đơn vị", "units"), crumbs: [(say("Xã", "Commune"), nil)], body: body)
    }

    /// Counts that keep silent and revoked PCs apart from the compliant ones (issue 13 point 2).
    func cards(_ summary: UnitSummary) -> String {
        let items = [
            (say("Máy đang quản lý", "PCs managed"), summary.hosts), (say("Đang báo cáo", "Reporting"), summary.reporting),
            (say("Có biện pháp không đạt", "Failing a control"), summary.failing), (say("Mất liên lạc", "Silent"), summary.silent),
            (say("Chưa gửi báo cáo", "Never reported"), summary.neverReported), (say("Đã thu hồi", "Revoked"), summary.revoked),
        ]
        return "<div class=\"cards\">" + items.map { "<div class=\"card\"><b>\($0.1)</b>\($0.0)</div>" }.joined()
            + "<div class=\"card\"><b>\(percent(summary.compliance))</b>\(say("Tuân thủ hôm nay (máy đang báo cáo)", "Compliance today (reporting PCs)"))</div></div>"
    }

    func unit(_ view: UnitView) -> String {
        var body = "<h1>\(e(view.unit))</h1>" + cards(view.summary)
        body += "<p><a href=\"\(e(Self.catalogueLink(.unit(view.unit))))\">\(say("Danh mục phần mềm và tham số của đơn vị", "The unit's software catalogues and parameters"))</a></p>"
        let counts: [HostFilter: Int] = [.all: view.summary.hosts + view.summary.revoked, .failing: view.summary.failing, .silent: view.summary.silent, .revoked: view.summary.revoked]
        let names: [HostFilter: String] = [.all: say("Tất cả", "All"), .failing: say("Không đạt", "Failing"), .silent: say("Mất liên lạc", "Silent"), .revoked: say("Đã thu hồi", "Revoked")]
        body += "<nav class=\"tabs\" aria-label=\"\(say("Lọc máy", "Filter PCs"))\">" + HostFilter.allCases.map { filter in
            let current = filter == view.filter ? " aria-current=\"true\"" : ""
            return "<a\(current) href=\"\(e(Self.unitLink(view.unit, query: "state=\(filter.rawValue)&sort=\(view.sort.rawValue)")))\">\(names[filter] ?? "") (\(counts[filter] ?? 0))</a>"
        }.joined() + "</nav>"
        let sortNames: [HostSort: String] = [.name: say("tên máy", "name"), .failing: say("số không đạt", "failures"), .latest: say("báo cáo mới nhất", "latest report")]
        body += "<p class=\"tabs\">\(say("Sắp xếp theo", "Sort by")): " + HostSort.allCases.map { sort in
            let current = sort == view.sort ? " aria-current=\"true\"" : ""
            return "<a\(current) href=\"\(e(Self.unitLink(view.unit, query: "state=\(view.filter.rawValue)&sort=\(sort.rawValue)")))\">\(sortNames[sort] ?? "")</a>"
        }.joined() + "</p>"
        body += """
            <table class="hosts"><caption>\(say("Máy của đơn vị", "The unit's PCs")) — \(names[view.filter] ?? ""), \(view.matching) \(say("máy", "PCs")), \
            \(say("trang", "page")) \(view.page)/\(view.pages)</caption><thead><tr><th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Trạng thái", "State"))</th>\
            <th scope="col">\(say("Lần kiểm tra gần nhất", "Latest check"))</th><th scope="col" class="num">\(say("Đạt", "Pass"))</th>\
            <th scope="col" class="num">\(say("Không đạt", "Fail"))</th><th scope="col">\(say("Biện pháp không đạt", "Failing controls"))</th></tr></thead><tbody>
            """
        for host in view.hosts {
            body += hostRow(host, unit: view.unit)
        }
        if view.hosts.isEmpty {
            body += "<tr><td colspan=\"6\">\(say("Không có máy nào.", "No PC."))</td></tr>"
        }
        body += "</tbody></table>" + pager(page: view.page, pages: view.pages) { Self.unitLink(view.unit, query: "state=\(view.filter.rawValue)&sort=\(view.sort.rawValue)&page=\($0)") }
        body += failingControls(view.byControl, unit: view.unit)
        body += attestationsTable(view.attestations)
        body += waiversTable(view.waivers)
        body += complianceSeries(view.series)
        body += complianceTable(view.byArticle, caption: say("Tuân thủ theo điều của Quy định", "Compliance by article of the regulation"), keyHeader: say("Điều", "Article"))
        body += complianceTable(view.byArea, caption: say("Tuân thủ theo lĩnh vực", "Compliance by area"), keyHeader: say("Lĩnh vực", "Area"))
        body += snapshotForm(unit: view.unit)
        if access.canAct(unit: view.unit) {
            body += "<h2>\(say("Thao tác", "Actions"))</h2>" + attestationForm(unit: view.unit, states: view.attestations)
            body += waiverForm(unit: view.unit, host: nil, controls: view.byControl.map(\.key).filter { !OrganisationalControl.contains($0) })
        }
        return document(title: view.unit, crumbs: [(say("Xã", "Commune"), "/"), (view.unit, nil)], body: body)
    }

    func hostRow(_ host: HostRow, unit: String) -> String {
        let kind: String
        switch host.state {
        case .reporting: kind = host.failing.isEmpty ? "ok" : "fail"
        case .silent: kind = "silent"
        case .revoked: kind = "revoked"
        case .neverReported: kind = "never"
        }
        // Two PCs may share a name; the short id tells them apart.
        let name = "<a href=\"\(e(Self.hostLink(host.id)))\">\(e(host.hostname ?? "—"))</a> <small>\(e(String(host.id.prefix(10))))</small>"
        // Plain names: a link per control per PC would make a page of 100 PCs heavy; each control
        // is a link once, in the unit's table of failing controls below, and on the host's page.
        let failing = host.failing.map(e).joined(separator: " ")
        return """
            <tr class="host \(kind)" data-host="\(e(host.id))" data-state="\(host.state.rawValue)"><td>\(name)</td><td>\(state(host.state))</td>\
            <td>\(time(host.latestReport))\(host.summaryOnly == true ? say(" (tóm tắt)", " (summary)") : "")</td>\
            <td class="num pass">\(host.pass.map(String.init) ?? "—")</td><td class="num fail">\(host.fail.map(String.init) ?? "—")</td><td class="failing">\(failing.isEmpty ? "—" : failing)</td></tr>
            """
    }

    /// The controls failing on the unit's reporting PCs, most failures first: each leads to the
    /// control's page for this unit (which PCs, since when, with what evidence).
    func failingControls(_ rows: [ComplianceRow], unit: String) -> String {
        let failing = rows.filter { $0.counts.fail > 0 }.sorted { ($1.counts.fail, $0.key) < ($0.counts.fail, $1.key) }
        guard !failing.isEmpty else { return "" }
        var html = """
            <table class="failing-controls"><caption>\(say("Biện pháp không đạt trong đơn vị", "Controls failing in the unit"))</caption><thead><tr>\
            <th scope="col">\(say("Biện pháp", "Control"))</th><th scope="col" class="num">\(say("Số máy không đạt", "PCs failing"))</th>\
            <th scope="col" class="num">\(say("Số máy đạt", "PCs passing"))</th><th scope="col" class="num">\(say("Tỷ lệ tuân thủ", "Compliance"))</th></tr></thead><tbody>
            """
        for row in failing {
            html += """
                <tr><th scope="row"><a data-control="\(e(row.key))" href="\(e(Self.controlLink(row.key, unit: unit, query: "status=fail")))">\(e(row.key))</a> \(e(say(row.label)))</th>\
                <td class="num">\(row.counts.fail)</td><td class="num">\(row.counts.pass)</td><td class="num">\(percent(row.compliance))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// VN-TD-ATT-001…015, attested once for the unit at the collector (not per PC), until they lapse.
    func attestationsTable(_ states: [AttestationState]) -> String {
        var html = """
            <table class="attestations"><caption>\(say("Biện pháp tổ chức (xác nhận cho cả đơn vị)", "Organisational measures (attested for the unit)"))</caption><thead><tr>\
            <th scope="col">\(say("Biện pháp", "Control"))</th><th scope="col">\(say("Tình trạng", "State"))</th><th scope="col">\(say("Văn bản", "Document"))</th>\
            <th scope="col">\(say("Người xác nhận", "Attested by"))</th><th scope="col">\(say("Hiệu lực đến", "Valid until"))</th>\
            <th scope="col">\(say("Tệp đính kèm", "Attached file"))</th></tr></thead><tbody>
            """
        for state in states {
            let record = state.attestation
            let standing = state.standing == .attested ? say("Đã xác nhận", "Attested") : state.standing == .lapsed ? say("Hết hiệu lực — đến hạn", "Lapsed — due") : say("Chưa xác nhận — đến hạn", "Never attested — due")
            html += """
                <tr class="attestation" data-control="\(e(state.control))" data-standing="\(state.standing.rawValue)"><th scope="row">\(e(state.control))</th>\
                <td class="status-\(state.isDue ? "due" : "attested")">\(standing)</td><td>\(e(record?.reference ?? record?.note ?? "—"))</td>\
                <td>\(e(record?.attestedBy ?? "—"))</td><td>\(record.map { time($0.validUntil.description) } ?? "—")</td><td>\(attachment(record))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// The document kept with an attestation, with the SHA-256 the collector computed of it.
    func attachment(_ record: Attestation?) -> String {
        guard let record, let file = record.file else { return "—" }
        return "<a class=\"attachment\" href=\"/v1/officer/attestations/\(record.id.uuidString)/file\">\(e(file.name))</a> <small title=\"SHA-256 \(e(file.sha256))\">SHA-256 \(e(String(file.sha256.prefix(12))))…</small>"
    }

    func waiversTable(_ waivers: [Waiver]) -> String {
        guard !waivers.isEmpty else { return "<p class=\"muted\">\(say("Không có miễn trừ nào đang có hiệu lực.", "No waiver in force."))</p>" }
        var html = """
            <table class="waivers"><caption>\(say("Miễn trừ đang có hiệu lực", "Waivers in force"))</caption><thead><tr><th scope="col">\(say("Biện pháp", "Control"))</th>\
            <th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Lý do", "Justification"))</th><th scope="col">\(say("Người phê duyệt", "Approved by"))</th>\
            <th scope="col">\(say("Hết hạn", "Expires"))</th></tr></thead><tbody>
            """
        for waiver in waivers {
            html += """
                <tr class="waiver"><th scope="row">\(e(waiver.control))</th><td>\(waiver.host.map { "<a href=\"\(e(Self.hostLink($0)))\">\(e(String($0.prefix(10))))</a>" } ?? say("Cả đơn vị", "Whole unit"))</td>\
                <td>\(e(waiver.justification))</td><td>\(e(waiver.approvedBy))</td><td>\(time(waiver.expiresAt.description))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    func pager(page: Int, pages: Int, link: (Int) -> String) -> String {
        guard pages > 1 else { return "" }
        var parts: [String] = []
        if page > 1 { parts.append("<a rel=\"prev\" href=\"\(e(link(page - 1)))\">‹ \(say("Trang trước", "Previous"))</a>") }
        parts.append("<span>\(say("Trang", "Page")) \(page)/\(pages)</span>")
        if page < pages { parts.append("<a rel=\"next\" href=\"\(e(link(page + 1)))\">\(say("Trang sau", "Next")) ›</a>") }
        return "<nav class=\"pager\" aria-label=\"\(say("Trang", "Pages"))\">" + parts.joined() + "</nav>"
    }

    /// The unit's compliance per day over 90 days as a line, with the figures said in words.
    func complianceSeries(_ series: [CompliancePoint]) -> String {
        let known = series.filter { $0.compliance != nil }
        guard let first = known.first, let last = known.last else { return "" }
        let width = 720.0, height = 160.0, days = Double(max(series.count - 1, 1))
        let points = series.enumerated().compactMap { index, point in
            point.compliance.map { String(format: "%.1f,%.1f", 40 + Double(index) / days * (width - 50), height - 20 - $0 * (height - 40)) }
        }.joined(separator: " ")
        // A day alone makes no line: each day is also a dot.
        let dots = points.split(separator: " ").map { point in
            let xy = point.split(separator: ",")
            return "<circle cx=\"\(xy[0])\" cy=\"\(xy[1])\" r=\"2.5\" fill=\"#1b5e9f\"/>"
        }.joined()
        let summary = say(
            "Tuân thủ từ \(percent(first.compliance)) ngày \(day(first.day)) đến \(percent(last.compliance)) ngày \(day(last.day)).",
            "Compliance from \(percent(first.compliance)) on \(day(first.day)) to \(percent(last.compliance)) on \(day(last.day)).")
        return """
            <figure><svg role="img" aria-labelledby="series-title" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))">\
            <title id="series-title">\(say("Tỷ lệ tuân thủ 90 ngày", "Compliance over 90 days"))</title>\
            <line x1="40" y1="20" x2="\(Int(width) - 10)" y2="20" stroke="#ddd"/><line x1="40" y1="\(Int(height) - 20)" x2="\(Int(width) - 10)" y2="\(Int(height) - 20)" stroke="#999"/>\
            <text x="4" y="24" font-size="11">100%</text><text x="4" y="\(Int(height) - 16)" font-size="11">0%</text>\
            <polyline fill="none" stroke="#1b5e9f" stroke-width="2" points="\(points)"/>\(dots)</svg>\
            <figcaption>\(summary)</figcaption></figure>
            """
    }
}
