import FoundationEssentials

/// VN-TD-SHR-001 (Điều 7 khoản 1: shares need a password, never a whole disk): guests off for file-manager
/// shares and for every share, whole-disk shares disabled with `available = no` — never deleted. Each
/// changed smb.conf is checked with `testparm` before it replaces the old one.
public struct SambaGuestFixer: Fixer {
    public let name = "samba-guest-off"
    public init() {}

    public func reads(_ facts: HostFacts) -> [String] {
        guard let samba = facts.shares.value?.samba else { return [] }
        var paths = Set(["/etc/samba/smb.conf"])
        for share in samba.shares { paths.insert(share.source.path) }
        for share in samba.usershares where share.guestOk { paths.insert(share.source.path) }
        return paths.sorted()
    }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let samba = context.facts.shares.value?.samba else { throw FixError.cannotFix(context.control.id, "smb.conf could not be read") }
        var files: [String: String] = [:]
        func edit(_ path: String, _ change: (String) -> String) {
            guard let text = files[path] ?? context.text(path) else { return }
            files[path] = change(text)
        }
        let note = "attt \(context.control.id) (Điều 7 khoản 1)"
        if samba.usershareMaxShares.value > 0 && samba.usershareAllowGuests.value {
            edit("/etc/samba/smb.conf") { SambaEdit.set("usershare allow guests", "no", section: "global", in: $0, note: note) }
        }
        for share in samba.shares where share.available {
            if share.guestOk {
                edit(share.source.path) { SambaEdit.set("guest ok", "no", section: share.name, in: $0, note: note) }
            }
            if share.wholeDisk && share.path != nil {
                edit(share.source.path) { SambaEdit.set("available", "no", section: share.name, in: $0, note: note) }
            }
        }
        var actions: [RemediationAction] = files.keys.sorted().map { path in
            .writeFile(path: path, content: Data(files[path]!.utf8), mode: 0o644, validator: ["testparm", "-s", "--suppress-prompt", "{file}"])
        }
        // File-manager shares: guest_ok=y becomes n; the share itself stays.
        for share in samba.usershares where share.guestOk {
            guard let text = context.text(share.source.path) else { continue }
            let fixed = text.rawLines.map { $0.lowercased().hasPrefix("guest_ok=") ? "guest_ok=n" : String($0) }
            actions.append(.writeFile(path: share.source.path, content: Data(fixed.joined(separator: "\n").utf8), mode: 0o644))
        }
        return actions
    }
}

/// smb.conf edits that follow Samba's reading: names ignore case and blanks, `public` is `guest ok`.
enum SambaEdit {
    static func canonical(_ name: String) -> String {
        let key = name.lowercased().filter { $0 != " " && $0 != "\t" }
        return key == "public" ? "guestok" : key
    }

    /// Sets a parameter in a section, commenting out every other spelling of it there; adds the section
    /// parameter at the end of the section when absent.
    static func set(_ name: String, _ value: String, section: String, in text: String, note: String) -> String {
        var lines = text.rawLines.map(String.init)
        let wanted = canonical(name)
        var current: String? = nil
        var sectionEnd: Int? = nil
        var header: Int? = nil
        var replaced = false
        for index in lines.indices {
            let trimmed = lines[index].drop { $0 == " " || $0 == "\t" }
            if trimmed.hasPrefix("[") {
                if current?.lowercased() == section.lowercased(), sectionEnd == nil { sectionEnd = index }
                current = String(trimmed.dropFirst().prefix { $0 != "]" }).trimmingPrefixBlanks.trimmingSuffixBlanks
                if current?.lowercased() == section.lowercased() { header = index; sectionEnd = nil }
                continue
            }
            guard current?.lowercased() == section.lowercased(), let eq = trimmed.firstIndex(of: "="),
                  !trimmed.hasPrefix("#"), !trimmed.hasPrefix(";"),
                  canonical(String(trimmed[..<eq])) == wanted else { continue }
            let indent = String(lines[index].prefix { $0 == " " || $0 == "\t" })
            lines[index] = replaced ? indent + "# " + trimmed : indent + "\(name) = \(value)"
            replaced = true
        }
        if !replaced {
            let block = ["   # \(note)", "   \(name) = \(value)"]
            if let header {
                var end = sectionEnd ?? lines.count
                while end > header + 1, lines[end - 1].trimmingPrefixBlanks.isEmpty { end -= 1 }
                lines.insert(contentsOf: block, at: end)
            } else {
                lines += ["[\(section)]"] + block
            }
        }
        return lines.joined(separator: "\n")
    }
}
