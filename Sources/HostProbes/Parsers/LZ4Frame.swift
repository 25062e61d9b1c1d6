/// Decodes the LZ4 frame format (lz4's `.lz4` files).
///
/// apt keeps its lists compressed when `Acquire::GzipIndexes` is on (Debian's container images do
/// this, with lz4), so `…_Packages.lz4` must be readable for VN-TD-UPD-002 to see pending fixes.
/// Output is handed out block by block; only the last 64 KiB are kept for back references, so a
/// large index is never held whole.
enum LZ4Frame {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "LZ4 data at byte \(offset): \(reason)" }
    }

    static let magic: UInt32 = 0x184D_2204
    static let window = 64 << 10
    /// The largest block the format allows (4 MiB); a bigger declared size is damage.
    static let maxBlock = 4 << 20

    static func decode(_ data: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        var p = 0
        func u32(_ at: Int) throws(Failure) -> UInt32 {
            guard at + 4 <= data.count else { throw Failure(offset: at, reason: "ends early") }
            return UInt32(data[at]) | UInt32(data[at + 1]) << 8 | UInt32(data[at + 2]) << 16 | UInt32(data[at + 3]) << 24
        }
        var frames = 0
        while p < data.count {
            let m = try u32(p)
            if m & 0xFFFF_FFF0 == 0x184D_2A50 {
                // A skippable frame: magic, length, payload.
                let length = Int(try u32(p + 4))
                p += 8 + length
                continue
            }
            guard m == magic else { throw Failure(offset: p, reason: frames == 0 ? "not an LZ4 frame" : "unexpected bytes after a frame") }
            frames += 1
            p += 4
            guard p + 2 < data.count else { throw Failure(offset: p, reason: "ends early") }
            let flags = data[p]
            guard flags >> 6 == 1 else { throw Failure(offset: p, reason: "unknown frame version") }
            let blockChecksum = flags & 0x10 != 0, contentSize = flags & 0x08 != 0
            let contentChecksum = flags & 0x04 != 0, dictionary = flags & 0x01 != 0
            p += 2 + (contentSize ? 8 : 0) + (dictionary ? 4 : 0) + 1
            var history: [UInt8] = []
            while true {
                let header = try u32(p)
                p += 4
                if header == 0 { break }
                let size = Int(header & 0x7FFF_FFFF)
                guard size <= maxBlock, p + size <= data.count else { throw Failure(offset: p - 4, reason: "block of \(size) bytes does not fit") }
                let start = history.count
                if header & 0x8000_0000 != 0 {
                    history.append(contentsOf: data[p..<(p + size)])
                } else {
                    try block(data, from: p, to: p + size, into: &history)
                }
                try emit(Array(history[start...]))
                if history.count > window { history.removeFirst(history.count - window) }
                p += size + (blockChecksum ? 4 : 0)
            }
            p += contentChecksum ? 4 : 0
        }
    }

    /// One compressed block (sequences of literals and back references), appended to `out`.
    static func block(_ data: [UInt8], from: Int, to end: Int, into out: inout [UInt8]) throws(Failure) {
        var p = from
        let produced = out.count
        while p < end {
            let token = data[p]
            p += 1
            var literals = Int(token >> 4)
            if literals == 15 {
                while true {
                    guard p < end else { throw Failure(offset: p, reason: "literal length runs past the block") }
                    let b = data[p]; p += 1
                    literals += Int(b)
                    if b != 255 { break }
                }
            }
            guard p + literals <= end else { throw Failure(offset: p, reason: "literals run past the block") }
            out.append(contentsOf: data[p..<(p + literals)])
            p += literals
            if p == end { break }
            guard p + 2 <= end else { throw Failure(offset: p, reason: "match offset runs past the block") }
            let offset = Int(data[p]) | Int(data[p + 1]) << 8
            p += 2
            guard offset > 0, offset <= out.count else { throw Failure(offset: p - 2, reason: "match offset \(offset) points before the data") }
            var length = Int(token & 15)
            if length == 15 {
                while true {
                    guard p < end else { throw Failure(offset: p, reason: "match length runs past the block") }
                    let b = data[p]; p += 1
                    length += Int(b)
                    if b != 255 { break }
                }
            }
            length += 4
            guard out.count - produced + length <= maxBlock else { throw Failure(offset: p, reason: "block decodes to more than 4 MiB") }
            let base = out.count - offset
            if offset >= length {
                out.append(contentsOf: out[base..<(base + length)])
            } else {
                // An overlapping match repeats the last `offset` bytes: copy byte by byte.
                for i in 0..<length { out.append(out[base + i]) }
            }
        }
    }
}
