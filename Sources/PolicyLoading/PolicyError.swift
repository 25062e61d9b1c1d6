/// A policy or tailoring file that cannot be used, with the file, line and what to do.
///
/// `attt` exits with status 2 on this error: the input is bad, not the host.
public struct PolicyError: Error, Sendable, Hashable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var message: String
    public var hint: String?

    public init(file: String, line: Int?, message: String, hint: String? = nil) {
        self.file = file
        self.line = line
        self.message = message
        self.hint = hint
    }

    public var description: String {
        let place = line.map { "\(file):\($0)" } ?? file
        return "\(place): \(message)" + (hint.map { " — \($0)" } ?? "")
    }
}
