import Crypto
public import FoundationEssentials
public import HardeningCore

/// `POST /v1/reports/unchanged` (issue 17 point 3): a run whose results and inventory are the same as
/// those of the report the collector acknowledged last. The PC sends what changes with every run (its
/// id, start, duration, host and policy) and names the report whose content this one repeats; the
/// collector checks that report is still this host's latest and that its content has this digest,
/// and otherwise answers 412 and the PC sends the whole report. Most days a PC's results do not
/// change, so most uploads carry a few hundred bytes instead of tens of kilobytes.
public struct UnchangedReport: Codable, Sendable, Hashable {
    public var schema = "attt.report-unchanged.v1"
    /// The report as it would be sent whole, without its results and inventory.
    public var report: Report
    /// The report the collector acknowledged last, whose results and inventory this run repeats.
    public var sameAs: UUID
    /// ``ReportContent/digest(of:)`` of this run's report (and of `sameAs`'s).
    public var contentDigest: String

    public init(_ report: Report, sameAs: UUID, contentDigest: String) {
        var header = report
        header.results = []
        header.inventory = nil
        self.report = header
        self.sameAs = sameAs
        self.contentDigest = contentDigest
    }
}

/// What a report says about the PC, apart from when and how it was made: its results and its
/// inventory, each encoded as the collector stores them (keys sorted, so equal content has equal
/// bytes). The PC and the collector compute the digest the same way, from this one definition; the
/// collector compares its own, never takes the PC's for its figures.
public enum ReportContent {
    public static let encoder: JSONEncoder = {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        return encoder
    }()

    /// Each result as stored.
    public static func encode(_ results: [ControlResult]) throws -> [Data] {
        try results.map { try encoder.encode($0) }
    }

    /// SHA-256, in hex, of the results array and then the inventory (`null` when there is none).
    public static func digest(results: [Data], inventory: Report.Inventory?) throws -> String {
        var hash = SHA256()
        hash.update(data: Data("[".utf8))
        for (index, result) in results.enumerated() {
            if index > 0 { hash.update(data: Data(",".utf8)) }
            hash.update(data: result)
        }
        hash.update(data: Data("]\n".utf8))
        hash.update(data: try inventory.map { try encoder.encode($0) } ?? Data("null".utf8))
        return hash.finalize().map { byte in
            let hex = Array("0123456789abcdef".utf8)
            return String(decoding: [hex[Int(byte >> 4)], hex[Int(byte & 0xf)]], as: UTF8.self)
        }.joined()
    }

    public static func digest(of report: Report) throws -> String {
        try digest(results: encode(report.results), inventory: report.inventory)
    }
}
