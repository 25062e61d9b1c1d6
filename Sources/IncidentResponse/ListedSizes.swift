import FoundationEssentials

/// Adds up the files' sizes in `restic ls --json` output, fed in pieces as restic prints it: one JSON
/// object a line, the snapshot first, then a node per entry (`"type":"file"`, `"size"`). Bounded: a
/// line longer than ``maxLine`` is an error, and so is more than `limit` entries.
struct ListedSizes {
    /// A path is at most 4 KiB on Linux; a node's other fields are a few hundred bytes.
    static let maxLine = 64 << 10

    let limit: Int
    private(set) var total: Int64 = 0
    private(set) var entries = 0
    private var line: [UInt8] = []

    init(limit: Int) { self.limit = limit }

    struct TooMany: Error { var limit: Int }
    struct Unreadable: Error, CustomStringConvertible {
        var reason: String
        var description: String { "restic ls --json: \(reason)" }
    }

    struct Node: Decodable {
        var type: String?
        var size: Int64?
        var struct_type: String?
    }

    mutating func add(_ piece: UnsafeRawBufferPointer) throws {
        for byte in piece {
            if byte == 0x0A {
                try take()
                line.removeAll(keepingCapacity: true)
            } else {
                guard line.count < Self.maxLine else { throw Unreadable(reason: "a line longer than \(Self.maxLine) bytes") }
                line.append(byte)
            }
        }
    }

    /// The last line, when restic did not end it.
    mutating func finish() throws {
        if !line.isEmpty { try take() }
        line.removeAll()
    }

    private mutating func take() throws {
        guard !line.isEmpty else { return }
        guard let node = try? JSONDecoder().decode(Node.self, from: Data(line)) else {
            throw Unreadable(reason: "a line that is not JSON")
        }
        guard node.struct_type == "node" else { return }
        entries += 1
        guard entries <= limit else { throw TooMany(limit: limit) }
        if node.type == "file", let size = node.size, size > 0 { total += size }
    }
}
