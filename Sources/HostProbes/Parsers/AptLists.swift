import FoundationEssentials
import HardeningCore

/// The package lists `apt update` leaves in `/var/lib/apt/lists/`: one `…_InRelease` (or `…_Release`)
/// per archive, and the `…_Packages` indexes it signs, named with the same prefix.
///
/// VN-TD-UPD-002 (Điều 10 khoản 5, "cập nhật bản vá") reads them instead of running
/// `apt-get -s dist-upgrade`: the answer is the same for security updates, and reading files works on
/// a mounted image or a fixture as well as on the live host.
enum AptLists {
    /// The header of a Release file: what archive it is and when it was published.
    struct Release: Equatable {
        var origin: String?
        var label: String?
        var suite: String?
        var codename: String?
        /// `Date:`, the time the archive published this state.
        var date: Date?
        /// The line of `Date:`, or of the first field when there is no date.
        var dateLine: Int
        var line: Int

        /// Debian's and Ubuntu's security archives: `Label: Debian-Security`, or a suite such as
        /// `bookworm-security` / `jammy-security`.
        var isSecurity: Bool {
            if label?.lowercased() == "debian-security" { return true }
            return [suite, codename].contains { $0?.lowercased().hasSuffix("-security") == true }
        }

        /// `Debian-Security bookworm-security`, for evidence.
        var name: String {
            [label ?? origin, codename ?? suite].compactMap { $0 }.joined(separator: " ")
        }
    }

    /// The first stanza with archive fields; an `InRelease` file wraps it in an OpenPGP clear
    /// signature (`-----BEGIN PGP SIGNED MESSAGE-----`, `Hash:`), which is skipped.
    static func release(_ text: String) -> Release? {
        let fields: Set<String> = ["origin", "label", "suite", "codename", "date"]
        for stanza in Deb822.parse(text, only: fields.union(["hash"])) {
            guard stanza["Origin"] != nil || stanza["Suite"] != nil || stanza["Codename"] != nil else { continue }
            let dateLine = lineOf("Date", in: text, from: stanza.line) ?? stanza.line
            return Release(
                origin: stanza["Origin"], label: stanza["Label"], suite: stanza["Suite"], codename: stanza["Codename"],
                date: stanza["Date"].flatMap(rfc2822), dateLine: dateLine, line: stanza.line
            )
        }
        return nil
    }

    /// The line number of a field at or after `from` (Deb822 keeps only the stanza's first line).
    static func lineOf(_ field: String, in text: String, from: Int) -> Int? {
        let prefix = field.lowercased() + ":"
        for (index, line) in text.lines.enumerated() where index + 1 >= from {
            if line.isEmpty && index + 1 > from { return nil }
            if line.lowercased().hasPrefix(prefix) { return index + 1 }
        }
        return nil
    }

    /// `Tue, 24 Nov 2026 00:34:33 UTC` (RFC 2822, as apt and dak write it; `+0000` also read).
    static func rfc2822(_ text: String) -> Date? {
        var parts = text.split(separator: " ").map(String.init)
        if parts.first?.hasSuffix(",") == true { parts.removeFirst() }
        guard parts.count >= 4, let day = Int(parts[0]), let year = Int(parts[2]), (1...31).contains(day), (1970...9999).contains(year) else { return nil }
        let months = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
        guard let month = months.firstIndex(of: parts[1].lowercased()) else { return nil }
        let clock = parts[3].split(separator: ":").map { Int($0) }
        guard clock.count == 3, let h = clock[0], let m = clock[1], let s = clock[2], (0...23).contains(h), (0...59).contains(m), (0...60).contains(s) else { return nil }
        var offset = 0
        if parts.count > 4 {
            let zone = parts[4]
            if let sign = zone.first, sign == "+" || sign == "-", zone.count == 5, let hhmm = Int(zone.dropFirst()) {
                offset = (hhmm / 100 * 3600 + hhmm % 100 * 60) * (sign == "-" ? -1 : 1)
            } else if !["UTC", "GMT", "Z", "UT"].contains(zone.uppercased()) {
                return nil
            }
        }
        let days = CivilDate.daysSince1970(year: year, month: month + 1, day: day)
        return Date(timeIntervalSince1970: TimeInterval(days * 86_400 + h * 3600 + m * 60 + s - offset))
    }

    /// The list files of one archive: the Release file's name without `InRelease`/`Release` is the
    /// prefix of its indexes (`deb.debian.org_debian-security_dists_bookworm-security_`).
    static func prefix(ofRelease name: String) -> String? {
        for suffix in ["_InRelease", "_Release"] where name.hasSuffix(suffix) {
            return String(name.dropLast(suffix.count - 1))
        }
        return nil
    }
}

/// Reads a `Packages` index piece by piece, keeping only the stanzas of packages asked for.
///
/// A full Debian index is 50+ MB; this holds one line at a time and hands out
/// (package, version, architecture, line) for the names in `wanted`. Pure: the caller feeds bytes.
struct PackagesIndexScanner {
    struct Entry: Equatable {
        var package: String
        var version: String
        var architecture: String
        var line: Int
    }

    let wanted: Set<String>
    private(set) var entries: [Entry] = []
    private var carry: [UInt8] = []
    private var lineNumber = 0
    private var package: String? = nil
    private var version: String? = nil
    private var architecture: String? = nil
    private var stanzaLine = 0
    /// A line longer than this is cut (descriptions are never needed): bounds memory on bad input.
    static let maxLine = 64 << 10

    init(wanted: Set<String>) { self.wanted = wanted }

    mutating func feed(_ bytes: UnsafeRawBufferPointer) {
        var start = 0
        for i in 0..<bytes.count where bytes[i] == UInt8(ascii: "\n") {
            if carry.isEmpty {
                line(Array(bytes[start..<i]))
            } else {
                carry.append(contentsOf: bytes[start..<min(i, start + max(0, Self.maxLine - carry.count))])
                line(carry)
                carry.removeAll(keepingCapacity: true)
            }
            start = i + 1
        }
        if start < bytes.count, carry.count < Self.maxLine {
            carry.append(contentsOf: bytes[start..<min(bytes.count, start + Self.maxLine - carry.count)])
        }
    }

    mutating func feed(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { feed($0) }
    }

    /// Ends the last stanza; call once after the last piece.
    mutating func finish() {
        if !carry.isEmpty { line(carry); carry.removeAll() }
        endStanza()
    }

    private mutating func line(_ raw: [UInt8]) {
        lineNumber += 1
        var bytes = raw[...]
        if bytes.last == UInt8(ascii: "\r") { bytes = bytes.dropLast() }
        if bytes.allSatisfy({ $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }) { endStanza(); return }
        if bytes.first == UInt8(ascii: " ") || bytes.first == UInt8(ascii: "\t") { return }
        guard let colon = bytes.firstIndex(of: UInt8(ascii: ":")) else { return }
        if package == nil && version == nil && architecture == nil { stanzaLine = lineNumber }
        let name = bytes[..<colon]
        func value() -> String {
            String(decoding: bytes[(colon + 1)...], as: UTF8.self).trimmed(" \t")
        }
        if Self.same(name, "package") { package = value() }
        else if Self.same(name, "version") { version = value() }
        else if Self.same(name, "architecture") { architecture = value() }
    }

    private mutating func endStanza() {
        if let package, let version, wanted.contains(package) {
            entries.append(Entry(package: package, version: version, architecture: architecture ?? "", line: stanzaLine))
        }
        package = nil
        version = nil
        architecture = nil
    }

    /// ASCII case-insensitive field name comparison.
    private static func same(_ bytes: ArraySlice<UInt8>, _ lower: String) -> Bool {
        guard bytes.count == lower.utf8.count else { return false }
        return zip(bytes, lower.utf8).allSatisfy { ($0 | 0x20) == $1 }
    }
}
