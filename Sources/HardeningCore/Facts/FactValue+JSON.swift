public import FoundationEssentials

/// JSON documents as ``FactValue``s (browser policy files), with FoundationEssentials' JSONDecoder
/// and JSONEncoder (JSONSerialization is not part of it). Whole numbers stay whole.
extension FactValue {
    public static func decode(json text: String) throws -> FactValue {
        try JSONDecoder().decode(FactValue.self, from: Data(text.utf8))
    }

    /// Pretty-printed with sorted keys, ending in a newline, as a person would write a policy file.
    public func encodedJSON() throws -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]
        return String(decoding: try encoder.encode(self), as: UTF8.self) + "\n"
    }
}
