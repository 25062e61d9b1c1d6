public import CollectorAPI
import FoundationEssentials
import DurableFiles
import Glibc

/// Where the evidence goes, checked before anything is copied (Điều 11 khoản 2 điểm a, Bước 2: "sao
/// chép … ra thiết bị lưu trữ"). Copying onto the disk being collected would overwrite the free
/// blocks that still hold deleted traces and would not survive the disk, so it is refused:
/// 1. the same filesystem (`st_dev`) as any source top → refused;
/// 2. both sides mapped to physical disks (``BlockTopology``): any shared disk → refused;
/// 3. no block device at all (tmpfs: gone at power-off) → refused unless `allowMemory`.
public struct DestinationDisk: Sendable {
    public var topology: BlockTopology

    public init(topology: BlockTopology) {
        self.topology = topology
    }

    /// The live machine's sysfs and mounts.
    public static func live() -> DestinationDisk {
        let text = RegularFile.prefix("/proc/self/mountinfo", limit: 4 << 20).map { String(decoding: $0, as: UTF8.self) } ?? ""
        return DestinationDisk(topology: BlockTopology(mounts: MountInfo(text)))
    }

    public struct Refusal: Error, Sendable, CustomStringConvertible {
        public var description: String
    }

    /// Accepts `destination` (a directory on this machine) for evidence read from `sources` (paths on
    /// this machine: the root, /var, /var/log, /etc, /home, the evidence paths; absent ones are ignored),
    /// and describes it for the manifest; or says why not, in Vietnamese, with what to do.
    public func check(destination: String, sources: [String], allowMemory: Bool) throws(Refusal) -> EvidenceManifest.Disk {
        guard let target = topology.deviceOf(destination) else {
            throw Refusal(description: "\(destination): không mở được thư mục đích — hãy cắm ổ lưu trữ và gắn (mount) nó, rồi chỉ ra thư mục trên ổ đó")
        }
        let present = sources.compactMap { path in topology.deviceOf(path).map { (path, $0.st_dev) } }
        if let same = present.first(where: { $0.1 == target.st_dev }) {
            throw Refusal(description: "\(destination) nằm trên cùng hệ thống tệp với \(same.0), nơi đang thu thập chứng cứ: chép vào đó sẽ ghi đè dấu vết. Hãy dùng một ổ lưu trữ ngoài (USB, ổ cứng rời)")
        }
        let targetDisks = topology.disks(of: target.st_dev)
        if targetDisks.isEmpty && !allowMemory {
            throw Refusal(description: "\(destination) không nằm trên thiết bị lưu trữ nào (tmpfs, bộ nhớ): chứng cứ sẽ mất khi tắt máy. Hãy dùng một ổ lưu trữ ngoài, hoặc thêm --allow-memory-disk nếu thật sự muốn")
        }
        for (path, device) in present {
            let shared = targetDisks.intersection(topology.disks(of: device))
            if let disk = shared.first {
                throw Refusal(description: "\(destination) và \(path) cùng nằm trên ổ \(disk) (qua phân vùng, LVM/LUKS, RAID hoặc tệp loop): chép vào đó sẽ ghi đè dấu vết. Hãy dùng một ổ lưu trữ ngoài")
            }
        }
        return describe(destination, device: target.st_dev, disks: targetDisks)
    }

    /// The disks holding these paths, described for the manifest.
    public func sourceDisks(_ sources: [String]) -> [EvidenceManifest.Disk] {
        var seen = Set<BlockDevice>()
        var disks: [EvidenceManifest.Disk] = []
        for path in sources {
            guard let device = topology.deviceOf(path)?.st_dev, seen.insert(device).inserted else { continue }
            disks.append(describe(path, device: device, disks: topology.disks(of: device)))
        }
        return disks
    }

    func describe(_ path: String, device: BlockDevice, disks: Set<BlockDevice>) -> EvidenceManifest.Disk {
        let disk = disks.sorted { ($0.major, $0.minor) < ($1.major, $1.minor) }.first
        let (model, serial) = disk.map { topology.describe($0) } ?? (nil, nil)
        return EvidenceManifest.Disk(path: path, device: disk?.description, model: model, serial: serial,
                                     filesystem: topology.mounts.entry(for: device)?.fileSystem)
    }
}
