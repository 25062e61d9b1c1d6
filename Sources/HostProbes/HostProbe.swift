public import FoundationEssentials
public import HardeningCore
public import HostAccess

/// Collects ``HostFacts`` from a host through its root prefix. Every probe reads files only;
/// a probe that fails leaves its reason in the facts and the others go on.
public struct HostProbe: Sendable {
    public let host: HostRoot
    public let antivirusEngines: [AntivirusEngine]
    /// Asks the running kernel for its audit status and rules (root `/` only); nil reads the files.
    public let kernelAudit: (@Sendable () -> KernelAuditReading)?
    /// Seconds the whole check may take: past them every read fails, so the probes still running end
    /// with their facts `failed` (their controls `error`) and the report still comes out.
    public var budget: Double = 600

    public init(host: HostRoot, antivirusEngines: [AntivirusEngine], kernelAudit: (@Sendable () -> KernelAuditReading)? = nil) {
        self.host = host
        self.antivirusEngines = antivirusEngines
        self.kernelAudit = kernelAudit
    }

    public func collect(now: Date = Date()) -> HostFacts {
        let host = self.host.ending(after: budget)
        // The two probes that read the most (file hashes, the security archive's index) and the
        // backup probe's unit and script reading run beside the others: an office PC has two cores
        // or more, and the officer waits for the slowest chain, not the sum (benchmarks/README.md).
        let integrity = Background { Probed.collect { try IntegrityProbe(host: host).collect() } }
        let authentication = Probed.collect { try AuthenticationProbe(host: host).collect() }
        let defs = authentication.value?.loginDefs
        let accounts = Probed.collect {
            try AccountsProbe(host: host, uidMin: defs?.uidMin.value ?? 1000, uidMax: defs?.uidMax.value ?? 60000, now: now).collect()
        }
        let packages = Probed.collect { try PackagesProbe(host: host).collect() }
        let patches = Background {
            Probed.collect {
                try PatchesProbe(host: host, installed: packages.collectedValue().installed, release: releaseId()).collect()
            }
        }
        let services = ServicesProbe(host: host).collect()
        let backup = Background { Probed.collect { try BackupProbe(host: host, services: services).collect() } }
        let antivirus = Probed.collect {
            try AntivirusProbe(host: host, engines: antivirusEngines, packages: packages.value?.installed ?? [], services: services).collect()
        }
        let shares = Probed.collect { try SharesProbe(host: host).collect() }
        let remoteAccess = Probed.collect { try RemoteAccessProbe(host: host, services: services).collect() }
        let network = Probed.collect { try NetworkProbe(host: host, services: services, installed: Set(packages.value?.installed.map(\.name) ?? [])).collect() }
        let updates = Probed.collect { try UpdatesProbe(host: host).collect() }
        let logging = Probed.collect { try LoggingProbe(host: host, kernel: kernelAudit).collect() }
        let hardware = Probed.collect { try HardwareProbe(host: host).collect() }
        let enforcement = Probed.collect {
            try EnforcementProbe(host: host, users: accounts.collectedValue().users).collect()
        }
        let incident = Probed.collect { try IncidentProbe(host: host).collect() }
        return HostFacts(
            collectedAt: Timestamp(now), root: host.prefix.path, system: system(),
            authentication: authentication, accounts: accounts, packages: packages,
            services: services, antivirus: antivirus, shares: shares, remoteAccess: remoteAccess,
            network: network, updates: updates, backup: backup.value, hardware: hardware, patches: patches.value,
            integrity: integrity.value, enforcement: enforcement, logging: logging, incident: incident
        )
    }

    /// The os-release file and its text; `nil` when neither exists. Per os-release(5) `/etc/os-release`
    /// is used alone when it exists: one that exists but is refused (a FIFO, a loop) is an error, never
    /// a silent fall back to `/usr/lib/os-release`, which may name another release.
    func osRelease() throws(ProbeError) -> (path: String, text: String)? {
        for path in ["/etc/os-release", "/usr/lib/os-release"] {
            if let text = try host.text(path) { return (path, text) }
        }
        return nil
    }

    /// `ID` and `VERSION_ID` of the os-release file, with their lines (evidence for the end-of-life
    /// table): a refused file fails the patch facts, so VN-TD-UPD-002 is an `error` naming it.
    func releaseId() throws(ProbeError) -> ReleaseId {
        guard let (path, text) = try osRelease() else { return ReleaseId(id: nil, versionId: nil) }
        var id: Sourced<String>? = nil, version: Sourced<String>? = nil
        for a in ConfigLines.assignments(text, path: path) {
            if a.key == "ID", let v = a.value { id = Sourced(v, a.source) }
            if a.key == "VERSION_ID", let v = a.value { version = Sourced(v, a.source) }
        }
        return ReleaseId(id: id, versionId: version)
    }

    /// The SSH server's settings alone (what isolation keeps open); nil without an sshd_config, and
    /// when sshd itself would refuse the file (the caller falls back to sshd's default).
    public func sshServer() -> SshServerFacts? {
        (try? RemoteAccessProbe(host: host).collect())?.ssh
    }

    /// Hostname, machine id and OS release of the host under the root. A file that exists but is
    /// refused leaves its value unknown and is named in ``SystemFacts/unread``, so the report's host
    /// section says why instead of showing nothing, or another file's answer.
    public func system() -> SystemFacts {
        var unread: [String] = []
        func value(_ read: () throws(ProbeError) -> String?) -> String? {
            do {
                let text = try read()?.trimmed
                return text?.isEmpty == false ? text : nil
            } catch {
                unread.append(error.description)
                return nil
            }
        }
        let hostname = value { () throws(ProbeError) in try host.text("/etc/hostname") }
        let machineId = value { () throws(ProbeError) in try host.text("/etc/machine-id") }
        var os = OperatingSystem(id: nil, versionId: nil, prettyName: nil)
        do {
            if let (path, text) = try osRelease() {
                let values = Dictionary(ConfigLines.assignments(text, path: path).map { ($0.key, $0.value ?? "") }, uniquingKeysWith: { _, last in last })
                os = OperatingSystem(id: values["ID"], versionId: values["VERSION_ID"], prettyName: values["PRETTY_NAME"])
            }
        } catch {
            unread.append(error.description)
        }
        return SystemFacts(hostname: hostname, machineId: machineId, os: os, unread: unread.isEmpty ? nil : unread)
    }
}
