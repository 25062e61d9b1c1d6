import HardeningCore

/// Audit rules as `auditctl -R` reads them (auditctl(8), audit 3.0): one rule a line, `#` comments.
///
/// Watches come in two spellings, both kept: `-w PATH [-p rwxa] [-k KEY]` and
/// `-a always,exit [-F arch=…] -F path=PATH|dir=PATH -F perm=rwxa [-F key=KEY | -k KEY]`.
/// `-a never,…` rules record nothing; other filters (`task`, `user`, `exclude`) hold no watches.
/// `-D` deletes the rules before it, `-e N` sets the enabled flag; `-b`, `-f` and other control
/// options are accepted and ignored here.
///
/// `augenrules` merges `/etc/audit/rules.d/*.rules` in `ls -v` order, moving the last `-D` to the top
/// and the last `-e` to the end (``mergingAsAugenrules``); `/etc/audit/audit.rules` is read in order.
struct AuditRules {
    var watches: [AuditWatch] = []
    /// The last `-e` (0, 1 or 2) and its line.
    var enabled: Sourced<Int>? = nil
    /// Lines auditctl would refuse, as `path:line: reason`.
    var problems: [String] = []

    /// Reads one file. With `augenrules`, `-D` does not delete what came before (augenrules moves it
    /// to the top of the merged file).
    mutating func read(_ text: String, path: String, augenrules: Bool = false) {
        for line in ConfigLines.meaningful(text) {
            let words = line.text.fields
            let source = SourceLocation(path: path, line: line.number)
            switch words.first {
            case "-D"?:
                // `-D` alone deletes every rule; `-D -k KEY` only some, which cannot remove a watch here.
                if words.count == 1, !augenrules { watches.removeAll() }
            case "-e"?:
                guard words.count >= 2, let value = Int(words[1]), (0...2).contains(value) else {
                    problems.append("\(source): -e takes 0, 1 or 2")
                    continue
                }
                enabled = Sourced(value, source)
            case "-w"?:
                readWatch(words, source)
            case "-a"?, "-A"?:
                readRule(words, source)
            case let option? where option.hasPrefix("-"):
                continue  // -b, -f, -r, --backlog_wait_time, -i, -c, --loginuid-immutable, -W, -d …
            default:
                problems.append("\(source): not an auditctl option: \(words.first ?? "")")
            }
        }
    }

    /// `-w /etc/passwd -p wa -k identity`.
    mutating func readWatch(_ words: [String], _ source: SourceLocation) {
        guard words.count >= 2 else {
            problems.append("\(source): -w without a path")
            return
        }
        var permissions: [String] = []
        var keys: [String] = []
        var i = 2
        while i < words.count {
            let option = words[i]
            let value = i + 1 < words.count ? words[i + 1] : nil
            switch option {
            case "-p":
                guard let value, let letters = Self.permissions(value) else {
                    problems.append("\(source): -p takes letters from rwxa")
                    return
                }
                permissions = letters
            case "-k":
                guard let value else {
                    problems.append("\(source): -k without a key")
                    return
                }
                keys.append(value)
            default:
                i += 1
                continue
            }
            i += 2
        }
        watches.append(AuditWatch(path: Self.normalize(words[1]), permissions: permissions.isEmpty ? ["r", "w", "x", "a"] : permissions, keys: keys, source: source))
    }

    /// `-a always,exit -F arch=b64 -F path=/etc/shadow -F perm=wa -F key=identity` (either order of
    /// action and list, as auditctl allows).
    mutating func readRule(_ words: [String], _ source: SourceLocation) {
        guard words.count >= 2 else {
            problems.append("\(source): -a without action,list")
            return
        }
        let parts = Set(words[1].split(separator: ",").map { $0.lowercased() })
        guard parts.count == 2, parts.contains("exit") || parts.contains("always") || parts.contains("never") else {
            if !parts.contains("task"), !parts.contains("user"), !parts.contains("exclude"), !parts.contains("filesystem"), !parts.contains("io_uring") {
                problems.append("\(source): unknown action,list \(words[1])")
            }
            return
        }
        guard parts == ["always", "exit"] else { return }
        var path: String? = nil
        var permissions: [String] = []
        var keys: [String] = []
        var i = 2
        while i < words.count {
            let option = words[i]
            let value = i + 1 < words.count ? words[i + 1] : ""
            if option == "-k" {
                if !value.isEmpty { keys.append(value) }
            } else if option == "-F", let eq = value.firstIndex(of: "=") {
                let name = String(value[..<eq]), operand = String(value[value.index(after: eq)...])
                switch name {
                case "path", "dir": path = Self.normalize(operand)
                case "perm":
                    guard let letters = Self.permissions(operand) else {
                        problems.append("\(source): perm takes letters from rwxa")
                        return
                    }
                    permissions = letters
                case "key": keys.append(operand)
                default: break
                }
            } else {
                i += 1
                continue
            }
            i += 2
        }
        // A path rule without perm= records every access to it, as a watch without -p does.
        guard let path else { return }
        watches.append(AuditWatch(path: path, permissions: permissions.isEmpty ? ["r", "w", "x", "a"] : permissions, keys: keys, source: source))
    }

    static func permissions(_ text: String) -> [String]? {
        guard !text.isEmpty, text.allSatisfy({ "rwxa".contains($0) }) else { return nil }
        return ["r", "w", "x", "a"].filter { text.contains($0) }
    }

    /// `/etc/sudoers.d/` → `/etc/sudoers.d`: auditctl drops a trailing slash too.
    static func normalize(_ path: String) -> String {
        var p = path
        while p.count > 1, p.hasSuffix("/") { p.removeLast() }
        return p
    }

    /// Names as augenrules orders them: `ls -1v`, so `9-a.rules` comes before `10-b.rules`.
    static func augenrulesOrder(_ names: [String]) -> [String] {
        names.filter { $0.hasSuffix(".rules") }.sorted { versionSortPrecedes($0, $1) }
    }

    /// GNU `ls -v` (filevercmp) for the names found in rules.d: runs of digits compare as numbers.
    static func versionSortPrecedes(_ a: String, _ b: String) -> Bool {
        var x = Array(a.utf8)[...], y = Array(b.utf8)[...]
        func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }
        while !x.isEmpty && !y.isEmpty {
            if isDigit(x.first!) && isDigit(y.first!) {
                let dx = x.prefix(while: isDigit), dy = y.prefix(while: isDigit)
                let nx = dx.drop { $0 == 48 }, ny = dy.drop { $0 == 48 }
                if nx.count != ny.count { return nx.count < ny.count }
                if !nx.elementsEqual(ny) { return nx.lexicographicallyPrecedes(ny) }
                x = x.dropFirst(dx.count); y = y.dropFirst(dy.count)
            } else {
                if x.first! != y.first! { return x.first! < y.first! }
                x = x.dropFirst(); y = y.dropFirst()
            }
        }
        return x.isEmpty && !y.isEmpty
    }
}
