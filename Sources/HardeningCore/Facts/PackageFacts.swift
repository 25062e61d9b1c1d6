/// Installed software from the dpkg database, and who asked for installs.
public struct PackageFacts: Codable, Sendable, Hashable {
    public var manager: String
    public var installed: [InstalledPackage]
    public var installRequests: [InstallRequest]

    public init(manager: String, installed: [InstalledPackage], installRequests: [InstallRequest]) {
        self.manager = manager
        self.installed = installed
        self.installRequests = installRequests
    }
}

public struct InstalledPackage: Codable, Sendable, Hashable {
    public var name: String
    public var version: String
    public var architecture: String?
    /// Debian priority: `required`, `important` and `standard` make up the base system.
    public var priority: String?
    public var section: String?
    /// Installed on purpose, not pulled in as a dependency (apt's `extended_states`).
    public var manual: Bool
    /// Another installed package depends on it or recommends it: it is part of something installed.
    public var required: Bool
    public var source: SourceLocation

    public init(name: String, version: String, architecture: String?, priority: String?, section: String?, manual: Bool, required: Bool, source: SourceLocation) {
        self.name = name
        self.version = version
        self.architecture = architecture
        self.priority = priority
        self.section = section
        self.manual = manual
        self.required = required
        self.source = source
    }
}

/// One `apt install` from apt's history log.
public struct InstallRequest: Codable, Sendable, Hashable {
    public var date: Timestamp?
    public var commandLine: String?
    /// The user who ran it through sudo (`Requested-By:`); absent when root ran it directly.
    public var requestedBy: String?
    public var packages: [String]
    public var source: SourceLocation

    public init(date: Timestamp?, commandLine: String?, requestedBy: String?, packages: [String], source: SourceLocation) {
        self.date = date
        self.commandLine = commandLine
        self.requestedBy = requestedBy
        self.packages = packages
        self.source = source
    }
}

/// systemd units enabled on the host, read from the symlinks under `/etc/systemd/system`.
public struct ServiceFacts: Codable, Sendable, Hashable {
    /// Units enabled at boot; `failed` when a directory of links could not be listed (a FIFO or a
    /// loop planted at a `.wants` directory): every control that asks "is it enabled?" is then an
    /// `error` naming the path, never a `fail` or a `pass` on a list that is only partly known.
    public var enabled: Probed<[EnabledUnit]>
    /// Units running now: only on the live host (root `/`).
    public var active: Probed<[String]>

    public init(enabled: Probed<[EnabledUnit]>, active: Probed<[String]>) {
        self.enabled = enabled
        self.active = active
    }
}

public struct EnabledUnit: Codable, Sendable, Hashable {
    public var unit: String
    /// The target that wants it, e.g. `multi-user.target`.
    public var wantedBy: String
    public var source: SourceLocation

    public init(unit: String, wantedBy: String, source: SourceLocation) {
        self.unit = unit
        self.wantedBy = wantedBy
        self.source = source
    }
}
