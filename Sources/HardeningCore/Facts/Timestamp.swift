public import FoundationEssentials

/// A point in time in facts and reports, always written as an ISO 8601 UTC string.
public struct Timestamp: Codable, Sendable, Hashable, Comparable, CustomStringConvertible {
    public var date: Date

    public init(_ date: Date) { self.date = date }
    public init(secondsSince1970: Int) { self.date = Date(timeIntervalSince1970: TimeInterval(secondsSince1970)) }

    /// Days since 1970-01-01, as `/etc/shadow` counts them.
    public init(daysSince1970: Int) { self.init(secondsSince1970: daysSince1970 * 86_400) }

    public static func < (a: Timestamp, b: Timestamp) -> Bool { a.date < b.date }

    public var description: String { Timestamp.format(date) }

    public static func format(_ date: Date) -> String {
        date.formatted(.iso8601.year().month().day().dateSeparator(.dash).time(includingFractionalSeconds: false).timeSeparator(.colon).timeZone(separator: .omitted))
    }

    public static func parse(_ text: String) -> Date? {
        try? Date(text, strategy: .iso8601)
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        guard let date = Timestamp.parse(text) else {
            throw DecodingError.dataCorrupted(.init(codingPath: decoder.codingPath, debugDescription: "not an ISO 8601 time: \(text)"))
        }
        self.date = date
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}
