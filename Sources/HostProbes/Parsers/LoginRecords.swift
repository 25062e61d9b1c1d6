public import FoundationEssentials

/// The binary login records: `/var/log/lastlog` (one record per UID) and `/var/log/wtmp` (utmp records).
package enum LoginRecords {
    /// glibc's `struct lastlog` on Linux: `int32 ll_time; char ll_line[32]; char ll_host[256]`.
    static let lastlogRecordSize = 292
    /// glibc's `struct utmp` on Linux (x86_64 and most 64-bit ABIs): 384 bytes.
    static let utmpRecordSize = 384
    static let userProcess: Int16 = 7

    /// Where `uid`'s record starts in lastlog (the file is indexed by UID, and sparse).
    static func lastlogOffset(uid: Int) -> UInt64 { UInt64(max(0, uid)) * UInt64(lastlogRecordSize) }

    /// The login time in a lastlog record (or a whole file, at `uid`'s place), or `nil` for never.
    static func lastlog(_ data: Data, uid: Int = 0) -> Date? {
        let offset = uid * lastlogRecordSize
        guard uid >= 0, offset + 4 <= data.count else { return nil }
        let seconds = data.withUnsafeBytes { raw in raw.loadUnaligned(fromByteOffset: offset, as: Int32.self) }
        let time = Int32(littleEndian: seconds)
        return time > 0 ? Date(timeIntervalSince1970: TimeInterval(time)) : nil
    }

    /// The newest user-login time per user name in a wtmp file (whole records only).
    static func wtmpLastLogins(_ data: Data) -> [String: Date] {
        var latest: [String: Date] = [:]
        let count = data.count / utmpRecordSize
        let start = data.count - count * utmpRecordSize
        data.withUnsafeBytes { raw in
            for i in 0..<count {
                let base = start + i * utmpRecordSize
                let type = Int16(littleEndian: raw.loadUnaligned(fromByteOffset: base, as: Int16.self))
                guard type == userProcess else { continue }
                let userBytes = raw[(base + 44)..<(base + 76)].prefix { $0 != 0 }
                guard !userBytes.isEmpty, let user = String(bytes: userBytes, encoding: .utf8) else { continue }
                let seconds = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 340, as: Int32.self))
                guard seconds > 0 else { continue }
                let date = Date(timeIntervalSince1970: TimeInterval(seconds))
                if latest[user].map({ $0 < date }) ?? true { latest[user] = date }
            }
        }
        return latest
    }

    /// One open session in a utmp file (`who` reads `/run/utmp`).
    package struct Session: Codable, Sendable, Hashable {
        package var user: String
        package var line: String
        package var host: String
        package var pid: Int32
        package var since: Date
    }

    /// The user sessions in a utmp file (`/run/utmp`), whole records only; for the live state of an
    /// incident (Điều 11 khoản 2 điểm a, Bước 2).
    package static func sessions(_ data: Data) -> [Session] {
        let count = data.count / utmpRecordSize
        return data.withUnsafeBytes { raw in
            (0..<count).compactMap { i in
                let base = i * utmpRecordSize
                guard Int16(littleEndian: raw.loadUnaligned(fromByteOffset: base, as: Int16.self)) == userProcess else { return nil }
                func text(_ from: Int, _ length: Int) -> String {
                    String(decoding: raw[(base + from)..<(base + from + length)].prefix { $0 != 0 }, as: UTF8.self)
                }
                let seconds = Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 340, as: Int32.self))
                return Session(user: text(44, 32), line: text(8, 32), host: text(76, 256),
                               pid: Int32(littleEndian: raw.loadUnaligned(fromByteOffset: base + 4, as: Int32.self)),
                               since: Date(timeIntervalSince1970: TimeInterval(seconds)))
            }
        }
    }
}
