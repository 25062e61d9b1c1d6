/// The machine itself (Điều 6B khoản 1 and khoản 6: inventory of equipment; Điều 10 khoản 7: its
/// state): what the firmware, the kernel and smartd say about it. The registered origin of the
/// asset is entered by an officer at the collector, not read here.
public struct HardwareFacts: Codable, Sendable, Hashable {
    /// `/sys/class/dmi/id/sys_vendor`, `product_name`, `product_serial` (readable by root only),
    /// `bios_version`, `bios_date`; absent on machines without DMI (most ARM boards).
    public var vendor: Sourced<String>?
    public var product: Sourced<String>?
    public var serial: Sourced<String>?
    public var biosVersion: Sourced<String>?
    public var biosDate: Sourced<String>?
    /// `/proc/cpuinfo`: the first `model name` and the number of logical processors.
    public var cpuModel: Sourced<String>?
    public var cpuCount: Sourced<Int>?
    /// `/proc/meminfo` `MemTotal` and `MemAvailable`, in KiB.
    public var memoryTotalKiB: Sourced<Int>?
    public var memoryAvailableKiB: Sourced<Int>?
    /// MemAvailable as a share of MemTotal, in percent (rounded down).
    public var memoryHeadroomPercent: Sourced<Int>?
    /// `/proc/loadavg`: the 1, 5 and 15 minute load averages.
    public var loadAverage: Sourced<String>?
    /// Disks from `/sys/block` (no loop, RAM or device-mapper devices).
    public var disks: [BlockDisk]
    /// The used share of the root file system, in percent, from statvfs(3) — only on the live host
    /// (a disk image or copied tree has no meaningful free space).
    public var rootUsedPercent: Sourced<Int>?
    /// The disks smartd keeps state for (`/var/lib/smartmontools/smartd.MODEL-SERIAL.TYPE.state`).
    public var smart: [SmartDisk]

    public init(vendor: Sourced<String>?, product: Sourced<String>?, serial: Sourced<String>?, biosVersion: Sourced<String>?, biosDate: Sourced<String>?, cpuModel: Sourced<String>?, cpuCount: Sourced<Int>?, memoryTotalKiB: Sourced<Int>?, memoryAvailableKiB: Sourced<Int>?, loadAverage: Sourced<String>?, disks: [BlockDisk], rootUsedPercent: Sourced<Int>?, smart: [SmartDisk]) {
        self.vendor = vendor
        self.product = product
        self.serial = serial
        self.biosVersion = biosVersion
        self.biosDate = biosDate
        self.cpuModel = cpuModel
        self.cpuCount = cpuCount
        self.memoryTotalKiB = memoryTotalKiB
        self.memoryAvailableKiB = memoryAvailableKiB
        if let total = memoryTotalKiB, let available = memoryAvailableKiB, total.value > 0 {
            // In Double: a damaged meminfo with huge numbers must not overflow.
            let percent = (Double(available.value) * 100 / Double(total.value)).rounded(.down)
            self.memoryHeadroomPercent = Sourced(Int(max(0, min(100, percent))), available.source)
        }
        self.loadAverage = loadAverage
        self.disks = disks
        self.rootUsedPercent = rootUsedPercent
        self.smart = smart
    }
}

public struct BlockDisk: Codable, Sendable, Hashable {
    /// `sda`, `nvme0n1`.
    public var name: String
    public var sizeBytes: Int
    /// `queue/rotational`: a spinning disk.
    public var rotational: Bool
    public var model: String?
    public var source: SourceLocation

    public init(name: String, sizeBytes: Int, rotational: Bool, model: String?, source: SourceLocation) {
        self.name = name
        self.sizeBytes = sizeBytes
        self.rotational = rotational
        self.model = model
        self.source = source
    }
}

/// What smartd last saved about a disk. The file keeps attribute values but not their thresholds, so
/// the overall "PASSED" verdict of `smartctl -H` cannot be read from it; the counters that mean a disk
/// is failing can: sectors reallocated (attribute 5), waiting to be (197) or unreadable (198), and
/// failed self-tests. Each is 0 when smartd did not write it (it leaves out zero values).
public struct SmartDisk: Codable, Sendable, Hashable {
    /// `Samsung_SSD_870_EVO_500GB-S6PXNM0T123456A` (model and serial, as smartd names the file).
    public var name: String
    /// `ata`, `nvme` or `scsi`.
    public var type: String
    public var reallocatedSectors: Sourced<Int>
    public var pendingSectors: Sourced<Int>
    public var uncorrectableSectors: Sourced<Int>
    public var selfTestErrors: Sourced<Int>
    public var source: SourceLocation

    public init(name: String, type: String, reallocatedSectors: Sourced<Int>, pendingSectors: Sourced<Int>, uncorrectableSectors: Sourced<Int>, selfTestErrors: Sourced<Int>, source: SourceLocation) {
        self.name = name
        self.type = type
        self.reallocatedSectors = reallocatedSectors
        self.pendingSectors = pendingSectors
        self.uncorrectableSectors = uncorrectableSectors
        self.selfTestErrors = selfTestErrors
        self.source = source
    }
}
