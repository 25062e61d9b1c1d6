import FoundationEssentials
import HardeningCore
import HostAccess

/// Installed packages from the dpkg database; manual installs from apt's `extended_states`;
/// who asked for installs from apt's history log.
struct PackagesProbe {
    let host: HostRoot

    func collect() throws -> PackageFacts {
        let statusPath = "/var/lib/dpkg/status"
        guard let status = try host.text(statusPath) else {
            throw ProbeError(path: statusPath, reason: "missing: no dpkg database (this probe reads Debian-family systems)")
        }
        let all = Deb822.parse(status, only: ["package", "status", "version", "architecture", "priority", "section", "depends", "pre-depends", "recommends", "provides"])
        if !all.contains(where: { $0["Package"] != nil }) && !status.trimmed.isEmpty {
            throw ProbeError(path: statusPath, reason: "no package entry could be read: the dpkg database is damaged (see dpkg --audit)")
        }
        var auto: Set<String> = []
        if let states = try host.text("/var/lib/apt/extended_states") {
            for s in Deb822.parse(states) where s["Auto-Installed"] == "1" {
                if let name = s["Package"] { auto.insert(name); if let arch = s["Architecture"] { auto.insert("\(name):\(arch)") } }
            }
        }
        // "install ok installed" (or "hold ok installed"): the third word is the state.
        let stanzas = all.filter { s in
            guard s["Package"] != nil, let state = s["Status"]?.fields, state.count == 3 else { return false }
            return state[2] == "installed"
        }
        // A package another one depends on (or recommends) is part of something bigger. debootstrap
        // leaves its libraries unmarked in extended_states, so "manual" alone would list every library.
        var wanted: Set<String> = []
        var providers: [String: [String]] = [:]
        for s in stanzas {
            for field in ["Depends", "Pre-Depends", "Recommends"] {
                for name in Self.relationNames(s[field] ?? "") { wanted.insert(name) }
            }
            for name in Self.relationNames(s["Provides"] ?? "") { providers[name, default: []].append(s["Package"]!) }
        }
        for (virtual, names) in providers where wanted.contains(virtual) { wanted.formUnion(names) }
        var installed: [InstalledPackage] = []
        for s in stanzas {
            let name = s["Package"]!
            let arch = s["Architecture"]
            installed.append(InstalledPackage(
                name: name, version: s["Version"] ?? "", architecture: arch, priority: s["Priority"], section: s["Section"],
                manual: !(auto.contains(name) || arch.map { auto.contains("\(name):\($0)") } ?? false),
                required: wanted.contains(name),
                source: SourceLocation(path: statusPath, line: s.line)
            ))
        }
        return PackageFacts(manager: "dpkg", installed: installed, installRequests: try installRequests())
    }

    /// `Install:` entries of `/var/log/apt/history.log` and its uncompressed rotation.
    func installRequests() throws -> [InstallRequest] {
        var requests: [InstallRequest] = []
        for path in ["/var/log/apt/history.log.1", "/var/log/apt/history.log"] {
            guard let text = try host.text(path) else { continue }
            for s in Deb822.parse(text) {
                guard let install = s["Install"] else { continue }
                let packages = Self.packageNames(install)
                let requestedBy = s["Requested-By"].map { String($0.prefix { $0 != " " && $0 != "(" }) }
                requests.append(InstallRequest(
                    date: s["Start-Date"].flatMap(Self.aptDate).map(Timestamp.init),
                    commandLine: s["Commandline"], requestedBy: requestedBy, packages: packages,
                    source: SourceLocation(path: path, line: s.line)
                ))
            }
        }
        return requests
    }

    /// `a (>= 1), b | c:any` → every package name the relation mentions.
    static func relationNames(_ field: String) -> [String] {
        let stops: Set<Character> = [" ", "(", ":", "[", "<"]
        var names: [String] = []
        for part in field.split(whereSeparator: { $0 == "," || $0 == "|" }) {
            let name = String(part).trimmed.prefix { !stops.contains($0) }
            if !name.isEmpty { names.append(String(name)) }
        }
        return names
    }

    /// `pkg:amd64 (1.2-3), lib:amd64 (4.5, automatic)` → names of the packages asked for (not automatic).
    static func packageNames(_ field: String) -> [String] {
        var names: [String] = []
        var depth = 0
        var current = ""
        var entries: [String] = []
        for c in field {
            if c == "(" { depth += 1 }
            if c == ")" { depth -= 1 }
            if c == "," && depth == 0 { entries.append(current); current = ""; continue }
            current.append(c)
        }
        entries.append(current)
        for entry in entries {
            let trimmed = entry.trimmed
            guard !trimmed.contains("automatic"), let name = trimmed.split(separator: " ").first else { continue }
            names.append(String(name.split(separator: ":").first ?? name))
        }
        return names
    }

    /// apt writes `2026-11-20  08:27:41` in local time; read it as UTC (the date is what matters).
    static func aptDate(_ text: String) -> Date? {
        let parts = text.fields
        guard parts.count == 2 else { return nil }
        return Timestamp.parse("\(parts[0])T\(parts[1])Z")
    }
}

/// Units enabled at boot, from the symlinks systemctl enable leaves under `/etc/systemd/system`.
struct ServicesProbe {
    let host: HostRoot

    func collect() -> ServiceFacts {
        ServiceFacts(enabled: Probed.collect { try enabledUnits() }, active: activeUnits())
    }

    /// A `.wants` directory that cannot be listed fails the whole list: a unit missing from it
    /// would read as "not enabled" (a `fail`, or a `pass` for a service that must be off).
    func enabledUnits() throws(ProbeError) -> [EnabledUnit] {
        var enabled: [EnabledUnit] = []
        let base = "/etc/systemd/system"
        let entries = try host.list(base)
        for entry in entries where entry.hasSuffix(".wants") || entry.hasSuffix(".requires") {
            let target = String(entry.dropLast(entry.hasSuffix(".wants") ? 6 : 9))
            for unit in try host.list("\(base)/\(entry)") {
                let path = "\(base)/\(entry)/\(unit)"
                // A link to /dev/null is a masked unit, not an enabled one.
                if host.linkTarget(path) == "/dev/null" { continue }
                enabled.append(EnabledUnit(unit: unit, wantedBy: target, source: SourceLocation(path: path)))
            }
        }
        // Aliases such as display-manager.service also live at the top level.
        for entry in entries where entry.hasSuffix(".service") || entry.hasSuffix(".timer") {
            if let target = host.linkTarget("\(base)/\(entry)"), target != "/dev/null" {
                let unit = String(target.split(separator: "/").last ?? "")
                enabled.append(EnabledUnit(unit: unit, wantedBy: entry, source: SourceLocation(path: "\(base)/\(entry)")))
            }
        }
        return enabled
    }

    /// Running units are live-only: read from the cgroup tree only when the root is `/`.
    func activeUnits() -> Probed<[String]> {
        guard host.isLiveHost else { return .unavailable("the root is not /: running services are only known on the live host") }
        let base = "/sys/fs/cgroup/system.slice"
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: base) else {
            return .unavailable("\(base) is not readable (no systemd, or a container)")
        }
        return .collected(names.filter { $0.hasSuffix(".service") && FileManager.default.fileExists(atPath: "\(base)/\($0)/cgroup.procs") }.sorted())
    }
}
