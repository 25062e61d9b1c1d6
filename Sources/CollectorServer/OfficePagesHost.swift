import CollectorStore
import Foundation
import HardeningCore

/// A PC's page (Điều 10: the unit's IT officer answers for it) and a control's page (which PCs
/// fail it, since when, with what evidence).
extension PageFrame {
    func host(_ view: HostView, spans: [StatusSpan], openIncidents: [IncidentAsOf] = [], reports: [HostStatus] = []) -> String {
        let host = view.host
        var body = """
            <h1>\(e(host.hostname ?? "—")) <small>\(e(host.id))</small></h1>
            <dl class="cards"><div class="card"><dt>\(say("Trạng thái", "State"))</dt><dd><b>\(state(host.state))</b></dd></div>\
            <div class="card"><dt>\(say("Lần kiểm tra gần nhất", "Latest check"))</dt><dd>\(time(host.latestReport))\(host.summaryOnly == true ? say(" (tóm tắt)", " (summary)") : "")</dd></div>\
            <div class="card"><dt>\(say("Đạt / Không đạt", "Pass / Fail"))</dt><dd>\(host.pass.map(String.init) ?? "—") / \(host.fail.map(String.init) ?? "—")</dd></div>\
            <div class="card"><dt>\(say("Đăng ký", "Enrolled"))</dt><dd>\(time(view.enrolledAt))</dd></div></dl>
            """
        if host.state == .silent {
            body += "<p class=\"status-error\">\(say("Máy này mất liên lạc: kết quả dưới đây là của lần báo cáo cuối, không được tính là tuân thủ.", "This PC is silent: the results below are from its last report and do not count as compliant."))</p>"
        }
        body += chart(view.chart)
        body += controlsTable(view.controls, unit: host.unit)
        body += historyTable(spans)
        body += reportsTable(reports)
        body += jobsTable(view.jobs)
        if access.canAct(unit: host.unit) {
            body += "<h2>\(say("Thao tác", "Actions"))</h2>" + approvalForm(host: view)
            body += waiverForm(unit: host.unit, host: host.id, controls: view.controls.filter { ["fail", "error"].contains($0.status) }.map(\.control))
            body += revokeForm(host: host)
            // Điều 11 khoản 2 điểm a, Bước 1, ordered from here for one of the unit's open incidents.
            body += "<h2>\(say("Cách ly (sự cố)", "Isolation (incident)"))</h2>" + isolationForm(host: host.id, openIncidents: openIncidents)
        }
        return document(title: host.hostname ?? host.id, crumbs: [(say("Xã", "Commune"), "/"), (host.unit, Self.unitLink(host.unit)), (host.hostname ?? host.id, nil)], body: body)
    }

    /// The latest reports, each with the unit's catalogue bundle it was checked against (issue 16) and
    /// a newer bundle the PC refused, in the PC's words.
    func reportsTable(_ reports: [HostStatus]) -> String {
        guard !reports.isEmpty else { return "" }
        var body = """
            <table class="reports"><caption>\(say("Các báo cáo gần đây", "Recent reports"))</caption><thead><tr><th scope="col">\(say("Lần kiểm tra", "Checked"))</th>\
            <th scope="col" class="num">\(say("Đạt", "Pass"))</th><th scope="col" class="num">\(say("Không đạt", "Fail"))</th>\
            <th scope="col">\(say("Danh mục của đơn vị", "Unit's catalogues"))</th><th scope="col">\(say("Máy từ chối gói mới", "Refused by the PC"))</th></tr></thead><tbody>
            """
        for report in reports {
            let bundle = report.summaryOnly ? say("(tóm tắt)", "(summary)") : report.bundleVersion.map { "v\($0)" } ?? say("danh mục gốc", "shipped")
            body += """
                <tr data-report="\(e(report.reportId.uuidString))"><td>\(time(report.startedAt.description))</td><td class="num">\(report.summary.pass)</td>\
                <td class="num">\(report.summary.fail)</td><td>\(bundle)</td><td class="\(report.bundleRefused == nil ? "" : "status-fail")">\(e(report.bundleRefused ?? "—"))</td></tr>
                """
        }
        return body + "</tbody></table>"
    }

    /// Pass and fail counts per report over 90 days: an inline SVG (allowed by the CSP as markup,
    /// not as a resource) with a title and the same figures in words.
    func chart(_ points: [ChartPoint]) -> String {
        guard let first = points.first, let last = points.last else {
            return "<p class=\"muted\">\(say("Chưa có báo cáo nào trong 90 ngày qua.", "No report in the last 90 days."))</p>"
        }
        // Placed by date over the 90 days up to the latest report, so gaps (a PC switched off) show.
        let width = 720.0, height = 180.0, top = Double(max(points.map { $0.pass + $0.fail }.max() ?? 1, 1))
        let end = Timestamp.parse(last.startedAt) ?? Date(), span = 90.0 * 86_400, start = end.addingTimeInterval(-span)
        let bar = (width - 60) / 90 * 0.8
        var bars = ""
        for point in points {
            let at = Timestamp.parse(point.startedAt) ?? end
            let x = 40 + max(0, at.timeIntervalSince(start)) / span * (width - 60)
            let passHeight = Double(point.pass) / top * (height - 40), failHeight = Double(point.fail) / top * (height - 40)
            bars += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#1b7f3b\"/>", x, height - 20 - passHeight, bar, passHeight)
            bars += String(format: "<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"#b00020\"/>", x, height - 20 - passHeight - failHeight, bar, failHeight)
        }
        let words = say(
            "\(points.count) báo cáo từ \(time(first.startedAt)) đến \(time(last.startedAt)); lần đầu \(first.pass) đạt, \(first.fail) không đạt; lần gần nhất \(last.pass) đạt, \(last.fail) không đạt. Xanh: đạt, đỏ: không đạt.",
            "\(points.count) report\(points.count == 1 ? "" : "s") from \(time(first.startedAt)) to \(time(last.startedAt)); first \(first.pass) pass, \(first.fail) fail; latest \(last.pass) pass, \(last.fail) fail. Green: pass, red: fail.")
        return """
            <figure><svg role="img" aria-labelledby="chart-title" viewBox="0 0 \(Int(width)) \(Int(height))" width="\(Int(width))" height="\(Int(height))">\
            <title id="chart-title">\(say("Kết quả kiểm tra 90 ngày: số biện pháp đạt và không đạt mỗi lần", "Checks over 90 days: controls passing and failing per report"))</title>\
            <line x1="40" y1="\(Int(height) - 20)" x2="\(Int(width) - 10)" y2="\(Int(height) - 20)" stroke="#999"/>\
            <text x="4" y="24" font-size="11">\(Int(top))</text><text x="4" y="\(Int(height) - 16)" font-size="11">0</text>\
            <text x="40" y="\(Int(height) - 4)" font-size="11">\(day(OfficeDay(containing: start).description))</text>\
            <text x="\(Int(width) - 10)" y="\(Int(height) - 4)" font-size="11" text-anchor="end">\(day(OfficeDay(containing: end).description))</text>\(bars)</svg>\
            <figcaption>\(words)</figcaption></figure>
            """
    }

    func controlsTable(_ controls: [ControlRow], unit: String) -> String {
        let order = ["fail": 0, "error": 1, "due": 1, "waived": 2, "manual": 2, "attested": 3, "pass": 3, "not_applicable": 4]
        let sorted = controls.sorted { (order[$0.shown] ?? 5, $0.control) < (order[$1.shown] ?? 5, $1.control) }
        var html = """
            <table class="controls"><caption>\(say("Các biện pháp theo báo cáo gần nhất", "Controls as of the latest report"))</caption><thead><tr>\
            <th scope="col">\(say("Biện pháp", "Control"))</th><th scope="col">\(say("Điều", "Article"))</th><th scope="col">\(say("Kết quả", "Result"))</th>\
            <th scope="col">\(say("Từ khi", "Since"))</th><th scope="col">\(say("Bằng chứng", "Evidence"))</th></tr></thead><tbody>
            """
        for row in sorted {
            let since = row.failingSince.map { say("không đạt từ ", "failing since ") + time($0) } ?? time(row.since)
            html += """
                <tr class="control-row" data-control="\(e(row.control))" data-status="\(e(row.status))"><th scope="row"><a href="\(e(Self.controlLink(row.control, unit: unit)))">\(e(row.control))</a><br>\(e(say(row.title)))</th>\
                <td>\(row.articles.map { e(say($0.name)) }.joined(separator: "; "))</td><td class="status-\(e(row.shown))">\(shownStatus(row.shown, reported: row.status, waiver: row.waiver, attestation: row.attestation))</td>\
                <td>\(since)\(row.changes > 0 ? " <small>(\(row.changes) \(say("lần đổi", "changes")))</small>" : "")</td><td>\(evidence(row.evidence, status: row.status, reason: row.reason))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    /// The status as the office sees it; a waiver names its justification, who approved it and
    /// until when, and the report's own status is still said (nothing is hidden).
    func shownStatus(_ shown: String, reported: String, waiver: Waiver?, attestation: AttestationState?) -> String {
        var html = status(shown.isEmpty ? reported : shown)
        if let waiver {
            html += " <small>(\(say("báo cáo", "reported")): \(status(reported)); \(e(waiver.justification)) — \(e(waiver.approvedBy)), \(say("đến", "until")) \(time(waiver.expiresAt.description)))</small>"
        } else if let record = attestation?.attestation {
            html += " <small>(\(e(record.reference ?? record.note ?? "")) — \(e(record.attestedBy)), \(say("hiệu lực đến", "valid until")) \(time(record.validUntil.description)))</small>"
        }
        return html
    }

    /// What makes a control fail, or the reason it could not be decided; passing evidence is left out.
    func evidence(_ items: [Evidence], status: String, reason: LocalizedText?) -> String {
        let against = items.filter { !$0.ok }
        guard status != "pass", !against.isEmpty else { return reason.map { e(say($0)) } ?? "" }
        let lines = against.prefix(5).map { item in
            "<li>\(e(item.item)): \(e(item.actual ?? say("(không có)", "(absent)")))\(item.expected.map { " — \(say("yêu cầu", "expected")) " + e($0) } ?? "")\(item.source.map { " <small>\(e($0))</small>" } ?? "")</li>"
        }
        return "<ul class=\"evidence\">" + lines.joined() + (against.count > 5 ? "<li>+\(against.count - 5)</li>" : "") + "</ul>"
    }

    /// The stretches of status of the controls that changed, newest first.
    func historyTable(_ spans: [StatusSpan]) -> String {
        let changed = Set(Dictionary(grouping: spans, by: \.control).filter { $0.value.count > 1 }.keys)
        let shown = spans.filter { changed.contains($0.control) }.sorted { $0.since > $1.since }.prefix(200)
        guard !shown.isEmpty else { return "<p class=\"muted\">\(say("Chưa có biện pháp nào đổi kết quả.", "No control has changed its result yet."))</p>" }
        var html = """
            <table class="history"><caption>\(say("Lịch sử thay đổi kết quả", "History of results"))</caption><thead><tr><th scope="col">\(say("Biện pháp", "Control"))</th>\
            <th scope="col">\(say("Kết quả", "Result"))</th><th scope="col">\(say("Từ", "From"))</th><th scope="col">\(say("Đến", "Until"))</th></tr></thead><tbody>
            """
        for span in shown {
            html += "<tr><th scope=\"row\">\(e(span.control))</th><td class=\"status-\(e(span.status))\">\(status(span.status))</td><td>\(time(span.since.description))</td><td>\(span.until.map { time($0.description) } ?? say("nay", "now"))</td></tr>"
        }
        return html + "</tbody></table>"
    }

    func jobsTable(_ jobs: [JobRow]) -> String {
        guard !jobs.isEmpty else { return "<p class=\"muted\">\(say("Chưa có lệnh khắc phục nào được duyệt cho máy này.", "No fix has been approved for this PC."))</p>" }
        var html = """
            <table class="jobs"><caption>\(say("Lệnh khắc phục đã duyệt", "Approved fixes"))</caption><thead><tr><th scope="col">\(say("Lệnh", "Job"))</th>\
            <th scope="col">\(say("Biện pháp", "Controls"))</th><th scope="col">\(say("Người duyệt", "Approved by"))</th><th scope="col">\(say("Lúc", "At"))</th>\
            <th scope="col">\(say("Tình trạng", "State"))</th><th scope="col">\(say("Mã giao dịch", "Transaction"))</th></tr></thead><tbody>
            """
        for job in jobs {
            html += """
                <tr><th scope="row"><code>\(e(String(job.id.uuidString.prefix(8))))</code></th><td>\(job.controls.map(e).joined(separator: ", "))</td><td>\(e(job.approvedBy))</td>\
                <td>\(time(job.approvedAt))</td><td>\(e(job.state))\(job.message.map { " — " + e($0) } ?? "")</td><td>\(job.transaction.map { "<code>\(e($0))</code>" } ?? "—")</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    func control(_ view: ControlView, unit: String?) -> String {
        var body = "<h1>\(e(view.control)) — \(e(say(view.title)))</h1>"
        body += "<p>\(say("Lĩnh vực", "Area")): \(e(view.area ?? "—")); \(view.articles.map { e(say($0.name)) }.joined(separator: "; "))</p>"
        let (reported, shown) = (view.counts, view.shownCounts)
        let statuses = [("fail", reported.fail, shown.fail), ("error", reported.error, shown.error), ("manual", reported.manual, shown.manual),
                        ("pass", reported.pass, shown.pass), ("not_applicable", reported.notApplicable, shown.notApplicable)]
        body += """
            <table class="counts"><caption>\(say("Số máy theo kết quả", "PCs by result"))\(unit.map { " — " + e($0) } ?? "")</caption><thead><tr><th scope="col">\(say("Kết quả", "Result"))</th>\
            <th scope="col" class="num">\(say("Theo báo cáo", "As reported"))</th><th scope="col" class="num">\(say("Sau miễn trừ, xác nhận", "After waivers, attestations"))</th></tr></thead><tbody>
            """
        for (name, count, after) in statuses {
            body += "<tr><th scope=\"row\"><a href=\"\(e(Self.controlLink(view.control, unit: unit, query: "status=\(name)")))\">\(status(name))</a></th><td class=\"num\">\(count)</td><td class=\"num\">\(after)</td></tr>"
        }
        for (name, after) in [("waived", shown.waived), ("attested", shown.attested), ("due", shown.due)] where after > 0 {
            body += "<tr><th scope=\"row\">\(status(name))</th><td class=\"num\">—</td><td class=\"num\">\(after)</td></tr>"
        }
        body += "</tbody></table>"
        body += """
            <table class="hosts"><caption>\(say("Các máy", "PCs"))\(view.status.map { " — " + status($0) } ?? ""): \(view.matching), \(say("trang", "page")) \(view.page)/\(view.pages)</caption>\
            <thead><tr><th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Đơn vị", "Unit"))</th><th scope="col">\(say("Kết quả", "Result"))</th>\
            <th scope="col">\(say("Từ khi", "Since"))</th><th scope="col">\(say("Bằng chứng gần nhất", "Latest evidence"))</th></tr></thead><tbody>
            """
        for host in view.hosts {
            let since = host.failingSince.map { say("không đạt từ ", "failing since ") + time($0) } ?? time(host.since)
            let apart = host.hostState.flatMap { $0 == .reporting ? nil : $0 }
            body += """
                <tr class="host\(apart.map { $0 == .revoked ? " revoked" : " silent" } ?? "")" data-host="\(e(host.host))" data-status="\(e(host.status))">\
                <th scope="row"><a href="\(e(Self.hostLink(host.host)))">\(e(host.hostname ?? "—"))</a> <small>\(e(String(host.host.prefix(10))))</small>\
                \(apart.map { "<br><small class=\"status-error\">\(state($0))</small>" } ?? "")</th>\
                <td><a href="\(e(Self.unitLink(host.unit)))">\(e(host.unit))</a></td><td class="status-\(e(host.shown))">\(shownStatus(host.shown, reported: host.status, waiver: host.waiver, attestation: host.attestation))</td><td class="since">\(since)</td>\
                <td>\(evidence(host.evidence, status: host.status, reason: nil))</td></tr>
                """
        }
        if view.hosts.isEmpty { body += "<tr><td colspan=\"5\">\(say("Không có máy nào.", "No PC."))</td></tr>" }
        body += "</tbody></table>"
        body += pager(page: view.page, pages: view.pages) { Self.controlLink(view.control, unit: unit, query: (view.status.map { "status=\($0)&" } ?? "") + "page=\($0)") }
        var crumbs: [(String, String?)] = [(say("Xã", "Commune"), "/")]
        if let unit { crumbs.append((unit, Self.unitLink(unit))) }
        crumbs.append((view.control, nil))
        return document(title: view.control, crumbs: crumbs, body: body)
    }
}
