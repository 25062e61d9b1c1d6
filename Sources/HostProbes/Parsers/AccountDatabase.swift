import HardeningCore

/// `/etc/passwd`, `/etc/shadow` and `/etc/group` entries. Malformed lines are skipped and reported,
/// as the C library skips them.
package enum AccountDatabase {
    package struct PasswdEntry { package var name: String; package var uid: Int; package var gid: Int; package var home: String; package var shell: String; package var line: Int }
    struct ShadowEntry { var name: String; var password: String; var lastChange: Int?; var min: Int?; var max: Int?; var warn: Int?; var inactive: Int?; var expire: Int?; var line: Int }
    struct GroupEntryRaw { var name: String; var gid: Int; var members: [String]; var line: Int }

    static func rows(_ text: String) -> [(Int, [String])] {
        var rows: [(Int, [String])] = []
        for (i, line) in text.lines.enumerated() {
            if line.isEmpty || line.hasPrefix("#") || line.hasPrefix("+") || line.hasPrefix("-") { continue }
            rows.append((i + 1, line.split(separator: ":", omittingEmptySubsequences: false).map(String.init)))
        }
        return rows
    }

    package static func passwd(_ text: String) -> (entries: [PasswdEntry], malformed: [Int]) {
        var entries: [PasswdEntry] = [], malformed: [Int] = []
        for (line, f) in rows(text) {
            guard f.count == 7, !f[0].isEmpty, let uid = Int(f[2]), let gid = Int(f[3]), uid >= 0 else { malformed.append(line); continue }
            entries.append(PasswdEntry(name: f[0], uid: uid, gid: gid, home: f[5], shell: f[6], line: line))
        }
        return (entries, malformed)
    }

    static func shadow(_ text: String) -> (entries: [ShadowEntry], malformed: [Int]) {
        var entries: [ShadowEntry] = [], malformed: [Int] = []
        for (line, f) in rows(text) {
            guard f.count >= 2, !f[0].isEmpty else { malformed.append(line); continue }
            func n(_ i: Int) -> Int? { i < f.count ? Int(f[i]) : nil }
            entries.append(ShadowEntry(name: f[0], password: f[1], lastChange: n(2), min: n(3), max: n(4), warn: n(5), inactive: n(6), expire: n(7), line: line))
        }
        return (entries, malformed)
    }

    static func group(_ text: String) -> (entries: [GroupEntryRaw], malformed: [Int]) {
        var entries: [GroupEntryRaw] = [], malformed: [Int] = []
        for (line, f) in rows(text) {
            guard f.count == 4, !f[0].isEmpty, let gid = Int(f[2]) else { malformed.append(line); continue }
            let members = f[3].split(separator: ",").map { String($0).trimmed }.filter { !$0.isEmpty }
            entries.append(GroupEntryRaw(name: f[0], gid: gid, members: members, line: line))
        }
        return (entries, malformed)
    }

    /// What a shadow password field says, never the hash itself.
    static func classify(_ field: String) -> (state: PasswordState, scheme: String?, weak: Bool) {
        if field.isEmpty { return (.empty, nil, false) }
        var hash = Substring(field)
        var locked = false
        while hash.first == "!" { hash = hash.dropFirst(); locked = true }
        if hash.isEmpty || hash == "*" || hash.hasPrefix("*") { return (.disabled, nil, false) }
        let scheme = scheme(of: hash)
        guard let scheme else { return (locked ? .locked : .disabled, nil, false) }
        let weak = scheme == "md5" || scheme == "des" || scheme == "bsdi-des"
        return (locked ? .locked : .hashed, scheme, weak)
    }

    /// crypt(5) prefixes.
    static func scheme(of hash: Substring) -> String? {
        let prefixes: [(String, String)] = [
            ("$y$", "yescrypt"), ("$gy$", "gost-yescrypt"), ("$7$", "scrypt"), ("$2b$", "bcrypt"), ("$2a$", "bcrypt"),
            ("$2y$", "bcrypt"), ("$6$", "sha512"), ("$5$", "sha256"), ("$1$", "md5"), ("$md5", "sun-md5"), ("$sha1$", "sha1"), ("_", "bsdi-des"),
        ]
        for (prefix, name) in prefixes where hash.hasPrefix(prefix) { return name }
        // Traditional DES: 13 characters from [./0-9A-Za-z].
        if hash.count == 13, hash.allSatisfy({ $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "." || $0 == "/") }) { return "des" }
        return nil
    }
}
