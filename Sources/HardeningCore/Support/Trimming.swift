extension StringProtocol {
    /// Without leading and trailing spaces, tabs and line ends.
    ///
    /// Foundation's `trimmingCharacters(in:)` does this, but in the statically linked agent it brings
    /// ICU (34 MiB) along (packaging/README.md).
    public var trimmed: String { trimmed(" \t\r\n") }

    /// Without leading and trailing bytes from `ascii` (ASCII characters only, so UTF-8 bytes are safe
    /// to compare one by one).
    public func trimmed(_ ascii: String) -> String {
        let drop = Set(ascii.utf8)
        var bytes = Substring(self).utf8[...]
        while let b = bytes.first, drop.contains(b) { bytes.removeFirst() }
        while let b = bytes.last, drop.contains(b) { bytes.removeLast() }
        return String(Substring(bytes))
    }
}
