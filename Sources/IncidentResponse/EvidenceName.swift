/// The name a host file gets on the evidence disk. Officers' USB disks are FAT32 or exFAT, which refuse
/// `"*:<>?\|`, control characters and names ending in a dot or a space; Linux file names may hold any
/// byte but `/` and NUL (a newline included). Such bytes are percent-encoded (`%` itself too, so the
/// name decodes back), and the source path is kept exactly in `files.jsonl`.
enum EvidenceName {
    /// `var/log/a:b` → `var/log/a%3Ab`: each component of the host path encoded, joined by `/`.
    static func encode(hostPath: String) -> String {
        hostPath.split(separator: "/", omittingEmptySubsequences: true).map { component(String($0)) }.joined(separator: "/")
    }

    static func component(_ name: String) -> String {
        if name == "." || name == ".." { return String(repeating: "%2E", count: name.count) }
        var out = ""
        let bytes = Array(name.utf8)
        for (index, byte) in bytes.enumerated() {
            let last = index == bytes.count - 1
            let unsafe = byte < 0x20 || byte == 0x7F || "\"*:<>?\\|%".utf8.contains(byte) || (last && (byte == 0x2E || byte == 0x20))
            if unsafe {
                out += "%" + String(byte, radix: 16, uppercase: true).leftPadded(2)
            } else {
                out.unicodeScalars.append(Unicode.Scalar(byte))
            }
        }
        // Bytes ≥ 0x80 were appended one by one as Latin-1 above; redo them as the UTF-8 they are.
        return Self.reassemble(out)
    }

    /// The encoded name with its non-ASCII bytes put back together as UTF-8; invalid UTF-8 (a
    /// Latin-1 name on a Linux disk) is percent-encoded instead, since FAT stores UTF-16.
    private static func reassemble(_ latin: String) -> String {
        let raw = latin.unicodeScalars.map { UInt8(truncatingIfNeeded: $0.value) }
        let text = String(decoding: raw, as: UTF8.self)
        if Array(text.utf8) == raw { return text }
        return raw.map { $0 >= 0x80 ? "%" + String($0, radix: 16, uppercase: true) : String(Unicode.Scalar($0)) }.joined()
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { String(repeating: "0", count: Swift.max(0, width - count)) + self }
}
