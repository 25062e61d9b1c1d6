import CHostAccess
import Glibc

/// Who is on the other end of a connected unix socket, as the kernel says: the only source of a local
/// user's identity attt trusts (never what the user sends).
public enum SocketPeer {
    public struct Failure: Error, Sendable, CustomStringConvertible {
        public var code: Int32
        public var description: String { "getsockopt(SO_PEERCRED): \(String(cString: strerror(code)))" }
    }

    public static func credentials(of socket: Int32) throws -> (uid: Int, pid: Int) {
        var uid: UInt32 = 0
        var pid: Int32 = 0
        guard attt_peer_credentials(socket, &uid, &pid) == 0 else { throw Failure(code: errno) }
        return (Int(uid), Int(pid))
    }
}
