import Glibc
import HardeningCore
import HostAccess

/// Fix targets that are symbolic links (issue 12, point 3). `/etc/login.defs -> /srv/conf/login.defs`:
/// the fix changes the file the link leads to (inside the root), and the journal keeps both the link
/// and that file, so a rollback puts both back byte for byte. Restoring only the link would leave the
/// changed file behind it while `attt rollback` says it restored everything.
extension Applier {
    /// A link whose target a fix cannot safely write: refused before anything changes.
    public struct LinkedTargetRefused: Error, CustomStringConvertible {
        public var path: String
        public var reason: String
        public var description: String { "\(path) is not changed: \(reason). Replace the link with the file itself, or point it at a regular file, and fix again." }
    }

    /// The host paths the journal keeps for each step, checked for the whole plan before the first change.
    func keptPaths(_ plan: RemediationPlan) throws -> [[String]] {
        try plan.steps.map { try keptPaths($0.action) }
    }

    func keptPaths(_ action: RemediationAction) throws -> [String] {
        // Commands write where they write (systemctl replaces an enablement link, never its unit file):
        // their links are kept as links.
        guard case .writeFile(let path, _, _, _) = action else { return action.touchedFiles }
        let target: String
        do {
            target = try host.hostPathResolved(path)
        } catch {
            throw LinkedTargetRefused(path: path, reason: error.reason)
        }
        var st = stat()
        if stat(host.local(target), &st) == 0, st.st_mode & S_IFMT != S_IFREG {
            throw LinkedTargetRefused(path: path, reason: "it leads to \(target), which is not a regular file")
        }
        return target == path ? [path] : [path, target]
    }

    /// The host path a file write lands on: the file at the end of the links, inside the root.
    func writeDestination(_ path: String) throws -> String {
        try host.hostPathResolved(path)
    }
}
