import CollectorAPI
import Foundation
import IncidentResponse
import Testing

/// The disk check on captured sysfs trees and mountinfo text: every way a destination can share a
/// disk with the sources (a partition, LVM on LUKS, a loop device on a file, btrfs), and a tmpfs.
@Suite struct DestinationDiskTests {
    /// A sysfs tree as the kernel lays it out: `/sys/dev/block/M:m` links into `devices/…/block/…`.
    struct CapturedSysfs {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("attt-sysfs-\(UUID())").path

        /// `device` at `devicePath` (relative to sys/devices), with its `dev` file and extra files.
        func add(_ device: String, at devicePath: String, files: [String: String] = [:]) throws {
            let directory = root + "/devices/" + devicePath
            try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
            try (device + "\n").write(toFile: directory + "/dev", atomically: true, encoding: .utf8)
            for (name, text) in files {
                try FileManager.default.createDirectory(atPath: (directory + "/" + name as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                try text.write(toFile: directory + "/" + name, atomically: true, encoding: .utf8)
            }
            try FileManager.default.createDirectory(atPath: root + "/dev/block", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/dev/block/" + device, withDestinationPath: "../../devices/" + devicePath)
        }

        /// `holder/slaves/<name>` → the slave's directory, as dm and md have it.
        func slave(_ holder: String, _ name: String, at slavePath: String) throws {
            try FileManager.default.createDirectory(atPath: root + "/devices/" + holder + "/slaves", withIntermediateDirectories: true)
            try FileManager.default.createSymbolicLink(atPath: root + "/devices/" + holder + "/slaves/" + name, withDestinationPath: root + "/devices/" + slavePath)
        }

        func remove() { try? FileManager.default.removeItem(atPath: root) }
    }

    /// Paths of the captured machine and their devices (what stat would say there).
    static func devices(_ table: [String: (String, String)]) -> @Sendable (String) -> (st_dev: BlockDevice, st_rdev: BlockDevice)? {
        let parsed = table.mapValues { (BlockDevice($0.0)!, BlockDevice($0.1)!) }
        return { path in parsed[path].map { (st_dev: $0.0, st_rdev: $0.1) } }
    }

    func sda(_ sys: CapturedSysfs) throws {
        try sys.add("8:0", at: "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda", files: ["device/model": "WDC WD10EZEX\n", "device/serial": "WD-123\n"])
        for n in 1...3 { try sys.add("8:\(n)", at: "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda\(n)", files: ["partition": "\(n)\n"]) }
    }

    @Test func aPartitionBelongsToItsDisk() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sda(sys)
        try sys.add("8:16", at: "pci0000:00/usb1/1-1/host6/target6:0:0/6:0:0:0/block/sdb", files: ["device/model": "Cruzer Blade\n"])
        try sys.add("8:17", at: "pci0000:00/usb1/1-1/host6/target6:0:0/6:0:0:0/block/sdb/sdb1", files: ["partition": "1\n"])
        let topology = BlockTopology(sysfs: sys.root, mounts: MountInfo(""), deviceOf: Self.devices([
            "/": ("8:1", "0:0"), "/var": ("8:1", "0:0"), "/media/usb-on-sda2": ("8:2", "0:0"), "/media/usb": ("8:17", "0:0"),
        ]))
        #expect(topology.disks(of: BlockDevice("8:2")!) == [BlockDevice("8:0")!])
        let disk = DestinationDisk(topology: topology)
        #expect(throws: DestinationDisk.Refusal.self) { try disk.check(destination: "/media/usb-on-sda2", sources: ["/", "/var"], allowMemory: false) }
        #expect(throws: DestinationDisk.Refusal.self) { try disk.check(destination: "/var", sources: ["/"], allowMemory: false) }
        let accepted = try disk.check(destination: "/media/usb", sources: ["/", "/var", "/absent"], allowMemory: false)
        #expect(accepted.device == "8:16" && accepted.model == "Cruzer Blade")
        #expect(disk.sourceDisks(["/", "/var"]).map(\.model) == ["WDC WD10EZEX"])
    }

    @Test func lvmOnLuksIsTracedToThePartitionsDisk() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sda(sys)
        try sys.add("254:0", at: "virtual/block/dm-0", files: ["dm/name": "sda3_crypt\n"])
        try sys.add("254:1", at: "virtual/block/dm-1", files: ["dm/name": "vg-root\n"])
        try sys.add("254:2", at: "virtual/block/dm-2", files: ["dm/name": "vg-evidence\n"])
        try sys.slave("virtual/block/dm-0", "sda3", at: "pci0000:00/0000:00:1f.2/ata1/host0/target0:0:0/0:0:0:0/block/sda/sda3")
        try sys.slave("virtual/block/dm-1", "dm-0", at: "virtual/block/dm-0")
        try sys.slave("virtual/block/dm-2", "dm-0", at: "virtual/block/dm-0")
        let topology = BlockTopology(sysfs: sys.root, mounts: MountInfo(""), deviceOf: Self.devices(["/": ("254:1", "0:0"), "/mnt/evidence": ("254:2", "0:0")]))
        #expect(topology.disks(of: BlockDevice("254:1")!) == [BlockDevice("8:0")!])
        let refusal = #expect(throws: DestinationDisk.Refusal.self) {
            try DestinationDisk(topology: topology).check(destination: "/mnt/evidence", sources: ["/"], allowMemory: false)
        }
        #expect(refusal?.description.contains("8:0") == true)
    }

    @Test func aLoopDeviceIsOnTheDiskOfItsBackingFile() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sda(sys)
        try sys.add("7:0", at: "virtual/block/loop0", files: ["loop/backing_file": "/var/tmp/usb.img\n"])
        try sys.add("7:1", at: "virtual/block/loop1", files: ["loop/backing_file": "/run/image on tmpfs.img\n"])
        let mounts = MountInfo("30 1 0:30 / /run rw,nosuid - tmpfs tmpfs rw,size=1638400k\n")
        let topology = BlockTopology(sysfs: sys.root, mounts: mounts, deviceOf: Self.devices([
            "/": ("8:1", "0:0"), "/var/tmp/usb.img": ("8:1", "0:0"), "/mnt/loop0": ("7:0", "0:0"),
            "/run/image on tmpfs.img": ("0:30", "0:0"), "/mnt/loop1": ("7:1", "0:0"),
        ]))
        #expect(topology.disks(of: BlockDevice("7:0")!) == [BlockDevice("8:0")!])
        #expect(throws: DestinationDisk.Refusal.self) { try DestinationDisk(topology: topology).check(destination: "/mnt/loop0", sources: ["/"], allowMemory: false) }
        // A loop on a file in memory is a disk of its own (the test rig's case).
        #expect(topology.disks(of: BlockDevice("7:1")!) == [BlockDevice("7:1")!])
        #expect(try DestinationDisk(topology: topology).check(destination: "/mnt/loop1", sources: ["/"], allowMemory: false).device == "7:1")
    }

    @Test func btrfsAnonymousDevicesAreFoundThroughMountinfo() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sda(sys)
        let mounts = MountInfo("""
            26 1 0:25 /@ / rw,relatime shared:1 - btrfs /dev/sda2 rw,ssd,space_cache=v2,subvolid=256,subvol=/@
            27 26 0:26 /@home /home rw,relatime shared:2 - btrfs /dev/sda2 rw,ssd,space_cache=v2,subvolid=257,subvol=/@home
            28 26 0:27 / /media/officer/USB\\040DISK rw,nosuid,nodev - vfat /dev/sdc1 rw,fmask=0022

            """)
        #expect(mounts.entries.count == 3)
        #expect(mounts.entries[2].mountPoint == "/media/officer/USB DISK")
        try sys.add("8:32", at: "pci0000:00/usb2/block/sdc")
        try sys.add("8:33", at: "pci0000:00/usb2/block/sdc/sdc1", files: ["partition": "1\n"])
        let topology = BlockTopology(sysfs: sys.root, mounts: mounts, deviceOf: Self.devices([
            "/": ("0:25", "0:0"), "/home": ("0:26", "0:0"), "/dev/sda2": ("0:6", "8:2"), "/dev/sdc1": ("0:6", "8:33"),
            "/home/officer/evidence": ("0:26", "0:0"), "/media/officer/USB DISK": ("0:27", "0:0"),
        ]))
        #expect(topology.disks(of: BlockDevice("0:26")!) == [BlockDevice("8:0")!])
        // Another subvolume of the same btrfs: a different st_dev, the same disk.
        #expect(throws: DestinationDisk.Refusal.self) { try DestinationDisk(topology: topology).check(destination: "/home/officer/evidence", sources: ["/"], allowMemory: false) }
        let accepted = try DestinationDisk(topology: topology).check(destination: "/media/officer/USB DISK", sources: ["/", "/home"], allowMemory: false)
        #expect(accepted.device == "8:32" && accepted.filesystem == "vfat")
    }

    @Test func tmpfsIsRefusedUnlessAllowed() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sda(sys)
        let mounts = MountInfo("40 1 0:40 / /dev/shm rw,nosuid,nodev - tmpfs tmpfs rw\n")
        let topology = BlockTopology(sysfs: sys.root, mounts: mounts, deviceOf: Self.devices(["/": ("8:1", "0:0"), "/dev/shm/e": ("0:40", "0:0")]))
        let refusal = #expect(throws: DestinationDisk.Refusal.self) { try DestinationDisk(topology: topology).check(destination: "/dev/shm/e", sources: ["/"], allowMemory: false) }
        #expect(refusal?.description.contains("--allow-memory-disk") == true)
        let allowed = try DestinationDisk(topology: topology).check(destination: "/dev/shm/e", sources: ["/"], allowMemory: true)
        #expect(allowed.device == nil && allowed.filesystem == "tmpfs")
        #expect(throws: DestinationDisk.Refusal.self) { try DestinationDisk(topology: topology).check(destination: "/absent", sources: ["/"], allowMemory: true) }
    }

    @Test func aLoopOnALoopOnItselfEnds() throws {
        let sys = CapturedSysfs()
        defer { sys.remove() }
        try sys.add("7:5", at: "virtual/block/loop5", files: ["loop/backing_file": "/mnt/loop5/img\n"])
        let topology = BlockTopology(sysfs: sys.root, mounts: MountInfo(""), deviceOf: Self.devices(["/mnt/loop5/img": ("7:5", "0:0")]))
        #expect(topology.disks(of: BlockDevice("7:5")!) == [BlockDevice("7:5")!])
    }

    @Test func deviceNumbersDecodeLikeGlibc() {
        #expect(BlockDevice(0xfe00) == BlockDevice(major: 254, minor: 0))
        #expect(BlockDevice(0x10303) == BlockDevice(major: 259, minor: 3))
        #expect(BlockDevice(UInt64(0x812)).description == "8:18")
        #expect(BlockDevice("x:1") == nil)
    }
}
