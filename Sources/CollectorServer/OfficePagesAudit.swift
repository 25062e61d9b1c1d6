import CollectorStore
import Foundation
import HardeningCore
import Hummingbird

/// Nhật ký thao tác as a page (issue 13 point 6): who approved, revoked, waived or attested what,
/// and when, newest first, 100 to a page. A unit's officers read their unit's log; the Văn phòng
/// thống kê and inspectors read every unit's (Điều 13 khoản 2 điểm đ: inspection teams check what
/// was done).
extension OfficePages {
    static let auditPageSize = 100

    func addAudit(to pages: RouterGroup<CollectorContext>) {
        pages.get("/audit") { request, context in
            var unit = request.uri.queryParameters["unit"].map(String.init)
            if let named = unit {
                guard named.utf8.count <= ExceptionLimits.unitBytes else { throw HTTPError(.badRequest, message: "unit is at most \(ExceptionLimits.unitBytes) bytes") }
                try context.requireRead(unit: named)
            } else if !context.access.readsAll {
                // An officer of one unit reads that unit's log; of several, names one.
                guard context.access.units.count == 1 else {
                    throw HTTPError(.forbidden, message: "Hãy chọn đơn vị: /audit?unit=… — name your unit: /audit?unit=…")
                }
                unit = context.access.units.first
            }
            let before = try request.uri.queryParameters["before"].map { text -> Int64 in
                guard let id = Int64(text), id > 0 else { throw HTTPError(.badRequest, message: "before là số thứ tự một mục nhật ký — before is an audit entry's id (a positive integer)") }
                return id
            }
            let (store, selected, page) = (routes.store, unit, PageFrame(request, context))
            let entries = try await routes.database.run { try store.auditEntries(unit: selected, before: before, limit: Self.auditPageSize) }
            return WebPages.html(page.audit(entries, unit: selected, more: entries.count == Self.auditPageSize))
        }
    }
}

extension PageFrame {
    func audit(_ entries: [AuditEntry], unit: String?, more: Bool) -> String {
        let title = say("Nhật ký thao tác", "Audit log") + (unit.map { " — " + $0 } ?? "")
        var crumbs: [(String, String?)] = [(say("Xã", "Commune"), "/")]
        if let unit { crumbs.append((unit, Self.unitLink(unit))) }
        crumbs.append((say("Nhật ký thao tác", "Audit log"), nil))
        var rows = ""
        for entry in entries {
            let host = entry.host.map { "<a href=\"\(e(Self.hostLink($0)))\">\(e(String($0.prefix(10))))</a>" } ?? "—"
            let unitCell = entry.unit.map { "<a href=\"\(e(Self.unitLink($0)))\">\(e($0))</a>" } ?? "—"
            let subject = entry.subject.map { ControlId.isValid($0) ? "<a href=\"\(e(Self.controlLink($0)))\">\(e($0))</a>" : e($0) } ?? "—"
            let detail = entry.detail.sorted { $0.key < $1.key }.map { "<li>\(e($0.key)): \(e($0.value))</li>" }.joined()
            rows += """
                <tr><td>\(time(entry.at.description))</td><td>\(e(entry.officer)) <span class="muted">(\(e(entry.role)))</span></td>\
                <td>\(action(entry.action))</td><td>\(unitCell)</td><td>\(host)</td><td>\(subject)</td>\
                <td>\(detail.isEmpty ? "—" : "<ul class=\"evidence\">\(detail)</ul>")</td></tr>
                """
        }
        let table = entries.isEmpty ? "<p>\(say("Chưa có thao tác nào.", "Nothing has been done yet."))</p>" : """
            <table><caption>\(say("Mới nhất trước", "Newest first"))</caption><thead><tr>\
            <th scope="col">\(say("Thời gian", "When"))</th><th scope="col">\(say("Cán bộ (vai trò)", "Officer (role)"))</th>\
            <th scope="col">\(say("Thao tác", "Action"))</th><th scope="col">\(say("Đơn vị", "Unit"))</th><th scope="col">\(say("Máy", "PC"))</th>\
            <th scope="col">\(say("Biện pháp hoặc lệnh", "Control or job"))</th><th scope="col">\(say("Chi tiết", "Detail"))</th></tr></thead><tbody>\(rows)</tbody></table>
            """
        var pager = ""
        if more, let last = entries.last {
            let query = (unit.map { "unit=" + Self.query($0) + "&" } ?? "") + "before=\(last.id)"
            pager = "<p class=\"pager\"><a href=\"/audit?\(e(query))\">\(say("Cũ hơn", "Older"))</a></p>"
        }
        return document(title: title, crumbs: crumbs, body: "<h1>\(e(title))</h1>\(table)\(pager)")
    }

    func action(_ action: AuditEntry.Action) -> String {
        switch action {
        case .jobApproved: return say("Phê duyệt khắc phục", "Fix approved")
        case .hostRevoked: return say("Thu hồi máy", "PC revoked")
        case .waiverRecorded: return say("Ghi miễn trừ", "Waiver recorded")
        case .waiverEnded: return say("Kết thúc miễn trừ", "Waiver ended")
        case .attestationRecorded: return say("Ghi xác nhận biện pháp tổ chức", "Attestation recorded")
        case .reportIssued: return say("Lập báo cáo định kỳ", "Periodic report made")
        case .snapshotTaken: return say("Lập bản chụp phục vụ kiểm tra", "Inspection snapshot taken")
        case .incidentRecorded: return say("Ghi nhận sự cố", "Incident recorded")
        case .incidentUpdated: return say("Cập nhật sự cố", "Incident updated")
        case .incidentClosed: return say("Đóng sự cố", "Incident closed")
        case .isolationOrdered: return say("Ra lệnh cách ly máy", "Isolation ordered")
        case .releaseOrdered: return say("Ra lệnh bỏ cách ly", "Release ordered")
        case .escalationRecorded: return say("Ghi nhận báo cáo cấp trên", "Report up recorded")
        case .userReportAcknowledged: return say("Tiếp nhận báo cáo của người dùng", "User's report acknowledged")
        case .incidentDocumentIssued: return say("Lập tài liệu sự cố", "Incident document issued")
        case .evidenceManifestRead: return say("Xem bản kê chứng cứ", "Evidence manifest read")
        default: return e(action.rawValue)
        }
    }
}
