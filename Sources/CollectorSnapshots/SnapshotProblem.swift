/// Why a snapshot was not made. The message says what is wrong and what to do; the command line
/// exits 2 on every kind, the web answers by `kind`.
public struct SnapshotProblem: Error, Sendable, Hashable, CustomStringConvertible {
    public enum Kind: String, Sendable, Hashable {
        /// No such unit at this collector (the message names the known ones).
        case unknownUnit
        /// The day asked for is after today (Vietnam's calendar): a record of it cannot exist yet.
        case futureDay
        /// The output file exists and `--force` was not given.
        case outputExists
        /// The archive would pass its size bound.
        case tooLarge
        /// The output cannot be written where asked.
        case output
    }

    public var kind: Kind
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
