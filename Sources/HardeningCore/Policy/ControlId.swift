/// `VN-TD-AREA-NNN`: an area in upper-case letters and three digits (`VN-TD-PW-001`,
/// `VN-TD-ATT-015`). Ids are stable and never renumbered, so the policy loader refuses any other
/// form at load, and the collector refuses any other from a host: never stored or shown.
public enum ControlId {
    /// Checked by hand on the bytes: a regular expression would load ICU for one test.
    public static func isValid(_ id: String) -> Bool {
        guard id.hasPrefix("VN-TD-"), id.utf8.count <= 32 else { return false }
        let parts = id.utf8.dropFirst(6).split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
        guard parts.count == 2 else { return false }
        return !parts[0].isEmpty && parts[0].allSatisfy { $0 >= UInt8(ascii: "A") && $0 <= UInt8(ascii: "Z") }
            && parts[1].count == 3 && parts[1].allSatisfy { $0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9") }
    }
}
