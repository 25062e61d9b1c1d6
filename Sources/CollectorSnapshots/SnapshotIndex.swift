import CollectorStore
import Foundation
import HardeningCore

/// `index.html`: the snapshot as an inspector opens it, from the extracted folder, in any browser.
/// One file, no script, no external asset (an inspection room may have no network); Vietnamese
/// first. Every value is escaped here, in one place: hostnames and notes are other people's words.
struct SnapshotIndex {
    var manifest: SnapshotManifest
    var hosts: [SnapshotHostEntry]
    var waivers: [SnapshotWaiverEntry]
    var attestations: [SnapshotAttestationEntry]

    var html: String {
        let title = "Bản chụp phục vụ kiểm tra — \(manifest.unit) — \(manifest.day)"
        // A past day is shown at its end (the next day's 00:00), which reads better said so.
        let shown = Self.vietnam(manifest.at)
        let at = shown.dropFirst(11).hasPrefix("00:00") ? "trạng thái lúc hết ngày" : "trạng thái lúc " + shown
        return """
            <!DOCTYPE html>
            <html lang="vi"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
            <meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src 'none'">
            <title>\(e(title))</title><style>\(Self.style)</style></head><body>
            <h1>Bản chụp phục vụ kiểm tra <small>(inspection snapshot)</small></h1>
            <dl class="facts">
            <dt>Đơn vị</dt><dd>\(e(manifest.unit))</dd>
            <dt>Ngày</dt><dd>\(e(manifest.day)) <small>(\(e(at)))</small></dd>
            <dt>Lập lúc</dt><dd>\(e(Self.vietnam(manifest.takenAt)))</dd>
            <dt>Người lập</dt><dd>\(e(manifest.takenBy.name)) <small>(\(e(manifest.takenBy.role)))</small></dd>
            <dt>Phiên bản collector</dt><dd>attt-collector \(e(manifest.collectorVersion))</dd>
            <dt>Mất liên lạc sau</dt><dd>\(manifest.silentAfterSeconds / 86_400) ngày không báo cáo</dd>
            </dl>
            <section class="notes"><h2>Lưu ý <small>(notes)</small></h2><ul>\(manifest.notes.map { "<li>\(e($0))</li>" }.joined())</ul></section>
            \(hostsTable)
            \(waiversTable)
            \(attestationsTable)
            \(filesTable)
            </body></html>

            """
    }

    var hostsTable: String {
        let names: [HostActivity.State: String] = [.reporting: "Đang báo cáo", .silent: "Mất liên lạc", .neverReported: "Chưa gửi báo cáo", .revoked: "Đã thu hồi"]
        let rows = hosts.map { host -> String in
            let report = host.report.map { r in
                "<td>\(e(Self.vietnam(r.startedAt)))</td><td class=\"num\">\(r.summary.pass)</td><td class=\"num\">\(r.summary.fail)</td><td class=\"num\">\(r.summary.total)</td>"
            } ?? "<td colspan=\"4\">—</td>"
            let source: String
            switch host.source {
            case "as-sent": source = "Như máy gửi, kèm bằng chứng"
            case "history": source = "Chỉ trạng thái theo lịch sử (đã xoá nội dung)"
            default: source = "—"
            }
            let file = host.file.map { "<a href=\"\(e($0))\">\(e(source))</a>" } ?? e(source)
            return "<tr class=\"\(e(host.state.rawValue))\"><td><code>\(e(host.id))</code></td><td>\(e(host.hostname ?? "—"))</td>"
                + "<td>\(e(names[host.state] ?? host.state.rawValue))</td>\(report)<td>\(file)</td></tr>"
        }.joined()
        return """
            <section><h2>Máy của đơn vị <small>(hosts, \(hosts.count))</small></h2>
            <table><thead><tr><th>Mã máy</th><th>Tên máy <small>(máy tự khai)</small></th><th>Trạng thái</th><th>Lần kiểm tra</th>\
            <th class="num">Đạt</th><th class="num">Không đạt</th><th class="num">Tổng</th><th>Báo cáo</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=\"8\">Không có máy nào đã đăng ký vào ngày này.</td></tr>" : rows)</tbody></table></section>
            """
    }

    var waiversTable: String {
        let names: [SnapshotWaiverEntry.State: String] = [.inForce: "Còn hiệu lực", .expired: "Hết hạn", .ended: "Đã chấm dứt"]
        let rows = waivers.map { entry -> String in
            let w = entry.waiver
            return "<tr><td>\(e(w.control))</td><td>\(w.host.map { "<code>\(e($0))</code>" } ?? "Cả đơn vị")</td><td>\(e(w.justification))</td>"
                + "<td>\(e(w.approvedBy))</td><td>\(e(w.recordedBy)), \(e(Self.vietnam(w.recordedAt)))</td><td>\(e(Self.vietnam(w.expiresAt)))</td>"
                + "<td>\(e(names[entry.state] ?? entry.state.rawValue))</td></tr>"
        }.joined()
        return """
            <section><h2>Miễn trừ <small>(waivers, \(waivers.count))</small></h2>
            <table><thead><tr><th>Biện pháp</th><th>Máy</th><th>Lý do</th><th>Người phê duyệt</th><th>Ghi nhận</th><th>Hết hạn</th><th>Tình trạng tại ngày</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=\"7\">Không có miễn trừ.</td></tr>" : rows)</tbody></table></section>
            """
    }

    var attestationsTable: String {
        let rows = attestations.map { entry -> String in
            let a = entry.attestation
            var file = "—"
            if let path = entry.file, let attached = a.file {
                file = "<a href=\"\(e(path))\">\(e(attached.name))</a><br><small>SHA-256 <code>\(e(attached.sha256))</code></small>"
            }
            return "<tr><td>\(e(a.control))</td><td>\(e(a.attestedOn))</td><td>\(e(a.reference ?? "—"))</td><td>\(e(a.attestedBy))</td>"
                + "<td>\(e(Self.vietnam(a.validUntil)))</td><td>\(entry.state == .inForce ? "Còn hiệu lực" : "Hết hiệu lực")</td><td>\(file)</td></tr>"
        }.joined()
        return """
            <section><h2>Xác nhận biện pháp tổ chức <small>(attestations, \(attestations.count))</small></h2>
            <table><thead><tr><th>Biện pháp</th><th>Ngày xác nhận</th><th>Số văn bản</th><th>Người xác nhận</th><th>Hiệu lực đến</th><th>Tình trạng tại ngày</th><th>Văn bản đính kèm</th></tr></thead>
            <tbody>\(rows.isEmpty ? "<tr><td colspan=\"7\">Không có xác nhận.</td></tr>" : rows)</tbody></table></section>
            """
    }

    var filesTable: String {
        let rows = manifest.files.map { "<tr><td><a href=\"\(e($0.path))\">\(e($0.path))</a></td><td class=\"num\">\($0.bytes)</td><td><code>\(e($0.sha256))</code></td></tr>" }.joined()
        return """
            <section><h2>Các tệp <small>(files)</small></h2>
            <p>manifest.json và SHA256SUMS liệt kê cùng các tệp này; SHA256SUMS thêm cả index.html và manifest.json.</p>
            <table><thead><tr><th>Tệp</th><th class="num">Byte</th><th>SHA-256</th></tr></thead><tbody>\(rows)</tbody></table></section>
            """
    }

    /// Times as an office reads them: Vietnam's clock, to the minute.
    static func vietnam(_ time: Timestamp) -> String {
        let local = Timestamp(time.date.addingTimeInterval(7 * 3600)).description
        return String(local.prefix(10)) + " " + String(local.dropFirst(11).prefix(5)) + " (giờ Việt Nam)"
    }

    static let style = """
        body{font-family:"Liberation Sans",Arial,sans-serif;margin:1.5rem;color:#111;line-height:1.4}h1{font-size:1.5rem}h2{font-size:1.15rem;margin-top:2rem}
        small{color:#555;font-weight:normal}table{border-collapse:collapse;width:100%;font-size:.9rem}th,td{border:1px solid #bbb;padding:.3rem .5rem;text-align:left;vertical-align:top}
        th{background:#eef}td.num,th.num{text-align:right}code{font-size:.8rem;word-break:break-all}.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem}
        .facts dt{font-weight:600}.notes{background:#fffbe6;border:1px solid #e0c200;padding:.3rem 1rem}.silent td:first-child{border-left:4px solid #8a6d00}
        .revoked{color:#555}.revoked td:first-child{border-left:4px solid #777}.never-reported td:first-child{border-left:4px dashed #999}
        """
}

/// Escapes text for HTML content and attribute values.
func e(_ text: String) -> String {
    var out = ""
    out.reserveCapacity(text.utf8.count)
    for character in text {
        switch character {
        case "&": out += "&amp;"
        case "<": out += "&lt;"
        case ">": out += "&gt;"
        case "\"": out += "&quot;"
        case "'": out += "&#39;"
        default: out.append(character)
        }
    }
    return out
}
