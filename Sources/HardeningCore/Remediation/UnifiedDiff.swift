/// `diff -u` output for two texts, so an officer reads exactly what a fix will change.
public enum UnifiedDiff {
    /// An empty string when the texts are equal. `nil` old text means the file is created.
    public static func render(path: String, old: String?, new: String, context: Int = 3) -> String {
        let a = lines(old ?? ""), b = lines(new)
        if old == new { return "" }
        let ops = script(a, b)
        var out = "--- \(old == nil ? "/dev/null" : "a" + path)\n+++ b\(path)\n"
        // Group edits into hunks with `context` lines around them.
        var i = 0
        while i < ops.count {
            guard let start = ops[i...].firstIndex(where: { $0.kind != .same }) else { break }
            var end = start
            var j = start
            while j < ops.count {
                if ops[j].kind != .same { end = j; j += 1; continue }
                let nextChange = ops[j...].firstIndex { $0.kind != .same }
                if let n = nextChange, n - j <= context * 2 { j = n } else { break }
            }
            let from = max(start - context, i == 0 ? 0 : i), to = min(end + context, ops.count - 1)
            let hunk = ops[from...to]
            let oldStart = hunk.first { $0.kind != .insert }?.oldIndex ?? (hunk.first?.oldIndex ?? 0)
            let newStart = hunk.first { $0.kind != .delete }?.newIndex ?? (hunk.first?.newIndex ?? 0)
            let oldCount = hunk.filter { $0.kind != .insert }.count
            let newCount = hunk.filter { $0.kind != .delete }.count
            out += "@@ -\(range(oldStart, oldCount)) +\(range(newStart, newCount)) @@\n"
            for op in hunk {
                switch op.kind {
                case .same: out += " " + a[op.oldIndex] + "\n"
                case .delete: out += "-" + a[op.oldIndex] + "\n"
                case .insert: out += "+" + b[op.newIndex] + "\n"
                }
            }
            i = to + 1
        }
        if let last = new.last, last != "\n", !new.isEmpty { out += "\\ No newline at end of file\n" }
        return out
    }

    static func range(_ start: Int, _ count: Int) -> String {
        // diff -u: 1-based start; a zero-length range names the line before it.
        count == 0 ? "\(start),0" : (count == 1 ? "\(start + 1)" : "\(start + 1),\(count)")
    }

    static func lines(_ text: String) -> [String] {
        var result = text.rawLines.map(String.init)
        if result.last == "" { result.removeLast() }
        return result
    }

    struct Op {
        enum Kind { case same, delete, insert }
        var kind: Kind
        var oldIndex: Int
        var newIndex: Int
    }

    /// A shortest edit script by longest common subsequence (config files are small).
    static func script(_ a: [String], _ b: [String]) -> [Op] {
        let n = a.count, m = b.count
        var lcs = [[Int]](repeating: [Int](repeating: 0, count: m + 1), count: n + 1)
        if n > 0 && m > 0 {
            for i in stride(from: n - 1, through: 0, by: -1) {
                for j in stride(from: m - 1, through: 0, by: -1) {
                    lcs[i][j] = a[i] == b[j] ? lcs[i + 1][j + 1] + 1 : max(lcs[i + 1][j], lcs[i][j + 1])
                }
            }
        }
        var ops: [Op] = []
        var i = 0, j = 0
        while i < n || j < m {
            if i < n, j < m, a[i] == b[j] {
                ops.append(Op(kind: .same, oldIndex: i, newIndex: j)); i += 1; j += 1
            } else if i < n, j == m || lcs[i + 1][j] >= lcs[i][j + 1] {
                // Deletions first, as diff -u prints them.
                ops.append(Op(kind: .delete, oldIndex: i, newIndex: j)); i += 1
            } else {
                ops.append(Op(kind: .insert, oldIndex: i, newIndex: j)); j += 1
            }
        }
        return ops
    }
}
