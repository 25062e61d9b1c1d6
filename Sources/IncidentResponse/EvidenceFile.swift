public import FoundationEssentials

/// One line of `files.jsonl` and of `progress.jsonl`: a copied file, where it came from, and its digest.
/// The source's mode, owner and times are kept here because FAT keeps none of them.
public struct EvidenceFile: Codable, Sendable, Hashable {
    /// The path in the collection (`data/var/log/auth.log`), as `SHA256SUMS` names it.
    public var name: String
    /// The host path exactly as it was (any byte but NUL), or `live:<name>`, `journal:<boot>`.
    public var source: String
    public var category: EvidencePlan.Category
    public var size: Int64
    public var sha256: String
    /// Permission bits in octal (`0640`), owner and group ids, modification time (seconds since 1970).
    public var mode: String?
    public var uid: Int?
    public var gid: Int?
    public var mtime: Double?
    /// The file was larger at the end of the copy than when it was opened (a live log): the copy
    /// holds the bytes up to the size at open.
    public var grew: Bool?
    /// The copy is shorter than the source: it shrank while read, or a bound stopped it (a journal
    /// past 4 GiB, FAT32's limit for one file).
    public var truncated: Bool?

    public init(name: String, source: String, category: EvidencePlan.Category, size: Int64, sha256: String, mode: String? = nil, uid: Int? = nil, gid: Int? = nil, mtime: Double? = nil, grew: Bool? = nil, truncated: Bool? = nil) {
        self.name = name
        self.source = source
        self.category = category
        self.size = size
        self.sha256 = sha256
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.mtime = mtime
        self.grew = grew
        self.truncated = truncated
    }

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }()

    /// One JSON object and a newline (a newline inside a name is escaped by JSON).
    func line() throws -> Data { try Self.encoder.encode(self) + Data([0x0A]) }
}
