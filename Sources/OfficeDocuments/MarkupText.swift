/// Text made safe to stand between tags or in a quoted attribute, of HTML and of XML alike: the one
/// place both markup renderers escape. Every string of a document may come from an agent's report or
/// an officer's form, so none is trusted.
enum MarkupText {
    /// `&`, `<`, `>`, `"` and `'` as entities, and the characters XML 1.0 forbids (§2.2: C0 controls but
    /// tab, line feed and carriage return; U+FFFE, U+FFFF) removed: one such character makes a whole
    /// content.xml unreadable to LibreOffice, and in HTML they are parse errors.
    static func escaped(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            default:
                if isAllowed(scalar) { out.unicodeScalars.append(scalar) }
            }
        }
        return out
    }

    /// XML 1.0 `Char` production; C1 controls (U+0080–U+009F) are allowed by it but invisible in print,
    /// and DEL too: dropped as well.
    static func isAllowed(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0x09, 0x0A, 0x0D: return true
        case 0x00...0x1F, 0x7F...0x9F: return false
        case 0xFFFE, 0xFFFF: return false
        default: return true
        }
    }
}
