/// The shape of the fact tree: every path a control can name, as the probes fill ``HostFacts``.
///
/// Derived from the fact types themselves (``FactSchemaDecoder`` walks their `Decodable`
/// conformances), so a field added to a probe's facts is known here the moment it exists, and a
/// hand-written list cannot drift from what is collected. A policy naming a path outside it would
/// read an empty value for ever: `none:` and `every:` would pass silently.
public indirect enum FactSchema: Sendable, Hashable {
    /// A number, text or truth value.
    case scalar
    /// A free-form value (``FactValue`` inside facts, catalogue entries): any path below it.
    case anything
    case object([String: FactSchema])
    case list(FactSchema)
    /// An object whose keys are data (`firstPassed` by control id).
    case map(FactSchema)

    /// What every probe together can produce.
    public static let hostFacts: FactSchema = {
        do { return try FactSchemaDecoder.schema(of: HostFacts.self) } catch {
            // Only a fact type that cannot describe itself gets here; SchemaTests derive it on every run.
            preconditionFailure("the HostFacts schema cannot be derived: \(error)")
        }
    }()

    /// The schema one key below, or `nil` when nothing is there.
    public func child(_ key: String) -> FactSchema? {
        switch self {
        case .object(let members): return members[key]
        case .map(let value): return value
        case .anything: return .anything
        case .scalar, .list: return nil
        }
    }

    /// Keys known one level below (for suggestions).
    var keys: [String] {
        if case .object(let members) = self { return members.keys.sorted() }
        return []
    }

    /// The value of a ``Sourced`` pair, as the evaluator reads it; anything else as it is.
    public var unwrapped: FactSchema {
        if case .object(let members) = self, members.count == 2, let value = members["value"], members["source"] != nil { return value }
        return self
    }

    /// The items of a list at this place, as a quantifier walks them.
    public var element: FactSchema? {
        switch unwrapped {
        case .list(let item): return item
        case .anything: return .anything
        default: return nil
        }
    }

    /// Follows a dotted path; the first key that is not there is reported with what was there.
    public func resolve(_ path: String) -> Result<FactSchema, UnknownFact> {
        var current = self
        var walked: [String] = []
        for key in path.split(separator: ".").map(String.init) {
            guard let next = current.child(key) else {
                return .failure(UnknownFact(path: path, missing: key, parent: walked.joined(separator: "."), known: current.keys))
            }
            walked.append(key)
            current = next
        }
        return .success(current)
    }
}

/// A fact path that names nothing attt collects, with the nearest name that exists.
public struct UnknownFact: Error, Sendable, Hashable, CustomStringConvertible {
    /// The path as written in the policy.
    public var path: String
    /// The first key of it that is not there.
    public var missing: String
    /// The part of the path that exists (empty: the key is missing at the top).
    public var parent: String
    /// The keys that are there instead.
    public var known: [String]
    /// Set when the path is not a list where a quantifier needs one.
    public var notAList = false

    public init(path: String, missing: String, parent: String, known: [String], notAList: Bool = false) {
        self.path = path
        self.missing = missing
        self.parent = parent
        self.known = known
        self.notAList = notAList
    }

    /// The path with the missing key replaced by the closest known one, if one is close.
    public var suggestion: String? {
        guard let best = known.min(by: { EditDistance.between($0, missing) < EditDistance.between($1, missing) }),
              EditDistance.between(best, missing) <= max(2, missing.count / 3) else { return nil }
        let parts = path.split(separator: ".").map(String.init)
        let depth = parent.isEmpty ? 0 : parent.split(separator: ".").count
        guard depth < parts.count else { return nil }
        var fixed = parts
        fixed[depth] = best
        return fixed.joined(separator: ".")
    }

    public var description: String {
        if notAList { return "'\(path)' is not a list of facts" }
        let place = parent.isEmpty ? "at the top of the facts" : "under \(parent)"
        return "'\(path)' is not a fact attt collects: no '\(missing)' \(place)"
    }

    /// What to do about it: the likely intended path, else the names that exist there.
    public var hint: String {
        if let suggestion { return "did you mean '\(suggestion)'?" }
        if known.isEmpty { return "see `attt inventory --format json` for the facts attt collects" }
        return "known here: " + known.joined(separator: ", ")
    }
}

/// Levenshtein distance, for "did you mean" suggestions on short names.
enum EditDistance {
    static func between(_ a: String, _ b: String) -> Int {
        let x = Array(a.lowercased()), y = Array(b.lowercased())
        if x.isEmpty || y.isEmpty { return max(x.count, y.count) }
        var previous = Array(0...y.count)
        for i in 1...x.count {
            var current = [i] + Array(repeating: 0, count: y.count)
            for j in 1...y.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (x[i - 1] == y[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[y.count]
    }
}
