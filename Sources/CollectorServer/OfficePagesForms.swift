import CollectorAPI
import CollectorStore
import Foundation
import HardeningCore
import Hummingbird

/// The changes an officer makes from the pages (issue 13 point 7): approve a fix, record a waiver,
/// record an attestation, revoke a PC. Plain HTML forms (no script) posted with the session's
/// anti-forgery field `csrf`, checked by OfficerSessionMiddleware with the Origin; each answers with
/// a redirect back to the page (so Reload does not post twice) or a page saying what to correct.
/// The same rules as the JSON API: the store's own checks, `requireAct` for the unit.
extension OfficePages {
    func addForms(to pages: RouterGroup<CollectorContext>) {
        pages.post("/hosts/:id/jobs") { request, context -> Response in
            let id = try OfficeRoutes.hostId(context)
            let form = try await Self.form(ApprovalForm.self, request, context)
            let controls = form.controls.split(whereSeparator: { $0 == "," || $0 == " " }).map(String.init)
            return try await answer(request, context, back: PageFrame.hostLink(id)) {
                _ = try await routes.collector.approve(ApproveJobRequest(host: id, controls: controls), context: context)
            }
        }
        pages.post("/hosts/:id/revoke") { request, context -> Response in
            let id = try OfficeRoutes.hostId(context)
            _ = try await Self.form(CSRFOnly.self, request, context)
            return try await answer(request, context, back: PageFrame.hostLink(id)) { _ = try await routes.collector.revoke(id, context: context) }
        }
        pages.post("/units/:unit/waivers") { request, context -> Response in
            let unit = try OfficeRoutes.unitName(context.parameters.get("unit") ?? "")
            try context.requireAct(unit: unit)
            let form = try await Self.form(WaiverForm.self, request, context)
            let host = form.host.flatMap { $0.isEmpty ? nil : $0 }
            let back = host.map(PageFrame.hostLink) ?? PageFrame.unitLink(unit)
            return try await answer(request, context, back: back) {
                guard let expires = OfficeDay(form.expires) else {
                    throw ExceptionRefusal.invalid("Ngày hết hạn viết YYYY-MM-DD, ví dụ 2027-06-30. — Write the expiry as YYYY-MM-DD, such as 2027-06-30.")
                }
                let request = WaiverRequest(unit: unit, host: host, control: form.control, justification: form.justification,
                                            approvedBy: form.approvedBy, expiresAt: Timestamp(expires.end))
                let (store, officer) = (routes.store, ExceptionRoutes.acting(context))
                _ = try await routes.database.run { try store.recordWaiver(request, by: officer, now: Date()) }
            }
        }
        pages.post("/units/:unit/attestations") { request, context -> Response in
            let unit = try OfficeRoutes.unitName(context.parameters.get("unit") ?? "")
            try context.requireAct(unit: unit)
            let (form, file) = try await Self.attestationForm(request, context)
            return try await answer(request, context, back: PageFrame.unitLink(unit)) {
                guard let valid = OfficeDay(form.validUntil) else {
                    throw ExceptionRefusal.invalid("Hiệu lực đến ngày viết YYYY-MM-DD. — Write valid-until as YYYY-MM-DD.")
                }
                let request = AttestationRequest(unit: unit, control: form.control, attestedOn: form.attestedOn, reference: form.reference.flatMap { $0.isEmpty ? nil : $0 },
                                                 note: form.note.flatMap { $0.isEmpty ? nil : $0 }, attestedBy: form.attestedBy, validUntil: Timestamp(valid.end), file: file)
                let (store, officer) = (routes.store, ExceptionRoutes.acting(context))
                _ = try await routes.database.run { try store.recordAttestation(request, by: officer, now: Date()) }
            }
        }
    }

    /// Runs the change; a refusal the officer can correct comes back as a page saying what to do.
    func answer(_ request: Request, _ context: CollectorContext, back: String, _ change: () async throws -> Void) async throws -> Response {
        // The language link of a refusal leads back to the form's page, not to the POST.
        var frame = PageFrame(request, context)
        frame.here = back
        do {
            try await change()
            return .redirect(to: back, type: .normal)
        } catch let refusal as ExceptionRefusal {
            let status: HTTPResponse.Status
            let message: String
            switch refusal {
            case .invalid(let text): (status, message) = (.badRequest, text)
            case .notFound(let text): (status, message) = (.notFound, text)
            case .conflict(let text): (status, message) = (.conflict, text)
            }
            return WebPages.html(frame.refusal(message, back: back), status: status)
        } catch let error as HTTPError where error.status == .badRequest || error.status == .notFound {
            return WebPages.html(frame.refusal(error.body ?? "", back: back), status: error.status)
        }
    }

    static func form<T: Decodable>(_ type: T.Type, _ request: Request, _ context: CollectorContext) async throws -> T {
        let text = String(buffer: try await request.body.collect(upTo: context.maxUploadSize))
        do {
            return try URLEncodedFormDecoder().decode(type, from: text)
        } catch {
            throw HTTPError(.badRequest, message: "Thiếu trường bắt buộc trong biểu mẫu; hãy điền đủ rồi gửi lại. — A required field is missing: fill the form in and send it again.")
        }
    }

    struct CSRFOnly: Decodable { var csrf: String }

    struct ApprovalForm: Decodable {
        var controls: String
    }

    struct WaiverForm: Decodable {
        var control: String
        var host: String?
        var justification: String
        var approvedBy: String
        var expires: String
    }

    struct AttestationForm: Decodable {
        var control: String
        var attestedOn: String
        var reference: String?
        var note: String?
        var attestedBy: String
        var validUntil: String
    }
}

/// The forms, rendered on the host's and the unit's pages for whoever may act on the unit.
extension PageFrame {
    func refusal(_ message: String, back: String, title: String? = nil) -> String {
        let heading = title ?? say("Chưa ghi được", "Not recorded")
        return document(title: heading, crumbs: [(say("Xã", "Commune"), "/")], body: """
            <h1>\(e(heading))</h1><p class="message" role="alert">\(e(message))</p>
            <p><a href="\(e(back))">\(say("Quay lại", "Back"))</a></p>
            """)
    }

    func csrfField() -> String { "<input type=\"hidden\" name=\"csrf\" value=\"\(e(csrf))\">" }

    func approvalForm(host: HostView) -> String {
        let fixable = host.controls.filter { $0.fixable && $0.status == "fail" }.map(\.control)
        return """
            <form class="change" method="post" action="\(e(Self.hostLink(host.host.id)))/jobs"><fieldset><legend>\(say("Duyệt khắc phục", "Approve a fix"))</legend>\(csrfField())
            <label>\(say("Biện pháp (cách nhau bằng dấu phẩy)", "Controls (separated by commas)")) <input name="controls" required maxlength="1000" value="\(e(fixable.joined(separator: ",")))"></label>
            <button type="submit">\(say("Duyệt", "Approve"))</button></fieldset></form>
            """
    }

    func waiverForm(unit: String, host: String?, controls: [String]) -> String {
        let options = controls.map { "<option>\(e($0))</option>" }.joined()
        let action = Self.unitLink(unit) + "/waivers"
        return """
            <form class="change" method="post" action="\(e(action))"><fieldset><legend>\(host == nil ? say("Miễn trừ cho cả đơn vị", "Waiver for the whole unit") : say("Miễn trừ cho máy này", "Waiver for this PC"))</legend>\(csrfField())
            \(host.map { "<input type=\"hidden\" name=\"host\" value=\"\(e($0))\">" } ?? "")
            <label>\(say("Biện pháp", "Control")) <select name="control" required>\(options)</select></label>
            <label>\(say("Lý do", "Justification")) <textarea name="justification" required maxlength="2000" rows="2"></textarea></label>
            <label>\(say("Người phê duyệt", "Approved by")) <input name="approvedBy" required maxlength="200"></label>
            <label>\(say("Hết hạn ngày (YYYY-MM-DD)", "Expires on (YYYY-MM-DD)")) <input name="expires" type="date" required></label>
            <button type="submit">\(say("Ghi miễn trừ", "Record the waiver"))</button></fieldset></form>
            """
    }

    func attestationForm(unit: String, states: [AttestationState]) -> String {
        let options = states.map { "<option>\(e($0.control))</option>" }.joined()
        return """
            <form class="change" method="post" action="\(e(Self.unitLink(unit)))/attestations" enctype="multipart/form-data"><fieldset><legend>\(say("Ghi xác nhận biện pháp tổ chức", "Record an attestation"))</legend>\(csrfField())
            <label>\(say("Biện pháp", "Control")) <select name="control" required>\(options)</select></label>
            <label>\(say("Ngày xác nhận", "Attested on")) <input name="attestedOn" type="date" required></label>
            <label>\(say("Số văn bản", "Document number")) <input name="reference" maxlength="100"></label>
            <label>\(say("Ghi chú", "Note")) <input name="note" maxlength="2000"></label>
            <label>\(say("Người xác nhận", "Attested by")) <input name="attestedBy" required maxlength="200"></label>
            <label>\(say("Hiệu lực đến ngày", "Valid until")) <input name="validUntil" type="date" required></label>
            <label>\(say("Tệp đính kèm (quyết định, biên bản; PDF, ảnh, ODT, DOCX; tối đa 10 MiB)", "Attached file (decision, minutes; PDF, image, ODT, DOCX; at most 10 MiB)")) <input name="file" type="file" accept=".pdf,.png,.jpg,.jpeg,.odt,.docx,application/pdf,image/png,image/jpeg"></label>
            <button type="submit">\(say("Ghi xác nhận", "Record the attestation"))</button></fieldset></form>
            """
    }

    func revokeForm(host: HostRow) -> String {
        guard host.state != .revoked else { return "" }
        return """
            <form class="change" method="post" action="\(e(Self.hostLink(host.id)))/revoke"><fieldset><legend>\(say("Thu hồi máy", "Revoke this PC"))</legend>\(csrfField())
            <p>\(say("Chứng thư của máy bị thu hồi: máy không gửi báo cáo được nữa cho đến khi đăng ký lại.", "The PC's certificate is revoked: it can no longer report until enrolled again."))</p>
            <button type="submit">\(say("Thu hồi", "Revoke"))</button></fieldset></form>
            """
    }
}
