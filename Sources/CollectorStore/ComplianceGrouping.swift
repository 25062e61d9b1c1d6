public import HardeningCore

/// How the office groups compliance: per control, per area of the catalogue, per article of the
/// regulation (the pages of issue 13 and the reports of issue 14 group the same way).
public enum ComplianceGrouping: String, Sendable, Codable, CaseIterable {
    case control, area, article

    public func keys(_ control: String, _ info: ControlInfo?) -> [String] {
        switch self {
        case .control: return [control]
        case .area: return [info?.area ?? "?"]
        // A control answering two articles counts under each.
        case .article: return info?.articles.isEmpty == false ? info!.articles : ["?"]
        }
    }

    public func label(_ key: String, _ info: ControlInfo?) -> LocalizedText {
        switch self {
        case .control: return info?.title ?? LocalizedText(vi: key, en: key)
        case .area: return LocalizedText(vi: key, en: key)
        case .article: return Article(key).name
        }
    }

    /// Articles in the regulation's order (D6A, D6B, D7 … D14), the rest by name.
    public func order(_ a: String, _ b: String) -> Bool {
        guard self == .article else { return a < b }
        return Article(a).sortKey < Article(b).sortKey
    }
}

/// An article (Điều) of the regulation as data writes it: `D7`, `D6A`. The text has two articles
/// numbered 6 (CONTROLS.md): 6A "Điều kiện bảo đảm", 6B "Trang thiết bị".
public struct Article: Sendable, Codable, Hashable {
    public var id: String
    public var name: LocalizedText

    public init(_ id: String) {
        self.id = id
        switch id {
        case "D6A": name = LocalizedText(vi: "Điều 6 (Điều kiện bảo đảm)", en: "Article 6 (Conditions)")
        case "D6B": name = LocalizedText(vi: "Điều 6 (Trang thiết bị)", en: "Article 6 (Equipment)")
        default:
            let number = id.dropFirst()
            name = id.hasPrefix("D") && !number.isEmpty ? LocalizedText(vi: "Điều \(number)", en: "Article \(number)") : LocalizedText(vi: id, en: id)
        }
    }

    public var sortKey: (Int, String) {
        let digits = id.dropFirst().prefix { $0.isNumber }
        return (Int(digits) ?? Int.max, id)
    }
}
