/// Who issues the periodic reports and to whom (collector settings `reports.*`): what the header,
/// the date line, the recipients and the signature block print (Nghị định 30/2020/NĐ-CP Phụ lục I).
public struct ReportSettings: Sendable, Hashable, Codable {
    /// `ỦY BAN NHÂN DÂN XÃ TỨ DÂN`: printed above the issuer; empty prints none.
    public var governingBody = ""
    /// Issuer of the commune's report (Điều 13 khoản 9, Điều 19 khoản 2): the Văn phòng thống kê xã.
    public var issuer = "VĂN PHÒNG THỐNG KÊ XÃ"
    /// The symbol after the number on the commune's report; a unit's report takes `BC`.
    public var symbol = "BC-VPTK"
    /// The place name of the date line (`Tứ Dân`); empty leaves dots for the officer to fill in.
    public var place = ""
    /// Who signs the commune's report.
    public var signerTitle = "CHÁNH VĂN PHÒNG"
    public var signer = ""
    /// Who receives the commune's report (Điều 13 khoản 9: UBND huyện, Sở TT&TT).
    public var recipients = ["Ủy ban nhân dân huyện (để báo cáo)", "Sở Thông tin và Truyền thông (để báo cáo)", "Lưu: VT"]
    /// Who receives a unit's report (Điều 19 khoản 2: the Văn phòng thống kê xã, which compiles them).
    public var unitRecipients = ["Văn phòng thống kê xã (để tổng hợp)", "Lưu: VT"]
    /// Who signs a unit's report: its head (Điều 12).
    public var unitSignerTitle = "THỦ TRƯỞNG ĐƠN VỊ"
    /// Who receives a unit's báo cáo sự cố (Điều 11 khoản 2 điểm b: the body directly above it, the Văn
    /// phòng thống kê xã, the Công an xã; the regulation's other institutions have since been renamed,
    /// so the office sets its own list: collector setting `incidents.recipients`).
    public var incidentRecipients = [
        "Cơ quan cấp trên quản lý trực tiếp (để báo cáo, hỗ trợ)", "Văn phòng thống kê xã (để phối hợp xử lý)", "Công an xã (để phối hợp điều tra)", "Lưu: VT",
    ]

    public init() {}
}
