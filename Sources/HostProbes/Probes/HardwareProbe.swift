import FoundationEssentials
import Glibc
import HardeningCore
import HostAccess

/// Inventory and health of the machine (Điều 6B khoản 1, khoản 6; Điều 10 khoản 7) from files only:
/// DMI in /sys, /proc, /sys/block, and the state smartd saves (smartctl is a command; not run here).
struct HardwareProbe {
    let host: HostRoot

    static let smartdDirectory = "/var/lib/smartmontools"

    func collect() throws -> HardwareFacts {
        func dmi(_ name: String) throws(ProbeError) -> Sourced<String>? {
            let path = "/sys/class/dmi/id/\(name)"
            guard let value = try attribute(path), !value.isEmpty else { return nil }
            return Sourced(value, SourceLocation(path: path))
        }
        let cpu = Self.cpu(try host.text("/proc/cpuinfo") ?? "", path: "/proc/cpuinfo")
        let memory = Self.memory(try host.text("/proc/meminfo") ?? "", path: "/proc/meminfo")
        let load = try host.text("/proc/loadavg").map { Sourced($0.fields.prefix(3).joined(separator: " "), SourceLocation(path: "/proc/loadavg")) }
        return HardwareFacts(
            vendor: try dmi("sys_vendor"), product: try dmi("product_name"), serial: try dmi("product_serial"),
            biosVersion: try dmi("bios_version"), biosDate: try dmi("bios_date"),
            cpuModel: cpu.model, cpuCount: cpu.count,
            memoryTotalKiB: memory["MemTotal"], memoryAvailableKiB: memory["MemAvailable"],
            loadAverage: load, disks: try disks(), rootUsedPercent: rootUsedPercent(), smart: try smart()
        )
    }

    /// `model name : …` (x86; `Model` on ARM) and the count of `processor` lines.
    static func cpu(_ text: String, path: String) -> (model: Sourced<String>?, count: Sourced<Int>?) {
        var model: Sourced<String>? = nil
        var count = 0
        for (index, line) in text.lines.enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let key = String(line[..<colon]).trimmed
            let value = String(line[line.index(after: colon)...]).trimmed
            if key == "processor" { count += 1 }
            if model == nil, key == "model name" || key == "Model", !value.isEmpty { model = Sourced(value, SourceLocation(path: path, line: index + 1)) }
        }
        return (model, count > 0 ? Sourced(count, SourceLocation(path: path)) : nil)
    }

    /// `MemTotal:       16318412 kB` lines, by name.
    static func memory(_ text: String, path: String) -> [String: Sourced<Int>] {
        var values: [String: Sourced<Int>] = [:]
        for (index, line) in text.lines.enumerated() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            let fields = String(line[line.index(after: colon)...]).fields
            guard let number = fields.first.flatMap({ Int($0) }) else { continue }
            values[String(line[..<colon])] = Sourced(number, SourceLocation(path: path, line: index + 1))
        }
        return values
    }

    /// Whole disks: `size` counts 512-byte sectors whatever the disk's own sector size.
    func disks() throws -> [BlockDisk] {
        var result: [BlockDisk] = []
        for name in try host.list("/sys/block") where !["loop", "ram", "zram", "dm-"].contains(where: { name.hasPrefix($0) }) {
            let base = "/sys/block/\(name)"
            guard let size = try attribute("\(base)/size").flatMap({ Int($0) }), size > 0 else { continue }
            let rotational = try attribute("\(base)/queue/rotational") == "1"
            let model = try attribute("\(base)/device/model")
            result.append(BlockDisk(name: name, sizeBytes: size * 512, rotational: rotational, model: model?.isEmpty == false ? model : nil, source: SourceLocation(path: "\(base)/size")))
        }
        return result
    }

    /// A sysfs attribute, trimmed; `nil` when absent. On the live host the kernel owns `/sys`: an
    /// attribute it will not give (product_serial is root-only, some drivers answer EIO) is simply not
    /// known. Under another root `/sys` is the image's own files, chosen by whoever made it: one that
    /// is refused (a FIFO, a loop, a huge file) is reported, and the hardware controls are `error`.
    func attribute(_ path: String) throws(ProbeError) -> String? {
        do {
            return try host.text(path)?.trimmed
        } catch {
            if host.isLiveHost { return nil }
            throw error
        }
    }

    /// statvfs(3) of `/`, as df counts it (blocks for unprivileged users are the available ones).
    func rootUsedPercent() -> Sourced<Int>? {
        guard host.isLiveHost else { return nil }
        var st = statvfs()
        guard statvfs("/", &st) == 0, st.f_blocks > 0 else { return nil }
        let used = UInt64(st.f_blocks - st.f_bfree)
        let total = used + UInt64(st.f_bavail)
        guard total > 0 else { return nil }
        return Sourced(Int((used * 100 + total - 1) / total), SourceLocation(path: "statvfs:/"))
    }

    func smart() throws -> [SmartDisk] {
        var result: [SmartDisk] = []
        for file in try host.list(Self.smartdDirectory) {
            guard let disk = SmartdState.disk(fileName: file) else { continue }
            let path = "\(Self.smartdDirectory)/\(file)"
            guard let text = try host.text(path) else { continue }
            let state = SmartdState.parse(text, path: path)
            result.append(SmartDisk(
                name: disk.name, type: disk.type,
                reallocatedSectors: state.raw(5, path: path), pendingSectors: state.raw(197, path: path),
                uncorrectableSectors: state.raw(198, path: path), selfTestErrors: state.counter("self-test-errors", path: path),
                source: SourceLocation(path: path)
            ))
        }
        return result
    }
}
