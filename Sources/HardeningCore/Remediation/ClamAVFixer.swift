import FoundationEssentials

/// VN-TD-AV-001 (Điều 6 — Trang thiết bị — khoản 2: every computer protected against malware):
/// ClamAV and its updater from the distribution, freshclam enabled at boot, and a weekly scan of user
/// data at low priority. No resident clamd: it needs over 1 GiB of memory, too much for office PCs.
/// Files found are reported, never deleted.
public struct ClamAVFixer: Fixer {
    public let name = "clamav"
    public init() {}

    static let cronFile = "/etc/cron.d/attt-clamscan"
    static let cron = """
        # attt VN-TD-AV-001 (Điều 6 — Trang thiết bị — khoản 2): weekly scan of user data, low priority,
        # report only (no file is moved or deleted).
        SHELL=/bin/sh
        PATH=/usr/local/sbin:/usr/local/bin:/sbin:/bin:/usr/sbin:/usr/bin
        30 12 * * 3 root nice -n 19 ionice -c3 clamscan -r -i --no-summary /home /tmp /var/tmp /media >> /var/log/clamav/attt-scan.log 2>&1

        """
    public static let wantsLink = "/etc/systemd/system/multi-user.target.wants/clamav-freshclam.service"

    public func reads(_ facts: HostFacts) -> [String] { [Self.cronFile] }

    public func plan(_ context: FixContext) throws -> [RemediationAction] {
        guard let antivirus = context.facts.antivirus.value else { throw FixError.cannotFix(context.control.id, "the antivirus facts could not be collected") }
        var actions: [RemediationAction] = []
        let approved = antivirus.engines.filter(\.approved)
        let clamav = approved.first { $0.id == "clamav" }
        if approved.isEmpty {
            actions.append(.runCommand(arguments: ["apt-get", "install", "-y", "--no-install-recommends", "clamav", "clamav-freshclam"], touches: [], inRoot: true))
        }
        if approved.isEmpty || clamav?.updaterEnabled == false {
            let root = context.root == "/" ? ["--now"] : ["--root", context.root]
            actions.append(.runCommand(arguments: ["systemctl"] + root + ["enable", "clamav-freshclam.service"], touches: [Self.wantsLink], inRoot: false))
        }
        if !antivirus.scheduledScans.contains(where: \.weekly) && context.files[Self.cronFile] != Data(Self.cron.utf8) {
            actions.append(.writeFile(path: Self.cronFile, content: Data(Self.cron.utf8), mode: 0o644))
        }
        return actions
    }
}
