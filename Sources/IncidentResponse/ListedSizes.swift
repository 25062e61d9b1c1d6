import FoundationEssentials

/// Adds up the files' sizes in a backup tool's listing, fed in pieces as the tool prints it: one JSON
/// object a line. `restic ls --json`: the snapshot first, then a node per entry (`"struct_type":"node"`,
/// `"type":"file"`, `"size"`). `borg list --json-lines`: an item per entry (`"type":"-"` for a file,
/// `"size"`). Bounded: a line longer than ``maxLine`` is an error, and so is more than `limit` entries.
struct ListedSizes {
    /// A path is at most 4 KiB on Linux; a node's other fields are a few hundred bytes.
    static let maxLine = 64 << 10

    enum Tool: String { case restic, borg }

    let tool: Tool
    let limit: Int
    private(set) var total: Int64 = 0
    private(set) var entries = 0
    private var line: [UInt8] = []

    init(_ tool: Tool = .restic, limit: Int) {
        self.tool = tool
        self.limit = limit
    }

    struct TooMany: Error { var limit: Int }
    struct Unreadable: Error, CustomStringConvertible {
        var tool: Tool
        var reason: String
        var description: String { "\(tool == .restic ? "restic ls --json" : "borg list --json-lines"): \(reason)" }
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
                guard line.count < Self.maxLine else { throw Unreadable(tool: tool, reason: "a line longer than \(Self.maxLine) bytes") }
                line.append(byte)
            }
        }
    }

    /// The last line, when the tool did not end it.
    mutating func finish() throws {
        if !line.isEmpty { try take() }
        line.removeAll()
    }

    private mutating func take() throws {
        guard !line.isEmpty else { return }
        guard let node = try? JSONDecoder().decode(Node.self, from: Data(line)) else {
            throw Unreadable(tool: tool, reason: "a line that is not JSON")
        }
        // restic's first line describes the snapshot; borg lists entries only.
        guard tool == .borg || node.struct_type == "node" else { return }
        entries += 1
        guard entries <= limit else { throw TooMany(limit: limit) }
        // A borg hard link (`h`) takes no space of its own once its first name is extracted.
        if node.type == (tool == .restic ? "file" : "-"), let size = node.size, size > 0 { total += size }
    }
}
