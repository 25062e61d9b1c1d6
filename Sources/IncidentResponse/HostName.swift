import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// The host's name. Backup tools record it with each copy (restic's `hostname`, borg's archive
/// metadata), from the running kernel, which took it from `/etc/hostname` at boot.
enum HostName {
    /// The tree's `/etc/hostname` (its first line, read as evidence is read, `O_NOATIME`, since the file
    /// is itself collected), else the running kernel's on the live host; nil when neither says.
    static func read(_ host: HostRoot) -> String? { configured(host) ?? (host.isLiveHost ? kernel() : nil) }

    /// Every name the host goes by: `/etc/hostname`'s and, on the live host, the kernel's (they differ
    /// when one was changed since boot, by the officer or by an attacker).
    static func all(_ host: HostRoot) -> Set<String> {
        Set([configured(host), host.isLiveHost ? kernel() : nil].compactMap { $0 })
    }

    static func configured(_ host: HostRoot) -> String? {
        guard let file = try? SourceFile.open(host: host, "/etc/hostname") else { return nil }
        defer { file.close() }
        var bytes = [UInt8](repeating: 0, count: 256)
        let n = pread(file.descriptor, &bytes, bytes.count, 0)
        guard n > 0, let first = String(decoding: bytes[..<n], as: UTF8.self).split(separator: "\n").first?.trimmed, !first.isEmpty else { return nil }
        return String(first.prefix(64))
    }

    static func kernel() -> String? {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, 255) == 0 else { return nil }
        let name = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return name.isEmpty ? nil : name
    }
}
