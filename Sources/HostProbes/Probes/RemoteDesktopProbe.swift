import HardeningCore
import HostAccess

/// Remote-desktop servers enabled at boot (Điều 9 khoản 3: remote access watched and restricted):
/// xrdp with its two ini files, and an x11vnc service with the password its command line names.
extension RemoteAccessProbe {
    func remoteDesktops() throws -> [RemoteDesktopServer] {
        var result: [RemoteDesktopServer] = []
        var seen = Set<String>()
        for unit in try services.enabled.collectedValue() where seen.insert(unit.unit).inserted {
            if unit.unit == "xrdp.service" {
                result.append(try xrdp(unit))
            } else if unit.unit.hasPrefix("x11vnc") && unit.unit.hasSuffix(".service") {
                result.append(try x11vnc(unit))
            }
        }
        return result
    }

    /// xrdp reads its keys without regard to case; a missing key takes xrdp 0.9's default.
    func xrdp(_ unit: EnabledUnit) throws -> RemoteDesktopServer {
        func setting(_ path: String, _ section: String, _ key: String) throws -> Sourced<String>? {
            guard let text = try host.text(path) else { return nil }
            return IniFile.parse(text, path: path).entries.last { $0.section.lowercased() == section && $0.key.lowercased() == key }.map { Sourced($0.value, $0.source) }
        }
        let layer = try setting("/etc/xrdp/xrdp.ini", "globals", "security_layer").map { Sourced($0.value.lowercased(), $0.source) }
            ?? Sourced("negotiate", .builtin("xrdp"))
        let root = try setting("/etc/xrdp/sesman.ini", "security", "allowrootlogin").map { Sourced(Self.isTrue($0.value), $0.source) }
            ?? Sourced(true, .builtin("xrdp"))
        return RemoteDesktopServer(name: "xrdp", unit: unit.unit, source: unit.source, securityLayer: layer, allowRootLogin: root)
    }

    /// `true`, `yes`, `on`, `1` (g_text2bool).
    static func isTrue(_ value: String) -> Bool { ["true", "yes", "on", "1"].contains(value.trimmed.lowercased()) }

    func x11vnc(_ unit: EnabledUnit) throws -> RemoteDesktopServer {
        var password = Sourced(false, unit.source)
        for directory in SystemdUnit.directories {
            let path = "\(directory)/\(unit.unit)"
            guard let text = try host.text(path) else { continue }
            for command in SystemdUnit.parse(text, path: path).commands() {
                let words = command.value.fields
                if words.contains("-nopw") { password = Sourced(false, command.source); continue }
                if let flag = words.firstIndex(where: { $0 == "-rfbauth" || $0 == "-passwdfile" }), flag + 1 < words.count {
                    let file = words[flag + 1].hasPrefix("rm:") || words[flag + 1].hasPrefix("read:") ? String(words[flag + 1].drop { $0 != ":" }.dropFirst()) : words[flag + 1]
                    password = Sourced(host.exists(file), command.source)
                } else {
                    password = Sourced(false, command.source)
                }
            }
            break
        }
        return RemoteDesktopServer(name: "x11vnc", unit: unit.unit, source: unit.source, passwordFile: password)
    }
}
