import CollectorAPI
import Foundation
import HardeningCore

/// A report as JSON, each result encoded once: the history compares results by their bytes and the
/// whole body is those bytes put together, so ingest encodes a report once, not twice (encoding is
/// most of an ingest's time: benchmarks/README.md, history storage).
struct EncodedReport {
    /// Each result, keys sorted, so equal results have equal bytes.
    var results: [Data]
    /// The whole report, the same JSON as JSONEncoder gives with sorted keys.
    var body: Data
    /// ``ReportContent/digest(results:inventory:)``: what a later unchanged report names.
    var contentDigest: String

    init(_ report: Report) throws {
        let encoder = ReportContent.encoder
        results = try ReportContent.encode(report.results)
        contentDigest = try ReportContent.digest(results: results, inventory: report.inventory)
        var header = report
        header.results = []
        let head = try encoder.encode(header)
        // Outside strings, `"results":[]` can only be that key: a quote inside a string is escaped.
        let empty = Data(#""results":[]"#.utf8)
        guard let range = head.firstRange(of: empty) else { throw EncodingError.invalidValue(report, .init(codingPath: [], debugDescription: "no results key")) }
        var body = Data(head[..<range.lowerBound])
        body.reserveCapacity(head.count + results.reduce(0) { $0 + $1.count + 1 })
        body.append(contentsOf: #""results":["#.utf8)
        for (index, result) in results.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body.append(result)
        }
        body.append(UInt8(ascii: "]"))
        body.append(head[range.upperBound...])
        self.body = body
    }
}
