import FoundationEssentials
import HardeningCore
import HostAccess

/// APT's periodic settings and unattended-upgrades' origins (``AptConfig``), and its log.
struct UpdatesProbe {
    let host: HostRoot

    static let apt = SourceLocation.builtin("apt")

    func collect() throws -> UpdateFacts {
        let config = try AptConfig.load(
            readFile: { path throws(ProbeError) in try host.text(path) },
            list: { path throws(ProbeError) in try host.list(path) }
        )
        if !config.problems.isEmpty {
            // apt itself stops on such a file ("E: Syntax error"): say so rather than guess.
            throw ProbeError(path: "/etc/apt/apt.conf.d", reason: config.problems.joined(separator: "; ") + " — check it with apt-config dump")
        }
        func periodic(_ key: String) -> Sourced<String> {
            config.value("APT::Periodic::" + key).map { Sourced($0.text, $0.source) } ?? Sourced("0", Self.apt)
        }
        let origins = (config.list("Unattended-Upgrade::Origins-Pattern") + config.list("Unattended-Upgrade::Allowed-Origins")).map {
            UpdateOrigin(pattern: $0.text, security: Self.isSecurity($0.text), source: $0.source)
        }
        let run = try lastRun()
        return UpdateFacts(
            updatePackageLists: periodic("Update-Package-Lists"), unattendedUpgrade: periodic("Unattended-Upgrade"),
            origins: origins, lastRun: run?.start, lastRunError: run?.error
        )
    }

    /// `label=Debian-Security`, `…-security` (codename or suite), Ubuntu's `${distro_codename}-security`.
    static func isSecurity(_ pattern: String) -> Bool {
        let p = pattern.lowercased()
        return p.contains("label=debian-security") || p.contains("-security")
    }

    /// The last "Starting unattended upgrades script" line, and the first ERROR line after it.
    func lastRun() throws -> (start: Sourced<String>, error: Sourced<String>?)? {
        let path = "/var/log/unattended-upgrades/unattended-upgrades.log"
        guard let log = try host.tail(path, bytes: 256 << 10) else { return nil }
        var start: Sourced<String>? = nil
        var error: Sourced<String>? = nil
        let lines = String(decoding: log, as: UTF8.self).lines
        for (index, line) in lines.enumerated() {
            // `2026-11-24 06:31:22,415 INFO Starting unattended upgrades script`
            let fields = line.split(separator: " ", maxSplits: 3)
            guard fields.count == 4 else { continue }
            if fields[3].hasPrefix("Starting unattended upgrades script"), let time = Self.time(date: fields[0], clock: fields[1]) {
                start = Sourced(time, SourceLocation(path: path, line: index + 1))
                error = nil
            } else if fields[2] == "ERROR", start != nil, error == nil {
                error = Sourced(String(fields[3]), SourceLocation(path: path, line: index + 1))
            }
        }
        return start.map { ($0, error) }
    }

    /// `2026-11-24` + `06:31:22,415` → `2026-11-24T06:31:22Z`, or nil when it is not a time.
    static func time(date: Substring, clock: Substring) -> String? {
        let d = date.split(separator: "-"), c = clock.prefix(8).split(separator: ":")
        guard d.count == 3, c.count == 3, d[0].count == 4, (d + c).allSatisfy({ $0.count >= 2 && $0.allSatisfy(\.isASCII) && Int($0) != nil }) else { return nil }
        return "\(date)T\(clock.prefix(8))Z"
    }
}
