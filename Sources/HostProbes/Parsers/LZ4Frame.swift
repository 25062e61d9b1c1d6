import CLZ4

/// Decodes lz4's frame format (`.lz4` files) with Debian's liblz4.
///
/// apt keeps its lists compressed when `Acquire::GzipIndexes` is on (Debian's container images do
/// this, with lz4), so `…_Packages.lz4` must be readable for VN-TD-UPD-002 to see pending fixes.
/// Output is handed out in chunks of at most `chunk` bytes, so a large index is never held whole.
/// Concatenated and skippable frames are handled by liblz4, as the `lz4` tool does.
enum LZ4Frame {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "LZ4 data at byte \(offset): \(reason)" }
    }

    /// The largest piece handed to `emit`.
    static let chunk = 256 << 10

    static func decode(_ data: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw Failure(offset: 0, reason: "liblz4 could not make a decompression context")
        }
        defer { LZ4F_freeDecompressionContext(context) }
        guard !data.isEmpty else { throw Failure(offset: 0, reason: "not an LZ4 frame") }
        var output = [UInt8](repeating: 0, count: chunk)
        var consumed = 0
        // What liblz4 says it still needs: 0 once a frame ended exactly where the input ends.
        var needed = 1
        while consumed < data.count {
            var sourceSize = data.count - consumed
            var producedSize = output.count
            needed = data.withUnsafeBufferPointer { source in
                output.withUnsafeMutableBufferPointer { target in
                    LZ4F_decompress(context, target.baseAddress, &producedSize, source.baseAddress! + consumed, &sourceSize, nil)
                }
            }
            if LZ4F_isError(needed) != 0 {
                throw Failure(offset: consumed, reason: String(cString: LZ4F_getErrorName(needed)))
            }
            consumed += sourceSize
            if producedSize > 0 { try emit(Array(output[..<producedSize])) }
            // No input taken and nothing produced: liblz4 is stuck on this data.
            if sourceSize == 0 && producedSize == 0 { throw Failure(offset: consumed, reason: "damaged frame") }
        }
        guard needed == 0 else { throw Failure(offset: data.count, reason: "ends early") }
    }
}
