public import HardeningCore

/// Words the reports use, Vietnamese first.
enum Strings {
    static func status(_ status: ResultStatus, _ l: Language) -> String {
        switch (status, l) {
        case (.pass, .vi): return "ĐẠT"
        case (.fail, .vi): return "KHÔNG ĐẠT"
        case (.notApplicable, .vi): return "KHÔNG ÁP DỤNG"
        case (.error, .vi): return "LỖI"
        case (.manual, .vi): return "CẦN XÁC NHẬN"
        case (.pass, .en): return "PASS"
        case (.fail, .en): return "FAIL"
        case (.notApplicable, .en): return "N/A"
        case (.error, .en): return "ERROR"
        case (.manual, .en): return "MANUAL"
        }
    }

    static func severity(_ s: Severity, _ l: Language) -> String {
        switch (s, l) {
        case (.low, .vi): return "thấp"
        case (.medium, .vi): return "trung bình"
        case (.high, .vi): return "cao"
        case (.critical, .vi): return "nghiêm trọng"
        default: return s.rawValue
        }
    }

    static func text(_ key: Key, _ l: Language) -> String {
        l == .vi ? key.vi : key.en
    }

    struct Key {
        var vi: String
        var en: String
    }

    static let heading = Key(vi: "KẾT QUẢ KIỂM TRA AN TOÀN THÔNG TIN", en: "INFORMATION SECURITY CHECK")
    static let host = Key(vi: "Máy", en: "Host")
    static let system = Key(vi: "Hệ điều hành", en: "System")
    static let policy = Key(vi: "Chính sách", en: "Policy")
    static let bundle = Key(vi: "Danh mục của đơn vị", en: "Unit's catalogues")
    static let bundleRefused = Key(vi: "Danh mục mới bị máy từ chối (vẫn dùng danh mục trên)", en: "Newer catalogues refused by this PC (the ones above still apply)")
    /// `phiên bản 13: lý do; lý do`.
    static func refusalLine(_ refusal: Report.BundleRefusal, _ l: Language) -> String {
        (refusal.version.map { "\(l == .vi ? "phiên bản" : "version") \($0): " } ?? "") + refusal.reasons.joined(separator: "; ")
    }
    static let ignoredTailoring = Key(vi: "Cấu hình tại máy không áp dụng (nới lỏng danh mục của đơn vị)", en: "Local tailoring not applied (it loosens the unit's catalogues)")

    /// `UBND xã Tứ Dân, phiên bản 12 (SHA-256 3f2a…)`: the bundle a report was checked against.
    static func bundleLine(_ bundle: Report.BundleRef, _ l: Language) -> String {
        "\(bundle.unit), \(l == .vi ? "phiên bản" : "version") \(bundle.version) (SHA-256 \(bundle.sha256.prefix(12))…)"
    }
    static let profile = Key(vi: "Mức", en: "Profile")
    static let role = Key(vi: "Vai trò", en: "Role")
    static let time = Key(vi: "Thời điểm", en: "Started")
    static let summary = Key(vi: "Tổng hợp", en: "Summary")
    static let clause = Key(vi: "Căn cứ", en: "Clause")
    static let found = Key(vi: "thực tế", en: "found")
    static let expected = Key(vi: "yêu cầu", en: "expected")
    static let absent = Key(vi: "(không có)", en: "(absent)")
    static let reason = Key(vi: "Lý do", en: "Reason")
    static let fix = Key(vi: "Khắc phục", en: "Fix")
    static let defaultValue = Key(vi: "mặc định", en: "default")
    static let unknownHost = Key(vi: "(không rõ)", en: "(unknown)")
    static let unread = Key(vi: "Không đọc được", en: "Could not read")
    static let statusHeading = Key(vi: "KẾT QUẢ", en: "RESULT")
    static let controlHeading = Key(vi: "BIỆN PHÁP", en: "CONTROL")
    static let severityHeading = Key(vi: "MỨC ĐỘ", en: "SEVERITY")
    static let titleHeading = Key(vi: "NỘI DUNG", en: "TITLE")
    static let severityLabel = Key(vi: "Mức độ", en: "Severity")
    static let total = Key(vi: "biện pháp", en: "controls")
    static let byArea = Key(vi: "Theo lĩnh vực", en: "By area")
    static let byArticle = Key(vi: "Theo điều của Quy định", en: "By article of the regulation")
    static let results = Key(vi: "Kết quả từng biện pháp", en: "Each control")
    static let item = Key(vi: "Nội dung kiểm tra", en: "Checked")
    static let foundHeading = Key(vi: "Thực tế", en: "Found")
    static let expectedHeading = Key(vi: "Yêu cầu", en: "Expected")
    static let `where` = Key(vi: "Đọc từ", en: "Read from")
    static let fixByAttt = Key(vi: "attt khắc phục được", en: "attt can fix it")

    static func areaName(_ area: String, _ l: Language) -> String {
        guard l == .vi else { return area }
        let names = [
            "passwords": "Mật khẩu", "authentication": "Xác thực, đăng nhập", "accounts": "Tài khoản",
            "software": "Phần mềm", "antivirus": "Phòng chống mã độc", "shares": "Chia sẻ dữ liệu",
            "network": "Mạng", "updates": "Cập nhật bản vá", "logs": "Nhật ký",
            "backup": "Sao lưu dữ liệu", "hardware": "Phần cứng", "organisation": "Tổ chức, quản lý",
            "secrets": "Bảo vệ bí mật nhà nước",
            "integrity": "Toàn vẹn hệ thống", "incident": "Xử lý sự cố",
        ]
        return names[area] ?? area
    }

    /// The evaluator's words (`true`, `absent`, `not empty`, …) as a Vietnamese reader says them.
    static let vietnameseWords: [String: String] = [
        "true": "có", "false": "không", "all": "tất cả", "found": "có", "exists": "có", "absent": "không có",
        "empty": "rỗng", "not": "không", "within": "trong vòng", "days:": "ngày:",
    ]

    static func word(_ value: String, _ l: Language) -> String {
        guard l == .vi else { return value }
        return value.split(separator: " ", omittingEmptySubsequences: false)
            .map { vietnameseWords[String($0)] ?? String($0) }
            .joined(separator: " ")
    }

    static func profileName(_ p: Profile, _ l: Language) -> String {
        switch (p, l) {
        case (.regulation, .vi): return "theo Quy định"
        case (.recommended, .vi): return "khuyến nghị"
        default: return p.rawValue
        }
    }

    static func roleName(_ r: Role, _ l: Language) -> String {
        l == .vi ? r.vietnameseName : r.rawValue
    }
}
