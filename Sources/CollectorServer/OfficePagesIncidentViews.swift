import CollectorReports
import CollectorStore
import Foundation
import HardeningCore

/// The incident register as pages (Điều 11 khoản 2): the list with the "Ghi nhận sự cố" form, one
/// incident's record (steps, evidence, hosts, reports up), and the users' reports to acknowledge.
/// Everything a PC sent is escaped and printed with unsafe characters replaced.
extension PageFrame {
    func incidents(_ list: [IncidentAsOf], waitingReports: Int, hosts: [HostRecord], escalateWithin: TimeInterval, now: Date) -> String {
        var body = "<h1>\(say("Sự cố an toàn thông tin", "Security incidents"))</h1>"
        body += "<p><a href=\"/user-reports\">\(say("Báo cáo của người dùng chờ tiếp nhận", "Users' reports waiting")): <b>\(waitingReports)</b></a></p>"
        if list.isEmpty {
            body += "<p class=\"muted\">\(say("Chưa ghi nhận sự cố nào.", "No incident recorded."))</p>"
        } else {
            body += """
                <table class="incidents"><caption>\(say("Chưa đóng trước, mới nhất trước", "Open first, newest first"))</caption><thead><tr>\
                <th scope="col">\(say("Phát hiện", "Detected"))</th><th scope="col">\(say("Sự cố", "Incident"))</th><th scope="col">\(say("Đơn vị", "Unit"))</th>\
                <th scope="col">\(say("Mức độ", "Severity"))</th><th scope="col">\(say("Tình trạng", "State"))</th><th scope="col" class="num">\(say("Số máy", "PCs"))</th>\
                <th scope="col" class="num">\(say("Đang cách ly", "Isolated"))</th></tr></thead><tbody>
                """
            for incident in list {
                body += """
                    <tr class="\(incident.isOpen ? "open" : "closed")\(incident.escalationOverdue(within: escalateWithin, now: now) ? " overdue" : "")"><td>\(WebPages.localTime(incident.detectedAt))</td>\
                    <td><a href="/incidents/\(incident.id.uuidString)">\(e(incident.current.title))</a></td><td>\(e(incident.unit))</td>\
                    <td>\(severity(incident.current.severity))</td><td>\(state(incident.current.state))\(overdue(incident, within: escalateWithin, now: now))</td><td class="num">\(incident.hosts.count)</td>\
                    <td class="num">\(incident.hosts.filter(\.isolated).count)</td></tr>
                    """
            }
            body += "</tbody></table>"
        }
        let units = Set(hosts.map(\.unit)).union(access.units).sorted()
        if !units.isEmpty { body += recordForm(units: units, hosts: hosts) }
        return document(title: say("Sự cố", "Incidents"), crumbs: [(say("Xã", "Commune"), "/"), (say("Sự cố", "Incidents"), nil)], body: body)
    }

    func recordForm(units: [String], hosts: [HostRecord]) -> String {
        let unitOptions = units.map { "<option>\(e($0))</option>" }.joined()
        let detections: [(IncidentDetection, String)] = [(.officer, say("Cán bộ CNTT phát hiện", "The IT officer")), (.userReport, say("Người dùng báo cáo", "A user's report")),
                                                         (.agent, say("attt phát hiện", "attt")), (.external, say("Cơ quan bên ngoài thông báo", "An outside body"))]
        let severities = IncidentSeverity.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == .medium ? " selected" : "")>\(severity($0))</option>" }.joined()
        let signs: [(String, IncidentSign)] = [("signTrafficSpike", .trafficSpike), ("signContentChanged", .contentChanged), ("signAbnormalSlowness", .abnormalSlowness), ("signOther", .other)]
        let hostList = hosts.prefix(500).map { "<option value=\"\(e($0.id))\">\(e(DisplaySafety.printable($0.hostname ?? $0.id, limit: 64))) — \(e($0.unit))</option>" }.joined()
        return """
            <form class="change" method="post" action="/incidents"><fieldset><legend>\(say("Ghi nhận sự cố", "Record an incident"))</legend>\(csrfField())
            <label>\(say("Đơn vị", "Unit")) <select name="unit" required>\(unitOptions)</select></label>
            <label>\(say("Tên sự cố", "Title")) <input name="title" required maxlength="300"></label>
            <label>\(say("Thời điểm phát hiện (giờ Việt Nam)", "Detected at (Việt Nam time)")) <input name="detectedAt" type="datetime-local" required></label>
            <label>\(say("Người phát hiện", "Detected by")) <input name="detectedBy" required maxlength="200"></label>
            <label>\(say("Cách phát hiện", "How")) <select name="detection">\(detections.map { "<option value=\"\($0.0.rawValue)\">\(e($0.1))</option>" }.joined())</select></label>
            <fieldset><legend>\(say("Dấu hiệu (Điều 11 khoản 2 điểm a)", "Signs (Điều 11 khoản 2 điểm a)"))</legend>\
            \(signs.map { "<label><input type=\"checkbox\" name=\"\($0.0)\" value=\"on\"> \(sign($0.1))</label>" }.joined(separator: " "))</fieldset>
            <label>\(say("Mức độ", "Severity")) <select name="severity">\(severities)</select></label>
            <label>\(say("Hệ thống bị ảnh hưởng", "Affected system")) <input name="affectedSystem" maxlength="300"></label>
            <label>\(say("Máy bị ảnh hưởng (mã máy, cách nhau bằng dấu phẩy)", "Affected PCs (host ids, comma-separated)")) <input name="hosts" maxlength="5000" list="known-hosts"></label>
            <datalist id="known-hosts">\(hostList)</datalist>
            <button type="submit">\(say("Ghi nhận", "Record"))</button></fieldset></form>
            """
    }

    func incident(_ incident: IncidentAsOf, unitHosts: [HostRecord], documents: [IncidentDocument], escalateWithin: TimeInterval, now: Date) -> String {
        let current = incident.current
        let canAct = access.canAct(unit: incident.unit) && incident.isOpen
        var body = """
            <h1>\(e(current.title))</h1>
            <dl class="cards"><div class="card"><dt>\(say("Tình trạng", "State"))</dt><dd><b>\(state(current.state))</b>\(overdue(incident, within: escalateWithin, now: now))</dd></div>\
            <div class="card"><dt>\(say("Mức độ", "Severity"))</dt><dd>\(severity(current.severity))</dd></div>\
            <div class="card"><dt>\(say("Phát hiện", "Detected"))</dt><dd>\(WebPages.localTime(incident.detectedAt)), \(e(incident.detectedBy)) (\(detection(incident.detection)))</dd></div>\
            <div class="card"><dt>\(say("Dấu hiệu", "Signs"))</dt><dd>\(current.signs.map(sign).joined(separator: ", "))</dd></div></dl>
            <h2>\(say("Nguyên nhân, kết quả khắc phục", "Cause and result"))</h2>
            <dl><dt>\(say("Nguyên nhân", "Cause"))</dt><dd>\(e(current.cause ?? "—"))</dd><dt>\(say("Kết quả khắc phục", "Result"))</dt><dd>\(e(current.result ?? "—"))</dd>
            <dt>\(say("Báo cáo Thủ trưởng", "Reported to the head"))</dt><dd>\(current.reportedToHeadAt.map(WebPages.localTime) ?? "—") \(e(current.headName ?? ""))</dd>
            <dt>\(say("Vượt khả năng xử lý từ", "Beyond the unit's capacity since"))</dt><dd>\(current.beyondCapacityAt.map(WebPages.localTime) ?? "—")</dd></dl>
            """
        body += hostsTable(incident, canAct: canAct)
        body += stepsTable(incident)
        body += manifestsTable(incident)
        body += escalationsTable(incident.escalations)
        if !incident.userReports.isEmpty {
            body += "<h2>\(say("Báo cáo của người dùng", "Users' reports"))</h2><ul>" + incident.userReports.map {
                "<li>\(WebPages.localTime($0.receivedAt)) — \(e(DisplaySafety.printable($0.login, limit: 64))): \(e(DisplaySafety.printable($0.text)))</li>"
            }.joined() + "</ul>"
        }
        // Biên bản and báo cáo (Điều 11 khoản 2 điểm a, b), made from the register as it stands now.
        body += "<section id=\"documents\"><h2>\(say("Biên bản, báo cáo", "Record and report"))</h2>" + documentLinks(incident)
            + "<p class=\"muted\">\(say("Xem trước: lập từ hồ sơ này tại thời điểm tải về, không lưu lại.", "Preview: made from this register when downloaded, not kept."))</p>"
            + (access.canAct(unit: incident.unit) ? issueForm(incident) : "") + issuedDocuments(incident, documents) + "</section>"
        if canAct {
            body += "<h2>\(say("Thao tác", "Actions"))</h2>" + revisionForm(incident) + addHostForm(incident, unitHosts: unitHosts) + escalationForm(incident)
        }
        body += "<p class=\"muted\">\(say("Giờ theo đồng hồ máy chủ tổng hợp khi nhận; giờ của máy trạm ghi kèm, vì đồng hồ của máy bị tấn công có thể sai.", "Times are the collector's at arrival; the PC's own time is shown beside them, since a compromised PC's clock may lie."))</p>"
        return document(title: current.title, crumbs: [(say("Xã", "Commune"), "/"), (say("Sự cố", "Incidents"), "/incidents"), (current.title, nil)], body: body)
    }

    func documentLinks(_ incident: IncidentAsOf) -> String {
        let base = "/incidents/\(incident.id.uuidString)/documents"
        func links(_ kind: String) -> String {
            ["pdf", "odt", "html"].map { "<a href=\"\(base)/\(kind)?format=\($0)\" download>\($0.uppercased())</a>" }.joined(separator: " · ")
        }
        return "<ul><li>\(say("Biên bản ghi nhận sự cố", "Incident record (biên bản)")): \(links("bien-ban"))</li>"
            + "<li>\(say("Báo cáo sự cố", "Incident report")): \(links("bao-cao"))</li></ul>"
    }

    /// "Quá hạn báo cáo" in words and in red (Điều 11 khoản 2 điểm b), never by colour alone.
    func overdue(_ incident: IncidentAsOf, within: TimeInterval, now: Date) -> String {
        guard incident.escalationOverdue(within: within, now: now), let due = incident.escalationDue(within: within) else { return "" }
        return " <b class=\"status-fail overdue\">\(say("Quá hạn báo cáo", "Report up overdue"))</b> <span class=\"muted\">(\(say("hạn", "due")) \(WebPages.localTime(Timestamp(due))))</span>"
    }

    /// "Lập và lưu": the document is made now and kept byte for byte with its SHA-256.
    func issueForm(_ incident: IncidentAsOf) -> String {
        let kinds = [(IncidentDocumentKind.record, say("Biên bản ghi nhận sự cố", "Incident record (biên bản)")), (.report, say("Báo cáo sự cố", "Incident report"))]
        return """
            <form class="change" method="post" action="/incidents/\(incident.id.uuidString)/documents"><fieldset><legend>\(say("Lập và lưu tài liệu", "Issue and keep a document"))</legend>\(csrfField())
            <label>\(say("Tài liệu", "Document")) <select name="kind">\(kinds.map { "<option value=\"\($0.0.rawValue)\">\($0.1)</option>" }.joined())</select></label>
            <label>\(say("Định dạng", "Format")) <select name="format"><option value="pdf">PDF</option><option value="odt">ODT</option><option value="html">HTML</option></select></label>
            <button type="submit">\(say("Lập và lưu", "Issue and keep"))</button></fieldset></form>
            """
    }

    func issuedDocuments(_ incident: IncidentAsOf, _ documents: [IncidentDocument]) -> String {
        guard !documents.isEmpty else { return "<p class=\"muted\">\(say("Chưa lưu tài liệu nào.", "No document kept yet."))</p>" }
        return """
            <table class="incident-documents"><caption>\(say("Tài liệu đã lập và lưu (mới nhất trước), đúng từng byte như khi lập", "Issued documents (newest first), byte for byte as issued"))</caption><thead><tr>\
            <th scope="col">\(say("Tài liệu", "Document"))</th><th scope="col">\(say("Định dạng", "Format"))</th><th scope="col">\(say("Người lập", "Issued by"))</th>\
            <th scope="col">\(say("Lập lúc", "Issued at"))</th><th scope="col">SHA-256</th><th scope="col">\(say("Tải về", "Download"))</th></tr></thead><tbody>
            """ + documents.map { document in
                """
                <tr><td>\(document.kind == .record ? say("Biên bản ghi nhận sự cố", "Incident record") : say("Báo cáo sự cố", "Incident report"))</td>\
                <td>\(e(document.format.uppercased()))</td><td>\(e(document.createdBy))</td><td>\(WebPages.localTime(document.createdAt))</td>\
                <td class="failing"><code>\(e(document.sha256))</code></td>\
                <td><a href="/incidents/\(incident.id.uuidString)/issued/\(document.id.uuidString)" download>\(e(document.fileName))</a> (\(document.size) B)</td></tr>
                """
            }.joined() + "</tbody></table>"
    }

    func hostsTable(_ incident: IncidentAsOf, canAct: Bool) -> String {
        guard !incident.hosts.isEmpty else { return "<p class=\"muted\">\(say("Chưa có máy nào trong sự cố.", "No PC in this incident yet."))</p>" }
        var html = """
            <table><caption>\(say("Máy bị ảnh hưởng", "Affected PCs"))</caption><thead><tr><th scope="col">\(say("Máy", "PC"))</th>\
            <th scope="col">\(say("Cách ly", "Isolation"))</th><th scope="col">\(say("Thêm lúc", "Added"))</th>\(canAct ? "<th scope=\"col\">\(say("Lệnh", "Order"))</th>" : "")</tr></thead><tbody>
            """
        for host in incident.hosts {
            let action = host.isolated ? ("release", say("Bỏ cách ly", "Release")) : ("isolate", say("Cách ly máy này", "Isolate this PC"))
            let order = canAct ? """
                <td><form method="post" action="/incidents/\(incident.id.uuidString)/isolation">\(csrfField())<input type="hidden" name="host" value="\(e(host.host))">\
                <input type="hidden" name="action" value="\(action.0)"><button type="submit">\(action.1)</button></form></td>
                """ : ""
            html += """
                <tr><td><a href="\(e(Self.hostLink(host.host)))">\(e(DisplaySafety.printable(host.hostname ?? host.host, limit: 64)))</a></td>\
                <td class="\(host.isolated ? "status-fail" : "")">\(host.isolated ? say("Đang cách ly", "Isolated") : say("Không cách ly", "Not isolated"))</td>\
                <td>\(WebPages.localTime(host.addedAt)) — \(e(host.addedBy))</td>\(order)</tr>
                """
        }
        return html + "</tbody></table>"
    }

    func stepsTable(_ incident: IncidentAsOf) -> String {
        guard !incident.steps.isEmpty else { return "<p class=\"muted\">\(say("Chưa có bước xử lý nào.", "No step taken yet."))</p>" }
        let names = Dictionary(incident.hosts.map { ($0.host, $0.hostname ?? $0.host) }, uniquingKeysWith: { a, _ in a })
        let manifests = Dictionary(incident.manifests.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var html = """
            <table class="steps"><caption>\(say("Diễn biến xử lý (Điều 11 khoản 2 điểm a)", "Steps taken (Điều 11 khoản 2 điểm a)"))</caption><thead><tr>\
            <th scope="col">\(say("Nhận lúc", "Received"))</th><th scope="col">\(say("Giờ máy trạm", "PC's time"))</th><th scope="col">\(say("Máy", "PC"))</th>\
            <th scope="col">\(say("Bước", "Step"))</th><th scope="col">\(say("Người thực hiện", "By"))</th><th scope="col">\(say("Kết quả", "Outcome"))</th>\
            <th scope="col">\(say("Giao dịch / chứng cứ", "Transaction / evidence"))</th></tr></thead><tbody>
            """
        for step in incident.steps {
            var reference = step.transaction.map { "tx \(e(DisplaySafety.printable($0, limit: 80)))" } ?? ""
            if let id = step.manifest, let manifest = manifests[id] {
                reference += " <a href=\"/v1/officer/evidence-manifests/\(id.uuidString)\">SHA-256 \(e(String(manifest.manifestSHA256.prefix(16)) + "…"))</a> \(manifest.signatureOK ? say("chữ ký hợp lệ", "signature valid") : "<b class=\"status-fail\">\(say("chữ ký không hợp lệ", "signature NOT valid"))</b>")"
            }
            if let detail = step.detail { reference += "<br><span class=\"muted\">\(e(DisplaySafety.printable(detail, limit: 300)))</span>" }
            html += """
                <tr><td>\(WebPages.localTime(step.receivedAt))</td><td>\(step.source == "collector" ? "—" : e(DisplaySafety.printable(step.atHost, limit: 40)))</td>\
                <td>\(e(DisplaySafety.printable(names[step.host] ?? step.host, limit: 64)))</td><td>\(stepKind(step.kind))</td>\
                <td>\(e(DisplaySafety.printable(step.actor, limit: 100))) (\(e(step.source)))</td><td>\(outcome(step.outcome))</td><td>\(reference)</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    func manifestsTable(_ incident: IncidentAsOf) -> String {
        guard !incident.manifests.isEmpty else { return "" }
        var html = """
            <table class="evidence-manifests"><caption>\(say("Chứng cứ, dấu vết (bản kê đã ký)", "Evidence (signed manifests)"))</caption><thead><tr>\
            <th scope="col">\(say("Nhận lúc", "Received"))</th><th scope="col">\(say("Người thu thập", "Collected by"))</th><th scope="col" class="num">\(say("Số tệp", "Files"))</th>\
            <th scope="col" class="num">\(say("Dung lượng", "Bytes"))</th><th scope="col">SHA-256 (manifest.json)</th><th scope="col">\(say("Chữ ký số", "Signature"))</th></tr></thead><tbody>
            """
        for manifest in incident.manifests {
            html += """
                <tr><td>\(WebPages.localTime(manifest.receivedAt))</td><td>\(e(DisplaySafety.printable(manifest.officer, limit: 100)))\(manifest.complete ? "" : say(" (chưa đủ)", " (incomplete)"))</td>\
                <td class="num">\(manifest.files)</td><td class="num">\(manifest.bytes)</td>\
                <td><a href="/v1/officer/evidence-manifests/\(manifest.id.uuidString)"><code>\(e(manifest.manifestSHA256))</code></a></td>\
                <td class="\(manifest.signatureOK ? "status-pass" : "status-fail")">\(manifest.signatureOK ? say("Hợp lệ", "Valid") : say("Không hợp lệ", "Not valid"))</td></tr>
                """
        }
        return html + "</tbody></table>"
    }

    func escalationsTable(_ escalations: [IncidentEscalation]) -> String {
        guard !escalations.isEmpty else { return "<p class=\"muted\">\(say("Chưa báo cáo cấp trên.", "Not reported up yet."))</p>" }
        return """
            <table><caption>\(say("Báo cáo cơ quan cấp trên, Văn phòng thống kê, Công an xã (Điều 11 khoản 2 điểm b)", "Reported up (Điều 11 khoản 2 điểm b)"))</caption><thead><tr>\
            <th scope="col">\(say("Nơi nhận", "To"))</th><th scope="col">\(say("Thời điểm", "When"))</th><th scope="col">\(say("Hình thức", "How"))</th>\
            <th scope="col">\(say("Số văn bản", "Reference"))</th><th scope="col">\(say("Người ghi", "Recorded by"))</th></tr></thead><tbody>
            """ + escalations.map {
                "<tr><td>\(e($0.recipient))</td><td>\(WebPages.localTime($0.sentAt))</td><td>\(e($0.means))</td><td>\(e($0.reference ?? "—"))</td><td>\(e($0.recordedBy))</td></tr>"
            }.joined() + "</tbody></table>"
    }

    func revisionForm(_ incident: IncidentAsOf) -> String {
        let states = IncidentState.allCases.map { "<option value=\"\($0.rawValue)\"\($0 == incident.current.state ? " selected" : "")>\(state($0))</option>" }.joined()
        return """
            <form class="change" method="post" action="/incidents/\(incident.id.uuidString)"><fieldset><legend>\(say("Cập nhật sự cố", "Update the incident"))</legend>\(csrfField())
            <label>\(say("Nguyên nhân", "Cause")) <textarea name="cause" maxlength="4000" rows="2">\(e(incident.current.cause ?? ""))</textarea></label>
            <label>\(say("Kết quả khắc phục", "Result")) <textarea name="result" maxlength="4000" rows="2">\(e(incident.current.result ?? ""))</textarea></label>
            <label>\(say("Tình trạng", "State")) <select name="state">\(states)</select></label>
            <label>\(say("Đã báo cáo Thủ trưởng lúc", "Reported to the head at")) <input name="reportedToHeadAt" type="datetime-local"></label>
            <label>\(say("Thủ trưởng đơn vị", "Head of the unit")) <input name="headName" maxlength="200" value="\(e(incident.current.headName ?? ""))"></label>
            <label>\(say("Vượt khả năng xử lý từ", "Beyond the unit's capacity since")) <input name="beyondCapacityAt" type="datetime-local"></label>
            <button type="submit">\(say("Lưu", "Save"))</button></fieldset></form>
            """
    }

    func addHostForm(_ incident: IncidentAsOf, unitHosts: [HostRecord]) -> String {
        let present = Set(incident.hosts.map(\.host))
        let options = unitHosts.filter { !present.contains($0.id) && !$0.revoked }.prefix(500)
        guard !options.isEmpty else { return "" }
        return """
            <form class="change" method="post" action="/incidents/\(incident.id.uuidString)/hosts"><fieldset><legend>\(say("Thêm máy vào sự cố", "Add a PC"))</legend>\(csrfField())
            <label>\(say("Máy", "PC")) <select name="host">\(options.map { "<option value=\"\(e($0.id))\">\(e(DisplaySafety.printable($0.hostname ?? $0.id, limit: 64)))</option>" }.joined())</select></label>
            <button type="submit">\(say("Thêm", "Add"))</button></fieldset></form>
            """
    }

    func escalationForm(_ incident: IncidentAsOf) -> String {
        """
        <form class="change" method="post" action="/incidents/\(incident.id.uuidString)/escalations"><fieldset><legend>\(say("Ghi nhận báo cáo cấp trên", "Record a report up"))</legend>\(csrfField())
        <label>\(say("Nơi nhận", "To")) <input name="recipient" required maxlength="200" list="recipients"></label>
        <datalist id="recipients"><option>\(say("Cơ quan cấp trên", "Superior body"))</option><option>Văn phòng thống kê xã</option><option>Công an xã</option></datalist>
        <label>\(say("Thời điểm gửi", "Sent at")) <input name="sentAt" type="datetime-local" required></label>
        <label>\(say("Hình thức", "How")) <input name="means" required maxlength="100" list="means"></label>
        <datalist id="means"><option>Công văn</option><option>Điện thoại</option><option>Thư điện tử</option><option>Trực tiếp</option></datalist>
        <label>\(say("Số văn bản", "Reference")) <input name="reference" maxlength="100"></label>
        <label>\(say("Ghi chú", "Note")) <input name="note" maxlength="2000"></label>
        <button type="submit">\(say("Ghi nhận", "Record"))</button></fieldset></form>
        """
    }

    /// "Cách ly máy này" / "Bỏ cách ly" on a PC's page, tied to one of the unit's open incidents.
    func isolationForm(host: String, openIncidents: [IncidentAsOf]) -> String {
        guard !openIncidents.isEmpty else {
            return "<p class=\"muted\">\(say("Muốn cách ly máy này, hãy ghi nhận sự cố trước", "To isolate this PC, first record an incident")) (<a href=\"/incidents\">\(say("Sự cố", "Incidents"))</a>).</p>"
        }
        let isolated = openIncidents.contains { $0.hosts.contains { $0.host == host && $0.isolated } }
        // One small form per open incident: the order belongs to the incident it answers.
        return openIncidents.prefix(20).map { incident in
            """
            <form class="change" method="post" action="/incidents/\(incident.id.uuidString)/isolation"><fieldset><legend>\(say("Sự cố", "Incident")): \(e(incident.current.title))</legend>\(csrfField())
            <input type="hidden" name="host" value="\(e(host))"><input type="hidden" name="back" value="host">
            <button type="submit" name="action" value="isolate">\(say("Cách ly máy này", "Isolate this PC"))</button>
            <button type="submit" name="action" value="release">\(say("Bỏ cách ly", "Release"))</button></fieldset></form>
            """
        }.joined() + (isolated ? "<p class=\"status-fail\">\(say("Máy này đang bị cách ly.", "This PC is isolated."))</p>" : "")
    }

    func userReports(_ reports: [UserReportRecord], all: Bool, openIncidents: [IncidentAsOf], now: Date) -> String {
        var body = "<h1>\(say("Báo cáo sự cố của người dùng", "Users' incident reports"))</h1>"
        body += "<p class=\"tabs\"><a href=\"/user-reports\"\(all ? "" : " aria-current=\"page\"")>\(say("Chờ tiếp nhận", "Waiting"))</a> <a href=\"/user-reports?state=all\"\(all ? " aria-current=\"page\"" : "")>\(say("Tất cả", "All"))</a></p>"
        guard !reports.isEmpty else {
            body += "<p class=\"muted\">\(say("Không có báo cáo nào chờ tiếp nhận.", "No report waiting."))</p>"
            return document(title: say("Báo cáo của người dùng", "Users' reports"), crumbs: [(say("Xã", "Commune"), "/"), (say("Sự cố", "Incidents"), "/incidents"), (say("Báo cáo của người dùng", "Users' reports"), nil)], body: body)
        }
        body += """
            <table class="user-reports"><caption>\(say("Tiếp nhận trong 1 ngày làm việc", "Acknowledge within one working day"))</caption><thead><tr>\
            <th scope="col">\(say("Nhận lúc", "Received"))</th><th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Người báo", "User"))</th>\
            <th scope="col">\(say("Nội dung", "Report"))</th><th scope="col">\(say("Tiếp nhận", "Acknowledge"))</th></tr></thead><tbody>
            """
        for report in reports {
            let options = openIncidents.filter { $0.unit == report.unit }.map { "<option value=\"\($0.id.uuidString)\">\(e($0.current.title))</option>" }.joined()
            let acknowledge: String
            if let at = report.acknowledgedAt {
                acknowledge = "\(WebPages.localTime(at)) — \(e(report.acknowledgedBy ?? ""))" + (report.incident.map { " <a href=\"/incidents/\($0.uuidString)\">\(say("sự cố", "incident"))</a>" } ?? "")
            } else if access.canAct(unit: report.unit) {
                acknowledge = """
                    <form method="post" action="/user-reports/\(report.id.uuidString)/acknowledge">\(csrfField())\
                    <select name="incident"><option value="">\(say("(không gắn sự cố)", "(no incident)"))</option>\(options)</select> <button type="submit">\(say("Tiếp nhận", "Acknowledge"))</button></form>
                    """
            } else {
                acknowledge = say("Chờ tiếp nhận", "Waiting")
            }
            // INC-003: past the end of the next working day, still waiting: said in words, not by colour alone.
            let late = report.acknowledgedAt == nil && AcknowledgementDeadline.deadline(receivedAt: report.receivedAt.date) < now
            body += """
                <tr\(late ? " class=\"late\"" : "")><td>\(WebPages.localTime(report.receivedAt))\(late ? "<br><b class=\"status-fail\">\(say("Quá 1 ngày làm việc chưa tiếp nhận", "Waiting over one working day"))</b>" : "")</td><td><a href="\(e(Self.hostLink(report.host)))">\(e(DisplaySafety.printable(report.hostname ?? report.host, limit: 64)))</a><br>\
                <span class="muted">\(e(report.unit))</span></td><td>\(e(DisplaySafety.printable(report.login, limit: 64))) (uid \(report.uid))</td>\
                <td>\(report.text.split(separator: "\n", omittingEmptySubsequences: false).map { e(DisplaySafety.printable(String($0))) }.joined(separator: "<br>"))</td><td>\(acknowledge)</td></tr>
                """
        }
        body += "</tbody></table>"
        return document(title: say("Báo cáo của người dùng", "Users' reports"), crumbs: [(say("Xã", "Commune"), "/"), (say("Sự cố", "Incidents"), "/incidents"), (say("Báo cáo của người dùng", "Users' reports"), nil)], body: body)
    }

    // MARK: words

    func severity(_ value: IncidentSeverity) -> String {
        switch value {
        case .low: return say("Thấp", "Low")
        case .medium: return say("Trung bình", "Medium")
        case .high: return say("Cao", "High")
        case .critical: return say("Nghiêm trọng", "Critical")
        }
    }

    func state(_ value: IncidentState) -> String {
        switch value {
        case .open: return say("Đang xử lý", "Open")
        case .contained: return say("Đã ngăn chặn", "Contained")
        case .recovered: return say("Đã khôi phục", "Recovered")
        case .closed: return say("Đã đóng", "Closed")
        }
    }

    func sign(_ value: IncidentSign) -> String {
        switch value {
        case .trafficSpike: return say("Lưu lượng truy cập tăng đột biến", "Traffic far above normal")
        case .contentChanged: return say("Nội dung bị thay đổi", "Content changed")
        case .abnormalSlowness: return say("Hệ thống chậm bất thường", "Abnormal slowness")
        case .other: return say("Dấu hiệu khác", "Other")
        }
    }

    func detection(_ value: IncidentDetection) -> String {
        switch value {
        case .userReport: return say("người dùng báo cáo", "user report")
        case .officer: return say("cán bộ CNTT", "IT officer")
        case .agent: return say("attt", "attt")
        case .external: return say("bên ngoài thông báo", "outside body")
        }
    }

    func stepKind(_ kind: String) -> String {
        switch kind {
        case "isolate": return say("Bước 1: cách ly", "Step 1: isolated")
        case "release": return say("Bỏ cách ly", "Released")
        case "isolation-lost": return say("Cách ly bị gỡ, đã nạp lại", "Isolation lost, loaded again")
        case "collect": return say("Bước 2: thu thập chứng cứ", "Step 2: evidence collected")
        case "restore": return say("Bước 3: khôi phục", "Step 3: restored")
        case "note": return say("Ghi chú", "Note")
        case IncidentStep.isolationOrdered: return say("Lệnh cách ly (từ máy chủ tổng hợp)", "Isolation ordered (collector)")
        case IncidentStep.releaseOrdered: return say("Lệnh bỏ cách ly (từ máy chủ tổng hợp)", "Release ordered (collector)")
        default: return e(DisplaySafety.printable(kind, limit: 40))
        }
    }

    func outcome(_ outcome: String?) -> String {
        switch outcome {
        case "done": return "<span class=\"status-pass\">\(say("Xong", "Done"))</span>"
        case "failed": return "<span class=\"status-fail\">\(say("Không thành công", "Failed"))</span>"
        case "rolled-back": return "<span class=\"status-error\">\(say("Đã hoàn tác", "Rolled back"))</span>"
        case nil: return say("Chờ máy thực hiện", "Waiting for the PC")
        default: return e(DisplaySafety.printable(outcome ?? "", limit: 40))
        }
    }
}
