import HardeningCore
import HostAccess

/// The patterns of include directives (sshd's `Include`, nft's `include`): absolute, or relative to
/// the program's directory; `*`, `?` and `[…]` in any component; hidden names skipped; sorted, as
/// glob(3) returns them.
enum IncludePattern {
    static func expand(
        _ pattern: String, relativeTo base: String,
        list: (String) throws(ProbeError) -> [String], problem: (ProbeError) -> Void
    ) -> [String] {
        let absolute = pattern.hasPrefix("/") ? pattern : base + "/" + pattern
        var paths = ["/"]
        for component in absolute.split(separator: "/") {
            let glob = Glob(String(component))
            var next: [String] = []
            for directory in paths {
                let prefix = directory == "/" ? "/" : directory + "/"
                if glob.isLiteral {
                    next.append(prefix + component)
                    continue
                }
                do {
                    next += try list(directory).filter { !$0.hasPrefix(".") && glob.matches($0) }.map { prefix + $0 }
                } catch {
                    problem(error)
                }
            }
            paths = next
        }
        return paths.sorted()
    }
}
