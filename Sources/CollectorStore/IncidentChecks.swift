public import Foundation
public import HardeningCore

/// What an officer may record in the incident register, checked before anything is stored; the refusal
/// names the field in Vietnamese and English.
public enum IncidentChecks {
    public static func checked(_ request: IncidentRequest, now: Date) throws -> IncidentRequest {
        var request = request
        request.unit = try ExceptionLimits.text(request.unit, "unit (đơn vị)", max: ExceptionLimits.unitBytes)
        request.title = try ExceptionLimits.text(request.title, "title (tên sự cố)", max: IncidentLimits.titleBytes)
        request.detectedBy = try ExceptionLimits.text(request.detectedBy, "detectedBy (người phát hiện)", max: IncidentLimits.nameBytes)
        request.affectedSystem = try ExceptionLimits.optionalText(request.affectedSystem, "affectedSystem (hệ thống bị ảnh hưởng)", max: IncidentLimits.titleBytes)
        try notFuture(request.detectedAt, "detectedAt (thời điểm phát hiện)", now: now)
        request.signs = try signs(request.signs)
        request.hosts = Array(Set(request.hosts.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty })).sorted()
        guard request.hosts.count <= IncidentLimits.hostsPerIncident, request.hosts.allSatisfy({ $0.utf8.count <= ExceptionLimits.hostBytes }) else {
            throw ExceptionRefusal.invalid("hosts (máy bị ảnh hưởng): tối đa \(IncidentLimits.hostsPerIncident) mã máy — at most \(IncidentLimits.hostsPerIncident) host ids")
        }
        return request
    }

    public static func checked(_ change: IncidentChange, now: Date) throws -> IncidentChange {
        var change = change
        if let title = change.title { change.title = try ExceptionLimits.text(title, "title (tên sự cố)", max: IncidentLimits.titleBytes) }
        change.affectedSystem = try ExceptionLimits.optionalText(change.affectedSystem, "affectedSystem (hệ thống bị ảnh hưởng)", max: IncidentLimits.titleBytes)
        change.cause = try ExceptionLimits.optionalText(change.cause, "cause (nguyên nhân)", max: IncidentLimits.textBytes, multiline: true)
        change.result = try ExceptionLimits.optionalText(change.result, "result (kết quả khắc phục)", max: IncidentLimits.textBytes, multiline: true)
        change.headName = try ExceptionLimits.optionalText(change.headName, "headName (thủ trưởng)", max: IncidentLimits.nameBytes)
        if let signs = change.signs { change.signs = try self.signs(signs) }
        if let at = change.beyondCapacityAt { try notFuture(at, "beyondCapacityAt (thời điểm vượt khả năng xử lý)", now: now) }
        if let at = change.reportedToHeadAt { try notFuture(at, "reportedToHeadAt (thời điểm báo cáo Thủ trưởng)", now: now) }
        guard change != IncidentChange() else {
            throw ExceptionRefusal.invalid("không có gì thay đổi — give at least one field to change")
        }
        return change
    }

    public static func checked(_ request: EscalationRequest, now: Date) throws -> EscalationRequest {
        var request = request
        request.recipient = try ExceptionLimits.text(request.recipient, "recipient (nơi nhận)", max: IncidentLimits.nameBytes)
        request.means = try ExceptionLimits.text(request.means, "means (hình thức)", max: ExceptionLimits.referenceBytes)
        request.reference = try ExceptionLimits.optionalText(request.reference, "reference (số văn bản)", max: ExceptionLimits.referenceBytes)
        request.note = try ExceptionLimits.optionalText(request.note, "note (ghi chú)", max: ExceptionLimits.noteBytes, multiline: true)
        try notFuture(request.sentAt, "sentAt (thời điểm gửi)", now: now)
        return request
    }

    static func signs(_ signs: [IncidentSign]) throws -> [IncidentSign] {
        let set = Set(signs)
        guard !set.isEmpty else {
            throw ExceptionRefusal.invalid("signs (dấu hiệu) bắt buộc: chọn ít nhất một dấu hiệu — choose at least one sign (Điều 11 khoản 2 điểm a)")
        }
        return IncidentSign.allCases.filter(set.contains)
    }

    /// A few minutes of clock difference between the officer's browser and the collector are allowed.
    static func notFuture(_ at: Timestamp, _ field: String, now: Date) throws {
        guard at.date <= now.addingTimeInterval(600) else {
            throw ExceptionRefusal.invalid("\(field) không thể ở tương lai — \(field) is not in the future")
        }
    }
}
