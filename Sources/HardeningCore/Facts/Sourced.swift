/// Where a fact was read: a file inside the host root and a line, or a built-in default.
///
/// Rendered as `"/etc/login.defs:161"`, `"/var/lib/dpkg/status"` or `"default:libpwquality"`.
/// Paths are as seen from inside the host (the root prefix is never part of them), so the same
/// evidence reads the same on a live host, a mounted image and a fixture.
public struct SourceLocation: Hashable, Sendable, Codable, CustomStringConvertible {
    public var path: String
    public var line: Int?

    public init(path: String, line: Int? = nil) {
        self.path = path
        self.line = line
    }

    /// A value that no file set: the program's compiled-in default.
    public static func builtin(_ program: String) -> SourceLocation {
        SourceLocation(path: "default:\(program)")
    }

    public var description: String {
        if let line { return "\(path):\(line)" }
        return path
    }

    public init(from decoder: any Decoder) throws {
        let text = try decoder.singleValueContainer().decode(String.self)
        if let colon = text.lastIndex(of: ":"), let line = Int(text[text.index(after: colon)...]) {
            self.init(path: String(text[..<colon]), line: line)
        } else {
            self.init(path: text)
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(description)
    }
}

/// A value together with the place it was read from; evidence quotes both.
public struct Sourced<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    public var value: Value
    public var source: SourceLocation

    public init(_ value: Value, _ source: SourceLocation) {
        self.value = value
        self.source = source
    }
}

/// The outcome of one probe: facts, or why there are none.
///
/// Encoded as the facts themselves, or as `{"$error": reason}` / `{"$unavailable": reason}`, so a
/// control that reads into it becomes an `error` result carrying the reason instead of a silent pass.
public enum Probed<Value: Codable & Sendable & Hashable>: Codable, Sendable, Hashable {
    case collected(Value)
    /// The source exists but could not be read or parsed.
    case failed(String)
    /// The source cannot be read in this setting (a live-only source when the root is not `/`).
    case unavailable(String)

    public var value: Value? {
        if case .collected(let v) = self { return v }
        return nil
    }

    private enum Marker: String, CodingKey {
        case error = "$error"
        case unavailable = "$unavailable"
    }

    public init(from decoder: any Decoder) throws {
        if let markers = try? decoder.container(keyedBy: Marker.self) {
            if let reason = try markers.decodeIfPresent(String.self, forKey: .error) {
                self = .failed(reason)
                return
            }
            if let reason = try markers.decodeIfPresent(String.self, forKey: .unavailable) {
                self = .unavailable(reason)
                return
            }
        }
        self = .collected(try Value(from: decoder))
    }

    public func encode(to encoder: any Encoder) throws {
        switch self {
        case .collected(let value):
            try value.encode(to: encoder)
        case .failed(let reason):
            var container = encoder.container(keyedBy: Marker.self)
            try container.encode(reason, forKey: .error)
        case .unavailable(let reason):
            var container = encoder.container(keyedBy: Marker.self)
            try container.encode(reason, forKey: .unavailable)
        }
    }
}
