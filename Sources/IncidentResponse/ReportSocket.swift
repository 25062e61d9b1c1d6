public import FoundationEssentials
import Glibc

/// The local socket a user's report travels on (`/run/attt/report.sock`, opened by systemd's
/// `attt-report.socket` with `Accept=yes`): the user's `attt incident report` writes one request and
/// reads one answer; `attt incident receive`, started by systemd for the connection, reads the request
/// and learns from the kernel who sent it.
///
/// A socket, rather than a world-writable spool: users could fill /var or plant links and FIFOs there,
/// and the sender could not be known. Rather than a setgid helper: the static binary would become a
/// privilege boundary.
public enum ReportSocket {
    public static let path = "/run/attt/report.sock"
    /// The whole exchange, either side: a stalled peer never holds a connection (systemd allows 4).
    public static let timeout: TimeInterval = 10

    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var call: String
        public var code: Int32

        public var description: String { "\(call): \(String(cString: strerror(code)))" }
    }

    /// The connection systemd passed (the socket-activation protocol: `LISTEN_PID` is this process,
    /// `LISTEN_FDS` ≥ 1, the first descriptor is 3), or nil when not started that way.
    public static func activatedConnection() -> Int32? {
        guard let pid = getenv("LISTEN_PID").map({ String(cString: $0) }), Int32(pid) == getpid(),
              let count = getenv("LISTEN_FDS").map({ String(cString: $0) }), let n = Int(count), n >= 1 else { return nil }
        return 3
    }

    /// Reads until the peer closes its side, at most `limit` bytes; nil when it sent more (the rest is
    /// not read).
    public static func readAll(_ fd: Int32, limit: Int) throws -> Data? {
        try setTimeout(fd)
        var data = Data()
        var buffer = [UInt8](repeating: 0, count: 1_024)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(call: "recv", code: errno)
            }
            if n == 0 { return data }
            data.append(contentsOf: buffer[0..<n])
            if data.count > limit { return nil }
        }
    }

    public static func writeAll(_ fd: Int32, _ data: Data) throws {
        try setTimeout(fd)
        var offset = 0
        while offset < data.count {
            let n = data.withUnsafeBytes { send(fd, $0.baseAddress! + offset, $0.count - offset, Int32(MSG_NOSIGNAL)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw Failure(call: "send", code: errno)
            }
            offset += n
        }
    }

    /// The user's side: one request, one answer.
    public static func exchange(path: String, request: Data, answerLimit: Int = 4_096) throws -> Data {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw Failure(call: "socket", code: errno) }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        let capacity = MemoryLayout.size(ofValue: address.sun_path)
        guard bytes.count < capacity else { throw Failure(call: "connect \(path) (path too long)", code: ENAMETOOLONG) }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw Failure(call: "connect \(path)", code: errno) }
        try writeAll(fd, request)
        shutdown(fd, Int32(SHUT_WR))
        guard let answer = try readAll(fd, limit: answerLimit) else { throw Failure(call: "recv (answer too long)", code: EMSGSIZE) }
        return answer
    }

    static func setTimeout(_ fd: Int32) throws {
        var limit = timeval(tv_sec: Int(timeout), tv_usec: 0)
        for option in [SO_RCVTIMEO, SO_SNDTIMEO] {
            guard setsockopt(fd, SOL_SOCKET, option, &limit, socklen_t(MemoryLayout<timeval>.size)) == 0 else {
                throw Failure(call: "setsockopt", code: errno)
            }
        }
    }
}
