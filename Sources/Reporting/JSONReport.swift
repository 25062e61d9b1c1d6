public import FoundationEssentials
public import HardeningCore

/// The machine-readable report (`attt.report.v1`, described by `schemas/report.schema.json`).
public enum JSONReport {
    public static func encode<T: Encodable>(_ value: T) throws -> Data {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        var data = try encoder.encode(value)
        data.append(0x0A)
        return data
    }
}
