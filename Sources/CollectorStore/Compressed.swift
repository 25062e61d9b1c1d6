import CZstd
public import Foundation

/// What the collector keeps of a report's bytes: zstd frames. A frame records its content size, so
/// decompression allocates once, and a size past `limit` is refused before anything is allocated
/// (a database copied from elsewhere is input like any other).
public enum Compressed {
    /// Level 6: most of the ratio of the higher levels at a fraction of their time per report.
    static let level: Int32 = 6

    public static func compress(_ data: Data) -> Data {
        let bound = ZSTD_compressBound(data.count)
        var out = Data(count: bound)
        let written = out.withUnsafeMutableBytes { dst in
            data.withUnsafeBytes { src in ZSTD_compress(dst.baseAddress, bound, src.baseAddress, data.count, level) }
        }
        // Compressing into a buffer of compressBound cannot fail.
        precondition(ZSTD_isError(written) == 0, "zstd: \(String(cString: ZSTD_getErrorName(written)))")
        out.count = written
        return out
    }

    public struct Corrupt: Error, CustomStringConvertible {
        public var description: String
    }

    /// - Parameter limit: four times the largest report an agent may send (16 MiB): what the
    ///   collector stored cannot be larger, so anything past it was put in the database by someone else.
    public static func decompress(_ frame: Data, limit: Int = 64 << 20) throws -> Data {
        let size = frame.withUnsafeBytes { ZSTD_getFrameContentSize($0.baseAddress, frame.count) }
        guard size != ZSTD_CONTENTSIZE_ERROR, size != ZSTD_CONTENTSIZE_UNKNOWN else { throw Corrupt(description: "not a zstd frame with its size") }
        guard size <= UInt64(limit) else { throw Corrupt(description: "a stored body of \(size) bytes is over the \(limit)-byte limit") }
        var out = Data(count: Int(size))
        let read = out.withUnsafeMutableBytes { dst in
            frame.withUnsafeBytes { src in ZSTD_decompress(dst.baseAddress, Int(size), src.baseAddress, frame.count) }
        }
        guard ZSTD_isError(read) == 0, read == Int(size) else { throw Corrupt(description: "a stored body does not decompress") }
        return out
    }
}
