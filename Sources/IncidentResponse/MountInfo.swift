import FoundationEssentials
import HardeningCore

/// `/proc/self/mountinfo`, parsed (proc(5)): which filesystem is mounted where, from which source.
///
/// The trap: btrfs (and overlay, NFS…) give files an anonymous `st_dev` (major 0) that names no block
/// device; mountinfo's line for that number is the only place that says which device holds it.
public struct MountInfo: Sendable, Hashable {
    public struct Entry: Sendable, Hashable {
        public var device: BlockDevice
        /// Where it is mounted, octal escapes (`\040` for a space) decoded.
        public var mountPoint: String
        public var fileSystem: String
        /// The mount source: `/dev/sda2` for a disk, `tmpfs` or a server path for others.
        public var source: String
    }

    public var entries: [Entry]

    /// Lines that are not mountinfo are skipped: the text is the kernel's, but a captured copy may be cut.
    public init(_ text: String) {
        entries = text.split(separator: "\n").compactMap { line in
            let fields = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
            // id parent major:minor root mountpoint options [optional…] - fstype source superoptions
            guard fields.count >= 10, let dash = fields.firstIndex(of: "-"), dash >= 6, dash + 2 < fields.count,
                  let device = BlockDevice(fields[2]) else { return nil }
            return Entry(device: device, mountPoint: Self.unescape(fields[4]), fileSystem: fields[dash + 1], source: Self.unescape(fields[dash + 2]))
        }
    }

    /// The entry of a device number (the last mounted wins, as the kernel shows it).
    public func entry(for device: BlockDevice) -> Entry? { entries.last { $0.device == device } }

    static func unescape(_ field: String) -> String {
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

/// A device number, `major:minor` as sysfs and mountinfo write it.
public struct BlockDevice: Sendable, Hashable, CustomStringConvertible {
    public var major: UInt32
    public var minor: UInt32

    public init(major: UInt32, minor: UInt32) {
        self.major = major
        self.minor = minor
    }

    /// From `stat`'s `st_dev`/`st_rdev` (glibc's encoding; `major()` is a macro Swift cannot import).
    public init(_ dev: UInt64) {
        major = UInt32(truncatingIfNeeded: ((dev >> 8) & 0xfff) | ((dev >> 32) & ~UInt64(0xfff)))
        minor = UInt32(truncatingIfNeeded: (dev & 0xff) | ((dev >> 12) & ~UInt64(0xff)))
    }

    public init?(_ text: String) {
        let parts = text.trimmed.split(separator: ":")
        guard parts.count == 2, let major = UInt32(parts[0]), let minor = UInt32(parts[1]) else { return nil }
        self.init(major: major, minor: minor)
    }

    /// Major 0: no block device behind it (tmpfs, btrfs' subvolumes, overlay, NFS).
    public var isAnonymous: Bool { major == 0 }

    public var description: String { "\(major):\(minor)" }
}
