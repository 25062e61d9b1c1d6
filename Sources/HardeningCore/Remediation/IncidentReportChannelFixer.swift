import FoundationEssentials

/// VN-TD-INC-003 (Điều 11 khoản 1 điểm a; Điều 15 khoản 2 điểm b: users report incidents to the IT
/// officer): enables attt's report socket, and on a workstation puts the "Báo cáo sự cố" entry in the
/// menu when the one it shows is missing, hidden or runs something else. The package installs both;
/// this is for a host where the socket was disabled or the entry removed or changed. The local entry
/// (`/usr/local/share/applications`) takes the place of the package's in the menu.
public struct IncidentReportChannelFixer: Fixer {
    public let name = "incident-report-channel"
    public init() {}

    public static let socket = "attt-report.socket"
    public static let wantsLink = "/etc/systemd/system/sockets.target.wants/attt-report.socket"
    /// Where the package puts the unit (usr-merged or not).
    static let unitFiles = ["/lib/systemd/system/attt-report.socket", "/usr/lib/systemd/system/attt-report.socket"]
    public static let launcherPath = "/usr/local/share/applications/attt-bao-cao-su-co.desktop"
    /// The package's entry, byte for byte (packaging/desktop/attt-bao-cao-su-co.desktop; a test keeps
    /// them equal). `--keep-open` holds the terminal until the user has read the answer.
    public static let launcher = """
        [Desktop Entry]
        Type=Application
        Name=Báo cáo sự cố
        Name[en]=Report an incident
        GenericName=Báo cáo sự cố an toàn thông tin
        GenericName[en]=Report a security incident
        Comment=Báo cho cán bộ phụ trách CNTT khi máy có dấu hiệu bất thường (Điều 11 khoản 1, Điều 15 khoản 2)
        Comment[en]=Tell the IT officer when this computer behaves abnormally
        Exec=attt incident report --keep-open
        Icon=dialog-warning
        Terminal=true
        Categories=System;Security;
        Keywords=sự cố;báo cáo;bất thường;virus;incident;report;

        """

    /// A menu entry users see that runs `attt incident report` (the control's own test, in Swift).
    public static func reaches(_ launcher: DesktopLauncher) -> Bool {
        let exec = launcher.exec.value
        return !launcher.hidden.value && ["attt incident report", "/usr/bin/attt incident report"].contains { exec == $0 || exec.hasPrefix($0 + " ") }
    }

    public func reads(_ facts: HostFacts) -> [String] { Self.unitFiles }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        var actions: [RemediationAction] = []
        guard let enabled = context.facts.services.enabled.value else {
            throw FixError.cannotFix(context.control.id, "the units enabled at boot could not be read")
        }
        if !enabled.contains(where: { $0.unit == Self.socket }) {
            guard Self.unitFiles.contains(where: { context.files[$0] != nil }) else {
                throw FixError.cannotFix(context.control.id, "\(Self.socket) is not installed (\(Self.unitFiles.joined(separator: ", "))): install attt from its Debian package, which ships it")
            }
            let root = context.root == "/" ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable", Self.socket], touches: [Self.wantsLink], inRoot: false))
        }
        if context.role == .workstation && !(context.facts.incident.value?.reportLauncher.map(Self.reaches) ?? false) {
            actions.append(.writeFile(path: Self.launcherPath, content: Data(Self.launcher.utf8), mode: 0o644))
        }
        return actions
    }
}
