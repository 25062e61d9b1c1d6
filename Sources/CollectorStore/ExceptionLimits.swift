public import Foundation
public import HardeningCore

/// What a waiver or an attestation may say, checked before anything is stored. Whoever sends it (a
/// signed-in officer's browser, a script with a stolen session) is not trusted with sizes or shapes.
public enum ExceptionLimits {
    public static let unitBytes = 200
    public static let hostBytes = 100
    public static let nameBytes = 200
    public static let justificationBytes = 2_000
    public static let referenceBytes = 100
    public static let noteBytes = 2_000
    public static let fileNameBytes = 255
    public static let mediaTypeBytes = 100
    /// A scanned decision or minutes of a few pages.
    public static let fileBytes = 10 << 20
    /// Every file a unit keeps, together: attestations are never deleted, so a script with an
    /// officer's session cannot fill the collector's disk with them.
    public static let fileBytesPerUnit = 256 << 20
    /// Waivers, and attestations, a unit keeps (none is deleted, and the lists return them all): far
    /// more than an office records in years, few enough that a list stays a list.
    public static let recordsPerUnit = 10_000
    /// A waiver is reviewed at least this often: an exception for ever is no exception.
    public static let longestWaiver: TimeInterval = 3 * 366 * 86_400
    public static let longestAttestation: TimeInterval = 5 * 366 * 86_400

    /// The request trimmed and checked, or `ExceptionRefusal.invalid` naming the field.
    public static func checked(_ request: WaiverRequest, now: Date) throws -> WaiverRequest {
        var request = request
        request.unit = try text(request.unit, "unit (đơn vị)", max: unitBytes)
        request.host = try optionalText(request.host, "host (máy)", max: hostBytes)
        request.control = try control(request.control)
        request.justification = try text(request.justification, "justification (lý do)", max: justificationBytes, multiline: true)
        request.approvedBy = try text(request.approvedBy, "approvedBy (người phê duyệt)", max: nameBytes)
        guard request.expiresAt.date > now else {
            throw ExceptionRefusal.invalid("ngày hết hạn phải sau hiện tại — expiresAt must be in the future")
        }
        guard request.expiresAt.date <= now.addingTimeInterval(longestWaiver) else {
            throw ExceptionRefusal.invalid("miễn trừ dài nhất 3 năm — expiresAt is at most 3 years from now; record a new waiver when it lapses")
        }
        return request
    }

    public static func checked(_ request: AttestationRequest, now: Date) throws -> AttestationRequest {
        var request = request
        request.unit = try text(request.unit, "unit (đơn vị)", max: unitBytes)
        request.control = try control(request.control)
        guard OrganisationalControl.contains(request.control) else {
            throw ExceptionRefusal.invalid("chỉ xác nhận các biện pháp tổ chức VN-TD-ATT-001…015 — \(request.control) is checked on the PCs, not attested")
        }
        request.reference = try optionalText(request.reference, "reference (số văn bản)", max: referenceBytes)
        request.note = try optionalText(request.note, "note (ghi chú)", max: noteBytes, multiline: true)
        guard request.reference != nil || request.note != nil else {
            throw ExceptionRefusal.invalid("cần số văn bản hoặc ghi chú — give the document number (reference) or a note")
        }
        request.attestedBy = try text(request.attestedBy, "attestedBy (người xác nhận)", max: nameBytes)
        guard let day = Self.day(request.attestedOn) else {
            throw ExceptionRefusal.invalid("ngày xác nhận dạng YYYY-MM-DD — attestedOn is a date such as 2026-11-25")
        }
        // A day ahead of UTC is still today in Việt Nam (UTC+7).
        guard day <= now.addingTimeInterval(86_400) else {
            throw ExceptionRefusal.invalid("ngày xác nhận không thể ở tương lai — attestedOn is not in the future")
        }
        guard request.validUntil.date > now, request.validUntil.date > day else {
            throw ExceptionRefusal.invalid("hiệu lực phải đến sau hôm nay — validUntil must be in the future (an attestation already lapsed is due)")
        }
        guard request.validUntil.date <= now.addingTimeInterval(longestAttestation) else {
            throw ExceptionRefusal.invalid("hiệu lực dài nhất 5 năm — validUntil is at most 5 years from now")
        }
        if var file = request.file {
            file.name = try text(file.name, "file name (tên tệp)", max: fileNameBytes)
            guard !file.name.isEmpty, !file.name.contains("/"), !file.name.contains("\\"), file.name != ".", file.name != ".." else {
                throw ExceptionRefusal.invalid("tên tệp không hợp lệ — the file's name is a plain name without / or \\")
            }
            file.mediaType = file.mediaType.trimmingCharacters(in: .whitespaces).lowercased()
            guard file.mediaType.utf8.count <= mediaTypeBytes, Self.isMediaType(file.mediaType) else {
                throw ExceptionRefusal.invalid("kiểu tệp không hợp lệ — mediaType is a media type such as application/pdf")
            }
            guard !file.data.isEmpty, file.data.count <= fileBytes else {
                throw ExceptionRefusal.invalid("tệp đính kèm từ 1 byte đến 10 MiB — the attached file is 1 byte to 10 MiB (it is \(file.data.count) bytes)")
            }
            request.file = file
        }
        return request
    }

    /// Left out when empty.
    static func optionalText(_ value: String?, _ field: String, max: Int, multiline: Bool = false) throws -> String? {
        guard let value, !value.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { return nil }
        return try text(value, field, max: max, multiline: multiline)
    }

    /// Trimmed and required; no control character
    /// (a line break only where the field is prose), since pages and terminals show it.
    static func text(_ value: String, _ field: String, max: Int, multiline: Bool = false) throws -> String {
        let value = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !value.isEmpty else { throw ExceptionRefusal.invalid("\(field) bắt buộc — \(field) is required") }
        guard value.utf8.count <= max else {
            throw ExceptionRefusal.invalid("\(field) quá dài — \(field) is at most \(max) bytes (it is \(value.utf8.count))")
        }
        let allowed: Set<UInt32> = multiline ? [0x0A, 0x09] : []
        guard !value.unicodeScalars.contains(where: { DisplaySafety.isUnsafe($0) && !allowed.contains($0.value) }) else {
            throw ExceptionRefusal.invalid("\(field) chứa ký tự điều khiển — \(field) has a control character")
        }
        return value
    }

    static func control(_ value: String) throws -> String {
        let value = value.trimmingCharacters(in: .whitespaces)
        guard ControlId.isValid(value) else { throw ExceptionRefusal.invalid("mã biện pháp không hợp lệ — control is an id such as VN-TD-PW-001") }
        return value
    }

    /// `YYYY-MM-DD` as the start of that day (UTC), or nil.
    public static func day(_ text: String) -> Date? {
        let bytes = Array(text.utf8)
        guard bytes.count == 10, bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let date = Timestamp.parse(text + "T00:00:00Z"), Timestamp.format(date).hasPrefix(text) else { return nil }
        return date
    }

    static func isMediaType(_ text: String) -> Bool {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        return parts.count == 2 && parts.allSatisfy { part in
            !part.isEmpty && part.utf8.allSatisfy { ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9")) || "+-.".utf8.contains($0) }
        }
    }
}
