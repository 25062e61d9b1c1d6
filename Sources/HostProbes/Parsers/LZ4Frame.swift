import CLZ4

/// Decodes lz4's frame format (`.lz4` files) with Debian's liblz4, as a stream.
///
/// apt keeps its lists compressed when `Acquire::GzipIndexes` is on (Debian's container images do
/// this, with lz4), so `…_Packages.lz4` must be readable for VN-TD-UPD-002 to see pending fixes.
/// Input is taken in pieces as it is read and output handed out in pieces of at most `chunk` bytes,
/// so neither the compressed file nor the index it holds is ever in memory whole. Concatenated and
/// skippable frames are handled by liblz4, as the `lz4` tool does.
final class LZ4Frame {
    struct Failure: Error, Equatable, CustomStringConvertible {
        var offset: Int
        var reason: String
        var description: String { "LZ4 data at byte \(offset): \(reason)" }
    }

    /// The largest piece handed to `emit`.
    static let chunk = 64 << 10

    private let context: OpaquePointer
    private var output = [UInt8](repeating: 0, count: LZ4Frame.chunk)
    private var consumed = 0
    /// What liblz4 says it still needs: 0 once a frame ended exactly where the input ends.
    private var needed = 1

    init() throws(Failure) {
        var context: OpaquePointer?
        guard LZ4F_isError(LZ4F_createDecompressionContext(&context, UInt32(LZ4F_VERSION))) == 0, let context else {
            throw Failure(offset: 0, reason: "liblz4 could not make a decompression context")
        }
        self.context = context
    }

    deinit { LZ4F_freeDecompressionContext(context) }

    /// Decodes the next piece of the file; `emit` gets what it decompresses to.
    func feed(_ input: UnsafeRawBufferPointer, emit: ([UInt8]) throws -> Void) throws {
        var offset = 0
        while offset < input.count {
            var sourceSize = input.count - offset
            var producedSize = output.count
            needed = output.withUnsafeMutableBufferPointer { target in
                LZ4F_decompress(context, target.baseAddress, &producedSize, input.baseAddress! + offset, &sourceSize, nil)
            }
            if LZ4F_isError(needed) != 0 {
                throw Failure(offset: consumed + offset, reason: String(cString: LZ4F_getErrorName(needed)))
            }
            offset += sourceSize
            if producedSize > 0 { try emit(Array(output[..<producedSize])) }
            // No input taken and nothing produced: liblz4 is stuck on this data.
            if sourceSize == 0 && producedSize == 0 { throw Failure(offset: consumed + offset, reason: "damaged frame") }
        }
        consumed += input.count
    }

    /// After the last piece: the file must have ended where a frame ends.
    func finish() throws(Failure) {
        guard consumed > 0 else { throw Failure(offset: 0, reason: "not an LZ4 frame") }
        guard needed == 0 else { throw Failure(offset: consumed, reason: "ends early") }
    }

    /// A whole frame in memory (tests, small inputs).
    static func decode(_ data: [UInt8], emit: ([UInt8]) throws -> Void) throws {
        let decoder = try LZ4Frame()
        try data.withUnsafeBytes { try decoder.feed($0, emit: emit) }
        try decoder.finish()
    }
}
