import Crypto
import Glibc

/// SHA-256 as the evidence and the restore write it: lowercase hex, as `sha256sum` prints it, and a
/// regular file streamed in 1 MiB pieces whatever its size.
enum FileDigest {
    struct ReadFailed: Error {
        var code: Int32
    }

    static func hex(_ digest: SHA256.Digest) -> String {
        digest.map { String($0, radix: 16).leftPadded(2) }.joined()
    }

    /// The size and SHA-256 of the open file; nil when it is not a regular file.
    static func sha256(of fd: Int32) throws(ReadFailed) -> (size: Int64, hex: String)? {
        var st = stat()
        guard fstat(fd, &st) == 0, st.st_mode & S_IFMT == S_IFREG else { return nil }
        var hasher = SHA256()
        var size: Int64 = 0
        var buffer = [UInt8](repeating: 0, count: 1 << 20)
        while true {
            let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw ReadFailed(code: errno)
            }
            if n == 0 { break }
            buffer.withUnsafeBytes { hasher.update(bufferPointer: UnsafeRawBufferPointer(rebasing: $0[..<n])) }
            size += Int64(n)
        }
        return (size, hex(hasher.finalize()))
    }
}
