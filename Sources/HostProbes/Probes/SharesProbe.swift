import FoundationEssentials
import HardeningCore
import HostAccess

/// Samba shares and user shares, NFS exports, anonymous FTP. Điều 7 khoản 1: never share a whole
/// disk, and protect every share with a password.
struct SharesProbe {
    let host: HostRoot

    func collect() throws -> ShareFacts {
        let wholeDisk = try wholeDiskPaths()
        let isWholeDisk = { (path: String?) -> Bool in
            guard let path else { return false }
            let normal = SharesProbe.normalize(path)
            if wholeDisk.contains(normal) { return true }
            // Removable media and ad-hoc mounts: /media/LABEL, /media/USER/LABEL, /mnt/X.
            let parts = normal.split(separator: "/")
            if parts.first == "media" && (parts.count == 2 || parts.count == 3) { return true }
            if parts.first == "mnt" && parts.count == 2 { return true }
            if parts.starts(with: ["run", "media"]) && parts.count == 4 { return true }
            return false
        }
        return ShareFacts(
            samba: try samba(isWholeDisk),
            nfsExports: try nfs(isWholeDisk),
            ftpAnonymous: try ftpAnonymous(),
            wholeDiskPaths: wholeDisk.sorted()
        )
    }

    static func normalize(_ path: String) -> String {
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == ".." { _ = parts.popLast() } else { parts.append(part) }
        }
        return "/" + parts.joined(separator: "/")
    }

    /// `/`, `/home` and every mount point in fstab except swap.
    func wholeDiskPaths() throws -> Set<String> {
        var paths: Set<String> = ["/", "/home"]
        if let fstab = try host.text("/etc/fstab") {
            for line in ConfigLines.meaningful(fstab) {
                let f = line.text.fields
                guard f.count >= 3, f[1].hasPrefix("/"), f[2] != "swap" else { continue }
                paths.insert(SharesProbe.normalize(f[1].replacing("\\040", with: " ")))
            }
        }
        return paths
    }

    func samba(_ isWholeDisk: (String?) -> Bool) throws -> SambaFacts? {
        guard let config = try SambaConfig.load(path: "/etc/samba/smb.conf", readFile: { path throws(ProbeError) in try host.text(path) }) else { return nil }
        if !config.problems.isEmpty {
            throw ProbeError(path: "/etc/samba/smb.conf", reason: config.problems.joined(separator: "; ") + " — check it with testparm -s")
        }
        func global(_ key: String, _ fallback: String) -> Sourced<String> {
            config.globals.values[key].map { Sourced($0.text, $0.source) } ?? Sourced(fallback, .builtin("samba"))
        }
        func flag(_ value: SambaConfig.Value?, _ fallback: Bool) -> Bool {
            value.flatMap { FactValue.string($0.text).boolValue } ?? fallback
        }
        var shares: [SambaShare] = []
        for section in config.shares {
            var path = config.value("path", in: section)?.text
            if section.name.lowercased() == "homes" && path == nil { path = "/home/%S" }
            shares.append(SambaShare(
                name: section.name, path: path,
                guestOk: flag(config.value("guestok", in: section), false),
                readOnly: flag(config.value("readonly", in: section), true),
                validUsers: config.value("validusers", in: section)?.text,
                available: flag(config.value("available", in: section), true),
                wholeDisk: isWholeDisk(path), source: section.source
            ))
        }
        let usersharePath = global("usersharepath", "/var/lib/samba/usershares").value
        var usershares: [SambaShare] = []
        for name in try host.list(usersharePath) where !name.hasPrefix(".") {
            let path = "\(usersharePath)/\(name)"
            guard let text = try host.text(path) else { continue }
            let values = UsershareFile.parse(text)
            let sharePath = values["path"]?.0
            usershares.append(SambaShare(
                name: values["sharename"]?.0 ?? name, path: sharePath,
                guestOk: values["guest_ok"]?.0.lowercased() == "y",
                // usershare_acl: S-1-1-0 is Everyone; `:F` full control, `:R` read.
                readOnly: !(values["usershare_acl"]?.0.contains(":F") ?? false),
                validUsers: values["usershare_acl"]?.0, available: true,
                wholeDisk: isWholeDisk(sharePath), source: SourceLocation(path: path, line: values["guest_ok"]?.1 ?? values["path"]?.1)
            ))
        }
        // Debian builds Samba with usershares on (100 shares) where upstream defaults to 0.
        let maxShares = global("usersharemaxshares", "100")
        return SambaFacts(
            security: global("security", "user"),
            mapToGuest: global("maptoguest", "Never"),
            usershareAllowGuests: Sourced(FactValue.string(global("usershareallowguests", "no").value).boolValue ?? false, global("usershareallowguests", "no").source),
            usershareMaxShares: Sourced(Int(maxShares.value) ?? 0, maxShares.source),
            serverMinProtocol: global("serverminprotocol", "SMB2_02"),
            shares: shares, usershares: usershares
        )
    }

    func nfs(_ isWholeDisk: (String?) -> Bool) throws -> [NfsExport] {
        var files = ["/etc/exports"]
        files += try host.list("/etc/exports.d").filter { $0.hasSuffix(".exports") }.map { "/etc/exports.d/\($0)" }
        var exports: [NfsExport] = []
        for file in files {
            guard let text = try host.text(file) else { continue }
            for e in ExportsParser.parse(text) {
                exports.append(NfsExport(
                    path: e.path, clients: e.clients,
                    world: e.clients.contains { $0.host == "*" || $0.host.isEmpty || $0.host == "0.0.0.0/0" || $0.host == "::/0" },
                    noRootSquash: e.clients.contains { $0.options.contains("no_root_squash") },
                    wholeDisk: isWholeDisk(e.path), source: SourceLocation(path: file, line: e.line)
                ))
            }
        }
        return exports
    }

    /// vsftpd's compiled-in default for anonymous_enable is YES; Debian's shipped file sets NO.
    func ftpAnonymous() throws -> Sourced<Bool>? {
        let path = "/etc/vsftpd.conf"
        guard let text = try host.text(path) else { return nil }
        let setting = ConfigLines.assignments(text, path: path).last { $0.key == "anonymous_enable" }
        guard let setting else { return Sourced(true, .builtin("vsftpd")) }
        return Sourced(setting.value?.uppercased() == "YES", setting.source)
    }
}
