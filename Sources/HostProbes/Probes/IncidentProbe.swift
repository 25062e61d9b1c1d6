import FoundationEssentials
import HardeningCore
import HostAccess

/// Readiness for the incident steps (VN-TD-INC-001, VN-TD-INC-003): the record of the last restore
/// rehearsal and the "Báo cáo sự cố" launchers. Reads two small files and one record, never runs anything.
struct IncidentProbe {
    let host: HostRoot

    /// The launcher's file name; the package installs it in the second place, `attt fix` in the first.
    /// The first found is the one the menu shows (XDG_DATA_DIRS puts /usr/local/share before /usr/share).
    static let launcherName = "attt-bao-cao-su-co.desktop"
    static let launcherPlaces = ["/usr/local/share/applications", "/usr/share/applications"]

    func collect() throws(ProbeError) -> IncidentFacts {
        IncidentFacts(lastRestoreCheck: try restoreCheck(), reportLauncher: try launcher())
    }

    func restoreCheck() throws(ProbeError) -> RestoreCheck? {
        let path = RestoreCheckRecord.path
        guard let data = try host.read(path) else { return nil }
        let record: RestoreCheckRecord
        do {
            record = try JSONDecoder().decode(RestoreCheckRecord.self, from: data)
        } catch {
            throw ProbeError(path: path, reason: "not an attt restore-check record: \(error)")
        }
        guard Timestamp.parse(record.time) != nil else { throw ProbeError(path: path, reason: "time: not an ISO 8601 time: \(record.time)") }
        let source = SourceLocation(path: path)
        return RestoreCheck(time: Sourced(record.time, source), verified: Sourced(record.verified, source), tool: record.tool, snapshot: record.snapshot)
    }

    /// A launcher without `Exec=` is kept with an empty command, so the evidence names the file.
    func launcher() throws(ProbeError) -> DesktopLauncher? {
        for place in Self.launcherPlaces {
            let path = "\(place)/\(Self.launcherName)"
            if let text = try host.text(path) { return Self.launcher(IniFile.parse(text, path: path), path: path) }
        }
        return nil
    }

    static func launcher(_ file: IniFile, path: String) -> DesktopLauncher {
        let section = "Desktop Entry"
        let exec = file.value(section, "Exec") ?? Sourced("", SourceLocation(path: path))
        let hiding = [file.value(section, "Hidden"), file.value(section, "NoDisplay")].compactMap { $0 }
        let hidden = hiding.first { $0.value == "true" }.map { Sourced(true, $0.source) } ?? Sourced(false, SourceLocation(path: path))
        return DesktopLauncher(name: path, exec: exec, hidden: hidden)
    }
}
