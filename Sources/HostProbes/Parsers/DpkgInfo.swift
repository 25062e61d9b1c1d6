import HardeningCore

/// dpkg's own records of what a package installed: `/var/lib/dpkg/info/<pkg>.md5sums` and the
/// `Conffiles:` and `Status:` fields of `/var/lib/dpkg/status` (what `dpkg --verify` and
/// `dpkg --audit` read).
enum DpkgInfo {
    struct Sum: Equatable {
        /// Absolute host path (`/usr/bin/login`).
        var path: String
        /// Lower-case hex MD5.
        var md5: String
        var line: Int
    }

    struct Problem: Equatable {
        var line: Int
        var reason: String
    }

    /// `946f50ac4a056accd0cb1f8fd975b88c  bin/login` (paths relative to `/`). A line that is not a
    /// 32-digit hex sum, spaces and a path is a problem, not a crash; so is a path with `..`.
    static func md5sums(_ text: String) -> (sums: [Sum], problems: [Problem]) {
        var sums: [Sum] = [], problems: [Problem] = []
        for (index, line) in text.lines.enumerated() where !line.trimmed.isEmpty {
            let hex = line.utf8.prefix(32)
            let rest = line.utf8.dropFirst(32)
            guard hex.count == 32, hex.allSatisfy(isHex), rest.first == UInt8(ascii: " ") else {
                problems.append(Problem(line: index + 1, reason: "not an MD5 sum and a path"))
                continue
            }
            let relative = String(decoding: rest.drop { $0 == UInt8(ascii: " ") }, as: UTF8.self)
            guard !relative.isEmpty, !relative.split(separator: "/").contains("..") else {
                problems.append(Problem(line: index + 1, reason: "no path, or a path that leaves the root"))
                continue
            }
            sums.append(Sum(path: "/" + relative.drop { $0 == "/" }, md5: String(decoding: hex, as: UTF8.self).lowercased(), line: index + 1))
        }
        return (sums, problems)
    }

    static func isHex(_ b: UInt8) -> Bool {
        (b >= 48 && b <= 57) || (b >= 97 && b <= 102) || (b >= 65 && b <= 70)
    }

    struct PackageRecord: Equatable {
        var name: String
        var architecture: String?
        /// The three words of `Status:` (want, flag, state).
        var status: [String]
        var statusLine: Int
        var conffiles: [Sum]
    }

    /// Every stanza's name, architecture, status and conffiles (`Conffiles:` continuation lines
    /// ` /etc/login.defs f43a7b1e… [obsolete]`, which the general Deb822 reader drops), with lines.
    static func status(_ text: String) -> [PackageRecord] {
        var records: [PackageRecord] = []
        let empty = PackageRecord(name: "", architecture: nil, status: [], statusLine: 0, conffiles: [])
        var current = empty
        var inConffiles = false
        for (index, line) in text.lines.enumerated() {
            if line.trimmed.isEmpty {
                if !current.name.isEmpty { records.append(current) }
                current = empty
                inConffiles = false
                continue
            }
            if line.first == " " || line.first == "\t" {
                guard inConffiles else { continue }
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
                if words.count >= 2, words[0].hasPrefix("/"), words[1].utf8.count == 32, words[1].utf8.allSatisfy(isHex) {
                    // `obsolete` conffiles are no longer shipped: nothing to compare.
                    if words.dropFirst(2).contains("obsolete") { continue }
                    current.conffiles.append(Sum(path: String(words[0]), md5: words[1].lowercased(), line: index + 1))
                }
                continue
            }
            inConffiles = false
            guard let colon = line.firstIndex(of: ":") else { continue }
            let field = line[..<colon].lowercased()
            let value = line[line.index(after: colon)...].trimmed
            switch field {
            case "package": current.name = value
            case "architecture": current.architecture = value
            case "status": current.status = value.split(separator: " ").map(String.init); current.statusLine = index + 1
            case "conffiles": inConffiles = true
            default: break
            }
        }
        if !current.name.isEmpty { records.append(current) }
        return records
    }
}
