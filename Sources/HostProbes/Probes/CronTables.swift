import Glibc
import HardeningCore
import HostAccess

extension HostRoot {
    /// Every crontab cron reads: `/etc/crontab`, `/etc/cron.d/*` (with a user field) and users'
    /// crontabs in `/var/spool/cron/crontabs` (without). Shared by the antivirus and backup probes.
    func crontabs() throws(ProbeError) -> [Crontab] {
        var files: [(path: String, system: Bool)] = [("/etc/crontab", true)]
        // cron, like run-parts, skips names with a dot (`.dpkg-old`, `.bak`) or a tilde.
        files += try list("/etc/cron.d").filter(Self.isRunPartsName).map { ("/etc/cron.d/\($0)", true) }
        files += try userCrontabs().filter(Self.isRunPartsName).map { ("/var/spool/cron/crontabs/\($0)", false) }
        var tables: [Crontab] = []
        for file in files {
            if let text = try text(file.path) { tables.append(Crontab.parse(text, path: file.path, system: file.system)) }
        }
        return tables
    }

    /// Users' crontabs are root's to read (the spool is mode 1730): as another user there are none to
    /// read. As root, a spool that cannot be listed (a FIFO or a loop in an image) is reported.
    private func userCrontabs() throws(ProbeError) -> [String] {
        do {
            return try list("/var/spool/cron/crontabs")
        } catch {
            if geteuid() != 0 { return [] }
            throw error
        }
    }

    /// A name run-parts (and cron for /etc/cron.d) would run: letters, digits, `_` and `-` only.
    static func isRunPartsName(_ name: String) -> Bool {
        !name.isEmpty && name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_" || $0 == "-") }
    }
}
