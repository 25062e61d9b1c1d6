public import Foundation

/// Every file of a tree with its bytes (FNV-1a), mode and owner, or a link with its target.
public func snapshotTree(_ root: URL) throws -> [String: String] {
    var result: [String: String] = [:]
    let base = root.path
    guard let walker = FileManager.default.enumerator(atPath: base) else { return [:] }
    while let relative = walker.nextObject() as? String {
        let path = "\(base)/\(relative)"
        var st = stat()
        guard lstat(path, &st) == 0 else { continue }
        let kind = st.st_mode & S_IFMT
        var content = ""
        if kind == S_IFREG {
            let data = FileManager.default.contents(atPath: path) ?? Data()
            var hash: UInt64 = 0xcbf2_9ce4_8422_2325
            for byte in data { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
            content = String(hash, radix: 16)
        } else if kind == S_IFLNK {
            content = (try? FileManager.default.destinationOfSymbolicLink(atPath: path)) ?? "?"
        }
        result[relative] = "\(kind) \(String(st.st_mode & 0o7777, radix: 8)) \(st.st_uid):\(st.st_gid) \(content)"
    }
    return result
}

