/// Shell-style patterns (`*`, `?`, `[a-z]`) for catalogue entries such as `libreoffice-*`.
public struct Glob: Sendable, Hashable {
    public let pattern: String
    private let chars: [Character]

    public init(_ pattern: String) {
        self.pattern = pattern
        self.chars = Array(pattern)
    }

    public var isLiteral: Bool { !chars.contains { $0 == "*" || $0 == "?" || $0 == "[" } }

    public func matches(_ text: String) -> Bool {
        Glob.match(chars[...], Array(text)[...])
    }

    private static func match(_ p: ArraySlice<Character>, _ t: ArraySlice<Character>) -> Bool {
        var p = p, t = t
        // Iterative matcher with one backtrack point for `*`: linear in practice.
        var starP: ArraySlice<Character>? = nil
        var starT: ArraySlice<Character>? = nil
        while true {
            if let pc = p.first {
                if pc == "*" {
                    p = p.dropFirst()
                    starP = p
                    starT = t
                    continue
                }
                if let tc = t.first, let consumed = matchOne(p, tc) {
                    p = p.dropFirst(consumed)
                    t = t.dropFirst()
                    continue
                }
            } else if t.isEmpty {
                return true
            }
            guard let sp = starP, let st = starT, !st.isEmpty else { return false }
            p = sp
            t = st.dropFirst()
            starT = t
        }
    }

    /// How many pattern characters matched `c`, or nil.
    private static func matchOne(_ p: ArraySlice<Character>, _ c: Character) -> Int? {
        guard let pc = p.first else { return nil }
        if pc == "?" { return 1 }
        if pc == "[", let close = p.dropFirst(2).firstIndex(of: "]") {
            var set = p[(p.startIndex + 1)..<close]
            let negate = set.first == "!" || set.first == "^"
            if negate { set = set.dropFirst() }
            var found = false
            var i = set.startIndex
            while i < set.endIndex {
                if set.index(after: i) < set.endIndex, set[set.index(after: i)] == "-", set.index(i, offsetBy: 2) < set.endIndex {
                    let lo = set[i], hi = set[set.index(i, offsetBy: 2)]
                    if lo <= c && c <= hi { found = true }
                    i = set.index(i, offsetBy: 3)
                } else {
                    if set[i] == c { found = true }
                    i = set.index(after: i)
                }
            }
            return found != negate ? (close - p.startIndex + 1) : nil
        }
        return pc == c ? 1 : nil
    }
}

/// A list of names and globs, matched quickly: exact names by hashing, patterns one by one.
public struct PatternSet: Sendable {
    private var exact: Set<String> = []
    private var globs: [Glob] = []

    public init<S: Sequence>(_ patterns: S) where S.Element == String {
        for p in patterns {
            let glob = Glob(p)
            if glob.isLiteral { exact.insert(p) } else { globs.append(glob) }
        }
    }

    /// The first pattern that matches, if any.
    public func match(_ text: String) -> String? {
        if exact.contains(text) { return text }
        return globs.first { $0.matches(text) }?.pattern
    }
}
