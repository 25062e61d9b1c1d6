import CollectorStore
import Foundation
import HardeningCore
import Hummingbird
import PolicyLoading

/// The unit's catalogues on the pages (issue 16; Điều 13 khoản 2 điểm c, d): what the unit's PCs are
/// checked against, entry by entry with where it comes from (the unit, the commune, the shipped
/// policy), which PCs still run an older version or refused the newest, the versions before, and for
/// whoever may publish, the layer to edit in the same `attt.catalogue.v1` text the CLI takes.
extension OfficePages {
    func addCatalogues(to pages: RouterGroup<CollectorContext>) {
        pages.get("/catalogues") { request, context in
            try await cataloguePage(.commune, request, context)
        }
        pages.get("/units/:unit/catalogues") { request, context in
            let unit = try OfficeRoutes.unitName(context.parameters.get("unit") ?? "")
            try context.requireRead(unit: unit)
            return try await cataloguePage(.unit(unit), request, context)
        }
        pages.post("/catalogues") { request, context -> Response in
            try await publishForm(.commune, request, context)
        }
        pages.post("/units/:unit/catalogues") { request, context -> Response in
            let unit = try OfficeRoutes.unitName(context.parameters.get("unit") ?? "")
            return try await publishForm(.unit(unit), request, context)
        }
    }

    /// The page; after a refused publication, with the officer's text kept in the form and why above it.
    func cataloguePage(_ scope: CatalogueScope, _ request: Request, _ context: CollectorContext,
                       refused: (draft: String, message: String, status: HTTPResponse.Status)? = nil,
                       preview: (draft: String, impact: CatalogueImpact)? = nil) async throws -> Response {
        let store = routes.store
        let (view, hosts) = try await routes.database.run {
            (try CatalogueView(scope, store: store), try scope.unit.map { try store.latestStatus(unit: $0) } ?? [])
        }
        var page = PageFrame(request, context)
        page.here = PageFrame.catalogueLink(scope)
        let html = page.catalogues(view, hosts: hosts, shipped: routes.collector.publisher?.policy, canPublish: Self.canPublish(scope, context.access),
                                   draft: refused.map { ($0.draft, $0.message) } ?? preview.map { ($0.draft, nil) }, impact: preview?.impact)
        return WebPages.html(html, status: refused?.status ?? .ok)
    }

    func publishForm(_ scope: CatalogueScope, _ request: Request, _ context: CollectorContext) async throws -> Response {
        try CatalogueRoutes.requirePublish(scope, context)
        let form = try await Self.form(CatalogueForm.self, request, context)
        let routes = CatalogueRoutes(store: self.routes.store, database: self.routes.database, publisher: self.routes.collector.publisher)
        do {
            guard let policy = routes.publisher?.policy else { throw CatalogueRoutes.unavailable }
            let layer: (parameters: [String: FactValue], catalogs: [String: FactValue], note: String?)
            do {
                layer = try TailoringLoader().loadCatalogueLayer(Data(form.layer.utf8), file: "biểu mẫu (form)", policy: policy)
            } catch let error as PolicyError {
                throw ExceptionRefusal.invalid("Danh mục chưa đúng, chưa phát hành. — The catalogue is not right, nothing was published: \(error.description)")
            }
            if form.action == "preview" {
                let impact = try await routes.preview(scope, parameters: layer.parameters, catalogs: layer.catalogs)
                return try await cataloguePage(scope, request, context, preview: (form.layer, impact))
            }
            _ = try await routes.publish(scope, parameters: layer.parameters, catalogs: layer.catalogs, note: layer.note, by: ExceptionRoutes.acting(context))
            return .redirect(to: PageFrame.catalogueLink(scope), type: .normal)
        } catch let refusal as ExceptionRefusal {
            // Nothing the officer typed is lost: the page comes back with the text and what to correct.
            let status: HTTPResponse.Status
            switch refusal {
            case .invalid: status = .badRequest
            case .notFound: status = .notFound
            case .conflict: status = .conflict
            }
            return try await cataloguePage(scope, request, context, refused: (form.layer, refusal.description, status))
        } catch let error as HTTPError where error.status == .badRequest || error.status == .conflict {
            return try await cataloguePage(scope, request, context, refused: (form.layer, error.body ?? "", error.status))
        }
    }

    static func canPublish(_ scope: CatalogueScope, _ access: OfficerAccess) -> Bool {
        scope.unit.map(access.canAct(unit:)) ?? access.supervisor
    }

    struct CatalogueForm: Decodable {
        var layer: String
        /// `preview` (the "Xem trước" button) or absent (publish).
        var action: String?
    }
}

extension PageFrame {
    static func catalogueLink(_ scope: CatalogueScope) -> String {
        scope.unit.map { unitLink($0) + "/catalogues" } ?? "/catalogues"
    }

    func catalogues(_ view: CatalogueView, hosts: [HostStatus], shipped: Policy?, canPublish: Bool, draft: (text: String, message: String?)? = nil,
                    impact: CatalogueImpact? = nil) -> String {
        let unit = view.unit
        let title = unit.map { say("Danh mục phần mềm và tham số — ", "Software catalogues and parameters — ") + $0 }
            ?? say("Danh mục mặc định cấp xã", "The commune's default catalogues")
        var body = "<h1>\(e(title))</h1>"
        body += "<p class=\"muted\">" + (unit == nil
            ? say("Mọi đơn vị kế thừa danh mục này, trừ những mục đơn vị tự đặt (Điều 13 khoản 2 điểm c, d). Máy trạm dùng từ lần tự kiểm tra kế tiếp.",
                  "Every unit inherits these, except what a unit sets itself (Điều 13 khoản 2 điểm c, d). PCs use them from their next run.")
            : say("Thứ tự áp dụng: chính sách gốc < mặc định cấp xã < danh mục của đơn vị < cấu hình riêng trên máy (chỉ được chặt hơn).",
                  "Order of precedence: shipped policy < commune defaults < the unit's own < a PC's local tailoring (stricter only).")) + "</p>"
        if let unit { body += inForce(view, unit: unit, hosts: hosts) }
        body += lists(view, shipped: shipped)
        body += history(view)
        if let impact { body += impactTable(impact) }
        if canPublish { body += publishForm(view, draft: draft) }
        let crumbs: [(String, String?)] = unit.map { [(say("Xã", "Commune"), "/"), ($0, Self.unitLink($0)), (say("Danh mục", "Catalogues"), nil)] }
            ?? [(say("Xã", "Commune"), "/"), (say("Danh mục mặc định", "Default catalogues"), nil)]
        return document(title: title, crumbs: crumbs, body: body)
    }

    /// The bundle the unit's PCs get, and the PCs not checked against it yet or refusing it.
    func inForce(_ view: CatalogueView, unit: String, hosts: [HostStatus]) -> String {
        guard let newest = view.bundles.first else {
            return "<p>\(say("Chưa phát hành danh mục cho đơn vị: máy trạm dùng danh mục của chính sách gốc.", "Nothing published for the unit: its PCs use the shipped catalogues."))</p>"
        }
        var body = "<p>\(say("Gói đang phát hành", "Bundle published")): <b>v\(newest.version)</b> · \(time(newest.issuedAt.description)) · \(e(newest.issuedBy)) · SHA-256 <code>\(e(String(newest.sha256.prefix(16))))…</code></p>"
        let behind = hosts.filter { ($0.bundleVersion ?? 0) < newest.version || $0.bundleRefused != nil }
        guard !behind.isEmpty else {
            return body + "<p class=\"status-pass\">\(say("Mọi máy đã kiểm tra theo gói mới nhất.", "Every PC has checked against the newest bundle."))</p>"
        }
        body += """
            <table class="hosts"><caption>\(say("Máy chưa dùng gói mới nhất", "PCs not on the newest bundle")) (\(behind.count))</caption><thead><tr>\
            <th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Gói đã dùng", "Bundle used"))</th><th scope="col">\(say("Lần kiểm tra", "Checked"))</th>\
            <th scope="col">\(say("Máy từ chối gói mới", "Refused by the PC"))</th></tr></thead><tbody>
            """
        for host in behind {
            body += """
                <tr><td><a href="\(e(Self.hostLink(host.host)))">\(e(host.hostname ?? "—"))</a> <small>\(e(String(host.host.prefix(10))))</small></td><td>\(host.bundleVersion.map { "v\($0)" } ?? say("danh mục gốc", "shipped"))</td>\
                <td>\(time(host.startedAt.description))</td><td class="\(host.bundleRefused == nil ? "" : "status-fail")">\(e(host.bundleRefused ?? "—"))</td></tr>
                """
        }
        return body + "</tbody></table>"
    }

    /// Each list as the PCs get it, with where it comes from; then the parameters.
    func lists(_ view: CatalogueView, shipped: Policy?) -> String {
        let own = view.layer?.layer, commune = view.unit == nil ? nil : view.commune?.layer
        func origin(_ key: String, in keyPath: KeyPath<BundleLayer, [String: FactValue]>) -> (FactValue?, String) {
            if let value = own?[keyPath: keyPath][key] {
                return (value, view.unit == nil ? say("cấp xã", "commune") + " v\(own!.version)" : say("đơn vị", "unit") + " v\(own!.version)")
            }
            if let value = commune?[keyPath: keyPath][key] { return (value, say("cấp xã", "commune") + " v\(commune!.version)") }
            return (nil, say("chính sách gốc", "shipped policy"))
        }
        var body = """
            <table class="catalogue"><caption>\(say("Danh mục phần mềm", "Software catalogues"))</caption><thead><tr><th scope="col">\(say("Danh mục", "Catalogue"))</th>\
            <th scope="col">\(say("Áp dụng cho", "Applies to"))</th><th scope="col">\(say("Các mục", "Entries"))</th><th scope="col">\(say("Nguồn", "From"))</th></tr></thead><tbody>
            """
        let names = ["software.allowed": say("Được phép cài", "Allowed"), "software.denied": say("Bị cấm", "Denied"), "software.mandatory": say("Bắt buộc", "Mandatory")]
        for key in Policy.unitCatalogues.sorted() {
            let (set, from) = origin(key, in: \.catalogs)
            guard let value = set ?? shipped?.catalogs[key] else { continue }
            for (role, entries) in BundleLayerDiff.entriesByRole(value) {
                body += "<tr><th scope=\"row\">\(e(names[key] ?? key))</th><td>\(e(role == "all" ? say("mọi máy", "every PC") : role))</td>"
                    + "<td>\(entries.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td><td>\(e(from))</td></tr>"
            }
        }
        body += "</tbody></table>"
        let keys = Set(own?.parameters.keys.map { $0 } ?? []).union(commune?.parameters.keys.map { $0 } ?? []).sorted()
        guard !keys.isEmpty else { return body }
        body += """
            <table><caption>\(say("Tham số của đơn vị", "The unit's parameters"))</caption><thead><tr><th scope="col">\(say("Tham số", "Parameter"))</th>\
            <th scope="col">\(say("Giá trị", "Value"))</th><th scope="col">\(say("Nguồn", "From"))</th></tr></thead><tbody>
            """
        for key in keys {
            let (value, from) = origin(key, in: \.parameters)
            body += "<tr><th scope=\"row\"><code>\(e(key))</code></th><td><code>\(e(value?.display ?? ""))</code></td><td>\(e(from))</td></tr>"
        }
        return body + "</tbody></table>"
    }

    func history(_ view: CatalogueView) -> String {
        guard !view.history.isEmpty else { return "" }
        var body = """
            <table><caption>\(say("Các phiên bản", "Versions"))</caption><thead><tr><th scope="col">\(say("Phiên bản", "Version"))</th>\
            <th scope="col">\(say("Thời điểm", "When"))</th><th scope="col">\(say("Người phát hành", "By"))</th><th scope="col">\(say("Ghi chú", "Note"))</th>\
            <th scope="col">\(say("Thay đổi so với phiên bản trước", "Changes from the version before"))</th><th scope="col">SHA-256</th></tr></thead><tbody>
            """
        for (index, record) in view.history.enumerated() {
            let before = index + 1 < view.history.count ? view.history[index + 1].layer : nil
            let changes = BundleLayerDiff(from: before, to: record.layer).changes.map(change).joined(separator: "<br>")
            body += "<tr><td>v\(record.layer.version)</td><td>\(time(record.createdAt.description))</td><td>\(e(record.createdBy))</td>"
                + "<td>\(e(record.note ?? ""))</td><td class=\"changes\">\(changes.isEmpty ? "—" : changes)</td><td><code>\(e(String(record.sha256.prefix(16))))…</code></td></tr>"
        }
        return body + "</tbody></table>"
    }

    /// `+ software.denied/all: sudo`, `− …`, `VN-TD-PW-004.max_days: 90 → 60`.
    func change(_ change: BundleLayerDiff.Change) -> String {
        switch change.kind {
        case .added: return "<ins>+ \(e(change.key)): <code>\(e(change.after ?? ""))</code></ins>"
        case .removed: return "<del>− \(e(change.key)): <code>\(e(change.before ?? ""))</code></del>"
        case .changed: return "\(e(change.key)): <code>\(e(change.before ?? ""))</code> → <code>\(e(change.after ?? ""))</code>"
        }
    }

    /// Before publishing: which PCs would newly pass or fail, from their latest reports.
    func impactTable(_ impact: CatalogueImpact) -> String {
        var body = "<h2 id=\"preview\">\(say("Xem trước: tác động nếu phát hành", "Preview: what publishing would do"))</h2>"
        body += "<p class=\"muted\">\(say("Theo báo cáo gần nhất của từng máy, cho các biện pháp đọc danh mục phần mềm", "From each PC's latest report, for the controls that read the software lists")): \(e(impact.controls.joined(separator: ", "))). "
            + say("Chưa phát hành gì.", "Nothing was published.") + "</p>"
        if impact.hosts.isEmpty {
            body += "<p class=\"status-pass\">\(say("Không máy nào thay đổi kết quả.", "No PC's result would change."))</p>"
        } else {
            body += """
                <table class="impact"><caption>\(say("Máy sẽ thay đổi kết quả", "PCs whose result would change")) (\(impact.hosts.count))</caption><thead><tr>\
                <th scope="col">\(say("Máy", "PC"))</th><th scope="col">\(say("Biện pháp", "Control"))</th><th scope="col">\(say("Hiện nay", "Now"))</th>\
                <th scope="col">\(say("Sau khi phát hành", "After publishing"))</th><th scope="col">\(say("Do", "Because of"))</th></tr></thead><tbody>
                """
            for host in impact.hosts {
                for change in host.changes {
                    body += """
                        <tr data-host="\(e(host.host))" data-control="\(e(change.control))" data-after="\(change.after.rawValue)"><td><a href="\(e(Self.hostLink(host.host)))">\(e(host.hostname ?? "—"))</a> \
                        <small>\(e(String(host.host.prefix(10))))</small></td><td>\(e(change.control))</td><td class="status-\(change.before.rawValue)">\(status(change.before.rawValue))</td>\
                        <td class="status-\(change.after.rawValue)">\(status(change.after.rawValue))</td><td>\(change.evidence.map { "<code>\(e($0))</code>" }.joined(separator: " "))</td></tr>
                        """
                }
            }
            body += "</tbody></table>"
        }
        if !impact.unknown.isEmpty {
            body += "<p class=\"muted\">\(say("Chưa biết cho đến lần tự kiểm tra kế tiếp (báo cáo gần nhất không có danh sách phần mềm)", "Not known until their next run (their latest report has no package list)")): "
                + impact.unknown.map { e($0.hostname ?? $0.host) }.joined(separator: ", ") + "</p>"
        }
        return body
    }

    func publishForm(_ view: CatalogueView, draft: (text: String, message: String?)?) -> String {
        let current = view.layer?.layer
        let text = draft?.text ?? TailoringLoader.catalogueLayerText(parameters: current?.parameters ?? [:], catalogs: current?.catalogs ?? [:], note: "")
        let scope: CatalogueScope = view.unit.map(CatalogueScope.unit) ?? .commune
        return """
            <form class="change wide" method="post" action="\(e(Self.catalogueLink(scope)))" id="publish"><fieldset><legend>\(say("Phát hành phiên bản mới", "Publish a new version"))</legend>\(csrfField())
            \(draft?.message.map { "<p class=\"message status-fail\" role=\"alert\">\(e($0))</p>" } ?? "")
            <p class="muted">\(say("Cả danh mục, mỗi danh sách thay thế toàn bộ danh sách gốc. Mục bắt buộc viết {package: clamav, min_version: \"1.0\"}. Giá trị lỏng hơn mức tối thiểu của Quy chế bị từ chối.",
                                   "The whole layer; each list replaces the shipped one whole. A mandatory entry is {package: clamav, min_version: \"1.0\"}. A value weaker than the regulation allows is refused."))</p>
            <label>\(say("Danh mục (attt.catalogue.v1)", "Catalogues (attt.catalogue.v1)")) <textarea name="layer" required rows="16" maxlength="60000" spellcheck="false">\(e(text))</textarea></label>
            <button type="submit" name="action" value="preview">\(say("Xem trước tác động", "Preview the effect"))</button> <button type="submit">\(say("Phát hành", "Publish"))</button></fieldset></form>
            """
    }
}
