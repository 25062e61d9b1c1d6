import FoundationEssentials
import HardeningCore
import Glibc

/// Which physical disks hold a block device, read from sysfs (`/sys/dev/block/M:m`): a partition's
/// parent disk, the `slaves/` under device-mapper (LVM, LUKS) and md RAID, and the file behind a loop
/// device (`loop/backing_file`, whose own disk is looked up again).
///
/// `sysfs` is a directory prefix, so tests walk captured trees; `deviceOf` stats a path (a loop's
/// backing file, a btrfs source) on the machine, and is replaced in tests.
public struct BlockTopology: Sendable {
    public var sysfs: String
    public var mounts: MountInfo
    public var deviceOf: @Sendable (String) -> (st_dev: BlockDevice, st_rdev: BlockDevice)?

    public init(sysfs: String = "/sys", mounts: MountInfo, deviceOf: @escaping @Sendable (String) -> (st_dev: BlockDevice, st_rdev: BlockDevice)? = BlockTopology.devices) {
        self.sysfs = sysfs
        self.mounts = mounts
        self.deviceOf = deviceOf
    }

    /// The whole disks holding `device`, or `[]` when no block device is behind it (tmpfs).
    /// Bounded: stacks deeper than 16 (a loop on a loop on…) stop there.
    public func disks(of device: BlockDevice) -> Set<BlockDevice> {
        disks(of: device, depth: 0)
    }

    private func disks(of device: BlockDevice, depth: Int) -> Set<BlockDevice> {
        guard depth < 16 else { return [device] }
        if device.isAnonymous {
            // btrfs: the mount's source is the real device; tmpfs and the like have none.
            guard let entry = mounts.entry(for: device), entry.source.hasPrefix("/dev/"),
                  let node = deviceOf(entry.source), !node.st_rdev.isAnonymous else { return [] }
            return disks(of: node.st_rdev, depth: depth + 1)
        }
        let link = sysfs + "/dev/block/\(device)"
        guard let directory = Self.realPath(link) else { return [device] }
        if exists(directory + "/partition"), let parent = read(AtomicPath.parent(directory) + "/dev").flatMap(BlockDevice.init) {
            return disks(of: parent, depth: depth + 1)
        }
        if let backing = read(directory + "/loop/backing_file")?.trimmed("\n"), !backing.isEmpty {
            guard let file = deviceOf(backing) else { return [device] }
            let below = disks(of: file.st_dev, depth: depth + 1)
            return below.isEmpty ? [device] : below
        }
        let slaves = names(directory + "/slaves")
        if !slaves.isEmpty {
            return slaves.reduce(into: Set<BlockDevice>()) { all, slave in
                if let number = read(directory + "/slaves/" + slave + "/dev").flatMap(BlockDevice.init) {
                    all.formUnion(disks(of: number, depth: depth + 1))
                }
            }
        }
        return [device]
    }

    /// `model` and `serial` of a disk, as sysfs names them (for the manifest), when there are any.
    public func describe(_ device: BlockDevice) -> (model: String?, serial: String?) {
        guard let directory = Self.realPath(sysfs + "/dev/block/\(device)") else { return (nil, nil) }
        let model = read(directory + "/device/model")
        let serial = read(directory + "/device/serial") ?? read(directory + "/serial")
        return (model?.trimmed, serial?.trimmed)
    }

    // MARK: Reading sysfs (small files only)

    func read(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 4096)
        let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
        guard n >= 0 else { return nil }
        return String(decoding: buffer[..<n], as: UTF8.self).trimmed("\n")
    }

    func exists(_ path: String) -> Bool { access(path, F_OK) == 0 }

    func names(_ path: String) -> [String] {
        guard let directory = opendir(path) else { return [] }
        defer { closedir(directory) }
        var names: [String] = []
        while let entry = readdir(directory), names.count < 256 {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            if name != "." && name != ".." { names.append(name) }
        }
        return names.sorted()
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    /// `stat(2)` of a path on this machine: its filesystem's device and, for a device node, the device it is.
    public static let devices: @Sendable (String) -> (st_dev: BlockDevice, st_rdev: BlockDevice)? = { path in
        var st = stat()
        guard stat(path, &st) == 0 else { return nil }
        return (BlockDevice(UInt64(st.st_dev)), BlockDevice(UInt64(st.st_rdev)))
    }
}

enum AtomicPath {
    static func parent(_ path: String) -> String {
        guard let slash = path.lastIndex(of: "/"), slash != path.startIndex else { return "/" }
        return String(path[..<slash])
    }
}
